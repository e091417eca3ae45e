"""The Word export: the paper as an editable .docx (``reportgen build --docx``).

At the level of :mod:`reportgen.render` and :mod:`reportgen.pdf`, importing neither: it
works from the same typed model and analysis they do.
"""
