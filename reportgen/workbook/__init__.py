"""Stage 1: the workbook — read the .xlsx, check it against its contract, build the typed model.

``reader`` reads sheets into rows that remember their cells, ``schema`` is the
contract (sheets, columns, fields, statuses), ``validate`` checks every value into
``model``; ``starter`` writes a starter workbook and ``reference`` the README's
description of the format.
"""
