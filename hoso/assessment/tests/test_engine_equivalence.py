"""The optimised engine (pure and compiled) and the command line give byte-identical results.

The oracle is the frozen pre-optimisation implementation (``reference/``); the cases come from
``cases.generated_cases``: clean students near every threshold, odd inputs that take each careful
path, summer and re-test follow-ups, case parameters, other rule sets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from hoso.assessment import cli
from hoso.assessment.rules import evaluate, registry, secondary, secondary_engine
from hoso.assessment.tests import reference
from hoso.assessment.tests.cases import generated_cases

ROOT = Path(__file__).resolve().parents[3]
COUNT = 4000


def compact(value: object) -> str:
    """The command line's JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@pytest.fixture(scope="module")
def cases() -> list[Any]:
    return generated_cases(COUNT, seed=20211, evaluate=reference.evaluate_reference)


@pytest.fixture(scope="module")
def expected(cases: list[Any]) -> list[str]:
    return [compact(reference.evaluate_reference(c)) for c in cases]


def evaluate_with(engine: types.ModuleType, case: Any) -> dict:
    """``evaluate`` with the secondary rule sets running on ``engine`` (no shared caches)."""
    if not isinstance(case, dict) or case.get("ruleset") not in ("TT22_2021", "TT43_2021"):
        return evaluate(case)
    ruleset = registry.REGISTRY[case["ruleset"]].with_engine(engine)
    params = case.get("params")
    if params is not None:
        if not isinstance(params, dict):
            return evaluate(case)
        try:
            ruleset = ruleset.with_params(**{k: registry._freeze(v) for k, v in params.items()})
        except (TypeError, ValueError):
            return evaluate(case)
    return ruleset.evaluate(case)


def _first_difference(cases: list[Any], expected: list[str], got: list[str]) -> str:
    for case, want, have in zip(cases, expected, got, strict=True):
        if want != have:
            return f"case {json.dumps(case, ensure_ascii=False)[:400]}\nwant {want}\nhave {have}"
    return ""


def test_the_cases_reach_every_path(cases: list[Any], expected: list[str]) -> None:
    text = "\n".join(expected)
    for needle in (
        '"decision":"LEN_LOP"',
        '"decision":"KIEM_TRA_LAI"',
        '"decision":"REN_LUYEN_HE"',
        '"decision":"REN_LUYEN_HE_VA_KIEM_TRA_LAI"',
        '"decision":"O_LAI_LOP"',
        '"final_decision":"LEN_LOP"',
        '"final_decision":"O_LAI_LOP"',
        '"title":"XUAT_SAC"',
        '"title":"GIOI"',
        "Điều 9 khoản 3",
        "MISSING_REGULAR",
        "MISSING_PERIODIC",
        "OUT_OF_RANGE",
        "BAD_PRECISION",
        "UNKNOWN_LEVEL",
        "MISSING_INPUT",
        "BAD_INPUT",
        "UNKNOWN_RULESET",
        "MANUAL_REVIEW",
        '"exempt":true',
        '"retest":',
        "+params",
    ):
        assert needle in text, needle


def test_active_engine_gives_the_reference_results_byte_for_byte(cases, expected) -> None:
    got = [compact(evaluate(c)) for c in cases]
    assert not _first_difference(cases, expected, got), secondary.ENGINE


def test_pure_engine_gives_the_reference_results_byte_for_byte(cases, expected) -> None:
    got = [compact(evaluate_with(secondary_engine, c)) for c in cases]
    assert not _first_difference(cases, expected, got)


def test_compiled_engine_gives_the_pure_results(cases, expected) -> None:
    if not secondary.ENGINE.startswith("compiled"):
        pytest.skip(f"no compiled engine ({secondary.ENGINE}); python -m hoso.assessment.build")
    compiled = secondary.ENGINE_MODULE
    assert compiled is not secondary_engine
    got = [compact(evaluate_with(compiled, c)) for c in cases]
    assert not _first_difference(cases, expected, got)


def test_results_are_fresh_objects_every_time(cases) -> None:
    case = next(c for c in cases if isinstance(c, dict) and c.get("ruleset") == "TT22_2021")
    first, second = evaluate(case), evaluate(case)
    assert first == second and first is not second
    first["subjects"].clear()
    first["explanation"].append("changed")
    assert evaluate(case) == second


# ---------------------------------------------------------------------- engine choice


def _engine_in_new_process(value: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("HOSO_ASSESSMENT_ENGINE", None)
    if value is not None:
        env["HOSO_ASSESSMENT_ENGINE"] = value
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from hoso.assessment.rules import secondary; print(secondary.ENGINE)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_pure_engine_can_be_forced() -> None:
    proc = _engine_in_new_process("pure")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("pure")


def test_asking_for_the_compiled_engine_fails_loudly_when_it_is_not_usable() -> None:
    usable = _engine_in_new_process("auto").stdout.startswith("compiled")
    proc = _engine_in_new_process("compiled")
    if usable:
        assert proc.returncode == 0 and proc.stdout.startswith("compiled")
    else:
        assert proc.returncode != 0 and "HOSO_ASSESSMENT_ENGINE=compiled" in proc.stderr
    assert _engine_in_new_process("fastest").returncode != 0


def test_a_stale_compiled_engine_is_not_used(monkeypatch) -> None:
    stale = types.ModuleType(f"hoso.assessment.rules.{secondary.COMPILED_MODULE}")
    stale.SOURCE_SHA256 = "0" * 64  # type: ignore[attr-defined]
    stale.Engine = None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, stale.__name__, stale)
    monkeypatch.setattr(
        sys.modules["hoso.assessment.rules"], secondary.COMPILED_MODULE, stale, raising=False
    )
    monkeypatch.setenv("HOSO_ASSESSMENT_ENGINE", "auto")
    module, how = secondary._load_engine()
    assert module is secondary_engine and "stale" in how
    stale.SOURCE_SHA256 = secondary.source_digest()  # type: ignore[attr-defined]
    assert secondary._load_engine() == (stale, "compiled (mypyc)")


# ---------------------------------------------------------------------- command line


def test_one_decimal_floats_print_alike_with_and_without_orjson() -> None:
    for tenths in range(101):
        value = tenths / 10
        assert cli.dumps(value) == json.dumps(value).encode()
    assert cli.dumps([8.0, 0.0, 10.0]) == b"[8.0,0.0,10.0]"


def test_command_line_output_is_the_reference_bytes(cases, expected, monkeypatch) -> None:
    want = ("[" + ",".join(expected) + "]\n").encode()
    for orjson in (cli.orjson, None):
        monkeypatch.setattr(cli, "orjson", orjson)
        parsed = cli.loads(json.dumps(cases, ensure_ascii=False).encode())
        assert parsed == cases
        out = _Sink()
        cli.write_results(parsed, out, jobs=1)
        assert out.getvalue() == want, f"orjson={orjson is not None}"


class _Sink:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def _run_cli(stdin: bytes, jobs: str | None = None, extra: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("HOSO_ASSESSMENT_JOBS", None)
    if jobs is not None:
        env["HOSO_ASSESSMENT_JOBS"] = jobs
    code = extra + "import runpy; runpy.run_module('hoso.assessment', run_name='__main__')"
    return subprocess.run(
        [sys.executable, "-c", code, "evaluate"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def batch(cases: list[Any], expected: list[str]) -> tuple[bytes, bytes]:
    """1 500 cases and the reference output for them."""
    return (
        json.dumps(cases[:1500], ensure_ascii=False).encode(),
        ("[" + ",".join(expected[:1500]) + "]\n").encode(),
    )


# The thresholds lowered in the child, so that small inputs take the parallel paths too.
SPLIT = "import hoso.assessment.cli as c\nc.PARALLEL_MIN_BYTES = 0\nc.PARALLEL_MIN_CASES = 1\n"
SHARED = (
    "import hoso.assessment.cli as c\nc.PARALLEL_MIN_BYTES = 1 << 62\nc.PARALLEL_MIN_CASES = 1\n"
)


NO_ORJSON = "import sys\nsys.modules['orjson'] = None\n"


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
@pytest.mark.parametrize("mode", ["split", "shared", "split without orjson"])
def test_batches_in_several_processes_keep_order_and_bytes(batch, jobs, mode) -> None:
    payload, want = batch
    setup = {"split": SPLIT, "shared": SHARED, "split without orjson": NO_ORJSON + SPLIT}[mode]
    proc = _run_cli(payload, jobs, setup)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == want


def test_a_large_batch_with_the_default_settings(cases, expected) -> None:
    repeat = cli.PARALLEL_MIN_CASES // len(cases) + 1
    payload = json.dumps(cases * repeat, ensure_ascii=False).encode()
    assert len(payload) > cli.PARALLEL_MIN_BYTES
    proc = _run_cli(payload)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == ("[" + ",".join(expected * repeat) + "]\n").encode()


def test_the_input_is_cut_only_between_cases(cases) -> None:
    # (write_split never cuts an input with a long number: orjson would read it as a float)
    some = [c for c in cases if not cli.has_long_number(json.dumps(c).encode())][:50]
    payload = json.dumps(some, ensure_ascii=False).encode()
    cuts = cli.split_points(payload, 4)
    assert cuts is not None and len(cuts) == 3
    pieces = [cli._piece(payload, cuts, i) for i in range(4)]
    assert all(pieces) and sum(pieces, []) == some
    assert cli.split_points(b'[{"a": 1}, {"b": 2}]', 2) is None  # no "ruleset" key: no guess


@pytest.mark.parametrize(
    "tail",
    [
        # a nested array of objects starting with "ruleset": a false cut, found by the parse
        ',{"ruleset":"TT22_2021","history":[{"ruleset":"TT22_2021"},{"ruleset":"X"}],"subjects":[]}]',
        ',{"ruleset":"TT22_2021","subjects":[]},]',  # trailing comma: invalid JSON
        ',{"ruleset":"TT22_2021","subjects":[}]',  # broken in the last piece
        ',{"ruleset":"TT22_2021","name":"},{\\"ruleset\\":1","subjects":[]}]',
    ],
)
def test_a_wrong_or_invalid_cut_gives_the_whole_input_result(cases, tail) -> None:
    head = json.dumps(cases[:40], ensure_ascii=False).encode()[:-1]
    payload = head + tail.encode()
    try:
        data = json.loads(payload)
    except ValueError as exc:
        want_code, want = 2, str(exc).encode()
    else:
        want_code, want = 0, reference.dumps([reference.evaluate_reference(c) for c in data])
    for jobs, setup in (("2", SPLIT), ("3", SPLIT), ("2", NO_ORJSON + SPLIT)):
        proc = _run_cli(payload, jobs, setup)
        assert proc.returncode == want_code, proc.stderr[-2000:]
        assert (proc.stdout == want) if want_code == 0 else (want in proc.stderr)


def test_a_failing_helper_process_is_replaced_by_the_main_one(batch) -> None:
    payload, want = batch
    # Helpers die before writing anything; the main process evaluates their chunks itself.
    sabotage = (
        "import os, hoso.assessment.cli as c\n"
        "def _die(fd, data): os._exit(3)\n"
        "c._write_all = _die\n"
    )
    for mode in (SPLIT, SHARED):
        proc = _run_cli(payload, "2", mode + sabotage)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout == want


@pytest.mark.parametrize(
    "text",
    [
        # orjson would read these integers as floats: the standard library reads them exactly
        '{"ruleset":"TT22_2021","absences":123456789012345678901234567890,"subjects":[]}',
        '{"ruleset":"TT22_2021","absences":-9223372036854775809,"subjects":[]}',
        # orjson refuses these; the standard library accepts them
        '\ufeff{"ruleset":"TT22_2021","absences":1e400,"subjects":[]}',
        '{"ruleset":"TT22_2021","subjects":[{"code":"A","assessment":"score","periods_per_year":1e400}]}',
        '[{"ruleset":"TT22_2021","grade":"\\u00e9","subjects":null}, 5, "x", null]',
    ],
)
def test_inputs_where_orjson_differs_give_the_standard_library_result(text) -> None:
    data = json.loads(text.encode())
    if isinstance(data, list):
        want = reference.dumps([reference.evaluate_reference(c) for c in data])
    else:
        want = reference.dumps(reference.evaluate_reference(data))
    proc = _run_cli(text.encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == want


@pytest.mark.parametrize("stdin", [b"{bad", b"[1, 2", b"NaN", b'{"a": -Infinity}', b"\xff\xfe{"])
def test_error_messages_are_the_standard_library_ones(stdin) -> None:
    try:
        json.loads(stdin, parse_constant=cli._reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        message = str(exc)
    proc = _run_cli(stdin)
    assert proc.returncode == 2
    assert message in proc.stderr.decode()


def test_the_engine_type_checks_so_that_mypyc_can_compile_it() -> None:
    pytest.importorskip("mypy", reason="mypy (which includes mypyc) is not installed")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--cache-dir=/dev/null",
            str(Path(secondary_engine.__file__)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_the_stamp_covers_every_rules_module_the_engine_imports() -> None:
    import ast

    tree = ast.parse(Path(secondary_engine.__file__).read_text(encoding="utf-8"))
    imported = {
        f"{node.module}.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    }
    assert imported <= set(secondary.ENGINE_SOURCES), imported
    assert secondary.ENGINE_SOURCES[0] == "secondary_engine.py"
