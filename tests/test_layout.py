"""The code's layout keeps the design visible: private names stay in their module,
imports inside functions say why they are there, and the README's table of modules
matches the tree. (The layers and the absence of cycles are checked by `lint-imports`,
which `make test` runs before pytest.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reportgen"


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)


def dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_uses_another_modules_private_names():
    found = []
    for path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}  # local name -> reportgen module it names
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportgen"):
                for alias in node.names:
                    if is_private(alias.name):
                        found.append(f"{dotted(path)}:{node.lineno} imports "
                                     f"{node.module}.{alias.name}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("reportgen"):
                        aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and is_private(node.attr):
                base = ast.unparse(node.value)
                if base in aliases:
                    found.append(f"{dotted(path)}:{node.lineno} uses {base}.{node.attr}")
    assert found == []


def explained(lines: list[str], index: int) -> bool:
    """Whether the import on line ``index`` (0-based), or the run of imports, blank
    lines and comments it belongs to, carries a comment."""
    while index >= 0:
        line = lines[index].strip()
        if "#" in line:
            return True
        if line and not line.startswith(("import ", "from ")):
            return False
        index -= 1
    return False


def test_imports_inside_functions_say_why():
    """An import inside a function is there to keep start-up fast, never to hide a
    cycle: each says so in a comment on its line or just above. The command line's
    commands import their implementation when run (its docstring says so)."""
    unexplained = []
    for path in modules():
        if path.name == "cli.py":
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [alias.name for alias in node.names])
                if not any(name.startswith("reportgen") for name in names):
                    continue
                if not explained(lines, node.lineno - 1):
                    unexplained.append(f"{dotted(path)}:{node.lineno}")
    assert unexplained == []


def test_the_readme_layout_table_lists_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout of the code", 1)[1].split("\n## ", 1)[0]
    listed = set()
    for row in section.splitlines():
        if not row.startswith("| `reportgen/"):
            continue
        first_cell = row.split("|")[1]
        names = re.findall(r"`([^`]+\.py)`", first_cell)
        folder = Path(names[0]).parent
        listed |= {names[0], *(str(folder / name) for name in names[1:])}
    actual = {str(p.relative_to(ROOT)) for p in modules()
              if p.name not in ("__init__.py", "__main__.py")}
    assert sorted(actual - listed) == [], "modules missing from the README's table"
    assert sorted(listed - actual) == [], "the README's table names modules that are gone"
