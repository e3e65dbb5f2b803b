"""Benchmark of the document register (hoso/correspondence), document part.

    .venv/bin/python bench/registers.py [--db sqlite|postgres] [--registrations 60]
                                        [--documents 2000] [--quick]

Creates its own database with bench/_common.py (PostgreSQL ``hoso_bench_registers``, SQLite
``/tmp/hoso_bench_registers.sqlite3``), migrates and builds the small test school. The clock is
set to Wednesday 18 November 2026, so the run does not depend on the day. With DEBUG off:

a. **register an incoming document**: one POST of ``correspondence:incoming_new`` by the clerk
   through the test client (middleware, the actor, the upload sniffed and hashed, its PDF text
   extracted, the file stored, the next "số đến" under the counter's row lock, the audit event,
   the redirect), then the principal's direction POST (route to a lead and a supporting person)
   → p50 / p95 of ``--registrations`` runs each. Baseline measured in the same run: one audited
   write of nothing (``audit_record`` in a transaction: the floor of any audited action).
   Target: p95 < 150 ms.
b. **print the outgoing register of ``--documents`` documents**: ``register_data`` +
   ``render_register`` (Typst, A4 landscape, every Appendix IV column), best of 2. Target: < 10 s.
   Also the Excel export of the same rows.
``--quick``: 5 registrations, 100 documents — every path in seconds, failing loudly on a broken
path. Targets are reported (met / MISSED), not enforced. The RESULT line holds all figures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def bench_registering(world, runs: int):
    from _common import quick_check
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from hoso.archive.testing import pdf_bytes
    from hoso.audit.actions import audit_record
    from hoso.correspondence.models import IncomingDocument

    content = pdf_bytes("Công văn về việc tổ chức thi học sinh giỏi cấp huyện năm học 2026-2027")
    clerk, principal = Client(), Client()
    clerk.force_login(world.users["clerk"])
    principal.force_login(world.users["principal"])
    register_times, direct_times, base = [], [], []
    for i in range(runs + 1):  # run 0 warms up (imports, first compile of the templates)
        data = {
            "author": "Phòng Giáo dục và Đào tạo",
            "their_symbol": f"{500 + i}/PGDĐT-THCS",
            "their_date": "2026-11-16",
            "type_name": "Công văn",
            "summary": f"V/v tổ chức thi học sinh giỏi lần {i}",
            "urgency": "normal",
            "medium": "electronic",
            "file": SimpleUploadedFile("cv.pdf", content, content_type="application/pdf"),
        }
        t0 = time.perf_counter()
        answer = clerk.post(reverse("correspondence:incoming_new"), data)
        if i:
            register_times.append(time.perf_counter() - t0)
        quick_check(answer.status_code == 302, f"register POST answered {answer.status_code}")
        doc = IncomingDocument.objects.latest("pk")
        t0 = time.perf_counter()
        answer = principal.post(
            reverse("correspondence:incoming_direct", args=[doc.pk]),
            {
                "lead": str(world.users["vice"].pk),
                "support": [str(world.users["homeroom"].pk)],
                "deadline": "2026-11-30",
                "directive": "Đ/c Mai chủ trì.",
            },
        )
        if i:
            direct_times.append(time.perf_counter() - t0)
        quick_check(answer.status_code == 302, f"direct POST answered {answer.status_code}")
        t0 = time.perf_counter()
        with transaction.atomic():
            audit_record(event_type="correspondence.bench", school_id=world.school.pk)
        base.append(time.perf_counter() - t0)
    numbers = sorted(IncomingDocument.objects.values_list("number", flat=True))
    quick_check(numbers == list(range(1, runs + 2)), "số đến not consecutive")
    quick_check(
        IncomingDocument.objects.filter(state="directed").count() == runs + 1, "not all directed"
    )
    return register_times, direct_times, base


def grow_outgoing(world, n: int) -> None:
    """``n`` issued outgoing documents of 2026 (bulk: the bench measures printing, not writing)."""
    from django.utils import timezone

    from hoso.correspondence.models import DocumentType, NumberCounter, OutgoingDocument

    types = list(DocumentType.objects.filter(school=world.school).exclude(abbreviation=""))
    now = timezone.now()
    principal = world.users["principal"]
    rows = []
    for i in range(1, n + 1):
        t = types[i % len(types)]
        rows.append(
            OutgoingDocument(
                school=world.school,
                doc_type=t,
                summary=f"{t.name} về việc tổ chức hoạt động số {i} của nhà trường",
                recipients="- Phòng GDĐT;\n- Các tổ chuyên môn;\nLưu: VT.",
                state="issued",
                drafted_by=principal,
                drafted_at=now,
                signer=principal,
                signer_name="Nguyễn Văn Hùng",
                signer_title="HIỆU TRƯỞNG",
                signed_at=now,
                year=2026,
                number=i,
                symbol=f"{i:02d}/{t.abbreviation}-CVA",
                document_date=now.date(),
                issued_at=now,
            )
        )
    OutgoingDocument.objects.bulk_create(rows, batch_size=500)
    NumberCounter.objects.update_or_create(
        school=world.school, register="outgoing", year=2026, defaults={"last_number": n}
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--registrations", type=int, default=60)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="5 registrations, 100 documents")
    args = parser.parse_args()
    if args.quick:
        args.registrations, args.documents = 5, 100

    from _common import (
        bench_database_url,
        bench_environment,
        django_setup,
        machine,
        ms,
        percentile,
        quick_check,
    )

    url = bench_database_url(args.db, name="hoso_bench_registers")
    var_dir = tempfile.mkdtemp(prefix="hoso-bench-registers-")
    django_setup(bench_environment(url, var_dir=var_dir))
    import time_machine

    from hoso.core.clock import VN_TZ

    time_machine.travel(datetime(2026, 11, 18, 9, 0, tzinfo=VN_TZ), tick=True).start()
    from django.core.management import call_command

    from hoso.correspondence import actions, registers
    from hoso.testing.factories import small_school

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = small_school()
    actions.office_setup(school=world.school)
    print(f"set-up (migrate, small school): {time.perf_counter() - t0:.1f} s")

    reg, direct, base = bench_registering(world, args.registrations)
    r95, d95, b95 = percentile(reg, 95), percentile(direct, 95), percentile(base, 95)
    print(
        f"a. register incoming POST, {args.registrations} runs: p50 {ms(percentile(reg, 50))}, "
        f"p95 {ms(r95)} ({'met' if r95 < 0.15 else 'MISSED'} < 150 ms); direct POST p95 "
        f"{ms(d95)}; baseline audited nothing p95 {ms(b95)} → ratio {r95 / b95:.1f}"
    )

    grow_outgoing(world, args.documents)
    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        data = registers.register_data(school=world.school, book=registers.OUTGOING_BOOK, year=2026)
        pdf = registers.render_register(data)
        runs.append(time.perf_counter() - t0)
    best, first = min(runs), runs[0]
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    quick_check(len(data["sections"][0]["rows"]) == args.documents, "register rows")
    t0 = time.perf_counter()
    xlsx = registers.register_excel(data)
    excel = time.perf_counter() - t0
    quick_check(len(xlsx) > 1000, "excel export")
    print(
        f"b. outgoing register of {args.documents} documents: first {first:.2f} s, best "
        f"{best:.2f} s for {pages} pages "
        f"({'met' if best < 10 else 'MISSED'} < 10 s); Excel {excel:.2f} s"
    )
    print(machine())
    print(
        f"RESULT registers db={args.db} register_p95_ms={r95 * 1000:.1f} "
        f"direct_p95_ms={d95 * 1000:.1f} baseline_p95_ms={b95 * 1000:.1f} "
        f"documents={args.documents} print_first_s={first:.2f} print_s={best:.2f} pages={pages} excel_s={excel:.2f}"
    )


if __name__ == "__main__":
    main()
