"""Benchmark of the printing service: a class of 45 students with grade-book results (both
terms, approved), their transcripts rendered in process, and the batch job (merged PDF).

    .venv/bin/python -m hoso.printing.bench [--db sqlite|postgres] [--students 45] [--runs 3]

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
The LAST line holds all figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--students", type=int, default=45)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

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

    datas = [transcript_data(student=s, year=world.year) for s in pupils]
    render_transcript(datas[0])  # warm-up: fonts loaded once per process
    pages = sum(len(PdfReader(io.BytesIO(render_transcript(d))).pages) for d in datas)

    best_render = min(
        _timed(lambda: [render_transcript(d) for d in datas]) for _ in range(args.runs)
    )
    verifications = [
        {"code": f"ABCD-{i:04d}", "url": f"https://hoso.example.vn/xac-minh/ABCD-{i:04d}"}
        for i in range(len(datas))
    ]
    best_batch_render = min(
        _timed(lambda: render_transcripts(datas, verifications=verifications))
        for _ in range(args.runs)
    )
    merged = render_transcripts(datas, verifications=verifications)
    best_split = min(_timed(lambda: split_transcripts(merged)) for _ in range(args.runs))
    best_full = min(
        _timed(
            lambda: [render_transcript(transcript_data(student=s, year=world.year)) for s in pupils]
        )
        for _ in range(args.runs)
    )
    best_class = min(
        _timed(
            lambda: render_transcripts(
                class_transcripts_data(school_class=world.class_a, students=pupils)
            )
        )
        for _ in range(args.runs)
    )
    batch = []
    for _ in range(args.runs):
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
    print(f"machine: {machine()}")
    print(
        f"a. render only: {pages} pages in {best_render:.3f} s → {pages / best_render:.0f} pages/s"
    )
    print(
        f"a2. batch render (one compilation, QR per transcript): {best_batch_render:.3f} s → "
        f"{pages / best_batch_render:.0f} pages/s; split into {len(datas)} PDFs: "
        f"{best_split:.3f} s"
    )
    print(f"b. data + render: {best_full:.3f} s → {pages / best_full:.0f} pages/s")
    print(f"b2. class data + batch render: {best_class:.3f} s → {pages / best_class:.0f} pages/s")
    print(f"c. batch job (merged PDF): {best_batch:.3f} s → {pages / best_batch:.0f} pages/s")
    print(
        f"RESULT printing db={args.db} students={len(pupils)} pages={pages} "
        f"render_pps={pages / best_render:.0f} "
        f"batch_render_pps={pages / best_batch_render:.0f} split_s={best_split:.3f} "
        f"data_render_pps={pages / best_full:.0f} "
        f"class_data_batch_render_pps={pages / best_class:.0f} "
        f"batch_s={best_batch:.2f} batch_pps={pages / best_batch:.0f}"
    )


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
