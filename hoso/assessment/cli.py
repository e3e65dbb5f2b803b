"""Command-line contract of the assessment rule sets (other tools rely on it: keep it stable).

    python -m hoso.assessment evaluate < case.json > result.json
    python -m hoso.assessment rulesets            # registered rule sets and their parameters

``evaluate`` reads one case object, or an array of cases, as JSON on stdin and prints one result,
or an array of results in the same order, as JSON (UTF-8) on stdout. Exit status: 0 when the
JSON was read, even if cases carry validation errors (they are in each result's ``errors``);
2 with a message on stderr when stdin is not valid JSON or not an object/array; 64 on bad usage.
Only the standard library, orjson (optional) and the pure rule sets are imported, so start-up
stays fast.

Speed (docs/PERFORMANCE.md): with orjson installed, JSON is parsed and written by orjson, and the
bytes are the same as the standard library's (``ensure_ascii=False``, ``separators=(",", ":")``):
orjson is used only where it gives the same value (inputs it refuses, and inputs with integers of
19 digits or more, which it would turn into floats, go to the standard library, so accepted
inputs and error messages do not change); output it cannot write goes to the standard library.
An array of at least :data:`PARALLEL_MIN_CASES` cases is evaluated in as many processes as there
are usable CPUs (at most :data:`MAX_JOBS`; ``HOSO_ASSESSMENT_JOBS=1`` turns this off): the parsed
input is shared by ``fork``, each process evaluates and serialises a contiguous chunk, and the
chunks are written in order; if a helper process fails, its chunk is evaluated in the main one.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import sys
from typing import Any, BinaryIO, TextIO

try:  # optional accelerator; the standard library gives the same bytes, more slowly
    import orjson
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    orjson = None

USAGE = """usage: python -m hoso.assessment evaluate [--indent N]
       python -m hoso.assessment rulesets

evaluate   read a case (JSON object) or an array of cases from stdin, write the result(s) to stdout
rulesets   list the registered rule sets, their versions and parameters as JSON
"""

EXIT_OK = 0
EXIT_BAD_JSON = 2
EXIT_USAGE = 64

#: Arrays with at least this many cases are evaluated in several processes.
PARALLEL_MIN_CASES = 5000
#: Inputs of at least this size (≈ 5 000 cases of ≈ 3 KB) are cut before parsing, one piece per
#: process, when that is possible (see :func:`split_points`); else parsed whole, then shared.
PARALLEL_MIN_BYTES = 16 << 20
MAX_JOBS = 8

#: Set by ``python -m hoso.assessment``: the process ends with ``os._exit`` after flushing, so the
#: parsed input is not freed object by object first (about 1.3 s for 100 000 students).
FAST_EXIT = False
_RETAINED: list[object] = []

# orjson reads integers outside the 64-bit range as floats; the standard library keeps them exact.
# Any run of 19 digits (conservative: also inside strings or long fractions) sends the input to the
# standard library. Digits are mapped to "0" chunk by chunk, then searched for as one string.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19
_SCAN_CHUNK = 1 << 22


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def has_long_number(raw: bytes) -> bool:
    """Whether ``raw`` holds 19 digits in a row (where orjson and the standard library differ)."""
    size = len(raw)
    step = _SCAN_CHUNK
    overlap = len(_LONG_DIGITS) - 1
    for start in range(0, size, step):
        chunk = raw[max(0, start - overlap) : start + step].translate(_DIGITS_TO_ZERO)
        if chunk.find(_LONG_DIGITS) >= 0:
            return True
    return False


def loads(raw: bytes, *, long_number: bool | None = None) -> Any:
    """``json.loads(raw)`` rejecting NaN/Infinity; orjson where it gives the same value.

    Raises what the standard library raises (``ValueError``, ``UnicodeDecodeError``...): every
    input orjson refuses is handed to the standard library, which decides and words the error.
    ``long_number``: the result of :func:`has_long_number` when the caller already has it.
    """
    if long_number is None:
        long_number = orjson is not None and has_long_number(raw)
    if orjson is not None and not long_number:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return json.loads(raw, parse_constant=_reject_constant)


def dumps(value: object, indent: int | None = None) -> bytes:
    """UTF-8 JSON, the bytes of ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``.

    With ``indent``, ``json.dumps(value, ensure_ascii=False, indent=indent)``. orjson writes the
    compact form when it can (rule-set results hold only str, bool, None, dicts, lists and
    one-decimal floats, which both print alike); anything it refuses (non-string keys, integers
    beyond 64 bits, lone surrogates...) goes to the standard library.
    """
    if indent is None:
        if orjson is not None:
            try:
                return orjson.dumps(value)
            except TypeError:  # orjson.JSONEncodeError is a TypeError
                pass
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8")


def _write_json(value: object, out: BinaryIO, indent: int | None) -> None:
    out.write(dumps(value, indent))
    out.write(b"\n")


def _cpus() -> int:
    setting = os.environ.get("HOSO_ASSESSMENT_JOBS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return min(int(setting), MAX_JOBS)
    try:
        return min(len(os.sched_getaffinity(0)), MAX_JOBS)
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return min(os.cpu_count() or 1, MAX_JOBS)


def jobs_for(count: int) -> int:
    """How many processes evaluate an array of ``count`` cases."""
    if count < PARALLEL_MIN_CASES or not hasattr(os, "fork"):
        return 1
    return max(1, min(_cpus(), count))


_BLANK = b" \t\r\n"


def split_points(raw: bytes, parts: int) -> list[int] | None:
    """Offsets of commas that may cut the top-level array into ``parts`` pieces (or ``None``).

    A cut is a comma between ``}`` and ``{"ruleset"`` (the first key of a case, as written by
    this project and documented), found near each ``k / parts`` of the input. It is only a
    guess: each piece must then parse as a non-empty array, which proves the comma was a
    top-level one (a comma inside a string or a nested value leaves a piece unbalanced).
    """
    size = len(raw)
    cuts: list[int] = []
    for k in range(1, parts):
        pos = raw.find(b'"ruleset"', max(size * k // parts, cuts[-1] + 2 if cuts else 0))
        for _ in range(64):
            if pos < 0:
                return None
            j = pos - 1
            while j > 0 and raw[j] in _BLANK:
                j -= 1
            if raw[j] == 0x7B:  # {
                j -= 1
                while j > 0 and raw[j] in _BLANK:
                    j -= 1
                if raw[j] == 0x2C:  # ,
                    i = j - 1
                    while i > 0 and raw[i] in _BLANK:
                        i -= 1
                    if raw[i] == 0x7D:  # }
                        cuts.append(j)
                        break
            pos = raw.find(b'"ruleset"', pos + 9)
        else:
            return None
    return cuts


def _piece(raw: bytes, cuts: list[int], index: int) -> list[Any] | None:
    """The ``index``-th piece of the array, parsed; ``None`` if it is not a non-empty array.

    Parsed by orjson (``None`` for a piece with a long number, which orjson would read
    differently) or, without orjson, by the standard library, as :func:`loads` would.
    """
    start = 0 if index == 0 else cuts[index - 1] + 1
    stop = cuts[index] if index < len(cuts) else len(raw)
    text = raw[start:stop]
    if index > 0:
        text = b"[" + text
    if index < len(cuts):
        text = text + b"]"
    try:
        if orjson is None:
            value = json.loads(text, parse_constant=_reject_constant)
        elif has_long_number(text):
            return None  # the whole input goes to loads(), which hands it to the standard library
        else:
            value = orjson.loads(text)
    except (ValueError, UnicodeDecodeError):  # orjson.JSONDecodeError is a ValueError
        return None
    return value if type(value) is list and value else None


def write_split(raw: bytes, out: BinaryIO, jobs: int) -> bool:
    """Parse and evaluate ``raw`` in ``jobs`` processes, one piece each (see :func:`split_points`).

    Writes nothing and returns False when the input cannot be cut that way (the caller then
    parses it whole, which gives the same results or the usual error); otherwise writes the
    results, in order, and returns True.
    """
    if jobs < 2:
        return False
    cuts = split_points(raw, jobs)
    if cuts is None:
        return False
    from . import rules  # noqa: F401  # imported once, before any fork

    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    for index in range(1, len(cuts) + 1):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child process
            status = 1
            try:
                os.close(read_end)
                for _, other in children:
                    os.close(other)
                cases = _piece(raw, cuts, index)
                if cases is None:
                    status = 2
                else:
                    _write_all(write_end, _evaluated(cases))
                    status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        children.append((pid, read_end))
    cases = _piece(raw, cuts, 0)
    parts = [_evaluated(cases)] if cases is not None else []
    if FAST_EXIT:
        _RETAINED.append(cases)
    del cases
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            part = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and part[:1] == b"[" and part[-1:] == b"]":
            parts.append(part)
    if len(parts) != len(cuts) + 1:
        return False  # a piece did not parse (or a helper failed): parse the whole input
    out.write(memoryview(parts[0])[:-1])
    for part in parts[1:]:
        out.write(b",")
        out.write(memoryview(part)[1:-1])
    out.write(b"]\n")
    return True


def _evaluated(cases: list[Any]) -> bytes:
    from .rules import evaluate

    results = [evaluate(case) for case in cases]
    if FAST_EXIT:
        _RETAINED.append(results)  # not freed one by one before the output is written
    return dumps(results)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_results(cases: list[Any], out: BinaryIO, jobs: int) -> None:
    """Evaluate ``cases`` and write the JSON array of results (and a newline) to ``out``.

    With ``jobs > 1``, chunk 0 is evaluated here and chunks 1… in forked processes; each chunk is
    serialised as an array, and the arrays are joined without their brackets, in order.
    """
    from . import rules  # noqa: F401  # imported once, before any fork

    if jobs <= 1:
        out.write(_evaluated(cases))
        out.write(b"\n")
        return
    size = -(-len(cases) // jobs)
    bounds = [(i, min(i + size, len(cases))) for i in range(0, len(cases), size)]
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    for start, stop in bounds[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child process
            status = 1
            try:
                os.close(read_end)
                for _, other in children:
                    os.close(other)
                _write_all(write_end, _evaluated(cases[start:stop]))
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        children.append((pid, read_end))
    parts = [_evaluated(cases[bounds[0][0] : bounds[0][1]])]
    for (pid, read_end), (start, stop) in zip(children, bounds[1:], strict=True):
        with os.fdopen(read_end, "rb") as pipe:
            part = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or part[:1] != b"[" or part[-1:] != b"]":
            part = _evaluated(cases[start:stop])  # the helper failed: evaluate its chunk here
        parts.append(part)
    out.write(memoryview(parts[0])[:-1])
    for part in parts[1:]:
        out.write(b",")
        out.write(memoryview(part)[1:-1])
    out.write(b"]\n")


def evaluate_command(stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO, indent: int | None) -> int:
    # A short-lived process that builds millions of acyclic objects: the cyclic garbage collector
    # only costs time here (json.loads of a large array runs about 2.5 times faster without it).
    gc.disable()
    raw = stdin.read()
    if indent is None and len(raw) >= PARALLEL_MIN_BYTES and hasattr(os, "fork"):
        stdout.flush()  # nothing buffered may be written twice by a forked process
        if write_split(raw, stdout, _cpus()):
            return EXIT_OK
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" (dòng {exc.lineno}, cột {exc.colno})"
        stderr.write(
            f"hoso.assessment evaluate: dữ liệu vào không phải JSON hợp lệ{where}: {exc}\n"
            f"hoso.assessment evaluate: input is not valid JSON{where}: {exc}\n"
        )
        return EXIT_BAD_JSON
    del raw
    if FAST_EXIT:
        _RETAINED.append(data)  # freed by the operating system at exit, not object by object
    if not isinstance(data, (dict, list)):
        stderr.write(
            "hoso.assessment evaluate: cần một đối tượng hồ sơ hoặc một mảng hồ sơ JSON.\n"
            "hoso.assessment evaluate: expected a JSON case object or an array of cases.\n"
        )
        return EXIT_BAD_JSON

    if isinstance(data, list) and indent is None:
        stdout.flush()  # nothing buffered may be written twice by a forked process
        write_results(data, stdout, jobs_for(len(data)))
        return EXIT_OK
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
