"""Stage 4: PDF — HTML laid out by WeasyPrint, then finished and merged with pikepdf.

``layout`` is the WeasyPrint call and its locked-down fetcher; ``pool`` the worker
processes that run it; ``split`` lays a long paper out in parts and joins them;
``structure`` holds the structure-tree primitives that finishing and merging share;
``finish`` adds what WeasyPrint's tags leave out; ``graft`` puts another tagged PDF's
pages in place, ``place`` draws an untagged PDF's pages in as figures; ``pages``
reads other PDFs' page shapes; ``write`` is the whole stage for one paper; ``check``
and ``extract`` read finished PDFs.
"""
