"""Command-line contract of the assessment rule sets (other tools rely on it: keep it stable).

    python -m hoso.assessment evaluate < case.json > result.json
    python -m hoso.assessment rulesets            # registered rule sets and their parameters

``evaluate`` reads one case object, or an array of cases, as JSON on stdin and prints one result,
or an array of results in the same order, as JSON (UTF-8) on stdout. Exit status: 0 when the
JSON was read, even if cases carry validation errors (they are in each result's ``errors``);
2 with a message on stderr when stdin is not valid JSON or not an object/array; 64 on bad usage.
Only the standard library and the pure rule sets are imported, so start-up stays fast.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import sys
from typing import BinaryIO, TextIO

USAGE = """usage: python -m hoso.assessment evaluate [--indent N]
       python -m hoso.assessment rulesets

evaluate   read a case (JSON object) or an array of cases from stdin, write the result(s) to stdout
rulesets   list the registered rule sets, their versions and parameters as JSON
"""

EXIT_OK = 0
EXIT_BAD_JSON = 2
EXIT_USAGE = 64


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _write_json(value: object, out: BinaryIO, indent: int | None) -> None:
    if indent is None:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(value, ensure_ascii=False, indent=indent)
    out.write(text.encode("utf-8"))
    out.write(b"\n")


def evaluate_command(stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO, indent: int | None) -> int:
    # A short-lived process that builds millions of acyclic objects: the cyclic garbage collector
    # only costs time here (json.loads of a large array runs about 2.5 times faster without it).
    gc.disable()
    raw = stdin.read()
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" (dòng {exc.lineno}, cột {exc.colno})"
        stderr.write(
            f"hoso.assessment evaluate: dữ liệu vào không phải JSON hợp lệ{where}: {exc}\n"
            f"hoso.assessment evaluate: input is not valid JSON{where}: {exc}\n"
        )
        return EXIT_BAD_JSON
    if not isinstance(data, (dict, list)):
        stderr.write(
            "hoso.assessment evaluate: cần một đối tượng hồ sơ hoặc một mảng hồ sơ JSON.\n"
            "hoso.assessment evaluate: expected a JSON case object or an array of cases.\n"
        )
        return EXIT_BAD_JSON

    from .rules import evaluate

    if isinstance(data, list):
        result: object = [evaluate(case) for case in data]
    else:
        result = evaluate(data)
    _write_json(result, stdout, indent)
    return EXIT_OK


def rulesets_command(stdout: BinaryIO) -> int:
    from .rules import REGISTRY

    listing = [
        {
            "code": r.code,
            "version": r.version,
            "version_label": r.version_label,
            "level": list(r.level),
            "title": r.title,
            "params": dataclasses.asdict(r.params),
        }
        for r in REGISTRY.values()
    ]
    _write_json(listing, stdout, 2)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "help"):
        (sys.stdout if args else sys.stderr).write(USAGE)
        return EXIT_OK if args else EXIT_USAGE
    command, rest = args[0], args[1:]
    if command == "evaluate":
        indent = None
        if rest[:1] == ["--indent"] and len(rest) == 2 and rest[1].isdigit():
            indent = int(rest[1])
        elif rest:
            sys.stderr.write(USAGE)
            return EXIT_USAGE
        return evaluate_command(sys.stdin.buffer, sys.stdout.buffer, sys.stderr, indent)
    if command == "rulesets" and not rest:
        return rulesets_command(sys.stdout.buffer)
    sys.stderr.write(USAGE)
    return EXIT_USAGE
