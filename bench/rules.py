"""Benchmark of the assessment rule sets: in-process and through the command line.

    .venv/bin/python bench/rules.py [--students N] [--seed S] [--skip-cli] [--quick]

``--quick``: 2,000 students, every measure and check in seconds (``make bench-quick``).

Generates N students (default 100 000) deterministically: TT22/2021 and TT43/2021 secondary
students (8–9 score subjects + 3–4 comment subjects, 2 terms, 2–5 regular results each, a realistic
score spread; 20 000 distinct students cycled to N, each about 3 KB of JSON) and, for a separate
figure, N/10 TT27/2020 primary pupils. Measures, in the same run:

* in-process: ``hoso.assessment.rules.evaluate_many`` over every secondary student (full result,
  including explanations), against a baseline: a naive ``Decimal`` implementation that computes
  only the averages and the unadjusted learning levels of the same students;
* command line: ``python -m hoso.assessment evaluate`` on the whole array (process start-up, JSON
  parsing, evaluation and JSON output), against a baseline: ``json.loads`` + ``json.dumps`` of the
  same payload in-process.

The LAST line holds the figures (students/s). Targets: ≥ 50 000/s in-process on one core,
≥ 10 000/s through the command line. It also says which secondary engine is active (``compiled``
after ``python -m hoso.assessment.build``, else ``pure``; ``HOSO_ASSESSMENT_ENGINE=pure`` forces
it), the pure engine's in-process rate on a sample, and how the command line ran (JSON library,
processes; ``HOSO_ASSESSMENT_JOBS=1`` for one process).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoso.assessment import cli as assessment_cli  # noqa: E402
from hoso.assessment.rules import (  # noqa: E402
    REGISTRY,
    evaluate,
    evaluate_many,
    secondary,
    secondary_engine,
)

# (code, name, assessment, periods per year)
LOWER_SECONDARY = [
    ("NGU_VAN", "Ngữ văn", "score", 140),
    ("TOAN", "Toán", "score", 140),
    ("NGOAI_NGU", "Ngoại ngữ 1", "score", 105),
    ("GDCD", "Giáo dục công dân", "score", 35),
    ("LS_DL", "Lịch sử và Địa lí", "score", 105),
    ("KHTN", "Khoa học tự nhiên", "score", 140),
    ("CONG_NGHE", "Công nghệ", "score", 52),
    ("TIN_HOC", "Tin học", "score", 35),
    ("GDTC", "Giáo dục thể chất", "comment", 70),
    ("NGHE_THUAT", "Nghệ thuật", "comment", 70),
    ("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", "comment", 105),
    ("GDDP", "Nội dung giáo dục của địa phương", "comment", 35),
]
UPPER_SECONDARY = [
    ("NGU_VAN", "Ngữ văn", "score", 105),
    ("TOAN", "Toán", "score", 105),
    ("NGOAI_NGU", "Ngoại ngữ 1", "score", 105),
    ("LICH_SU", "Lịch sử", "score", 52),
    ("GDQP", "Giáo dục quốc phòng và an ninh", "score", 35),
    ("VAT_LI", "Vật lí", "score", 70),
    ("HOA_HOC", "Hóa học", "score", 70),
    ("SINH_HOC", "Sinh học", "score", 70),
    ("TIN_HOC", "Tin học", "score", 70),
    ("GDTC", "Giáo dục thể chất", "comment", 70),
    ("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", "comment", 105),
    ("GDDP", "Nội dung giáo dục của địa phương", "comment", 35),
]
PRIMARY = [
    ("TIENG_VIET", True),
    ("TOAN", True),
    ("NGOAI_NGU", True),
    ("LS_DL", True),
    ("KHOA_HOC", True),
    ("TIN_HOC_CONG_NGHE", True),
    ("DAO_DUC", False),
    ("AM_NHAC", False),
    ("MI_THUAT", False),
    ("GDTC", False),
    ("HDTN", False),
]
QUALITIES = ("yeu_nuoc", "nhan_ai", "cham_chi", "trung_thuc", "trach_nhiem")
COMPETENCIES = (
    "tu_chu_tu_hoc",
    "giao_tiep_hop_tac",
    "giai_quyet_van_de_sang_tao",
    "ngon_ngu",
    "tinh_toan",
    "khoa_hoc",
    "cong_nghe",
    "tin_hoc",
    "tham_mi",
    "the_chat",
)


def _score_pool(ability: float) -> tuple[list[int | float], list[float]]:
    """Scores as teachers enter them (mostly whole or half points) and their cumulative weights."""
    values: list[int | float] = []
    weights: list[float] = []
    for tenths in range(101):
        weight = math.exp(-(((tenths / 10) - ability) ** 2) / (2 * 1.2**2))
        weight *= 7 if tenths % 5 == 0 else 1
        values.append(tenths // 10 if tenths % 10 == 0 else tenths / 10)
        weights.append(weight)
    return values, list(itertools.accumulate(weights))


#: ten ability bands from weak (4,5) to strong (9,0)
POOLS = [_score_pool(4.5 + 0.5 * band) for band in range(10)]
BAND_WEIGHTS = (1, 2, 4, 7, 10, 12, 10, 7, 4, 2)


def _regular_count(periods: int) -> int:
    return 2 if periods <= 35 else 3 if periods <= 70 else 4


def secondary_student(rng: random.Random, ruleset: str) -> dict:
    grade = rng.randint(6, 12)
    plan = LOWER_SECONDARY if grade <= 9 else UPPER_SECONDARY
    values, cum = POOLS[rng.choices(range(10), weights=BAND_WEIGHTS)[0]]
    draws = iter(rng.choices(values, cum_weights=cum, k=130))
    marks = iter(rng.choices(("D", "CD"), weights=(97, 3), k=40))
    subjects = []
    for code, name, kind, periods in plan:
        subject: dict = {
            "code": code,
            "name": name,
            "assessment": kind,
            "periods_per_year": periods,
        }
        for term in ("term1", "term2"):
            if kind == "score":
                count = _regular_count(periods) + (1 if rng.random() < 0.1 else 0)
                subject[term] = {
                    "regular": [next(draws) for _ in range(count)],
                    "midterm": next(draws),
                    "final": next(draws),
                }
            else:
                subject[term] = {
                    "regular": [next(marks), next(marks)],
                    "midterm": next(marks),
                    "final": next(marks),
                }
        subjects.append(subject)
    training = rng.choices(("T", "K", "D", "CD"), weights=(60, 25, 12, 3), k=2)
    absences = rng.randint(0, 60) if rng.random() < 0.02 else rng.randint(0, 10)
    return {
        "ruleset": ruleset,
        "grade": grade,
        "subjects": subjects,
        "training": {"term1": training[0], "term2": training[1]},
        "absences": absences,
    }


def primary_pupil(rng: random.Random) -> dict:
    grade = rng.randint(1, 5)
    tested = {1: 2, 2: 2, 3: 4, 4: 6, 5: 6}[grade]
    ability = rng.gauss(8.0, 1.2)
    subjects = []
    for index, (code, _) in enumerate(PRIMARY):
        subject: dict = {"code": code, "level": rng.choices("THC", weights=(60, 38, 2))[0]}
        if index < tested:
            subject["final_test"] = int(min(10, max(0, round(rng.gauss(ability, 1.0)))))
        subjects.append(subject)
    return {
        "ruleset": "TT27_2020",
        "grade": grade,
        "subjects": subjects,
        "qualities": {k: rng.choices("TDC", weights=(70, 29, 1))[0] for k in QUALITIES},
        "competencies": {k: rng.choices("TDC", weights=(70, 29, 1))[0] for k in COMPETENCIES},
        "class_recognised": rng.random() < 0.1,
    }


# ---------------------------------------------------------------------- naive Decimal baseline

_ONE_DECIMAL = Decimal("0.1")


def _naive_level(scores: list[Decimal], comments: list[bool]) -> str:
    fails = comments.count(False)
    good = sum(1 for s in scores if s >= Decimal("8.0"))
    fair = sum(1 for s in scores if s >= Decimal("6.5"))
    passed = sum(1 for s in scores if s >= Decimal("5.0"))
    if fails == 0 and all(s >= Decimal("6.5") for s in scores) and good >= 6:
        return "T"
    if fails == 0 and all(s >= Decimal("5.0") for s in scores) and fair >= 6:
        return "K"
    if fails <= 1 and all(s >= Decimal("3.5") for s in scores) and passed >= 6:
        return "D"
    return "CD"


def naive_decimal(case: dict) -> dict:
    """The straightforward implementation: Decimal(str(x)) and quantize(ROUND_HALF_UP)."""
    averages: dict[str, dict[str, Decimal]] = {}
    periods: dict[str, tuple[list[Decimal], list[bool]]] = {
        p: ([], []) for p in ("term1", "term2", "year")
    }
    for subject in case["subjects"]:
        if subject["assessment"] == "score":
            result = {}
            for term in ("term1", "term2"):
                data = subject[term]
                regular = [Decimal(str(v)) for v in data["regular"]]
                total = (
                    sum(regular)
                    + 2 * Decimal(str(data["midterm"]))
                    + 3 * Decimal(str(data["final"]))
                )
                result[term] = (total / (len(regular) + 5)).quantize(_ONE_DECIMAL, ROUND_HALF_UP)
            result["year"] = ((result["term1"] + 2 * result["term2"]) / 3).quantize(
                _ONE_DECIMAL, ROUND_HALF_UP
            )
            averages[subject["code"]] = result
            for period in periods:
                periods[period][0].append(result[period])
        else:
            for term in ("term1", "term2"):
                data = subject[term]
                marks = [*data["regular"], data["midterm"], data["final"]]
                passed = 3 * marks.count("D") >= 2 * len(marks) and data["final"] == "D"
                periods[term][1].append(passed)
            periods["year"][1].append(periods["term2"][1][-1])
    return {
        "subjects": averages,
        "learning": {p: _naive_level(*periods[p]) for p in periods},
    }


# ---------------------------------------------------------------------- measurements


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def best_of(repeats: int, func) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def check_agreement(cases: list[dict], results: list[dict], sample: int = 2000) -> None:
    """The fast results must equal the naive Decimal ones (averages and unadjusted levels)."""
    for case, result in zip(cases[:sample], results[:sample], strict=True):
        naive = naive_decimal(case)
        for code, averages in naive["subjects"].items():
            for period, value in averages.items():
                got = result["subjects"][code][period]
                if Decimal(str(got)) != value:
                    raise SystemExit(f"mismatch {code} {period}: {got} != {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20211)
    parser.add_argument("--skip-cli", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 students: every measure and check in seconds"
    )
    args = parser.parse_args()
    if args.quick:
        args.students = min(args.students, 2_000)
    n = args.students
    sample = max(1, n // 10)  # baselines and the primary figure are rates measured on a sample

    rng = random.Random(args.seed)
    start = time.perf_counter()
    gc.disable()  # building millions of objects; the collector would only slow this down
    distinct = [
        secondary_student(rng, "TT43_2021" if i % 5 == 4 else "TT22_2021")
        for i in range(min(n, 20_000))
    ]
    cases = [distinct[i % len(distinct)] for i in range(n)]
    pupils = [primary_pupil(rng) for _ in range(sample)]
    gc.enable()
    gc.collect()
    gc.freeze()  # the generated input is not the evaluation's garbage: keep it out of GC scans
    print(
        f"generated {len(distinct)} distinct secondary students (cycled to {n}) in "
        f"{time.perf_counter() - start:.1f} s"
    )

    results: list[dict] = []

    def run_fast() -> None:
        # The batch API, as the command line and the grade book use it. It pauses the cyclic
        # collector; the young-generation collection that follows is counted here too.
        results[:] = evaluate_many(cases)
        gc.collect(0)

    def run_one_by_one() -> None:
        results[:] = [evaluate(case) for case in cases[:sample]]

    one_by_one = best_of(1, run_one_by_one)
    results.clear()
    gc.collect()
    fast = best_of(1, run_fast)
    check_agreement(cases, results)
    print(
        f"year learning levels: {_count(r['learning']['year'] for r in results)}; "
        f"decisions: {_count(r['decision'] for r in results)}"
    )
    results.clear()  # 100 000 results would otherwise be scanned by every later GC pass
    gc.collect()
    naive = best_of(1, lambda: [naive_decimal(case) for case in cases[:sample]])
    primary = best_of(1, lambda: [evaluate(case) for case in pupils])
    engine = "compiled" if secondary.ENGINE.startswith("compiled") else "pure"
    pure_rate = None
    if engine == "compiled":
        pure = {
            code: REGISTRY[code].with_engine(secondary_engine)
            for code in REGISTRY
            if code != "TT27_2020"
        }
        pure_time = best_of(1, lambda: [pure[c["ruleset"]].evaluate(c) for c in cases[:sample]])
        pure_rate = _rate(sample, pure_time)
    in_process = _rate(n, fast)
    naive_rate = _rate(sample, naive)
    print(f"secondary engine: {secondary.ENGINE}")
    print(
        f"in-process TT22/TT43 (full results, evaluate_many): {n} students in {fast:.2f} s = "
        f"{in_process:,.0f}/s"
    )
    print(
        f"in-process, one evaluate() call per student with the collector on ({sample} students): "
        f"{_rate(sample, one_by_one):,.0f}/s"
    )
    if pure_rate is not None:
        print(f"in-process, pure Python engine ({sample} students): {pure_rate:,.0f}/s")
    print(
        f"baseline, naive Decimal (averages + unadjusted levels only, {sample} students): "
        f"{naive_rate:,.0f}/s"
    )
    print(f"in-process TT27 primary ({sample} pupils): {_rate(sample, primary):,.0f}/s")
    summary = (
        f"in_process={in_process:.0f}/s naive_decimal={naive_rate:.0f}/s "
        f"speedup={in_process / naive_rate:.1f}x"
    )
    extra = f" engine={engine} one_by_one={_rate(sample, one_by_one):.0f}/s"
    if pure_rate is not None:
        extra += f" in_process_pure={pure_rate:.0f}/s"

    if not args.skip_cli:
        payload = json.dumps(cases, ensure_ascii=False).encode("utf-8")
        part = json.dumps(cases[:sample], ensure_ascii=False).encode("utf-8")

        def json_round_trip() -> None:
            gc.disable()  # as the command line does
            try:
                json.dumps(json.loads(part), ensure_ascii=False, separators=(",", ":"))
            finally:
                gc.enable()

        json_rate = _rate(sample, best_of(1, json_round_trip))
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        # Files on stdin and stdout, as documented (`evaluate < case.json > result.json`): feeding
        # a pipe from this process (subprocess's 4 KB writes) would measure this process instead.
        with tempfile.TemporaryDirectory(prefix="hoso-bench-") as tmp:
            source, target = Path(tmp) / "in.json", Path(tmp) / "out.json"
            source.write_bytes(payload)
            with source.open("rb") as stdin, target.open("wb") as stdout:
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-m", "hoso.assessment", "evaluate"],
                    stdin=stdin,
                    stdout=stdout,
                    stderr=subprocess.PIPE,
                    env=env,
                    cwd=ROOT,
                    check=False,
                )
                cli = time.perf_counter() - start
            output = target.read_bytes()
        if proc.returncode != 0:
            raise SystemExit(f"command line failed ({proc.returncode}): {proc.stderr[-500:]!r}")
        gc.disable()
        out = json.loads(output)
        gc.enable()
        if len(out) != n or out[0] != evaluate(cases[0]) or out[-1] != evaluate(cases[-1]):
            raise SystemExit("command-line results differ from in-process results")
        cli_rate = _rate(n, cli)
        library = "orjson" if assessment_cli.orjson is not None else "json"
        jobs = 1
        if (
            len(payload) >= assessment_cli.PARALLEL_MIN_BYTES
            or n >= assessment_cli.PARALLEL_MIN_CASES
        ):
            jobs = assessment_cli._cpus()
        print(
            f"command line ({library}, {jobs} process{'es' if jobs > 1 else ''}): "
            f"{len(payload) / 1e6:.0f} MB in, {len(output) / 1e6:.0f} MB out, "
            f"{cli:.1f} s = {cli_rate:,.0f}/s; baseline, json round trip alone ({sample} "
            f"students, in-process, standard library): {json_rate:,.0f}/s"
        )
        summary += (
            f" cli={cli_rate:.0f}/s json_roundtrip={json_rate:.0f}/s "
            f"cli_vs_json={cli_rate / json_rate:.2f}x"
        )
        extra += f" cli_json={library} cli_jobs={jobs}"
    print(f"RESULT students={n} {summary}{extra}")


def _count(values) -> dict:
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return dict(sorted(counts.items(), key=str))


if __name__ == "__main__":
    main()
