"""Benchmark of the printing service: a class of 45 students with grade-book results (both
terms, approved), their transcripts rendered in process, and the batch job (merged PDF).

    .venv/bin/python bench/printing.py [--db sqlite|postgres] [--students 45] [--runs 3]
                                       [--quick]

Creates its own database with bench/_common.py (PostgreSQL ``hoso_bench_printing``, SQLite
``/tmp/hoso_bench_printing.sqlite3``), migrates, builds the small test school with the class.
Measures (best of ``--runs``):

a. **render**: ``render_transcript(data)`` for the 45 precomputed data dicts, one compilation
   each → pages/s (Typst in process, one core);
a2. **batch render**: ``render_transcripts(datas, verifications=…)`` — the 45 in one compilation,
   each with its own QR code — and ``split_transcripts`` → pages/s (the issue's target:
   ≥ 100 pages/s);
b. **data + render**: ``transcript_data`` + ``render_transcript`` per student → pages/s;
b2. **class data + batch render**: ``class_transcripts_data`` + ``render_transcripts`` → pages/s;
c. **batch**: ``actions.job_run`` of a class job (data, render, pypdf merge, storage) → wall
   time and pages/s.
Typst memoises layout across compilations in one process, so rendering the same data twice is
nearly free; before every timed run the results of the class are changed (random averages in
every subject, ``_shuffle``), so that each run lays out pages it has not seen.
Baseline, measured in the same run: as many compilations of a one-line A4 page with the same
pinned fonts (Typst's fixed cost per document); ``render_ratio`` = a. ÷ baseline.
``--quick``: 5 students, one run — every path in seconds; a failed job stops it
(``make bench-quick``). The LAST line holds all figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Đức",
    "Vũ Thị Giang",
    "Đặng Minh Hải",
    "Bùi Thị Hằng",
    "Đỗ Quang Huy",
    "Hồ Thị Khánh",
    "Ngô Văn Lâm",
    "Dương Thị Mai",
    "Lý Văn Nam",
    "Phan Thị Ngọc",
    "Trịnh Văn Phúc",
]


def build(students: int):
    from hoso.printing.tests.helpers import approve_year, graded_class
    from hoso.testing.factories import small_school

    world = small_school()
    extra = [f"{NAMES[i % len(NAMES)]}" for i in range(students - 1)]
    rich, pupils = graded_class(world, extra_students=extra)
    approve_year(world, rich)
    return world, pupils


def _shuffle(school_class, seed: int) -> None:
    """New random averages (5,0–10,0) in every subject result of the class: pages not seen yet."""
    import random

    from hoso.gradebook.results.models import StudentResult

    rng = random.Random(seed)
    rows = list(StudentResult.objects.filter(class_result__school_class=school_class))
    for sr in rows:
        for item in (sr.data.get("subjects") or {}).values():
            for key in ("term1", "term2", "year"):
                if isinstance(item.get(key), float):
                    item[key] = round(rng.uniform(5, 10), 1)
    StudentResult.objects.bulk_update(rows, ["data"])


def _runs(args, world, fn) -> float:
    """Best time of ``args.runs`` runs of ``fn(datas)``, each on freshly shuffled results."""
    from hoso.printing.documents import class_transcripts_data

    best = float("inf")
    for _ in range(args.runs):
        _RUN[0] += 1
        _shuffle(world.class_a, _RUN[0])
        pupils = _PUPILS[0]
        datas = class_transcripts_data(school_class=world.class_a, students=pupils)
        start = time.perf_counter()
        fn(datas)
        best = min(best, time.perf_counter() - start)
    return best


_RUN = [0]
_PUPILS: list = [None]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--students", type=int, default=45)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="5 students, 1 run: the same paths in seconds"
    )
    args = parser.parse_args()
    if args.quick:
        args.students, args.runs = min(args.students, 5), 1

    from _common import bench_database_url, bench_environment, django_setup, machine

    url = bench_database_url(args.db, name="hoso_bench_printing")
    var_dir = tempfile.mkdtemp(prefix="hoso-bench-printing-")
    django_setup(bench_environment(url, var_dir=var_dir))
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world, pupils = build(args.students)
    print(
        f"set-up (migrate, {len(pupils)} graded and approved students): "
        f"{time.perf_counter() - t0:.1f} s"
    )

    import io

    from pypdf import PdfReader

    from hoso.printing import actions
    from hoso.printing.documents import (
        class_transcripts_data,
        render_transcript,
        render_transcripts,
        split_transcripts,
        transcript_data,
    )
    from hoso.printing.models import PrintJob

    _PUPILS[0] = pupils
    datas = [transcript_data(student=s, year=world.year) for s in pupils]
    render_transcript(datas[0])  # warm-up: fonts loaded once per process
    pages = sum(len(PdfReader(io.BytesIO(render_transcript(d))).pages) for d in datas)

    def verifications(n):
        return [
            {"code": f"ABCD-{i:04d}", "url": f"https://hoso.example.vn/xac-minh/ABCD-{i:04d}"}
            for i in range(n)
        ]

    best_render = _runs(args, world, lambda ds: [render_transcript(d) for d in ds])
    best_batch_render = _runs(
        args, world, lambda ds: render_transcripts(ds, verifications=verifications(len(ds)))
    )
    merged = render_transcripts(datas, verifications=verifications(len(datas)))
    best_split = min(_timed(lambda: split_transcripts(merged)) for _ in range(args.runs))
    best_full = _runs(
        args,
        world,
        lambda _ds: [
            render_transcript(transcript_data(student=s, year=world.year)) for s in pupils
        ],
    )
    best_class_data = _runs(
        args,
        world,
        lambda _ds: class_transcripts_data(school_class=world.class_a, students=pupils),
    )
    best_class = _runs(
        args,
        world,
        lambda _ds: render_transcripts(
            class_transcripts_data(school_class=world.class_a, students=pupils)
        ),
    )
    batch = []
    for _ in range(args.runs):
        _RUN[0] += 1
        _shuffle(world.class_a, _RUN[0])
        job = PrintJob.objects.create(
            school=world.school,
            year=world.year,
            requested_by=world.users["homeroom"],
            scope="class",
            school_class=world.class_a,
            output="pdf",
            total=len(pupils),
        )
        start = time.perf_counter()
        job = actions.job_run(job.pk)
        batch.append(time.perf_counter() - start)
        assert job.state == "done" and job.pages == pages, (job.state, job.error)
    best_batch = min(batch)
    best_baseline = min(_timed(lambda: _baseline(len(datas))) for _ in range(args.runs))
    print(f"machine: {machine()}")
    print(f"baseline: {len(datas)} one-line A4 pages, one compilation each: {best_baseline:.3f} s")
    print(
        f"a. render only: {pages} pages in {best_render:.3f} s → {pages / best_render:.0f} pages/s"
    )
    print(
        f"a2. batch render (one compilation, QR per transcript): {best_batch_render:.3f} s → "
        f"{pages / best_batch_render:.0f} pages/s; split into {len(datas)} PDFs: "
        f"{best_split:.3f} s"
    )
    print(f"b. data + render: {best_full:.3f} s → {pages / best_full:.0f} pages/s")
    print(f"b1. class data only: {best_class_data:.3f} s")
    print(f"b2. class data + batch render: {best_class:.3f} s → {pages / best_class:.0f} pages/s")
    print(f"c. batch job (merged PDF): {best_batch:.3f} s → {pages / best_batch:.0f} pages/s")
    print(
        f"RESULT printing db={args.db} students={len(pupils)} pages={pages} "
        f"render_pps={pages / best_render:.0f} "
        f"batch_render_pps={pages / best_batch_render:.0f} split_s={best_split:.3f} "
        f"data_render_pps={pages / best_full:.0f} "
        f"class_data_s={best_class_data:.3f} "
        f"class_data_batch_render_pps={pages / best_class:.0f} "
        f"batch_s={best_batch:.2f} batch_pps={pages / best_batch:.0f} "
        f"baseline_s={best_baseline:.3f} render_ratio={best_render / best_baseline:.1f}"
    )


def _baseline(n: int) -> None:
    """Typst's fixed cost: n compilations of a one-line page with the same pinned fonts and the
    same kind of compiler as render_pdf (data passed as an input, so each page differs)."""
    import typst

    from hoso.printing.render import FONT_DIR, PINNED_FAMILY, font_family

    folder = Path(tempfile.mkdtemp(prefix="hoso-bench-baseline-"))
    main = folder / "main.typ"
    main.write_text(
        '#set page(paper: "a4")\n#set text(font: sys.inputs.font)\nSổ điểm #sys.inputs.n\n',
        encoding="utf-8",
    )
    fonts = [str(FONT_DIR)] if font_family() == PINNED_FAMILY else []
    compiler = typst.Compiler(root=str(folder), font_paths=fonts, ignore_system_fonts=True)
    for i in range(n):
        compiler.compile(
            input=str(main), format="pdf", sys_inputs={"font": font_family(), "n": str(i)}
        )


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
