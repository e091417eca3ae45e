"""Regenerate the workbook-format section of README.md from reportgen/workbook/schema.py.

Run: .venv/bin/python scripts/update_readme.py
"""

from pathlib import Path

from reportgen.workbook.reference import replace_section

readme = Path(__file__).resolve().parent.parent / "README.md"
readme.write_text(replace_section(readme.read_text(encoding="utf-8")), encoding="utf-8")
print(f"Updated {readme}")
