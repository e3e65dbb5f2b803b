"""Benchmark of the grade book: saving a result, reading a sheet, recomputing a school's results,
and 50 teachers saving at once over HTTP.

    .venv/bin/python bench/gradebook.py [--db sqlite|postgres] [--pg-url URL]
                                        [--saves 300] [--writers 50] [--writer-saves 20]
                                        [--server-processes 2] [--server-threads 8]
                                        [--both-schools] [--quick]

Creates its own database (PostgreSQL: ``hoso_bench``, dropped and created again; SQLite:
``/tmp/hoso_bench.sqlite3``), migrates, seeds the demo (``seed_demo``: THCS Nguyễn Trãi, 475
students; TH Chu Văn An, 609 pupils) and measures, with DEBUG off:

a. **save path**: PUT /api/v1/gradebook/sheets/…/cells by the demo subject teacher (token), in
   process through Django's test client, ``time.perf_counter`` around each call; 300 saves (first
   entries then changes with the version), p50/p95. Baseline: a view that runs ``SELECT 1``
   through the same client, middleware and URL resolver.
b. **sheet**: a 45-student × 14-entry-column sheet (6A1 Toán — or the next class whose sheet is
   still open — with regular columns added up to
   12, + the term average = 15 columns; every cell filled): ``load_sheet`` +
   ``selectors.sheet_data`` + the API's payload + ``json.dumps``, and GET through the API, with
   the number of SQL queries. Baseline: the plain roster query of the class.
c. **recompute**: every cell of the lower-secondary school filled with generated results (both
   terms), then ``hoso.gradebook.results.compute.recompute_school(year)`` if it exists (else "n/a").
   Baseline: reading all the school's results in one query. ``--both-schools`` adds the primary
   school (1,084 students in all).
d. **load**: the app served by a threaded WSGI server (stdlib wsgiref, a fixed pool of
   ``--server-threads`` workers in each of ``--server-processes`` processes sharing the port,
   like gunicorn's gthread workers) on 127.0.0.1;
   50 writer threads, each a different demo teacher with its own API token, each reads its own
   sheet then saves its own cells over HTTP (20 saves: 10 cells, each entered then changed with
   the version), all started together, 60 s at most. Then the database must hold exactly each
   intended last value, no duplicate cell, one audit event per change, and the audit chain must
   verify. Baseline: the same saves by one writer alone, over the same HTTP path.

Every sheet, column and cell is picked from what the demo made on the day it was seeded (the
current year, a column the teacher may write now: not finalised, not locked), never from a year
name or a date, so the benchmark runs on any day. ``--quick``: tiny counts (the lower-secondary
school only, 20 saves, 3 writers, no generated results before the recompute) — the same paths in
seconds, failing loudly on any error; ``make bench-quick`` runs it.

The LAST line holds all figures. Targets (issue): save < 50 ms p95 (server time); a 45 × 15 sheet
in < 150 ms with a bounded number of queries; recompute 1,500 students < 5 s; 50 teachers saving
at once without a lost or duplicated result.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    ROOT,
    bench_database_url,
    bench_environment,
    current_year,
    django_setup,
    machine,
    ms,
    percentile,
    quick_check,
    writable_columns,
)

VAR_DIR = "/tmp/hoso_bench_var"
DB_NAME = "hoso_bench"
SHEET_STUDENTS = 45
LOAD_SECONDS = 60.0


# --- values -----------------------------------------------------------------------------------


def value_for(kind: str, rng: random.Random) -> tuple[str, str]:
    """A plausible (raw value to send, canonical value stored) for a column kind."""
    if kind == "score":
        v = f"{rng.choice([5, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 10])}.{rng.choice([0, 0, 5, 3, 8])}"
        v = "10.0" if v.startswith("10") else v
        return v, v
    if kind == "test":
        v = str(rng.randint(4, 10))
        return v, v
    if kind == "comment":
        v = rng.choice(["D", "D", "D", "CD"])
        return v, v
    if kind == "level":
        v = rng.choice(["T", "H", "H", "C"])
        return v, v
    v = rng.choice(["Tiến bộ rõ.", "Cần cố gắng hơn.", "Hoàn thành tốt nhiệm vụ học tập."])
    return v, v


# --- set-up -----------------------------------------------------------------------------------


def set_up(args) -> tuple[str, dict[str, str], float]:
    started = time.perf_counter()
    url = bench_database_url(args.db, name=DB_NAME, pg_url=args.pg_url)
    env = bench_environment(url, var_dir=VAR_DIR)
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.quick:  # one school is enough to exercise every path
        from hoso.demo.actions import demo_seed

        demo_seed(codes=("THCS-NT",))
    else:
        call_command("seed_demo", stdout=io.StringIO())
    return url, env, time.perf_counter() - started


def bench_urls():
    """The project's URLs plus /bench/select1 (the baseline: one query, nothing else)."""
    from django.db import connection
    from django.http import JsonResponse
    from django.urls import path

    import hoso.urls

    def select1(request):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return JsonResponse({"ok": True})

    class BenchUrls:
        urlpatterns = [path("bench/select1", select1), *hoso.urls.urlpatterns]

    return BenchUrls


def token_client(user):
    from django.test import Client

    from hoso.accounts.actions import api_token_create

    _, token = api_token_create(user=user, name="bench")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), token


def open_sheet(user, school_code: str, *, kinds=("score", "comment"), at_least: int = 1, **filters):
    """The first sheet of ``user`` in the school's current year (terms in order) with at least
    ``at_least`` columns of ``kinds`` the teacher may write now: (assignment, sheet, columns)."""
    from hoso.accounts.actor import build_actor
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.organisation.models import TeachingAssignment

    year = current_year(school_code)
    actor = build_actor(user, year.school, year)
    for ta in (
        TeachingAssignment.objects.filter(teacher__user=user, school_class__year=year, **filters)
        .select_related("school_class__year__school", "school_class__grade", "subject", "term")
        .order_by("term__number", "school_class__grade__number", "school_class__name", "id")
    ):
        sheet = load_sheet(ta.school_class, ta.subject, ta.term)
        columns = writable_columns(actor, sheet, kinds=kinds)
        if len(columns) >= at_least:
            return ta, sheet, columns
    raise SystemExit(f"no sheet of {user} with {at_least} writable {'/'.join(kinds)} columns")


def cell_versions(client, ta) -> dict[tuple[int, str], int]:
    """(student, column) -> version of the cells already in the sheet (the demo filled some)."""
    response = client.get(sheet_path(ta))
    quick_check(response.status_code == 200, f"GET sheet {response.status_code}")
    return {
        (row["student"]["id"], key): cell["version"]
        for row in response.json()["rows"]
        for key, cell in row["cells"].items()
    }


def sheet_path(ta) -> str:
    return f"/api/v1/gradebook/sheets/{ta.school_class_id}/{ta.subject_id}/{ta.term_id}"


def active_students(school_class) -> list[int]:
    from hoso.students.models import Enrolment

    return list(
        Enrolment.objects.filter(
            school_class=school_class, status__in=Enrolment.ACTIVE, end_date__isnull=True
        )
        .order_by("student__sort_name")
        .values_list("student_id", flat=True)
    )


# --- a. the save path -------------------------------------------------------------------------


def bench_save(args) -> dict:
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from hoso.accounts.models import User

    teacher = User.objects.get(username="gvbm")
    # A sheet of the demo subject teacher with columns still open: three at least (one to warm
    # up, one for the query count, the others timed); the demo finalised some of its columns.
    ta, _sheet, writable = open_sheet(teacher, "THCS-NT", at_least=3)
    client, _ = token_client(teacher)
    url = sheet_path(ta) + "/cells"
    students = active_students(ta.school_class)
    kinds = {c.key: c.kind for c in writable}
    *timed_columns, warm_column, query_column = [c.key for c in writable]
    columns = timed_columns[:6]
    rng = random.Random(1)
    versions = cell_versions(client, ta)
    cpu: list[float] = []

    def save(student: int, column: str) -> float:
        raw, _ = value_for(kinds[column], rng)
        body = {"student": student, "column": column, "value": raw}
        body["version"] = versions.get((student, column), 0)
        c0 = time.thread_time()
        t0 = time.perf_counter()
        response = client.put(url, body, content_type="application/json")
        elapsed = time.perf_counter() - t0
        cpu.append(time.thread_time() - c0)
        if response.status_code != 200:
            raise SystemExit(f"save failed: {response.status_code} {response.content[:300]!r}")
        versions[(student, column)] = response.json()["version"]
        return elapsed

    with override_settings(ROOT_URLCONF=bench_urls()):
        for i in range(20):  # warm-up on a column of its own
            save(students[i % len(students)], warm_column)
        cells = [(s, c) for c in columns for s in students]
        cpu.clear()
        times = [save(*cells[i % len(cells)]) for i in range(args.saves)]
        cpu_times = list(cpu)
        with CaptureQueriesContext(connection) as q:
            save(students[0], query_column)
            save(students[0], query_column)  # an update
        queries = len(q) / 2
        base = []
        for _ in range(args.saves):
            t0 = time.perf_counter()
            response = client.get("/bench/select1")
            base.append(time.perf_counter() - t0)
            assert response.status_code == 200
    raw = []
    with connection.cursor() as cur:
        for _ in range(1000):
            t0 = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            raw.append(time.perf_counter() - t0)
    inserts = min(args.saves, len(cells))
    out = {
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "max": max(times),
        "queries": queries,
        "base_p50": percentile(base, 50),
        "base_p95": percentile(base, 95),
        "raw_select1": percentile(raw, 50),
        "cpu_p50": percentile(cpu_times, 50),
        "cpu_p95": percentile(cpu_times, 95),
    }
    print(
        f"a. save path: {args.saves} saves via the API PUT ({inserts} first entries, "
        f"{args.saves - inserts} changes), {ta.subject.name} {ta.school_class.name} "
        f"term {ta.term.number} ({', '.join(columns)}), "
        f"{queries:.0f} SQL queries per save"
    )
    print(
        f"   server time p50 {ms(out['p50'])}, p95 {ms(out['p95'])}, max {ms(out['max'])} "
        f"(CPU time of the request thread p50 {ms(out['cpu_p50'])}, p95 {ms(out['cpu_p95'])}); "
        f"baseline SELECT 1 through the same client p50 {ms(out['base_p50'])} "
        f"(p95 {ms(out['base_p95'])}; the bare query {out['raw_select1'] * 1e6:.0f} µs) → "
        f"RATIO p50 {out['p50'] / out['base_p50']:.1f}x, p95 {out['p95'] / out['base_p95']:.1f}x"
    )
    return out


# --- b. the sheet -----------------------------------------------------------------------------


def fill_class_to(school_class, n: int) -> int:
    """Add students to the class until ``n`` study in it; returns how many were added."""
    from hoso.core.text import nfc
    from hoso.students.models import Enrolment, Student

    have = len(active_students(school_class))
    extra = []
    for i in range(have, n):
        s = Student(
            school=school_class.year.school,
            student_code=f"BENCH{school_class.pk:03d}{i:03d}",
            family_name=nfc("Phạm"),
            middle_name=nfc("Văn"),
            given_name=nfc(f"Thêm{i}"),
            gender="M",
            birth_date=date(2014, 1, 1),
        )
        s.refresh_name_keys()
        extra.append(s)
    Student.objects.bulk_create(extra)
    Enrolment.objects.bulk_create(
        Enrolment(
            student=s,
            year=school_class.year,
            school_class=school_class,
            start_date=school_class.year.start_date,
        )
        for s in extra
    )
    return len(extra)


def fill_sheet(sheet, user, rng: random.Random, *, skip: set | None = None) -> list:
    """Assessments for every active student × column of ``sheet`` (unsaved)."""
    from django.utils import timezone

    from hoso.gradebook.entry.models import Assessment

    now = timezone.now()
    rows = []
    for student_id in active_students(sheet.school_class):
        for column in sheet.columns:
            if (
                skip is not None
                and (student_id, sheet.subject.pk, sheet.term.pk, column.key) in skip
            ):
                continue
            _, value = value_for(column.kind, rng)
            rows.append(
                Assessment(
                    student_id=student_id,
                    school_class=sheet.school_class,
                    subject=sheet.subject,
                    term=sheet.term,
                    column=column.key,
                    value="" if column.kind == "text" else value,
                    text=value if column.kind == "text" else "",
                    assessed_on=sheet.term.start_date,
                    entered_by=user,
                    entered_at=now,
                    updated_at=now,
                )
            )
    return rows


def bench_sheet(args) -> dict:
    from django.core.serializers.json import DjangoJSONEncoder
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hoso.accounts.actor import build_actor
    from hoso.api.gradebook import sheet_payload
    from hoso.gradebook.entry.actions import regular_column_add
    from hoso.gradebook.entry.columns import MAX_REGULAR
    from hoso.gradebook.entry.models import Assessment
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.organisation.models import TeachingAssignment
    from hoso.students.models import Enrolment

    # Toán of term I in the first class (6A1, 6A2, …) whose sheet its teacher may still change
    # (in summer the demo has approved 6A1's results: that sheet is closed).
    candidates = (
        TeachingAssignment.objects.filter(
            school_class__year=current_year("THCS-NT"), subject__code="TOAN", term__number=1
        )
        .select_related("school_class__year__school", "subject", "term", "teacher__user")
        .order_by("school_class__grade__number", "school_class__name")
    )
    for ta in candidates:
        actor = build_actor(ta.teacher.user, ta.school_class.year.school, ta.school_class.year)
        sheet = load_sheet(ta.school_class, ta.subject, ta.term)
        if writable_columns(actor, sheet):
            break
    else:
        raise SystemExit("no Toán sheet of term I that its teacher may still change")
    added = fill_class_to(ta.school_class, SHEET_STUDENTS)
    # The teacher adds regular columns up to the maximum (12): 12 + mid-term + end-term = 14
    # entry columns, plus the computed term average = the 45 × 15 grid.
    while True:
        sheet = load_sheet(ta.school_class, ta.subject, ta.term)
        if sum(1 for c in sheet.columns if c.key.startswith("TX")) >= MAX_REGULAR:
            break
        regular_column_add(actor=actor, sheet=sheet)
    existing = set(  # what the demo already entered in the sheet stays
        Assessment.objects.filter(
            school_class=ta.school_class, subject=ta.subject, term=ta.term
        ).values_list("student_id", "subject_id", "term_id", "column")
    )
    Assessment.objects.bulk_create(
        fill_sheet(sheet, ta.teacher.user, random.Random(2), skip=existing)
    )
    n_students = len(active_students(ta.school_class))
    n_columns = len(sheet.columns)
    client, _ = token_client(ta.teacher.user)
    url = sheet_path(ta)

    def direct() -> str:
        s = load_sheet(ta.school_class, ta.subject, ta.term)
        return json.dumps(sheet_payload(actor, s), cls=DjangoJSONEncoder)

    def roster() -> list:
        return list(
            Enrolment.objects.filter(school_class=ta.school_class)
            .select_related("student")
            .order_by("student__sort_name", "student__student_code")
        )

    def timed(fn, n: int) -> tuple[list[float], list[float]]:
        """Wall-clock and CPU time (of this thread) of ``n`` calls after one warm-up."""
        fn()
        wall, cpu = [], []
        for _ in range(n):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            fn()
            wall.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
        return wall, cpu

    body = json.loads(direct())
    filled = sum(len(r["cells"]) for r in body["rows"] if r["active"])
    assert filled == n_students * n_columns, (filled, n_students, n_columns)
    # len() right away: the next request clears connection.queries_log (reset_queries).
    with CaptureQueriesContext(connection) as q:
        direct()
    direct_queries = len(q)
    with CaptureQueriesContext(connection) as q:
        response = client.get(url)
    api_queries = len(q)
    assert response.status_code == 200
    api_bytes = len(response.content)
    runs = 3 if args.quick else 30
    t_direct, c_direct = timed(direct, runs)
    t_api, c_api = timed(lambda: client.get(url), runs)
    t_roster, _ = timed(roster, runs)
    out = {
        "students": n_students,
        "columns": n_columns,
        "direct_p50": percentile(t_direct, 50),
        "direct_p95": percentile(t_direct, 95),
        "direct_queries": direct_queries,
        "direct_cpu_p50": percentile(c_direct, 50),
        "api_cpu_p50": percentile(c_api, 50),
        "api_p50": percentile(t_api, 50),
        "api_p95": percentile(t_api, 95),
        "api_queries": api_queries,
        "roster_p50": percentile(t_roster, 50),
    }
    print(
        f"b. sheet {ta.subject.name} {ta.school_class.name}: {n_students} students "
        f"({added} added to the demo class) × {n_columns} columns, every cell filled, "
        f"JSON {api_bytes / 1024:.0f} KiB"
    )
    print(
        f"   sheet_data + payload + json.dumps p50 {ms(out['direct_p50'])}, p95 "
        f"{ms(out['direct_p95'])} (CPU p50 {ms(out['direct_cpu_p50'])}), "
        f"{out['direct_queries']} queries; API GET p50 {ms(out['api_p50'])}, p95 "
        f"{ms(out['api_p95'])} (CPU p50 {ms(out['api_cpu_p50'])}), {out['api_queries']} queries "
        f"(incl. token and actor); baseline roster query p50 {ms(out['roster_p50'])} → "
        f"RATIO {out['direct_p50'] / out['roster_p50']:.1f}x (direct), "
        f"{out['api_p50'] / out['roster_p50']:.1f}x (API)"
    )
    return out


# --- c. recomputing a school's results --------------------------------------------------------


def fill_school(year) -> tuple[int, int]:
    """Generated results in every cell of every sheet of the year; returns (students, cells)."""
    from hoso.gradebook.entry.models import Assessment
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.organisation.models import TeachingAssignment
    from hoso.students.models import Enrolment

    existing = set(
        Assessment.objects.filter(school_class__year=year).values_list(
            "student_id", "subject_id", "term_id", "column"
        )
    )
    rng = random.Random(3)
    rows = []
    for ta in TeachingAssignment.objects.filter(school_class__year=year).select_related(
        "school_class__year", "school_class__grade", "subject", "term", "teacher__user"
    ):
        sheet = load_sheet(ta.school_class, ta.subject, ta.term)
        rows += fill_sheet(sheet, ta.teacher.user, rng, skip=existing)
    Assessment.objects.bulk_create(rows, batch_size=2000)
    students = Enrolment.objects.filter(
        year=year, status__in=Enrolment.ACTIVE, end_date__isnull=True
    ).count()
    return students, len(rows)


def bench_recompute(args) -> dict:
    from importlib import import_module
    from importlib.util import find_spec

    from hoso.gradebook.entry.models import Assessment
    from hoso.students.models import Enrolment

    codes = ["THCS-NT", "TH-CVA"] if args.both_schools else ["THCS-NT"]
    years = [current_year(c) for c in codes]
    t0 = time.perf_counter()
    students = cells = 0
    for year in years:
        if args.quick:  # the demo's own results: the same path, a fraction of the work
            s = Enrolment.objects.filter(year=year, end_date__isnull=True).count()
            c = 0
        else:
            s, c = fill_school(year)
        students, cells = students + s, cells + c
    fill = time.perf_counter() - t0
    t0 = time.perf_counter()
    read = 0
    for year in years:
        read += len(
            list(
                Assessment.objects.filter(school_class__year=year).values_list(
                    "student_id", "subject_id", "term_id", "column", "value"
                )
            )
        )
    base = time.perf_counter() - t0
    out = {"students": students, "cells": read, "base": base, "seconds": None}
    recompute = None
    if find_spec("hoso.gradebook.results.compute") is not None:
        recompute = getattr(
            import_module("hoso.gradebook.results.compute"), "recompute_school", None
        )
    print(
        f"c. recompute: {students} students ({', '.join(codes)}), {cells} generated results "
        f"added in {fill:.1f} s, {read} results in all"
    )
    if recompute is None:
        print(
            "   recompute n/a: hoso.gradebook.results.compute.recompute_school does not exist yet; "
            f"baseline, reading every result in one query: {base:.2f} s"
        )
        return out
    t0 = time.perf_counter()
    done = sum(recompute(year) for year in years)
    out["seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for year in years:
        recompute(year)
    again = time.perf_counter() - t0
    print(
        f"   recompute_school: {done} students in {out['seconds']:.2f} s = "
        f"{done / out['seconds']:.0f} students/s (again, nothing changed: {again:.2f} s); "
        f"baseline, reading every result in one query: {base:.2f} s → RATIO "
        f"{out['seconds'] / base:.1f}x"
    )
    return out


# --- d. 50 teachers at once over HTTP ---------------------------------------------------------


def serve(port: int, threads: int) -> None:
    """Child process: the app on 127.0.0.1:port with a fixed pool of worker threads. Several
    children share the port (SO_REUSEPORT: the kernel spreads connections), like gunicorn's
    worker processes."""
    from concurrent.futures import ThreadPoolExecutor
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    django_setup({})
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002
            pass

    class PooledWSGIServer(WSGIServer):
        request_queue_size = 256
        allow_reuse_port = True
        pool = ThreadPoolExecutor(max_workers=threads)

        def process_request(self, request, client_address):
            self.pool.submit(self._work, request, client_address)

        def _work(self, request, client_address):
            try:
                self.finish_request(request, client_address)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)

    httpd = PooledWSGIServer(("127.0.0.1", port), QuietHandler)
    httpd.set_app(app)
    print(f"LISTENING {httpd.server_port}", flush=True)
    httpd.serve_forever()


class Writer:
    def __init__(self, index: int, ta, token: str, cells: list, kinds: dict, seed: int):
        self.index = index
        self.ta = ta
        self.token = token
        self.cells = cells  # [(student_id, column)]
        self.kinds = kinds  # column -> kind
        self.rng = random.Random(seed)
        self.intended: dict[tuple[int, str], str] = {}
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.changed = 0
        self.failures: list[str] = []

    def request(self, port: int, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except OSError as exc:
            status, payload = 0, str(exc).encode()
        finally:
            conn.close()
        return status, payload, time.perf_counter() - t0

    def run(self, port: int, saves: int, start: threading.Barrier | None, deadline: float):
        if start is not None:
            start.wait()
        url = sheet_path(self.ta)
        status, payload, _ = self.request(port, "GET", url)
        versions: dict[tuple[int, str], int] = {}
        if status == 200:
            for row in json.loads(payload)["rows"]:
                for key, cell in row["cells"].items():
                    versions[(row["student"]["id"], key)] = cell["version"]
        else:
            self.statuses[status] += 1
            self.failures.append(f"GET {status} {payload[:200]!r}")
        for i in range(saves):
            if time.monotonic() > deadline:
                break
            student, column = self.cells[i % len(self.cells)]
            raw, canonical = value_for(self.kinds[column], self.rng)
            body = {
                "student": student,
                "column": column,
                "value": raw,
                "version": versions.get((student, column), 0),
            }
            status, payload, elapsed = self.request(port, "PUT", url + "/cells", body)
            self.statuses[status] += 1
            self.latencies.append(elapsed)
            if status == 200:
                saved = json.loads(payload)
                versions[(student, column)] = saved["version"]
                self.changed += saved["changed"]
                self.intended[(student, column)] = canonical
            else:
                self.failures.append(f"PUT {status} {payload[:200]!r}")


def pick_writers(n: int, cells_per_writer: int, offset: int = 0) -> list[Writer]:
    """The first ``n`` demo teachers (THCS then TH) with a term-I sheet of the current year,
    each with its own sheet, its own token and ``cells_per_writer`` cells of its own."""
    from hoso.accounts.actions import api_token_create
    from hoso.accounts.actor import build_actor
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.organisation.models import SchoolYear, TeachingAssignment

    chosen, seen = [], set()
    qs = (
        TeachingAssignment.objects.filter(
            school_class__year__in=SchoolYear.objects.filter(is_closed=False),
            teacher__user__isnull=False,
        )
        .select_related(
            "school_class__year__school", "school_class__grade", "subject", "term", "teacher__user"
        )
        .order_by(
            "-school_class__year__school__code",
            "teacher__code",
            "term__number",
            "school_class__name",
            "id",
        )
    )
    for ta in qs:
        if ta.teacher_id in seen:
            continue
        # Its own sheet with two columns the teacher may write now (not finalised, not locked).
        year = ta.school_class.year
        actor = build_actor(ta.teacher.user, year.school, year)
        sheet = load_sheet(ta.school_class, ta.subject, ta.term)
        columns = writable_columns(actor, sheet, kinds=("score", "comment", "level", "test"))
        if len(columns) < 2:
            continue
        seen.add(ta.teacher_id)
        chosen.append((ta, columns[:2]))
        if len(chosen) == n:
            break
    quick_check(len(chosen) == n, f"{len(chosen)} teachers with a writable sheet, {n} wanted")
    writers = []
    for index, (ta, columns) in enumerate(chosen):
        students = active_students(ta.school_class)
        per_column = max(1, cells_per_writer // len(columns))
        cells = [(s, c.key) for c in columns for s in students[offset : offset + per_column]]
        _, token = api_token_create(user=ta.teacher.user, name="bench load")
        writers.append(
            Writer(index, ta, token, cells, {c.key: c.kind for c in columns}, seed=100 + index)
        )
    return writers


def start_servers(env: dict[str, str], processes: int, threads: int):
    """``processes`` server processes sharing one free port on 127.0.0.1."""
    import socket

    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))  # reserves a free port; never listens
    port = holder.getsockname()[1]
    children = []
    try:
        for _ in range(processes):
            child = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--serve",
                    str(port),
                    "--server-threads",
                    str(threads),
                ],
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                text=True,
                cwd=str(ROOT),
            )
            children.append(child)
            line = child.stdout.readline()
            if not line.startswith("LISTENING"):
                raise SystemExit(f"the server did not start: {line!r}")
    except BaseException:
        stop_servers(children)
        raise
    finally:
        holder.close()
    return children, port


def stop_servers(children) -> None:
    for child in children:
        child.terminate()
    for child in children:
        child.wait(timeout=30)


def warm_up(port: int, writer: Writer, requests: int) -> None:
    """First requests of each server thread open its database connection and fill Django's
    caches: make them before measuring."""
    from concurrent.futures import ThreadPoolExecutor

    path = sheet_path(writer.ta)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: writer.request(port, "GET", path), range(requests)))


def bench_load(args, env: dict[str, str]) -> dict:
    from django.db.models import Count

    from hoso.audit.models import AuditEvent
    from hoso.audit.verify import verify_all
    from hoso.gradebook.entry.models import Assessment

    cells_per_writer = max(1, args.writer_saves // 2)
    writers = pick_writers(args.writers, cells_per_writer)
    solo = pick_writers(1, cells_per_writer, offset=cells_per_writer)[0]
    seconds = 15.0 if args.quick else LOAD_SECONDS
    servers, port = start_servers(env, args.server_processes, args.server_threads)
    try:
        warm_up(port, solo, 4 * args.server_processes * args.server_threads)
        # Baseline: one writer alone, the same HTTP path, its own (other) cells.
        t0 = time.perf_counter()
        solo.run(port, max(args.writer_saves, 20), None, time.monotonic() + seconds)
        solo_wall = time.perf_counter() - t0
        events_before = AuditEvent.objects.filter(event_type="grade.saved").count()
        barrier = threading.Barrier(len(writers) + 1)
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=w.run, args=(port, args.writer_saves, barrier, deadline))
            for w in writers
        ]
        for t in threads:
            t.start()
        barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        stop_servers(servers)
    latencies = [x for w in writers for x in w.latencies]
    statuses = sum((w.statuses for w in writers), Counter())
    ok = statuses.get(200, 0)
    errors = sum(n for s, n in statuses.items() if s != 200)
    # Every intended cell holds exactly its last value; no cell twice.
    lost = 0
    for w in writers:
        stored = {
            (s, c): (v, t)
            for s, c, v, t in Assessment.objects.filter(
                subject=w.ta.subject, term=w.ta.term, student_id__in={s for s, _ in w.cells}
            ).values_list("student_id", "column", "value", "text")
        }
        for cell, value in w.intended.items():
            got = stored.get(cell)
            want = (value, "") if w.kinds[cell[1]] != "text" else ("", value)
            if got != want:
                lost += 1
                if lost <= 5:
                    print(f"   LOST {w.ta} {cell}: wanted {want}, stored {got}")
    duplicates = (
        Assessment.objects.values("student", "subject", "term", "column")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    audited = AuditEvent.objects.filter(event_type="grade.saved").count() - events_before
    changed = sum(w.changed for w in writers)
    verified, breaks = verify_all()
    chain_ok = not breaks
    schools = Counter(w.ta.school_class.year.school.code for w in writers)
    solo_rate = len(solo.latencies) / solo_wall
    out = {
        "writers": len(writers),
        "saves": ok,
        "errors": errors,
        "rate": ok / wall,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "wall": wall,
        "solo_p50": percentile(solo.latencies, 50),
        "solo_rate": solo_rate,
        "lost": lost,
        "duplicates": duplicates,
        "audit_ok": audited == changed,
        "chain_ok": chain_ok,
    }
    print(
        f"d. load: {len(writers)} teachers ({', '.join(f'{k} {v}' for k, v in schools.items())}) "
        f"each reading its sheet then saving {args.writer_saves} times over HTTP, "
        f"{args.server_processes} server processes × {args.server_threads} threads"
    )
    print(
        f"   {ok} saves in {wall:.1f} s = {out['rate']:.0f} saves/s, latency p50 "
        f"{ms(out['p50'])}, p95 {ms(out['p95'])}, max {ms(out['max'])}; errors {errors} "
        f"{dict(statuses)}; baseline one writer alone: p50 {ms(out['solo_p50'])}, "
        f"{solo_rate:.0f} saves/s → RATIO throughput {out['rate'] / solo_rate:.1f}x, "
        f"p95 latency {out['p95'] / out['solo_p50']:.1f}x"
    )
    print(
        f"   check: lost or wrong values {lost}, duplicate cells {duplicates}, audit events "
        f"{audited} for {changed} changes, audit chain {'verified' if chain_ok else 'BROKEN'} "
        f"({verified} events)"
    )
    for w in writers:
        for failure in w.failures[:2]:
            print(f"   failure ({w.ta}): {failure}")
    quick_check(ok > 0 and not lost and not duplicates, "saves lost or duplicated under load")
    quick_check(out["audit_ok"] and chain_ok, "audit events or chain wrong after the load")
    quick_check(not (args.quick and errors), f"{errors} failed requests under load")
    return out


# --- main -------------------------------------------------------------------------------------


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--writers", type=int, default=50, help="0 skips the load test")
    parser.add_argument("--writer-saves", type=int, default=20)
    parser.add_argument("--server-processes", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--both-schools", action="store_true")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny counts (one school, 20 saves, 3 writers × 4 saves, 1 server process): the "
        "real paths in seconds, failing on any error",
    )
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.saves, args.writers, args.writer_saves = 20, min(args.writers, 3), 4
        args.server_processes, args.server_threads = 1, 2
        args.both_schools = False
    if args.serve is not None:
        serve(args.serve, args.server_threads)
        return
    started = time.perf_counter()
    _, env, setup = set_up(args)
    print(f"machine: {machine()}; load average before: {load()}")
    print(f"set-up (create database, migrate, seed_demo): {setup:.1f} s")
    a = bench_save(args)
    b = bench_sheet(args)
    c = bench_recompute(args)
    d = bench_load(args, env) if args.writers > 0 else None
    total = time.perf_counter() - started
    print(f"total {total:.0f} s; load average after: {load()} (other processes share the machine)")
    recompute = (
        f"recompute={c['seconds']:.2f}s recompute_vs_read={c['seconds'] / c['base']:.1f}x"
        if c["seconds"] is not None
        else "recompute=n/a recompute_vs_read=n/a"
    )
    print(
        f"RESULT db={args.db} save_p50={a['p50'] * 1000:.1f}ms save_p95={a['p95'] * 1000:.1f}ms "
        f"save_vs_select1={a['p50'] / a['base_p50']:.1f}x save_queries={a['queries']:.0f} "
        f"save_cpu_p95={a['cpu_p95'] * 1000:.1f}ms "
        f"sheet={b['students']}x{b['columns']} sheet_p50={b['direct_p50'] * 1000:.1f}ms "
        f"sheet_queries={b['direct_queries']} sheet_vs_roster={b['direct_p50'] / b['roster_p50']:.1f}x "
        f"api_get_p50={b['api_p50'] * 1000:.1f}ms api_get_p95={b['api_p95'] * 1000:.1f}ms "
        f"api_get_queries={b['api_queries']} "
        f"students={c['students']} {recompute} "
        f"{load_figures(d)} total={total:.0f}s"
    )


def load_figures(d: dict | None) -> str:
    if d is None:
        return "writers=0 (load test skipped)"
    return (
        f"writers={d['writers']} load_saves={d['saves']} load_rate={d['rate']:.0f}/s "
        f"load_p95={d['p95'] * 1000:.0f}ms load_vs_solo={d['rate'] / d['solo_rate']:.1f}x "
        f"errors={d['errors']} lost={d['lost']} duplicates={d['duplicates']} "
        f"audit={'ok' if d['audit_ok'] else 'MISMATCH'} chain={'ok' if d['chain_ok'] else 'BROKEN'}"
    )


if __name__ == "__main__":
    main()
