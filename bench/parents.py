"""Benchmark of the parents' outbox: a notice to a school of 1,500 families, queued and delivered.

    .venv/bin/python bench/parents.py [--db sqlite|postgres] [--families 1500] [--threads 4]
                                      [--quick]

Creates its own database with bench/_common.py (PostgreSQL ``hoso_bench_parents_outbox``,
SQLite ``/tmp/hoso_bench_parents_outbox.sqlite3``), migrates, builds the small test school and
adds ``--families`` guardian accounts: half consented to SMS (phone), half to the contact book by
e-mail (address). The providers are fakes on loopback (``hoso/notifications/fakes.py``): an HTTP
SMS gateway and an SMTP server, started by the benchmark; provider rate limits are lifted. The
clock is Tuesday 8 December 2026, 09:00 (outside quiet hours). Measures, with DEBUG off:

a. **queue**: ``notify_many`` to every family (the notice to the whole school): the in-app
   notifications in bulk plus the outbox's queuing (consent asked per channel, preferences,
   quiet hours, one Delivery per channel). Target < 2 s. Baseline: a bulk insert of the same
   number of bare notifications (no dedupe query, no outbox).
b. **deliver**: ``outbox.drain(threads=--threads)`` (at most the PostgreSQL pool's room,
   ``HOSO_DB_POOL_MAX − 1``) — what the ``outbox_deliver`` task runs in
   the worker: claim batches (FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional UPDATE on
   SQLite), ask consent again, send to the fakes, record each outcome. Messages per second;
   target ≥ 200/s. Baseline: the same number of bare HTTP POSTs to the fake gateway from the same
   number of threads (no database): the loopback's own ceiling.
``--quick``: 60 families, every path in seconds, failing loudly on a broken path (in
``make bench-quick``). Targets are reported (met / MISSED), not enforced. The RESULT line holds
all figures.

The parent's child page (issue 15's other speed figure: < 150 ms p95, bounded queries) is a page
like the others: ``bench/pages.py --only parent`` measures it with the parent's other pages
against the same logged-in baseline, and ``hoso/parents/child/tests`` pins its query count.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def families(world, count: int) -> list:
    """``count`` guardian accounts of the school, half with SMS consent and a phone, half with
    contact-book (e-mail) consent and an address (bulk writes)."""
    from django.contrib.auth.hashers import make_password

    from hoso.accounts.models import User
    from hoso.core import clock
    from hoso.privacy.models import Consent, PrivacyNotice, Purpose
    from hoso.students.models import Guardian

    password = make_password(None)
    users = [
        User(
            username=f"ph{i:05d}",
            display_name=f"Phụ huynh {i}",
            email=f"ph{i:05d}@example.vn" if i % 2 else "",
            password=password,
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=500)
    users = list(User.objects.filter(username__startswith="ph").order_by("username"))
    Guardian.objects.bulk_create(
        [
            Guardian(
                school=world.school,
                user=u,
                full_name=u.display_name,
                phone=f"09{i:08d}" if i % 2 == 0 else "",
                search_name=f"phu huynh {i}",
            )
            for i, u in enumerate(users)
        ],
        batch_size=500,
    )
    notice = PrivacyNotice.objects.create(
        school=world.school, version=1, text="Thông báo xử lý dữ liệu cá nhân"
    )
    Consent.objects.bulk_create(
        [
            Consent(
                school=world.school,
                user=u,
                purpose=Purpose.SMS if i % 2 == 0 else Purpose.CONTACT_BOOK,
                notice=notice,
                given_at=clock.now(),
                recorded_by=u,
            )
            for i, u in enumerate(users)
        ],
        batch_size=500,
    )
    return users


def baseline_posts(url: str, count: int, threads: int) -> float:
    """Seconds for ``count`` bare JSON POSTs to the fake gateway from ``threads`` threads."""
    body = json.dumps({"to": "84900000000", "text": "x"}).encode()
    left = [count]
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            request = urllib.request.Request(
                url, data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()

    t0 = time.perf_counter()
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--families", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="60 families")
    args = parser.parse_args()
    if args.quick:
        args.families = 60

    from _common import bench_database_url, bench_environment, django_setup, machine, quick_check

    from hoso.notifications.fakes import FakeProvider, FakeSmtp

    gateway = FakeProvider().start()
    smtp = FakeSmtp().start()
    url = bench_database_url(args.db, name="hoso_bench_parents_outbox")
    env = bench_environment(url, var_dir=tempfile.mkdtemp(prefix="hoso-bench-parents-"))
    env.update(
        {
            "HOSO_SMS_URL": gateway.url + "/sms",
            "HOSO_SMS_RATE": "100000",
            "HOSO_EMAIL_HOST": "127.0.0.1",
            "HOSO_EMAIL_PORT": str(smtp.port),
            "HOSO_EMAIL_RATE": "100000",
            "HOSO_PROVIDER_TIMEOUT": "5",
        }
    )
    django_setup(env)
    import time_machine

    from hoso.core.clock import VN_TZ

    time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=VN_TZ), tick=True).start()
    from django.core.management import call_command
    from django.db import transaction

    from hoso.notifications import outbox
    from hoso.notifications.actions import notify_many
    from hoso.notifications.models import Delivery, Notification
    from hoso.testing.factories import small_school

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = small_school()
    users = families(world, args.families)
    print(f"set-up (migrate, {len(users)} families): {time.perf_counter() - t0:.1f} s")

    # baseline a: the same number of bare notifications in one bulk insert
    t0 = time.perf_counter()
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    user=u, school=world.school, kind="base", text="x", dedupe_key="baseline"
                )
                for u in users
            ],
            batch_size=500,
        )
    queue_base = time.perf_counter() - t0

    # a. the notice to the whole school, queued
    t0 = time.perf_counter()
    made = notify_many(
        users=users,
        school=world.school,
        kind="notice",
        text="Nhà trường thông báo: họp phụ huynh toàn trường lúc 7 giờ 30 sáng Chủ nhật "
        "13/12/2026 tại hội trường. Kính mời quý phụ huynh đến dự.",
        url="/lien-lac/",
        dedupe_key="school-notice-1",
        email_subject="Họp phụ huynh toàn trường",
    )
    queue_s = time.perf_counter() - t0
    queued = Delivery.objects.filter(state="queued").count()
    quick_check(len(made) == len(users), "one notification per family")
    quick_check(queued == len(users), f"one delivery per family ({queued})")
    print(
        f"a. notice to {len(users)} families queued ({queued} deliveries): {queue_s:.3f} s; "
        f"baseline bulk insert of bare notifications {queue_base:.3f} s → ratio "
        f"{queue_s / queue_base:.1f}"
    )

    # b. the workers deliver
    gateway.received.clear()
    threads = min(args.threads, outbox.pool_room())  # what drain uses (the pool's room)
    t0 = time.perf_counter()
    run = outbox.drain(threads=threads, limit=50, budget_seconds=600)
    deliver_s = time.perf_counter() - t0
    rate = run.sent / deliver_s if deliver_s else 0.0
    sent = Delivery.objects.filter(state="sent").count()
    quick_check(sent == len(users), f"every delivery sent ({sent}, {run})")
    quick_check(
        len(gateway.received) + len(smtp.received) == len(users), "each message received once"
    )
    sms_n, mail_n = len(gateway.received), len(smtp.received)
    base_s = baseline_posts(gateway.url + "/base", run.sent, threads)
    base_rate = run.sent / base_s
    print(
        f"b. delivered {run.sent} messages ({sms_n} SMS, {mail_n} "
        f"e-mails) with {threads} threads in {deliver_s:.2f} s: {rate:.0f} messages/s; "
        f"baseline bare POSTs {base_rate:.0f}/s → ratio {base_rate / rate:.1f}"
    )
    print(f"machine: {machine()}")
    print(
        f"RESULT parents_outbox db={args.db} families={len(users)} threads={threads} "
        f"queue_s={queue_s:.3f} queue_ratio={queue_s / queue_base:.1f} "
        f"deliver_s={deliver_s:.2f} messages_per_s={rate:.0f} baseline_per_s={base_rate:.0f} "
        f"deliver_ratio={base_rate / rate:.1f}"
    )
    verdicts = [("queued < 2 s", queue_s < 2), ("delivered ≥ 200 messages/s", rate >= 200)]
    print("targets: " + "; ".join(f"{what}: {'met' if ok else 'MISSED'}" for what, ok in verdicts))
    gateway.stop()
    smtp.stop()


if __name__ == "__main__":
    main()
