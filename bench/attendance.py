"""Benchmark of attendance: marking a class, a school's month into the results, the register.

    .venv/bin/python bench/attendance.py [--db sqlite|postgres] [--classes 34] [--size 45]
                                         [--rolls 40] [--quick]

Creates its own database with bench/_common.py (PostgreSQL ``hoso_bench_attendance``, SQLite
``/tmp/hoso_bench_attendance.sqlite3``), migrates, builds the small test school and grows it to
``--classes`` classes of ``--size`` students (34 × 45 = 1,530), two sessions a day. The clock is
set to Thursday 31 December 2026 (inside the test school's year), so the run does not depend on
the day. Measures, with DEBUG off:

a. **mark a class**: one POST of the roll page (``attendance:roll``, the homeroom teacher's
   "Lưu điểm danh", through the test client: middleware, the actor, ``take_roll``, the redirect)
   for a class of ``--size``, ~3 % absent, each run on another school day or session of December
   (the open month) → p50 / p95 of ``--rolls`` runs. The follow-up is enqueued after commit (the
   database task backend, as in production) and runs in (b), not here. Target: p95 < 100 ms. Baseline: one audited
   write of nothing (``audit_record`` in a transaction: the floor of any audited action).
b. **a school's month into the results**: every class × 2 sessions × the month's school days
   (November 2026: 21 days) as rolls, ~3 % of the student-sessions absent (P, K or unconfirmed),
   then ``hoso.gradebook.results.tasks.follow_attendance`` (the subscriber's background task)
   for every class: per-term totals from ``attendance.selectors.totals`` into the homeroom
   inputs (audited), warnings, and the results of every class recomputed (the students whose
   totals changed). Measured on top of October, already summarised (b0, reported too: the
   first month, when every homeroom input and result is written); then an incremental re-sync
   (totals and inputs only). Target: < 2 s. Baseline: reading every mark of the month in one
   query.
c. **the register**: ``attendance_register_data`` + ``render_attendance_register`` of one class
   for the month (best of 3). Target: < 1 s. Baseline: one compilation of a one-line A4 page
   with the same pinned fonts.
``--quick``: 3 classes of 10, 5 rolls — every path in seconds, failing loudly on a broken path
(``make bench-quick``). The targets are reported (met / MISSED), not enforced: the figures move
with the machine's load. The RESULT line holds all figures.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Hoàng", "Thu", "Quang", "Ngọc", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hải", "Hằng", "Huy", "Khánh", "Lâm", "Mai"]
MONTH = (date(2026, 11, 1), date(2026, 11, 30))
PREVIOUS = (date(2026, 10, 1), date(2026, 10, 31))


def grow(world, classes: int, size: int, rng: random.Random) -> list:
    """The small school with ``classes`` classes of ``size`` students (bulk writes)."""
    from hoso.organisation.models import SchoolClass
    from hoso.students.models import Enrolment, Student

    out = [world.class_a, world.class_b]
    for i in range(len(out), classes):
        out.append(
            SchoolClass.objects.create(
                year=world.year, grade=world.class_a.grade, name=f"6A{i + 1}"
            )
        )
    out = out[:classes]
    have = {
        c.pk: Enrolment.objects.filter(school_class=c).count() for c in out
    }  # the small school's own students
    students, enrolments = [], []
    seq = 0
    for c in out:
        for _ in range(size - have[c.pk]):
            seq += 1
            s = Student(
                school=world.school,
                student_code=f"B{seq:09d}",
                family_name=rng.choice(FAMILY),
                middle_name=rng.choice(MIDDLE),
                given_name=rng.choice(GIVEN),
                gender=rng.choice("MF"),
                birth_date=date(2014, 1 + seq % 12, 1 + seq % 28),
            )
            s.refresh_name_keys()
            students.append((c, s))
    Student.objects.bulk_create([s for _, s in students], batch_size=500)
    for c, s in students:
        enrolments.append(
            Enrolment(student=s, year=world.year, school_class=c, start_date=world.year.start_date)
        )
    Enrolment.objects.bulk_create(enrolments, batch_size=500)
    return out


def month_of_rolls(world, classes, rng: random.Random, month=MONTH) -> int:
    """Rolls of every class, both sessions, every school day of the month; ~3 % absences."""
    from hoso.attendance.models import AttendanceMark, AttendanceRoll
    from hoso.attendance.selectors import school_days
    from hoso.core import clock
    from hoso.students.models import Enrolment

    days = school_days(classes[0], *month)
    members: dict[int, list[int]] = {}
    for cid, sid in Enrolment.objects.filter(school_class__in=classes).values_list(
        "school_class_id", "student_id"
    ):
        members.setdefault(cid, []).append(sid)
    now, user = clock.now(), world.users["homeroom"]
    rolls, marks = [], []
    for c in classes:
        for day in days:
            for session in ("morning", "afternoon"):
                rolls.append(
                    AttendanceRoll(
                        school=world.school,
                        school_class=c,
                        date=day,
                        session=session,
                        taken_by=user,
                        taken_at=now,
                        updated_at=now,
                    )
                )
                for sid in members[c.pk]:
                    if rng.random() < 0.03:
                        marks.append(
                            AttendanceMark(
                                school=world.school,
                                student_id=sid,
                                school_class=c,
                                date=day,
                                session=session,
                                status="absent",
                                excuse=rng.choice(["", "excused", "excused", "unexcused"]),
                                marked_by=user,
                                marked_at=now,
                            )
                        )
    AttendanceRoll.objects.bulk_create(rolls, batch_size=1000)
    AttendanceMark.objects.bulk_create(marks, batch_size=1000)
    return len(marks)


def bench_marking(world, runs: int, rng: random.Random) -> tuple[list[float], list[float]]:
    """One POST of the roll page per run (the homeroom teacher's "Lưu điểm danh"), each on
    another school day or session of the open month, ~3 % absent and one late."""
    from _common import quick_check
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from hoso.attendance.models import AttendanceMark
    from hoso.attendance.selectors import school_days
    from hoso.audit.actions import audit_record
    from hoso.students.models import Enrolment

    actor = world.actor("homeroom")
    client = Client()
    client.force_login(actor.user)
    url = reverse("attendance:roll", args=[world.class_a.pk])
    members = list(
        Enrolment.objects.studying()
        .filter(school_class=world.class_a)
        .values_list("student_id", flat=True)
    )
    # December, the open month on the bench's clock (31 December 2026).
    days = school_days(world.class_a, date(2026, 12, 1), date(2026, 12, 31))
    slots = [(d, s) for s in ("morning", "afternoon") for d in days]

    def post(day, session, marks) -> None:
        data = {"ngay": day.isoformat(), "buoi": session}
        data.update({f"s-{sid}": status for sid, status in marks.items()})
        answer = client.post(url, data)
        quick_check(answer.status_code == 302, f"roll POST answered {answer.status_code}")

    # Warm-up (untimed): the first request of the process loads templates and compiles queries.
    post(*slots[-1], {})
    times, base = [], []
    for i in range(runs):
        marks = dict.fromkeys(rng.sample(members, max(1, len(members) * 3 // 100)), "absent")
        marks[rng.choice(members)] = "late"
        start = time.perf_counter()
        post(*slots[i % (len(slots) - 1)], marks)
        times.append(time.perf_counter() - start)
        day, session = slots[i % (len(slots) - 1)]
        saved = AttendanceMark.objects.filter(
            school_class=world.class_a, date=day, session=session
        ).count()
        quick_check(saved == len(marks), f"the roll of {day} {session} kept {saved} marks")
        start = time.perf_counter()
        with transaction.atomic():
            audit_record(event_type="bench.nothing", actor=actor.user, school_id=world.school.pk)
        base.append(time.perf_counter() - start)
    return times, base


def _baseline_page() -> float:
    import typst

    from hoso.printing.render import FONT_DIR, PINNED_FAMILY, font_family

    folder = Path(tempfile.mkdtemp(prefix="hoso-bench-baseline-"))
    main = folder / "main.typ"
    main.write_text(
        '#set page(paper: "a4", flipped: true)\n#set text(font: sys.inputs.font)\nĐiểm danh\n',
        encoding="utf-8",
    )
    fonts = [str(FONT_DIR)] if font_family() == PINNED_FAMILY else []
    compiler = typst.Compiler(root=str(folder), font_paths=fonts, ignore_system_fonts=True)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        compiler.compile(input=str(main), format="pdf", sys_inputs={"font": font_family()})
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--classes", type=int, default=34)
    parser.add_argument("--size", type=int, default=45)
    parser.add_argument("--rolls", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="3 classes of 10, 5 rolls")
    args = parser.parse_args()
    if args.quick:
        args.classes, args.size, args.rolls = 3, 10, 5

    from _common import (
        bench_database_url,
        bench_environment,
        django_setup,
        machine,
        ms,
        percentile,
        quick_check,
    )

    url = bench_database_url(args.db, name="hoso_bench_attendance")
    var_dir = tempfile.mkdtemp(prefix="hoso-bench-attendance-")
    env = bench_environment(url, var_dir=var_dir)
    django_setup(env)
    import time_machine

    from hoso.core.clock import VN_TZ

    time_machine.travel(datetime(2026, 12, 31, 9, 0, tzinfo=VN_TZ), tick=True).start()
    from django.core.management import call_command

    from hoso.testing.factories import small_school

    rng = random.Random(13)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = small_school()
    classes = grow(world, args.classes, args.size, rng)
    students = sum(c.enrolments.count() for c in classes)
    print(
        f"set-up (migrate, {len(classes)} classes, {students} students): "
        f"{time.perf_counter() - t0:.1f} s"
    )

    # a. marking a class
    times, base = bench_marking(world, args.rolls, rng)
    p50, p95, base95 = percentile(times, 50), percentile(times, 95), percentile(base, 95)
    print(
        f"a. roll POST, class of {args.size}, {args.rolls} rolls: p50 {ms(p50)}, p95 {ms(p95)}; "
        f"baseline audited nothing p95 {ms(base95)} → ratio {p95 / base95:.1f}"
    )

    # b. a school's month into the results
    from hoso.attendance.models import AttendanceMark, AttendanceRoll
    from hoso.gradebook.results.absences import sync_absences
    from hoso.gradebook.results.models import HomeroomInput, StudentResult
    from hoso.gradebook.results.tasks import follow_attendance

    AttendanceMark.objects.all().delete()  # (a)'s marks and rolls: the months start clean
    AttendanceRoll.objects.all().delete()
    ids = [c.pk for c in classes]
    # b0. October, the first month summarised: every homeroom input and result written.
    month_of_rolls(world, classes, rng, PREVIOUS)
    start = time.perf_counter()
    quick_check(follow_attendance(ids) > 0, "follow_attendance (October) changed nothing")
    cold_s = time.perf_counter() - start
    # b. November on top: the steady case (inputs and results exist, as after the grades).
    marks = month_of_rolls(world, classes, rng)
    start = time.perf_counter()
    changed = follow_attendance(ids)
    month_s = time.perf_counter() - start
    quick_check(changed > 0, "follow_attendance changed nothing")
    quick_check(
        HomeroomInput.objects.filter(year=world.year, absences_term1__isnull=False).count()
        == students,
        "every student has its term I total",
    )
    quick_check(
        StudentResult.objects.filter(class_result__school_class__in=classes).exists(),
        "results recomputed",
    )
    total = sum(HomeroomInput.objects.values_list("absences_term1", flat=True))
    AttendanceMark.objects.filter(date=MONTH[0] + timedelta(days=1)).update(excuse="unexcused")
    start = time.perf_counter()
    sync = sync_absences(world.year, ids)
    sync_s = time.perf_counter() - start
    start = time.perf_counter()
    rows = list(
        AttendanceMark.objects.filter(
            school=world.school, date__gte=MONTH[0], date__lte=MONTH[1]
        ).values_list("student_id", "date", "session", "status", "excuse")
    )
    month_base = time.perf_counter() - start
    quick_check(len(rows) == marks, "baseline read every mark")
    print(
        f"b0. the first month (October) → follow_attendance, every input and result written: "
        f"{cold_s:.2f} s"
    )
    print(
        f"b. month of {len(classes)} classes × 2 sessions ({marks} marks, {changed} students "
        f"changed, {total} counted absences in term I) → follow_attendance (totals, inputs, "
        f"results of every class): {month_s:.2f} s; "
        f"an incremental re-sync (totals + inputs only, {len(sync.changed)} changed): "
        f"{sync_s:.3f} s; baseline reading the month's marks: {month_base:.3f} s → ratio "
        f"{month_s / month_base:.0f}"
    )

    # c. the register
    from hoso.printing.documents import attendance_register_data, render_attendance_register
    from hoso.printing.tests.pdfcheck import pdf_text

    best = float("inf")
    pdf = b""
    for _ in range(3):
        start = time.perf_counter()
        pdf = render_attendance_register(
            attendance_register_data(school_class=world.class_a, year=2026, month=11)
        )
        best = min(best, time.perf_counter() - start)
    quick_check("SỔ ĐIỂM DANH" in pdf_text(pdf), "the register renders")
    page_base = _baseline_page()
    print(
        f"c. register of {world.class_a.name} for 11/2026: {best:.3f} s; baseline one-line "
        f"page {page_base:.3f} s → ratio {best / page_base:.0f}"
    )
    print(f"machine: {machine()}")
    print(
        f"RESULT attendance db={args.db} classes={len(classes)} students={students} "
        f"roll_p50_ms={p50 * 1000:.1f} roll_p95_ms={p95 * 1000:.1f} "
        f"roll_ratio={p95 / base95:.1f} month_marks={marks} first_month_s={cold_s:.2f} "
        f"month_s={month_s:.2f} "
        f"resync_s={sync_s:.3f} month_ratio={month_s / month_base:.0f} "
        f"register_s={best:.3f} register_ratio={best / page_base:.0f}"
    )
    verdicts = [
        ("marking p95 < 100 ms", p95 < 0.1),
        ("a month into the results < 2 s", month_s < 2),
        ("the register < 1 s", best < 1),
    ]
    print("targets: " + "; ".join(f"{what}: {'met' if ok else 'MISSED'}" for what, ok in verdicts))


if __name__ == "__main__":
    main()
