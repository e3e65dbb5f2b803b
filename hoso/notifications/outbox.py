"""The outbox (hộp thư đi): every notification to a person becomes deliveries on that person's
channels, sent by background workers through the provider adapters (``channels/``).

Queuing (``queue_deliveries``, called by ``notify``/``notify_many`` in their transaction): one
``Delivery`` per (notification, external channel) the person can be reached on — the channel is
configured here, the person has not turned it off, has an address for it, and, for a guardian
of the school who is not staff there, ``privacy.selectors.channel_allowed_user_ids`` allows it.
Non-urgent notifications of a person who chose the weekly digest get no immediate delivery; the
digest (``send_digests``) sums them up. A delivery due in quiet hours waits for their end.

Sending (``deliver_due``, run by the ``outbox_deliver`` task and ``manage.py
deliver_notifications``): due rows are claimed with one conditional UPDATE (``state=queued`` →
``sending`` with a claim token; on PostgreSQL the candidates are read ``FOR UPDATE SKIP
LOCKED``), so two workers never take the same row; consent, preferences and quiet hours are
asked again, then the provider is called and the outcome written at once. A provider that is
down leaves the row queued for a later attempt (exponential backoff) until
``HOSO_OUTBOX_MAX_ATTEMPTS``; then it is failed and shown to the administrator with a retry.
"""

from __future__ import annotations

import logging
import threading
import time as monotime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Min, Q

from hoso.core import clock
from hoso.notifications.channels.base import Message, ProviderError
from hoso.notifications.channels.registry import provider_for
from hoso.notifications.models import (
    EXTERNAL_CHANNELS,
    Channel,
    ContactPreferences,
    Delivery,
    Notification,
    PushSubscription,
    SchoolNotificationSettings,
    default_quiet_end,
    default_quiet_start,
)

logger = logging.getLogger("hoso.notifications")

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
State = Delivery.State
DIGEST_KIND = "digest"

#: Kinds that are urgent by nature: sent in quiet hours and never held for the weekly digest
#: (a caller may also pass ``urgent=True`` to ``notify``/``notify_many``).
URGENT_KINDS = frozenset(
    {
        "emergency",  # sự cố khẩn cấp (an toàn, sức khỏe)
        "school_closure",  # nghỉ học đột xuất (thiên tai, dịch bệnh)
        "absence_today",  # con vắng mặt không rõ lý do hôm nay
        "health_alert",  # nhân viên y tế báo tình trạng sức khỏe của con
        "parents.urgent",  # a notice marked urgent in the contact book (sudden events)
    }
)


class Reason:
    """Why a delivery was not sent (``Delivery.reason``), with the words the log shows."""

    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CHANNEL_OFF = "channel_off"
    NO_ADDRESS = "no_address"
    PROVIDER_OFF = "provider_off"
    DIGEST = "digest"
    ATTEMPTS = "attempts_exhausted"
    INACTIVE = "inactive"

    LABELS = {
        NO_CONSENT: "Phụ huynh chưa đồng ý nhận tin qua kênh này.",
        CONSENT_WITHDRAWN: "Phụ huynh đã rút lại sự đồng ý trước khi gửi.",
        CHANNEL_OFF: "Người nhận đã tắt kênh này.",
        NO_ADDRESS: "Người nhận không có địa chỉ cho kênh này.",
        PROVIDER_OFF: "Kênh này chưa được cấu hình trên máy chủ.",
        DIGEST: "Người nhận chọn bản tin tuần: tin này nằm trong bản tin.",
        ATTEMPTS: "Đã thử gửi nhiều lần không được.",
        INACTIVE: "Tài khoản người nhận không còn hoạt động.",
    }


def email_enabled() -> bool:
    """E-mail goes out only when the SMTP backend is configured (``HOSO_EMAIL_HOST``).

    ``HOSO_EMAIL_ENABLED`` (True/False), when set, decides instead (tests use it with the
    in-memory backend)."""
    explicit = getattr(settings, "HOSO_EMAIL_ENABLED", None)
    if explicit is not None:
        return bool(explicit)
    return settings.EMAIL_BACKEND == SMTP_BACKEND


def max_attempts() -> int:
    return int(getattr(settings, "HOSO_OUTBOX_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: base × 2^(attempts−1), capped
    (30 s, 1 min, 2 min, … up to 6 h by default)."""
    base = float(getattr(settings, "HOSO_OUTBOX_BACKOFF_SECONDS", 30))
    cap = float(getattr(settings, "HOSO_OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "HOSO_OUTBOX_LEASE_SECONDS", 300)))


# --- who is asked for consent, preferences, quiet hours -------------------------------------


def guardian_ids(school_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who are a guardian's account in the school and not its staff there
    (staff at work are not asked for consent; a teacher who is also a parent is staff)."""
    from hoso.organisation.models import Staff
    from hoso.students.models import Guardian

    ids = set(user_ids)
    if not ids:
        return set()
    guardians = set(
        Guardian.objects.filter(school_id=school_id, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    if not guardians:
        return set()
    staff = set(
        Staff.objects.filter(school_id=school_id, user_id__in=guardians, is_active=True)
        .filter(end_date__isnull=True)
        .values_list("user_id", flat=True)
    )
    return guardians - staff


@dataclass
class Reach:
    """How one person can be reached: the channels they use (preferences with the defaults:
    e-mail and push for everyone, SMS and Zalo for guardians, whose consent is their opt-in),
    the addresses and their own quiet hours."""

    channels: set[str]
    email: str = ""
    phone: str = ""
    quiet: tuple[dtime, dtime] | None = None
    digest: bool = False


def reach_of(user_ids: Iterable[int], *, school_id: int, guardians: set[int]) -> dict[int, Reach]:
    """Everyone's ``Reach`` in three queries (accounts, preferences, guardian phones)."""
    from hoso.accounts.models import User
    from hoso.students.models import Guardian

    ids = set(user_ids)
    users = {
        u["pk"]: u
        for u in User.objects.filter(pk__in=ids, is_active=True).values("pk", "email", "phone")
    }
    prefs = {p.user_id: p for p in ContactPreferences.objects.filter(user_id__in=users)}
    phones = dict(
        Guardian.objects.filter(school_id=school_id, user_id__in=guardians & set(users))
        .exclude(phone="")
        .values_list("user_id", "phone")
    )
    out = {}
    for pk, u in users.items():
        pref = prefs.get(pk)
        if pref is None:
            chosen = {Channel.EMAIL, Channel.PUSH}
            if pk in guardians:
                chosen |= {Channel.SMS, Channel.ZALO}
            out[pk] = Reach(
                channels=set(chosen),
                email=u["email"],
                phone=u["phone"] or phones.get(pk, ""),
            )
        else:
            out[pk] = Reach(
                channels={c for c in EXTERNAL_CHANNELS if pref.wants(c)},
                email=pref.email_address or u["email"],
                phone=pref.phone or u["phone"] or phones.get(pk, ""),
                quiet=(pref.quiet_start, pref.quiet_end)
                if pref.quiet_start and pref.quiet_end
                else None,
                digest=pref.weekly_digest,
            )
    return out


def school_settings(school_id: int) -> SchoolNotificationSettings:
    found = SchoolNotificationSettings.objects.filter(school_id=school_id).first()
    return found or SchoolNotificationSettings(
        school_id=school_id, quiet_start=default_quiet_start(), quiet_end=default_quiet_end()
    )


def _in_window(t: dtime, start: dtime, end: dtime) -> bool:
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end  # over midnight (21:00–07:00)


def _window_end(moment: datetime, end: dtime) -> datetime:
    candidate = moment.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return candidate if candidate > moment else candidate + timedelta(days=1)


def after_quiet_hours(moment: datetime, windows: Iterable[tuple[dtime, dtime] | None]) -> datetime:
    """``moment`` itself outside every quiet window, else the first moment after them
    (Vietnam time)."""
    local = moment.astimezone(clock.VN_TZ)
    windows = [w for w in windows if w]
    for _ in range(4):
        inside = [w for w in windows if _in_window(local.time(), *w)]
        if not inside:
            return local if local != moment else moment
        local = max(_window_end(local, w[1]) for w in inside)
    return local


# --- queuing ----------------------------------------------------------------------------------


def configured_channels() -> list[str]:
    return [c for c in EXTERNAL_CHANNELS if provider_for(c) is not None]


def queue_deliveries(notifications: list[Notification], *, now: datetime | None = None) -> int:
    """Queue the external deliveries of just-created notifications (in the caller's
    transaction) and start a worker after commit. Returns the number of rows queued."""
    if not notifications:
        return 0
    channels = configured_channels()
    if not channels:
        return 0
    from hoso.privacy.selectors import channel_allowed_user_ids

    now = now or clock.now()
    rows: list[Delivery] = []
    by_school: dict[int, list[Notification]] = defaultdict(list)
    for n in notifications:
        by_school[n.school_id].append(n)
    for school_id, items in by_school.items():
        user_ids = {n.user_id for n in items}
        guardians = guardian_ids(school_id, user_ids)
        reach = reach_of(user_ids, school_id=school_id, guardians=guardians)
        allowed = {
            c: channel_allowed_user_ids(school_id=school_id, channel=c, user_ids=guardians)
            for c in channels
        }
        with_push = (
            set(
                PushSubscription.objects.filter(user_id__in=user_ids).values_list(
                    "user_id", flat=True
                )
            )
            if Channel.PUSH in channels
            else set()
        )
        school_quiet = school_settings(school_id)
        for n in items:
            person = reach.get(n.user_id)
            if person is None:
                continue
            if person.digest and not n.urgent and n.kind != DIGEST_KIND:
                continue  # the weekly digest carries it
            due = now
            if not n.urgent:
                due = after_quiet_hours(
                    now, [(school_quiet.quiet_start, school_quiet.quiet_end), person.quiet]
                )
            for c in channels:
                if c not in person.channels:
                    continue
                if n.user_id in guardians and n.user_id not in allowed[c]:
                    continue
                has_address = {
                    Channel.EMAIL: bool(person.email),
                    Channel.SMS: bool(person.phone),
                    Channel.ZALO: bool(person.phone),
                    Channel.PUSH: n.user_id in with_push,
                }[c]
                if not has_address:
                    continue
                rows.append(
                    Delivery(
                        notification_id=n.pk,
                        user_id=n.user_id,
                        school_id=school_id,
                        channel=c,
                        urgent=n.urgent,
                        needs_consent=n.user_id in guardians,
                        next_attempt_at=due,
                    )
                )
    if not rows:
        return 0
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    _kick_after_commit(min(r.next_attempt_at for r in rows))
    return len(rows)


class AfterCommitKick:
    """The after-commit start of a worker run; one per transaction however many notifications
    it queued (a reminder loop calling ``notify`` forty times starts one run)."""

    def __init__(self, when: datetime):
        self.when = when

    def __call__(self) -> None:
        kick(self.when)


def _kick_after_commit(when: datetime) -> None:
    if connection.in_atomic_block:
        for _sids, func, _robust in connection.run_on_commit:
            if isinstance(func, AfterCommitKick):
                func.when = min(func.when, when)
                return
    transaction.on_commit(AfterCommitKick(when))


def kick(when: datetime | None = None) -> None:
    """Start the ``outbox_deliver`` task (at ``when`` when later and the backend can wait)."""
    from hoso.notifications.tasks import outbox_deliver

    try:
        if when is not None and when > clock.now() + timedelta(seconds=1):
            if not outbox_deliver.get_backend().supports_defer:
                return  # the cron command (deliver_notifications) picks it up then
            if _run_waiting(outbox_deliver, when):
                return
            outbox_deliver.using(run_after=when).enqueue()
        else:
            outbox_deliver.enqueue()
    except Exception:  # the queue is down: the rows wait in the outbox for the next run
        logger.exception("Could not start the outbox worker")


def _run_waiting(task, when: datetime) -> bool:
    """A run of ``task`` is already waiting in the database queue to start by ``when`` (the
    deferred runs of every worker and queuing would otherwise pile up at the same time)."""
    try:
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY, run_after__lte=when
    ).exists()


# --- sending ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(
        state=State.SENDING, claimed_until__lt=now
    )


def claim(*, limit: int, now: datetime) -> list[Delivery]:
    """Take up to ``limit`` due deliveries for this worker: rows nobody else can take until the
    lease ends (a lost worker's rows come back after it)."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        Delivery.objects.filter(_due(now), pk__in=ids).update(
            state=State.SENDING,
            claim_token=token,
            claimed_until=now + lease(),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return list(
        Delivery.objects.filter(claim_token=token, state=State.SENDING).select_related(
            "notification", "school"
        )
    )


def _finish(d: Delivery, **fields) -> bool:
    """Write the outcome of a claimed row (only while it is still ours)."""
    fields.setdefault("updated_at", clock.now())
    fields.setdefault("claim_token", "")
    fields.setdefault("claimed_until", None)
    return bool(
        Delivery.objects.filter(pk=d.pk, claim_token=d.claim_token, state=State.SENDING).update(
            **fields
        )
    )


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return getattr(settings, "HOSO_BASE_URL", "").rstrip("/") + url


def compose(d: Delivery) -> Message:
    n = d.notification
    items: tuple[str, ...] = ()
    if n.kind == DIGEST_KIND:
        since = n.created_at - timedelta(days=7)
        items = tuple(
            Notification.objects.filter(
                user_id=n.user_id, school_id=n.school_id, created_at__gte=since
            )
            .exclude(kind=DIGEST_KIND)
            .order_by("created_at")
            .values_list("text", flat=True)[:50]
        )
    return Message(
        delivery_id=d.pk,
        kind=n.kind,
        subject=n.subject or "Thông báo từ HoSo",
        text=n.text,
        url=absolute(n.url),
        school_name=d.school.short_name or d.school.name,
        urgent=d.urgent,
        items=items,
    )


@dataclass
class Run:
    """What one ``deliver_due`` did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    skipped: int = 0
    deferred: int = 0
    claimed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Run) -> None:
        for name in ("sent", "retried", "failed", "cancelled", "skipped", "deferred", "claimed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def deliver_due(*, limit: int = 50, now: datetime | None = None) -> Run:
    """Claim up to ``limit`` due deliveries and send them. Returns what happened."""
    from hoso.privacy.selectors import channel_allowed_user_ids

    run = Run()
    now = now or clock.now()
    batch = claim(limit=limit, now=now)
    run.claimed = len(batch)
    if not batch:
        return run
    # Asked again at sending time: consent, preferences, addresses, quiet hours.
    groups: dict[tuple[int, str], set[int]] = defaultdict(set)
    for d in batch:
        if d.needs_consent:
            groups[(d.school_id, d.channel)].add(d.user_id)
    allowed = {
        key: channel_allowed_user_ids(school_id=key[0], channel=key[1], user_ids=ids)
        for key, ids in groups.items()
    }
    reach: dict[tuple[int, int], Reach] = {}
    for school_id in {d.school_id for d in batch}:
        ids = {d.user_id for d in batch if d.school_id == school_id}
        guardians = {d.user_id for d in batch if d.school_id == school_id and d.needs_consent}
        for pk, r in reach_of(ids, school_id=school_id, guardians=guardians).items():
            reach[(school_id, pk)] = r
    quiet = {sid: school_settings(sid) for sid in {d.school_id for d in batch}}
    push_subs: dict[int, list[PushSubscription]] = defaultdict(list)
    if any(d.channel == Channel.PUSH for d in batch):
        for sub in PushSubscription.objects.filter(
            user_id__in={d.user_id for d in batch if d.channel == Channel.PUSH}
        ):
            push_subs[sub.user_id].append(sub)

    emailed: list[int] = []
    for d in batch:
        person = reach.get((d.school_id, d.user_id))
        if person is None:
            _finish(d, state=State.CANCELLED, reason=Reason.INACTIVE, error=_label(Reason.INACTIVE))
            run.cancelled += 1
            continue
        if d.needs_consent and d.user_id not in allowed.get((d.school_id, d.channel), set()):
            _finish(
                d,
                state=State.CANCELLED,
                reason=Reason.CONSENT_WITHDRAWN,
                error=_label(Reason.CONSENT_WITHDRAWN),
            )
            run.cancelled += 1
            continue
        if d.channel not in person.channels:
            _finish(
                d,
                state=State.CANCELLED,
                reason=Reason.CHANNEL_OFF,
                error=_label(Reason.CHANNEL_OFF),
            )
            run.cancelled += 1
            continue
        if person.digest and not d.urgent and d.notification.kind != DIGEST_KIND:
            _finish(d, state=State.SKIPPED, reason=Reason.DIGEST, error=_label(Reason.DIGEST))
            run.skipped += 1
            continue
        if not d.urgent:
            s = quiet[d.school_id]
            free = after_quiet_hours(now, [(s.quiet_start, s.quiet_end), person.quiet])
            if free > now:
                _finish(d, state=State.QUEUED, next_attempt_at=free, attempts=F("attempts") - 1)
                run.deferred += 1
                continue
        address = {
            Channel.EMAIL: person.email,
            Channel.SMS: person.phone,
            Channel.ZALO: person.phone,
            Channel.PUSH: push_subs.get(d.user_id, []),
        }[d.channel]
        if not address:
            _finish(
                d, state=State.SKIPPED, reason=Reason.NO_ADDRESS, error=_label(Reason.NO_ADDRESS)
            )
            run.skipped += 1
            continue
        provider = provider_for(d.channel)
        if provider is None:  # configuration removed after queuing: wait, then give up
            _finish(
                d,
                state=State.QUEUED if d.attempts < max_attempts() else State.FAILED,
                next_attempt_at=now + backoff(d.attempts),
                reason=Reason.PROVIDER_OFF,
                error=_label(Reason.PROVIDER_OFF),
            )
            run.retried += 1
            continue
        try:
            sent = provider.deliver(compose(d), address)
        except ProviderError as exc:
            if exc.retryable and d.attempts < max_attempts():
                _finish(
                    d,
                    state=State.QUEUED,
                    next_attempt_at=clock.now() + backoff(d.attempts),
                    provider=provider.name,
                    reason=exc.code,
                    error=exc.message[:500],
                )
                run.retried += 1
            else:
                _finish(
                    d,
                    state=State.FAILED,
                    provider=provider.name,
                    reason=exc.code if not exc.retryable else Reason.ATTEMPTS,
                    error=exc.message[:500],
                )
                run.failed += 1
            run.errors.append(exc.message)
            continue
        except Exception as exc:  # a bug in an adapter: keep the row, try later, log loudly
            logger.exception("Provider %s crashed on delivery %s", d.channel, d.pk)
            _finish(
                d,
                state=State.QUEUED if d.attempts < max_attempts() else State.FAILED,
                next_attempt_at=clock.now() + backoff(d.attempts),
                provider=provider.name,
                reason="provider_crash",
                error=f"Lỗi trong bộ gửi: {type(exc).__name__}: {exc}"[:500],
            )
            run.retried += 1
            continue
        sent_at = clock.now()
        _finish(
            d,
            state=State.SENT,
            sent_at=sent_at,
            provider=provider.name,
            provider_message_id=sent.provider_message_id,
            address=str(sent.address or address)[:300],
            reason="",
            error="",
        )
        if d.channel == Channel.EMAIL:
            emailed.append(d.notification_id)
        run.sent += 1
    if emailed:  # shown in the inbox ("Đã gửi e-mail"); one write for the batch
        Notification.objects.filter(pk__in=emailed).update(emailed_at=clock.now())
    return run


def _label(reason: str) -> str:
    return Reason.LABELS.get(reason, reason)


def pool_room() -> int:
    """How many worker threads the process's connection pool can serve besides the calling
    thread's own connection (PostgreSQL with ``HOSO_DB_POOL_MAX``; unbounded otherwise)."""
    pool = connection.settings_dict.get("OPTIONS", {}).get("pool")
    if not pool:
        return 1_000
    return max(1, int(pool.get("max_size", 4)) - 1)


def drain(*, threads: int = 1, limit: int = 50, budget_seconds: float = 50.0) -> Run:
    """Send everything due now with ``threads`` workers (each its own database connection),
    until nothing is due or the time budget is spent; then make sure a run is scheduled for the
    next due row (a retry, the end of quiet hours)."""
    total = Run()
    lock = threading.Lock()
    stop_at = monotime.monotonic() + budget_seconds

    def work():
        try:
            while monotime.monotonic() < stop_at:
                run = deliver_due(limit=limit)
                with lock:
                    total.add(run)
                if run.claimed == 0:
                    return
        except Exception:  # the database went away: what this thread claimed comes back later
            logger.exception("An outbox worker thread stopped")
            with lock:
                total.errors.append("worker thread stopped")
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()

    threads = min(threads, pool_room())
    if threads <= 1 or connection.in_atomic_block:  # other connections would not see our rows
        work()
    else:
        workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        close_old_connections()
    nxt = Delivery.objects.filter(state=State.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
    if nxt is not None and nxt > clock.now():
        kick(nxt)
    return total
