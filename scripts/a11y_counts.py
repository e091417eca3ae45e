"""Count, per rule, what a screen reader would get wrong in PDFs (issue 15).

    .venv/bin/python scripts/a11y_counts.py output/*.pdf

Prints for each file its /Table elements and logical tables, data cells, element IDs,
whether it has an IDTree, ParentTreeNextKey and page labels, and the number of
findings of each of reportgen check's own rules (see reportgen/pdf/check.py).
"""

from __future__ import annotations

import collections
import sys

import pikepdf

from reportgen.pdf.check import own_checks
from reportgen.pdf.structure import walk_elements
from reportgen.pdf.tables import logical_tables


def counts(path: str) -> str:
    with pikepdf.open(path) as pdf:
        tree = pdf.Root.StructTreeRoot
        elements = [e for e, _ in walk_elements(tree)]
        groups = logical_tables(pdf)
        rules = collections.Counter(f.rule for f in own_checks(pdf))
        cells = sum(e.get("/S") == pikepdf.Name.TD for e in elements)
        facts = (f"pages={len(pdf.pages)} TD={cells} "
                 f"Table elements={sum(len(g) for g in groups)} logical tables={len(groups)} "
                 f"IDs={sum('/ID' in e for e in elements)} IDTree={'/IDTree' in tree} "
                 f"ParentTreeNextKey={'/ParentTreeNextKey' in tree} "
                 f"PageLabels={'/PageLabels' in pdf.Root}")
    return f"{path}\n  {facts}\n  {dict(sorted(rules.items())) or 'no findings'}"


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(counts(argument))
