"""Load test of the production server: teachers saving grades at once through gunicorn.

    .venv/bin/python bench/load.py [--db postgres|sqlite] [--pg-url URL] [--writers 50]
                                   [--rounds 10] [--workers 2] [--threads 4] [--pool-max 4]
                                   [--server gunicorn|runserver] [--quick]

Creates its own database (PostgreSQL ``hoso_bench_load``, dropped and created again; SQLite
``/tmp/hoso_bench_load.sqlite3``), migrates, seeds the demo, then starts the server the way
``make serve`` and ``deploy/systemd/hoso-web.service`` do: gunicorn with
``deploy/gunicorn.conf.py``, DEBUG off, ``--workers`` × ``--threads`` (HOSO_WEB_WORKERS,
HOSO_WEB_THREADS) and on PostgreSQL a pool of ``--pool-max`` connections per process
(HOSO_DB_POOL_MAX), on 127.0.0.1 and a free port.

``--writers`` demo teachers (each with a sheet and two columns of its own that it may write now)
log in through the login form (a session cookie and the CSRF token, like a browser), then in each
of ``--rounds`` rounds all of them are released together and each posts one cell to the grade
grid's save endpoint (``gradebook:save_cell``, JSON with the cell's version). Every answer must be
200 with ``ok``; afterwards every acknowledged save must be in the database with the last value
its writer saved, no cell twice, and the audit chain must verify. While it runs, the number of
the server's connections to PostgreSQL is sampled (``pg_stat_activity``, every 20 ms): the peak
must stay within HOSO_WEB_WORKERS × HOSO_DB_POOL_MAX.

``--server runserver`` serves with ``manage.py runserver`` (a thread per request) and no pool
(persistent connections, the configuration before issue 12) to show what the budget prevents:
there errors are reported, not fatal. Point it at a throw-away PostgreSQL server (``--pg-url``):
it may use up every connection of the server.

``--quick``: 5 writers × 3 rounds on the lower-secondary demo school, still through gunicorn
(≈ 30 s); without PostgreSQL on ``--pg-url`` it prints SKIPPED and exits 0 (``make
bench-quick``). The LAST line holds the figures.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import (  # noqa: E402
    ROOT,
    bench_database_url,
    bench_environment,
    django_setup,
    machine,
    ms,
    percentile,
    quick_check,
)

VAR_DIR = "/tmp/hoso_bench_load_var"
DB_NAME = "hoso_bench_load"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def postgres_answers(pg_url: str) -> bool:
    parts = urlsplit(pg_url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
    except OSError:
        return False
    return True


# --- a browser-like session -------------------------------------------------------------------


class Session:
    """One teacher's browser: cookies, the CSRF token, a fresh connection per request."""

    def __init__(self, port: int, writer):
        self.port = port
        self.writer = writer  # bench/gradebook.py's Writer: sheet, cells, kinds, values
        self.cookies: dict[str, str] = {}
        self.versions: dict[tuple[int, str], int] = {}
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.acknowledged = 0

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
        except OSError as exc:
            status, payload = 0, str(exc).encode()
        finally:
            conn.close()
        return status, payload, time.perf_counter() - t0

    def log_in(self, login_path: str, username: str, password: str) -> None:
        status, page, _ = self.request("GET", login_path)
        match = CSRF_INPUT.search(page.decode("utf-8", "replace"))
        quick_check(status == 200 and match is not None, f"login page {status}")
        form = urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
        ).encode()
        status, payload, _ = self.request(
            "POST",
            login_path,
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        quick_check(
            status == 302 and "sessionid" in self.cookies,
            f"login of {username}: {status} {payload[:200]!r}",
        )

    def save(self, save_path: str, index: int) -> None:
        from gradebook import value_for

        w = self.writer
        student, column = w.cells[index % len(w.cells)]
        raw, canonical = value_for(w.kinds[column], w.rng)
        body = json.dumps(
            {
                "student": student,
                "column": column,
                "value": raw,
                "version": self.versions.get((student, column), 0),
            }
        ).encode()
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.cookies["csrftoken"]}
        status, payload, elapsed = self.request("POST", save_path, body, headers)
        self.statuses[status] += 1
        self.latencies.append(elapsed)
        answer = {}
        if status == 200:
            try:
                answer = json.loads(payload)
            except ValueError:
                answer = {}
        if status == 200 and answer.get("ok"):
            self.versions[(student, column)] = answer["version"]
            w.intended[(student, column)] = canonical
            self.acknowledged += 1
        else:
            self.failures.append(f"POST {status} {payload[:200]!r}")


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, env: dict[str, str], port: int, log: Path):
    if kind == "gunicorn":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
        ]
    else:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    out = log.open("w")
    child = subprocess.Popen(
        command, env={**os.environ, **env}, cwd=str(ROOT), stdout=out, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"BENCH FAILED: the server stopped:\n{log.read_text()[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/tai-khoan/dang-nhap/")
            if conn.getresponse().status == 200:
                return child
        except OSError:
            time.sleep(0.3)
    child.terminate()
    raise SystemExit(f"BENCH FAILED: the server did not answer:\n{log.read_text()[-3000:]}")


def stop_server(child) -> None:
    child.terminate()
    try:
        child.wait(timeout=40)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


class ConnectionSampler(threading.Thread):
    """The peak number of backends connected to the benchmark's database."""

    def __init__(self, pg_url: str, database: str):
        super().__init__(daemon=True)
        self.pg_url, self.database = pg_url, database
        self.peak = 0
        self.samples = 0
        self.stopping = threading.Event()

    def run(self):
        import psycopg

        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            while not self.stopping.is_set():
                (n,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
                ).fetchone()
                self.peak = max(self.peak, n)
                self.samples += 1
                time.sleep(0.02)

    def stop(self) -> int:
        self.stopping.set()
        self.join(timeout=5)
        return self.peak


# --- the run ----------------------------------------------------------------------------------


def set_up(args) -> tuple[str, dict[str, str], float]:
    started = time.perf_counter()
    url = bench_database_url(args.db, name=DB_NAME, pg_url=args.pg_url)
    env = bench_environment(url, var_dir=VAR_DIR)
    # The benchmark's own process: no pool, its connection closed while the server runs.
    django_setup({**env, "HOSO_DB_POOL_MAX": "0"})
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.quick:
        from hoso.demo.actions import demo_seed

        demo_seed(codes=("THCS-NT",))
    else:
        call_command("seed_demo", stdout=io.StringIO())
    server_env = {
        **env,
        "HOSO_WEB_WORKERS": str(args.workers),
        "HOSO_WEB_THREADS": str(args.threads),
        "HOSO_DB_POOL_MAX": str(args.pool_max if args.server == "gunicorn" else 0),
    }
    return url, server_env, time.perf_counter() - started


def stored_versions(writers) -> None:
    from hoso.gradebook.entry.models import Assessment

    for session in writers:
        w = session.writer
        for student, column, version in Assessment.objects.filter(
            subject=w.ta.subject, term=w.ta.term, student_id__in={s for s, _ in w.cells}
        ).values_list("student_id", "column", "version"):
            if (student, column) in w.cells:
                session.versions[(student, column)] = version


def check_database(sessions) -> tuple[int, int, bool, int]:
    from django.db.models import Count

    from hoso.audit.verify import verify_all
    from hoso.gradebook.entry.models import Assessment

    lost = 0
    for session in sessions:
        w = session.writer
        stored = {
            (s, c): (v, t)
            for s, c, v, t in Assessment.objects.filter(
                subject=w.ta.subject, term=w.ta.term, student_id__in={s for s, _ in w.cells}
            ).values_list("student_id", "column", "value", "text")
        }
        for cell, value in w.intended.items():
            want = (value, "") if w.kinds[cell[1]] != "text" else ("", value)
            if stored.get(cell) != want:
                lost += 1
                if lost <= 5:
                    print(f"   LOST {w.ta} {cell}: wanted {want}, stored {stored.get(cell)}")
    duplicates = (
        Assessment.objects.values("student", "subject", "term", "column")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    verified, breaks = verify_all()
    return lost, duplicates, not breaks, verified


def run(args) -> dict:
    from django.db import connection
    from django.urls import reverse
    from gradebook import pick_writers

    from hoso.demo.data import DEMO_PASSWORD

    writers = pick_writers(args.writers, 4)
    login_path = reverse("accounts:login")
    port = free_port()
    log = Path(VAR_DIR) / f"{args.server}.log"
    sampler = None
    connection.close()
    server = start_server(args.server, args.server_env, port, log)
    try:
        sessions = [Session(port, w) for w in writers]
        t0 = time.perf_counter()
        for session in sessions:
            session.log_in(login_path, session.writer.ta.teacher.user.username, DEMO_PASSWORD)
        login_wall = time.perf_counter() - t0
        stored_versions(sessions)
        connection.close()
        if args.db == "postgres":
            sampler = ConnectionSampler(args.pg_url, DB_NAME)
            sampler.start()
        barrier = threading.Barrier(len(sessions) + 1, timeout=120)

        def writer_loop(session):
            ta = session.writer.ta
            path = reverse(
                "gradebook:save_cell", args=[ta.school_class_id, ta.subject_id, ta.term_id]
            )
            for index in range(args.rounds):
                barrier.wait()
                session.save(path, index)
                barrier.wait()

        threads = [threading.Thread(target=writer_loop, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        round_walls = []
        for _ in range(args.rounds):
            barrier.wait()  # release the round
            r0 = time.perf_counter()
            barrier.wait()  # every writer has its answer
            round_walls.append(time.perf_counter() - r0)
        for t in threads:
            t.join()
    finally:
        peak = sampler.stop() if sampler else None
        stop_server(server)
    latencies = [x for s in sessions for x in s.latencies]
    statuses = sum((s.statuses for s in sessions), Counter())
    ok = sum(s.acknowledged for s in sessions)
    errors = sum(statuses.values()) - ok
    lost, duplicates, chain_ok, verified = check_database(sessions)
    wall = sum(round_walls)
    budget = args.workers * args.pool_max if args.server == "gunicorn" else None
    out = {
        "writers": len(sessions),
        "rounds": args.rounds,
        "saves": ok,
        "errors": errors,
        "statuses": dict(statuses),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "rate": ok / wall if wall else 0.0,
        "round_p95": percentile(round_walls, 95),
        "lost": lost,
        "duplicates": duplicates,
        "chain_ok": chain_ok,
        "peak": peak,
        "budget": budget,
        "login_wall": login_wall,
    }
    if args.server == "runserver":
        shape = "runserver (a thread per request), no pool, persistent connections"
    elif args.db == "sqlite":
        shape = f"gunicorn {args.workers} workers × {args.threads} threads, SQLite"
    else:
        shape = (
            f"gunicorn {args.workers} workers × {args.threads} threads, pool {args.pool_max} "
            f"per worker (budget {budget} connections)"
        )
    print(
        f"load: {len(sessions)} teachers logged in through the form ({login_wall:.1f} s), "
        f"{args.rounds} rounds of {len(sessions)} saves at once to the grid's save endpoint; "
        f"{shape}"
    )
    print(
        f"   {ok} saves acknowledged, errors {errors} {dict(statuses)}; latency p50 "
        f"{ms(out['p50'])}, p95 {ms(out['p95'])}, max {ms(out['max'])}; a round (all "
        f"{len(sessions)} answered) p95 {ms(out['round_p95'])}; {out['rate']:.0f} saves/s"
    )
    print(
        f"   check: lost or wrong values {lost}, duplicate cells {duplicates}, audit chain "
        f"{'verified' if chain_ok else 'BROKEN'} ({verified} events); peak connections to "
        f"the database {peak if peak is not None else 'n/a (SQLite)'}"
        + (f" (budget {budget})" if budget is not None and peak is not None else "")
    )
    shown = 0
    for s in sessions:
        for failure in s.failures[:1]:
            if shown < 5:
                print(f"   failure ({s.writer.ta}): {failure}")
                shown += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="HOSO_WEB_WORKERS")
    parser.add_argument("--threads", type=int, default=4, help="HOSO_WEB_THREADS")
    parser.add_argument("--pool-max", type=int, default=4, help="HOSO_DB_POOL_MAX")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--quick", action="store_true", help="5 writers × 3 rounds, one school")
    args = parser.parse_args()
    if args.quick:
        args.writers, args.rounds = min(args.writers, 5), min(args.rounds, 3)
    if args.db == "postgres" and not postgres_answers(args.pg_url):
        if args.quick:
            parts = urlsplit(args.pg_url)
            print(
                f"SKIPPED bench/load.py: no PostgreSQL answering at {parts.hostname}:{parts.port}"
            )
            return
        raise SystemExit(f"BENCH FAILED: no PostgreSQL at {args.pg_url}")
    Path(VAR_DIR).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _, args.server_env, setup = set_up(args)
    print(
        f"machine: {machine()}; load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(f"set-up (create database, migrate, seed the demo): {setup:.1f} s")
    out = run(args)
    total = time.perf_counter() - started
    print(
        f"RESULT db={args.db} server={args.server} writers={out['writers']} "
        f"rounds={out['rounds']} saves={out['saves']} errors={out['errors']} "
        f"p50={out['p50'] * 1000:.0f}ms p95={out['p95'] * 1000:.0f}ms "
        f"max={out['max'] * 1000:.0f}ms rate={out['rate']:.0f}/s lost={out['lost']} "
        f"duplicates={out['duplicates']} chain={'ok' if out['chain_ok'] else 'BROKEN'} "
        f"peak_connections={out['peak'] if out['peak'] is not None else 'n/a'} "
        f"budget={out['budget'] if out['budget'] is not None else 'n/a'} total={total:.0f}s"
    )
    if args.server == "gunicorn":
        quick_check(out["errors"] == 0, f"{out['errors']} failed saves through gunicorn")
        quick_check(out["saves"] == out["writers"] * out["rounds"], "a save went unanswered")
        quick_check(
            out["peak"] is None or out["peak"] <= out["budget"],
            f"{out['peak']} connections, more than the budget {out['budget']}",
        )
    quick_check(not out["lost"] and not out["duplicates"], "saves lost or duplicated")
    quick_check(out["chain_ok"], "the audit chain does not verify after the load")


if __name__ == "__main__":
    main()
