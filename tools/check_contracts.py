"""Architecture checks that import-linter does not make (run by `make lint`).

1. No private name crosses modules: ``from hoso.x import _name`` is refused outside tests (a name
   another module needs is part of its module's interface: give it a public name).

Exit status 1 with one line per offence (file:line: message)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _skipped(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" in parts or "migrations" in parts or parts[-1] == "conftest.py"


def private_imports(path: Path) -> list[str]:
    """``from hoso.… import _x`` in ``path`` where ``_x`` is private to another module."""
    here = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("hoso"):
            continue
        if node.module == here:
            continue
        for alias in node.names:
            name = alias.name
            if name.startswith("_") and not name.startswith("__"):
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: imports the private name "
                    f"{name!r} of {node.module} (make it public there)"
                )
    return found


def main() -> int:
    offences = []
    for path in sorted((ROOT / "hoso").rglob("*.py")):
        if not _skipped(path):
            offences += private_imports(path)
    for line in offences:
        print(line)
    return 1 if offences else 0


if __name__ == "__main__":
    sys.exit(main())
