"""reportgen: NHS board papers and meeting packs from spreadsheets.

The pipeline, one module per stage::

    workbook   read the .xlsx into rows that remember their cells
    validate   check those rows and build the typed model (model.py)
    analysis   pandas: percentages, status counts, grouping
    markup     the small, safe Markdown used in narrative cells
    render     Jinja templates (user folder first, then built-ins) to HTML
    pdf        WeasyPrint to a tagged PDF, appended PDFs stamped in
    build      runs the stages and writes the output safely

The command line (cli.py) only parses options and calls :func:`reportgen.build.build_paper`.
"""

__version__ = "0.1.0"
