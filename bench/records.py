"""Benchmark of the records compliance board and of uploads under load.

    .venv/bin/python bench/records.py [--db sqlite|postgres] [--pg-url URL] [--runs 30]
                                      [--staff 60] [--upload-mb 20] [--server-threads 8]
                                      [--quick]

Creates its own database (PostgreSQL: ``hoso_bench_records``, dropped and created again; SQLite:
``/tmp/hoso_bench_records.sqlite3``), migrates, and builds one lower-secondary school of
``--staff`` people in 6 departments with a year of obligations (≈ 3,000 for 60 staff: weekly lesson
plans, monthly notebooks, homeroom plans, team minutes), in mixed states (on time, late, missing,
returned, approved), plus an empty school with only a principal. DEBUG is off. Measures:

a. **board**: GET /ho-so/bang-theo-doi/ (whole year, by week) by the principal through Django's
   test client, ``--runs`` times: p50, p95, SQL queries. Baselines in the same run: the same page
   for the empty school, and the selector alone against a naive per-person loop (one COUNT query
   per person, ``records.selectors.timeliness_counts``), with their ratio.
b. **export**: the board's Excel export (one GET).
c. **upload**: the app served by a threaded WSGI server (as in bench/gradebook.py); a teacher
   uploads a ``--upload-mb`` MB PDF through the real upload page, sent at a throttled rate so that
   it lasts ≈ 2 s, while another client requests a small page (the teacher's records list)
   in a loop. Latency of the small page during the upload vs. alone: p50, p95, ratio.

The year is the one running on the day of the run (the demo's rule: in summer the year just
ended) and the states are spread around that day, so it runs on any day. ``--quick``: 3 runs,
8 staff, a 2 MB upload — the same paths in seconds, failing loudly (``make bench-quick``).

The LAST line holds all figures. Targets (issue 5): the board for 60 staff over a year in < 300 ms
with a bounded number of queries; a 20 MB upload does not block other requests.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import statistics
import sys
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    bench_database_url,
    bench_environment,
    django_setup,
    machine,
    percentile,
    quick_check,
)

VAR_DIR = "/tmp/hoso_bench_records_var"
DB_NAME = "hoso_bench_records"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def set_up(args) -> tuple[dict[str, str], float]:
    started = time.perf_counter()
    url = bench_database_url(args.db, name=DB_NAME, pg_url=args.pg_url)
    env = bench_environment(url, var_dir=VAR_DIR)
    Path(VAR_DIR).mkdir(parents=True, exist_ok=True)
    django_setup(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env, time.perf_counter() - started


# --- data ---------------------------------------------------------------------------------------


def build_school(n_staff: int, rng: random.Random) -> dict:
    """A school with ``n_staff`` staff (6 departments, half of them homeroom teachers) and a
    year of obligations in mixed states, bulk-inserted."""
    from django.db import transaction

    from hoso.organisation.models import Department, Position
    from hoso.records.models import (
        Folder,
        Obligation,
        ObligationState,
        OwnerKind,
        RecordType,
        ScheduleKind,
    )
    from hoso.testing.factories import make_school, make_staff, make_year

    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    middles = ["Văn", "Thị", "Minh", "Thu", "Quang", "Ngọc"]
    givens = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Oanh"]
    with transaction.atomic():
        school = make_school("BENCHREC")
        # The year running on the clock's day (in summer the one just ended), as the demo does.
        from hoso.core import clock
        from hoso.demo.data import demo_start_year
        from hoso.organisation.setup.calendar import year_name

        year = make_year(school, name=year_name(demo_start_year(clock.today())))
        depts = [
            Department.objects.create(school=school, name=f"Tổ {name}")
            for name in ("Toán – Tin", "Ngữ văn", "Tiếng Anh", "KHTN", "Lịch sử – Địa lí", "GDTC")
        ]
        principal = make_staff(school, "Nguyễn Văn Hiệu", Position.PRINCIPAL, username="hieutruong")
        staff = []
        for i in range(n_staff):
            name = f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(givens)}"
            staff.append(
                make_staff(school, name, username=f"gv{i:03d}", department=depts[i % len(depts)])
            )
        for i, d in enumerate(depts):
            d.head = staff[i]
            d.save()
        types = {
            "plan": RecordType.objects.create(
                school=school,
                code="khbd",
                name="Kế hoạch bài dạy",
                owner_kind=OwnerKind.TEACHER,
                schedule_kind=ScheduleKind.WEEKLY,
                chain=["department_head"],
                retention_years=5,
            ),
            "notebook": RecordType.objects.create(
                school=school,
                code="so-ghi-chep",
                name="Sổ ghi chép sinh hoạt chuyên môn, dự giờ",
                owner_kind=OwnerKind.TEACHER,
                schedule_kind=ScheduleKind.MONTHLY,
                chain=["department_head"],
                retention_years=5,
            ),
            "homeroom": RecordType.objects.create(
                school=school,
                code="so-chu-nhiem",
                name="Kế hoạch chủ nhiệm",
                owner_kind=OwnerKind.HOMEROOM,
                schedule_kind=ScheduleKind.MONTHLY,
                chain=["vice_principal"],
                retention_years=5,
            ),
            "minutes": RecordType.objects.create(
                school=school,
                code="bien-ban-to",
                name="Biên bản sinh hoạt tổ",
                owner_kind=OwnerKind.DEPARTMENT,
                schedule_kind=ScheduleKind.MONTHLY,
                chain=["vice_principal"],
                retention_years=None,
            ),
        }
        root = Folder.objects.create(school=school, year=year, name=year.name, key="root")
        folders: dict[tuple, Folder] = {}

        def folder(owner_key: str, owner_name: str, rt, **owner) -> Folder:
            k = (owner_key, rt.pk)
            if k not in folders:
                parent = folders.get((owner_key, None))
                if parent is None:
                    parent = folders[(owner_key, None)] = Folder.objects.create(
                        school=school,
                        year=year,
                        parent=root,
                        name=owner_name,
                        key=owner_key,
                        **owner,
                    )
                folders[k] = Folder.objects.create(
                    school=school,
                    year=year,
                    parent=parent,
                    name=rt.name,
                    key=f"{owner_key}:{rt.pk}",
                    record_type=rt,
                )
            return folders[k]

        now = clock.local_now()
        rows: list[Obligation] = []

        def add(rt, due: datetime, period_key: str, label: str, *, staff_row=None, dept=None):
            owner_key = f"s{staff_row.pk}" if staff_row else f"d{dept.pk}"
            owner_name = f"{staff_row.full_name} ({staff_row.code})" if staff_row else dept.name
            f = folder(owner_key, owner_name, rt)
            roll = rng.random()
            first = None
            state = ObligationState.PENDING
            returned = 0
            if due < now:
                if roll < 0.70:
                    first = due - timedelta(hours=rng.randint(1, 72))
                elif roll < 0.85:
                    first = due + timedelta(hours=rng.randint(1, 96))
            elif roll < 0.2:
                first = now - timedelta(hours=rng.randint(1, 48))
            if first is not None:
                r2 = rng.random()
                state = (
                    ObligationState.APPROVED
                    if r2 < 0.6
                    else ObligationState.RETURNED
                    if r2 < 0.7
                    else ObligationState.SUBMITTED
                )
                returned = 1 if r2 >= 0.6 and r2 < 0.75 else 0
            rows.append(
                Obligation(
                    school=school,
                    year=year,
                    record_type=rt,
                    folder=f,
                    owner_kind=rt.owner_kind,
                    owner_staff=staff_row,
                    owner_department=dept,
                    period_key=period_key,
                    period_label=label,
                    due_at=due,
                    state=state,
                    first_submitted_at=first,
                    submitted_at=first,
                    approved_at=first if state == ObligationState.APPROVED else None,
                    returned_count=returned,
                )
            )

        start = year.start_date - timedelta(days=year.start_date.weekday())  # Monday
        weeks = (year.end_date - start).days // 7
        months = []
        d = date(year.start_date.year, year.start_date.month, 1)
        while d <= year.end_date:
            months.append(d)
            d = (d + timedelta(days=32)).replace(day=1)
        for s in staff:
            for w in range(weeks):
                friday = start + timedelta(weeks=w, days=4)
                add(
                    types["plan"],
                    datetime.combine(friday, dtime(17), VN),
                    f"W{w:02d}",
                    f"Tuần {w + 1}",
                    staff_row=s,
                )
            for m in months:
                last = (m + timedelta(days=32)).replace(day=1) - timedelta(days=1)
                add(
                    types["notebook"],
                    datetime.combine(last, dtime(17), VN),
                    f"M{m:%Y%m}",
                    f"Tháng {m.month}/{m.year}",
                    staff_row=s,
                )
        for s in staff[::2]:
            for m in months:
                add(
                    types["homeroom"],
                    datetime.combine(m + timedelta(days=1), dtime(17), VN),
                    f"H{m:%Y%m}",
                    f"Tháng {m.month}/{m.year}",
                    staff_row=s,
                )
        for dept in depts:
            for m in months:
                for half, day in (("a", 14), ("b", 28)):
                    add(
                        types["minutes"],
                        datetime.combine(m.replace(day=day), dtime(17), VN),
                        f"T{m:%Y%m}{half}",
                        f"Tháng {m.month}/{m.year} ({half})",
                        dept=dept,
                    )
        Obligation.objects.bulk_create(rows, batch_size=1000)

        empty = make_school("BENCHEMPTY")
        empty_year = make_year(empty)
        empty_principal = make_staff(empty, "Trần Văn Trống", Position.PRINCIPAL, username="trong")
    return {
        "school": school,
        "year": year,
        "principal": principal.user,
        "teacher": staff[1],
        "staff": staff,
        "obligations": len(rows),
        "empty_principal": empty_principal.user,
        "empty_year": empty_year,
    }


# --- a, b: the board ----------------------------------------------------------------------------


def timed_get(client, url: str) -> tuple[float, int, int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
    return elapsed, len(ctx.captured_queries), response.status_code, response.content


def bench_board(data: dict, runs: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from hoso.accounts.actor import build_actor
    from hoso.records import board, selectors

    url = reverse("records:board")
    out = {}
    for label, user in (("full", data["principal"]), ("empty", data["empty_principal"])):
        client = Client()
        client.force_login(user)
        timed_get(client, url)  # warm: session, caches
        times, queries = [], 0
        for _ in range(runs):
            elapsed, queries, status, body = timed_get(client, url)
            if status != 200:
                raise SystemExit(f"board answered {status}")
            times.append(elapsed)
        out[label] = {
            "p50": statistics.median(times),
            "p95": percentile(times, 95),
            "queries": queries,
            "bytes": len(body),
        }
    # the selector alone vs a naive loop (one query per person)
    actor = build_actor(data["principal"], data["school"], data["year"])
    filters = board.BoardFilters(start=data["year"].start_date, end=data["year"].end_date)
    now = datetime.now(VN)
    sel, naive = [], []
    for _ in range(max(5, runs // 3)):
        t0 = time.perf_counter()
        b = board.compliance_board(actor, filters, now=now)
        sel.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        naive_rows = [
            selectors.timeliness_counts(
                board.scoped_obligations(actor, filters).filter(owner_staff=s), now
            )
            for s in data["staff"]
        ]
        naive.append(time.perf_counter() - t0)
    assert sum(r["total"] for r in naive_rows) == sum(r.counts.required for r in b.people)
    out["selector_p50"] = statistics.median(sel)
    out["naive_p50"] = statistics.median(naive)
    out["required"] = b.totals.required
    out["on_time_rate"] = b.totals.on_time_rate
    client = Client()
    client.force_login(data["principal"])
    t0 = time.perf_counter()
    response = client.get(reverse("records:board_export"))
    out["export_s"] = time.perf_counter() - t0
    out["export_bytes"] = len(response.content)
    return out


# --- c: upload does not block -------------------------------------------------------------------


def session_cookie(user) -> str:
    """A logged-in session for ``user`` written straight to the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def get_page(port: int, path: str, cookie: str) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return time.perf_counter() - t0, response.status


def upload_file(
    port: int, path: str, cookie: str, content: bytes, seconds: float
) -> tuple[float, int]:
    """POST a multipart upload, throttled to last about ``seconds``."""
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nbench\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="khbd-lon.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body_len = len(head) + len(content) + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Cookie", f"sessionid={cookie}; csrftoken={csrf}")
    conn.putheader("X-CSRFToken", csrf)
    conn.putheader("Referer", f"http://127.0.0.1:{port}/")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(body_len))
    conn.endheaders()
    conn.send(head)
    chunk = 256 * 1024
    pause = seconds / max(1, len(content) // chunk)
    for i in range(0, len(content), chunk):
        conn.send(content[i : i + chunk])
        time.sleep(pause)
    conn.send(tail)
    response = conn.getresponse()
    response.read()
    conn.close()
    return time.perf_counter() - t0, response.status


def bench_upload(data: dict, env: dict[str, str], args) -> dict:
    from django.urls import reverse
    from gradebook import start_servers, stop_servers

    from hoso.records.models import Obligation, Submission

    teacher = data["teacher"]
    other = data["staff"][2]
    target = (
        Obligation.objects.filter(owner_staff=teacher, first_submitted_at__isnull=True)
        .order_by("-due_at")
        .first()
    )
    upload_cookie = session_cookie(teacher.user)
    reader_cookie = session_cookie(other.user)
    small = reverse("records:mine")
    upload_path = reverse("records:upload", args=[target.pk])
    content = b"%PDF-1.4\n" + os.urandom(args.upload_mb * 1024 * 1024 - 20) + b"\n%%EOF\n"
    before = Submission.objects.filter(obligation=target).count()
    children, port = start_servers(env, 1, args.server_threads)
    try:
        for _ in range(5):
            get_page(port, small, reader_cookie)  # warm-up
        alone = []
        for _ in range(30):
            elapsed, status = get_page(port, small, reader_cookie)
            assert status == 200, status
            alone.append(elapsed)
        result: dict = {}

        def do_upload():
            result["upload"] = upload_file(port, upload_path, upload_cookie, content, 2.0)

        thread = threading.Thread(target=do_upload)
        thread.start()
        during = []
        time.sleep(0.1)
        while thread.is_alive():
            elapsed, status = get_page(port, small, reader_cookie)
            assert status == 200, status
            during.append(elapsed)
        thread.join()
    finally:
        stop_servers(children)
    upload_s, upload_status = result["upload"]
    stored = Submission.objects.filter(obligation=target).count() - before
    quick_check(stored == 1, f"the upload stored {stored} files (HTTP {upload_status})")
    return {
        "alone_p50": statistics.median(alone),
        "alone_p95": percentile(alone, 95),
        "during_p50": statistics.median(during) if during else float("nan"),
        "during_p95": percentile(during, 95) if during else float("nan"),
        "during_n": len(during),
        "upload_s": upload_s,
        "upload_status": upload_status,
        "stored": stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--upload-mb", type=int, default=20, help="0 skips the upload test")
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument(
        "--quick", action="store_true", help="3 runs, 8 staff, 2 MB upload; fails on any error"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.staff, args.upload_mb = 3, 8, min(args.upload_mb, 2)
    started = time.perf_counter()
    env, setup = set_up(args)
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    data = build_school(args.staff, random.Random(20261122))
    print(
        f"set-up {setup:.1f} s; school of {args.staff} staff, {data['obligations']} obligations "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    a = bench_board(data, args.runs)
    print(
        f"board: p50 {a['full']['p50'] * 1000:.1f} ms, p95 {a['full']['p95'] * 1000:.1f} ms, "
        f"{a['full']['queries']} queries, {a['full']['bytes'] // 1024} KiB; empty school "
        f"p50 {a['empty']['p50'] * 1000:.1f} ms, {a['empty']['queries']} queries; selector "
        f"{a['selector_p50'] * 1000:.1f} ms vs naive per-person loop {a['naive_p50'] * 1000:.1f} ms; "
        f"Excel export {a['export_s'] * 1000:.0f} ms ({a['export_bytes'] // 1024} KiB)"
    )
    c = None
    if args.upload_mb:
        c = bench_upload(data, env, args)
        print(
            f"upload {args.upload_mb} MB: {c['upload_s']:.2f} s, HTTP {c['upload_status']}, "
            f"stored {c['stored']}; small page alone p50 {c['alone_p50'] * 1000:.1f} ms "
            f"p95 {c['alone_p95'] * 1000:.1f} ms; during the upload ({c['during_n']} requests) "
            f"p50 {c['during_p50'] * 1000:.1f} ms p95 {c['during_p95'] * 1000:.1f} ms"
        )
    total = time.perf_counter() - started
    full, empty = a["full"], a["empty"]
    upload = "upload=skipped"
    if c is not None:
        upload = (
            f"upload_mb={args.upload_mb} upload_s={c['upload_s']:.2f} upload_status={c['upload_status']} "
            f"upload_stored={c['stored']} small_alone_p50={c['alone_p50'] * 1000:.1f}ms "
            f"small_during_p50={c['during_p50'] * 1000:.1f}ms "
            f"small_during_p95={c['during_p95'] * 1000:.1f}ms small_during_n={c['during_n']} "
            f"small_during_vs_alone={c['during_p50'] / c['alone_p50']:.2f}x"
        )
    print(
        f"RESULT db={args.db} staff={args.staff} obligations={a['required']} "
        f"board_p50={full['p50'] * 1000:.1f}ms board_p95={full['p95'] * 1000:.1f}ms "
        f"board_queries={full['queries']} empty_p50={empty['p50'] * 1000:.1f}ms "
        f"empty_queries={empty['queries']} board_vs_empty={full['p50'] / empty['p50']:.1f}x "
        f"selector_p50={a['selector_p50'] * 1000:.1f}ms naive_p50={a['naive_p50'] * 1000:.1f}ms "
        f"naive_vs_selector={a['naive_p50'] / a['selector_p50']:.1f}x "
        f"export={a['export_s'] * 1000:.0f}ms {upload} total={total:.0f}s"
    )


if __name__ == "__main__":
    main()
