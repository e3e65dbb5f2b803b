"""Check: no code outside ``hoso/assessment`` branches on a rule-set code.

Pages, the API and the prints ask the rule set (``capabilities_for(code)``), never compare its
code (STYLE.md: "Ask the rule set, never its code"). This check fails when a rule-set code (a
registered one or a legacy one) appears in a string of Python code outside ``hoso/assessment``, or
when a template (Django or Typst) tests ``primary``. Allowed: this package, migrations, tests, and
the few places that *choose* a rule set by data (:data:`ALLOWED`). Docstrings and comments may
name a circular.

Run: ``python -m hoso.assessment.check_codes`` (``make lint`` does); exit status 1 on findings.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from hoso.assessment.rules import LEGACY_CODES, REGISTRY

ROOT = Path(__file__).resolve().parents[1]  # the hoso package

#: Files that choose a rule set by data (demo schools, test factories), relative to ``hoso/``.
ALLOWED = frozenset({"demo/data.py", "testing/factories.py"})

_TEMPLATE_BRANCH = re.compile(r"\{%-?\s*(?:el)?if\b[^%]*\bprimary\b|#if\s+primary\b")


def _skipped(relative: Path) -> bool:
    parts = relative.parts
    return (
        parts[0] == "assessment"
        or "migrations" in parts
        or "tests" in parts
        or relative.name.startswith("test_")
        or relative.as_posix() in ALLOWED
    )


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (a statement that is only a string)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def python_findings(path: Path, codes: tuple[str, ...]) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            for code in codes:
                if code in node.value:
                    yield f"{path}:{node.lineno}: rule-set code {code!r} (ask the rule set)"


def template_findings(path: Path, codes: tuple[str, ...]) -> Iterator[str]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for code in codes:
            if code in line:
                yield f"{path}:{number}: rule-set code {code!r} (ask the rule set)"
        if _TEMPLATE_BRANCH.search(line):
            yield f"{path}:{number}: template branches on 'primary' (ask the rule set)"


def findings(root: Path = ROOT) -> list[str]:
    codes = tuple(sorted({*REGISTRY, *LEGACY_CODES}))
    out: list[str] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root)
        if _skipped(relative):
            continue
        if path.suffix == ".py":
            out += python_findings(path, codes)
        elif path.suffix in (".html", ".typ", ".txt"):
            out += template_findings(path, codes)
    return out


def main() -> int:
    found = findings()
    for line in found:
        print(line)
    if found:
        print(
            f"{len(found)} place(s) name a rule-set code or branch on 'primary'.", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
