"""Every write to transcripts (học bạ số). Keyword-only, policy-checked, audited in the same
transaction, row-locked (SELECT … FOR UPDATE) against concurrent writers.

Signing is slow (a few hundred ms a document) and needs the signer's password or PIN, which must
never be stored, so it runs in the request in three phases: read the documents to sign (no lock),
sign them all with one unlock of the key (no transaction held), then in one short transaction lock
the rows, keep only those still in the same state with the same PDF, store the signed revisions,
move the states and write the audit. A wrong password fails in phase two: nothing changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import logging
import zipfile
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import ROLE_LABELS, Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import PermissionDeniedError, bounded
from hoso.core.text import nfc
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.organisation.models import Position, SchoolClass, Staff
from hoso.students.models import Enrolment
from hoso.transcripts import engines, policies
from hoso.transcripts.codes import new_code
from hoso.transcripts.content import CONTENT_VERSION, LEGACY_VERSION, periods_in_words
from hoso.transcripts.errors import MESSAGES, TranscriptError, fail
from hoso.transcripts.models import Transcript, TranscriptEvent, TranscriptRevision
from hoso.transcripts.workflow import STEP_LABELS, Step, signers_to_ask_again, target

logger = logging.getLogger("hoso.transcripts")
S = Transcript.State

STATE_FIELDS = [
    "state",
    "version",
    "code",
    "data_hash",
    "pdf_sha256",
    "check_comment",
    "revoke_reason",
    "stale_hash",
]


_saved_files: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "transcript_saved_files", default=None
)


@contextlib.contextmanager
def _atomic_with_files():
    """``transaction.atomic()`` that also removes the PDFs it stored if it rolls back, so a
    failed step leaves no orphan file behind."""
    saved: list[str] = []
    token = _saved_files.set(saved)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name in saved:
            try:
                default_storage.delete(name)
            except Exception:
                logger.warning("Could not remove %s after a rollback", name)
        raise
    finally:
        _saved_files.reset(token)


def _snapshot(t: Transcript) -> dict:
    return {name: getattr(t, name) for name in STATE_FIELDS}


def _denied(actor: Actor, what: str) -> PermissionDeniedError:
    log_denied(actor, kind="forbidden", what=what)
    return PermissionDeniedError(TranscriptError.NOT_ALLOWED, MESSAGES[TranscriptError.NOT_ALLOWED])


def _user_name(user) -> str:
    if user is None:
        return ""
    return nfc(user.get_full_name() or user.get_username())


def _record(
    *,
    transcript: Transcript,
    kind: str,
    actor_user,
    before: dict | None,
    comment: str = "",
    acting_as: str = "",
    state_before: str = "",
) -> None:
    """The transcript's own history row and the audit event, in the caller's transaction."""
    TranscriptEvent.objects.create(
        transcript=transcript,
        kind=kind,
        actor=actor_user,
        actor_name=_user_name(actor_user),
        acting_as=acting_as,
        state_before=state_before,
        state_after=transcript.state,
        comment=bounded(comment, 1000, what="Ý kiến"),
    )
    audit_record(
        event_type=f"transcript.{kind}",
        actor=actor_user,
        school_id=transcript.school_id,
        target=transcript,
        before=before,
        after=_snapshot(transcript) | ({"comment": comment} if comment else {}),
        acting_as=acting_as,
    )


def _store_pdf(
    transcript: Transcript,
    *,
    kind: str,
    pdf: bytes,
    signer=None,
    role_label: str = "",
    signer_name: str = "",
) -> None:
    """Keep ``pdf`` as the next revision and make it the transcript's current PDF."""
    seq = (transcript.revisions.aggregate(m=Max("seq"))["m"] or 0) + 1
    name = (
        f"transcripts/{transcript.school_id}/{transcript.year_id}/{transcript.student_id}/"
        f"v{transcript.version}-{seq:02d}-{kind}.pdf"
    )
    stored = default_storage.save(name, ContentFile(pdf))
    tracker = _saved_files.get()
    if tracker is not None:
        tracker.append(stored)
    digest = engines.sha256(pdf)
    TranscriptRevision.objects.create(
        transcript=transcript,
        seq=seq,
        kind=kind,
        file=stored,
        sha256=digest,
        size=len(pdf),
        signer=signer,
        signer_name=signer_name or (_user_name(signer) if signer else ""),
        role_label=role_label,
    )
    transcript.pdf.name = stored
    transcript.pdf_sha256 = digest


def read_pdf(transcript: Transcript) -> bytes:
    with default_storage.open(transcript.pdf.name, "rb") as fh:
        return fh.read()


def _ruleset_version(data: dict) -> str:
    """ "TT22_2021@<version>" from the data the document rendered."""
    ruleset = data.get("ruleset") or {}
    code, version = str(ruleset.get("code", "")), str(ruleset.get("version", ""))
    if not version or version == code:
        return code
    return version if version.startswith(code) else f"{code}@{version}"


def _class_students(school_class: SchoolClass):
    """The students whose year the class carries (``last_of_year``): the members now and those
    who left the school from it during the year — a transferred-out student's transcript is
    needed exactly then; one who changed class has it with the new class."""
    return [
        e.student
        for e in Enrolment.objects.last_of_year()
        .filter(school_class=school_class, year=school_class.year)
        .select_related("student")
    ]


def _unchanged(live: Transcript, fresh: engines.Fresh) -> bool:
    """Whether ``live`` still shows what it would show now, compared by the formula of the
    content version it was drafted under: a version-1 transcript (its hash covers the printed
    data) is compared with the printed data laid out now, a current one with the content only.
    A newer formula therefore never flags the transcripts hashed by an older one: a version-2
    transcript is compared with the content now as version 2 wrote it (a leaver's extract,
    new in version 3, is a change)."""
    version = engines.content_version(live.data)
    if version == LEGACY_VERSION:
        return live.data_hash == fresh.legacy_hash
    if version < CONTENT_VERSION:
        return live.data_hash == fresh.digest_as(version)
    return live.data_hash == fresh.digest


def _new_version(
    *,
    student,
    school_class: SchoolClass,
    fresh: engines.Fresh,
    actor_user,
    supersedes=None,
) -> Transcript:
    """Create and render a new draft version (caller holds the transaction)."""
    data = fresh.data
    last = (
        Transcript.objects.filter(student=student, year=school_class.year).aggregate(
            m=Max("version")
        )["m"]
        or 0
    )
    for _attempt in range(5):  # a code collision (≈ 1 in 10^12) just draws again
        code = new_code()
        if not Transcript.objects.filter(code=code).exists():
            break
    transcript = Transcript(
        school_id=school_class.year.school_id,
        year=school_class.year,
        student=student,
        school_class=school_class,
        version=last + 1,
        state=S.DRAFT,
        code=code,
        data=data,
        data_hash=fresh.digest,
        ruleset_version=_ruleset_version(data)[:60],
        supersedes=supersedes,
        created_by=actor_user,
    )
    with transaction.atomic():  # a savepoint: a concurrent drafter's row wins cleanly
        transcript.save()
    pdf = engines.render(data, code=code)
    _store_pdf(transcript, kind=TranscriptRevision.Kind.DRAFT, pdf=pdf)
    transcript.save(update_fields=["pdf", "pdf_sha256"])
    return transcript


# ------------------------------------------------------------------------------ drafting


@dataclass
class DraftResult:
    created: list[Transcript] = field(default_factory=list)
    unchanged: int = 0
    superseded: list[Transcript] = field(default_factory=list)
    flagged: list[Transcript] = field(default_factory=list)
    written: int = 0  # versions a refresh locked to write (their data changed, or a flag)


def transcripts_draft_class(
    *, actor: Actor, school_class: SchoolClass, student=None
) -> DraftResult:
    """Draft a transcript for every student whose year the class carries (one per student and
    year: the members, and those who left the school from it during the year) — or only for
    ``student``, who must be one of them (a student leaving: the extract at the leaving date
    is drafted then, the class's other drafts untouched). Existing versions are brought up to
    date (see ``_refresh_one``)."""
    if not school_class.year.writable_for("transcripts"):
        raise fail(TranscriptError.YEAR_CLOSED)
    if not policies.can_draft(actor, school_class):
        raise _denied(actor, f"lập học bạ lớp {school_class.name}")
    students = _class_students(school_class)
    if student is not None:
        students = [s for s in students if s.pk == student.pk]
    if not students:
        raise fail(TranscriptError.NO_STUDENTS)
    engines.require_public_url()  # before any work: the drafts' QR codes carry the address
    result = DraftResult()
    for one in students:
        _draft_one(actor=actor, school_class=school_class, student=one, result=result)
    return result


def _draft_one(*, actor: Actor, school_class: SchoolClass, student, result: DraftResult) -> None:
    """Draft the student's first version, or compare the living one (``_refresh_one``)."""
    fresh = engines.fresh(student=student, year=school_class.year)
    with _atomic_with_files():
        live = (
            Transcript.objects.select_for_update()
            .filter(student=student, year=school_class.year)
            .exclude(state__in=Transcript.DEAD_STATES)
            .first()
        )
        if live is None:
            # A revoked version not yet replaced: this draft is its re-issue.
            revoked = (
                Transcript.objects.select_for_update()
                .filter(
                    student=student,
                    year=school_class.year,
                    state=S.REVOKED,
                    replaced_by__isnull=True,
                )
                .order_by("-version")
                .first()
            )
            try:
                created = _new_version(
                    student=student,
                    school_class=school_class,
                    fresh=fresh,
                    actor_user=actor.user,
                    supersedes=revoked,
                )
            except IntegrityError:  # drafted concurrently by someone else
                result.unchanged += 1
                return
            comment = ""
            if revoked is not None:
                before = _snapshot(revoked)
                revoked.replaced_by = created
                revoked.save(update_fields=["replaced_by"])
                _record(
                    transcript=revoked,
                    kind="reissue_started",
                    actor_user=actor.user,
                    before=before,
                    comment=f"Bản cấp lại: bản {created.version}.",
                    state_before=revoked.state,
                )
                comment = f"Cấp lại thay bản {revoked.version} (mã {revoked.code}) đã thu hồi."
            _record(
                transcript=created,
                kind="drafted",
                actor_user=actor.user,
                before=None,
                comment=comment,
            )
            result.created.append(created)
        else:
            _refresh_one(live, fresh=fresh, actor_user=actor.user, result=result)


def _refresh_one(
    live: Transcript, *, fresh: engines.Fresh, actor_user, result: DraftResult
) -> None:
    """Compare the stored hash with fresh data (row locked by the caller)."""
    digest = fresh.digest
    if _unchanged(live, fresh):
        if live.state == S.ISSUED and live.stale_since:
            before = _snapshot(live)
            live.stale_since, live.stale_hash = None, ""
            live.save(update_fields=["stale_since", "stale_hash"])
            _record(transcript=live, kind="data_restored", actor_user=actor_user, before=before)
        result.unchanged += 1
        return
    if live.state == S.ISSUED:
        if live.stale_hash != digest:
            before = _snapshot(live)
            live.stale_since, live.stale_hash = clock.now(), digest
            live.save(update_fields=["stale_since", "stale_hash"])
            _record(transcript=live, kind="data_changed", actor_user=actor_user, before=before)
            _ask_issuers(live)
            result.flagged.append(live)
        else:
            result.unchanged += 1
        return
    # Not issued yet: the version is superseded and a new one drafted; those who had signed it
    # are asked again.
    before = _snapshot(live)
    state_before = live.state
    to_ask = signers_to_ask_again(state_before)
    signed_by = {
        "homeroom": live.homeroom_signed_by,
        "vice_principal": live.checked_by,
        "principal": live.principal_signed_by,
    }
    live.state = target(Step.SUPERSEDE, live.state)
    live.save(update_fields=["state"])
    _record(
        transcript=live,
        kind="superseded",
        actor_user=actor_user,
        before=before,
        state_before=state_before,
        comment="Dữ liệu học bạ đã thay đổi.",
    )
    school_class = live.school_class
    redrafted = _new_version(
        student=live.student,
        school_class=school_class,
        fresh=fresh,
        actor_user=actor_user,
        supersedes=live,
    )
    _record(
        transcript=redrafted,
        kind="drafted",
        actor_user=actor_user,
        before=None,
        comment=f"Thay thế bản {live.version} do dữ liệu thay đổi.",
    )
    for role in to_ask:
        _ask_to_sign_again(redrafted, role=role, user=signed_by[role])
    result.superseded.append(live)
    result.created.append(redrafted)


ROLE_TEXT = {
    "homeroom": "ký lại (giáo viên chủ nhiệm)",
    "vice_principal": "kiểm tra lại (phó hiệu trưởng)",
    "principal": "ký duyệt lại (hiệu trưởng)",
}


def _class_url(transcript: Transcript) -> str:
    from django.urls import reverse

    return reverse("transcripts:class", args=[transcript.school_class_id])


def _ask_to_sign_again(transcript: Transcript, *, role: str, user) -> None:
    from hoso.notifications.actions import notify

    if user is None:
        return
    notify(
        user=user,
        school=transcript.school,
        kind="transcript_resign",
        text=(
            f"Học bạ của {transcript.student.full_name} ({transcript.school_class.name}, "
            f"năm học {transcript.year.name}) có dữ liệu thay đổi sau khi đã ký: "
            f"bản {transcript.version} cần {ROLE_TEXT[role]}."
        ),
        dedupe_key=f"transcript:{transcript.pk}:resign:{role}",
        url=_class_url(transcript),
        email_subject="Học bạ cần ký lại",
    )


def _ask_issuers(transcript: Transcript) -> None:
    """An issued transcript's data changed: the clerk and the principal must revoke and re-issue."""
    from hoso.notifications.actions import notify

    for staff in Staff.objects.filter(
        school_id=transcript.school_id,
        is_active=True,
        position__in=[Position.CLERK, Position.PRINCIPAL],
        user__isnull=False,
    ).select_related("user"):
        notify(
            user=staff.user,
            school=transcript.school,
            kind="transcript_stale",
            text=(
                f"Học bạ đã cấp của {transcript.student.full_name} "
                f"({transcript.school_class.name}, năm học {transcript.year.name}, mã "
                f"{transcript.code}): dữ liệu đã thay đổi — cần thu hồi và cấp lại."
            ),
            dedupe_key=f"transcript:{transcript.pk}:stale:{transcript.stale_hash}",
            url=_class_url(transcript),
            email_subject="Học bạ đã cấp có dữ liệu thay đổi",
        )


# ------------------------------------------------------------------------------ refreshing


def transcripts_refresh(
    *, year, student_ids: list[int] | None = None, living=None, actor_user=None
) -> DraftResult:
    """Recompute the data of every living transcript of ``year`` (or of ``student_ids``, or
    the ``living`` versions the caller has read, their student loaded) and
    compare hashes: changed drafts or partly signed versions are superseded and redrafted, the
    people who had signed are asked again; changed issued ones are flagged, never altered.
    Used by the class page, ``manage.py transcripts_refresh`` and the grade book's hook."""
    result = DraftResult()
    if living is None:
        qs = Transcript.objects.filter(year=year).exclude(state__in=Transcript.DEAD_STATES)
        if student_ids is not None:
            qs = qs.filter(student_id__in=list(student_ids))
        living = list(qs.select_related("student", "year").order_by("pk"))
    if not living:
        return result
    # The fresh data of every student at once (a class at a time), then compared without a
    # lock: only the versions whose data changed (or an issued one's flag to clear) are locked
    # and written, each in its own transaction, compared again under the lock.
    fresh_by_student = engines.fresh_many(students=[t.student for t in living], year=year)
    for current in living:
        fresh = fresh_by_student[current.student_id]
        if not _needs_write(current, fresh):
            result.unchanged += 1
            continue
        result.written += 1
        with _atomic_with_files():
            live = (
                Transcript.objects.select_for_update()
                .select_related("student", "year", "school_class__grade", "school_class__year")
                .filter(pk=current.pk)
                .exclude(state__in=Transcript.DEAD_STATES)
                .first()
            )
            if live is None:
                continue
            _refresh_one(live, fresh=fresh, actor_user=actor_user, result=result)
    return result


def _needs_write(live: Transcript, fresh: engines.Fresh) -> bool:
    """Whether ``_refresh_one`` would write anything for ``live`` (read without a lock)."""
    if _unchanged(live, fresh):
        return live.state == S.ISSUED and bool(live.stale_since)
    if live.state == S.ISSUED:
        return live.stale_hash != fresh.digest
    return True


def transcripts_on_results_changed(*, year, student_ids: list[int]) -> None:
    """For the grade book: call after a correction (inside or outside a transaction). The
    transcripts of those students are rechecked in the background after commit."""
    from hoso.transcripts.tasks import refresh_transcripts

    ids = sorted({int(i) for i in student_ids})
    year_id = year.pk if hasattr(year, "pk") else int(year)

    def enqueue() -> None:
        try:
            refresh_transcripts.enqueue(year_id, ids)
        except Exception:
            logger.exception("Could not enqueue the transcript refresh for year %s", year_id)

    transaction.on_commit(enqueue)


# ------------------------------------------------------------------------------- signing


@dataclass
class SignResult:
    signed: list[Transcript] = field(default_factory=list)
    skipped: int = 0  # changed by someone else while signing
    refreshed: DraftResult | None = None
    seconds: float = 0.0


SIGN_STEPS = {
    # step: (signer slot, revision kind, who-field, when-field, audit kind, role)
    Step.HOMEROOM_SIGN: (
        "homeroom",
        TranscriptRevision.Kind.HOMEROOM,
        "homeroom_signed_by",
        "homeroom_signed_at",
        "homeroom_signed",
        Role.HOMEROOM_TEACHER,
    ),
    Step.PRINCIPAL_SIGN: (
        "principal",
        TranscriptRevision.Kind.PRINCIPAL,
        "principal_signed_by",
        "principal_signed_at",
        "principal_signed",
        Role.PRINCIPAL,
    ),
    Step.ISSUE: (
        "seal",
        TranscriptRevision.Kind.SEAL,
        "issued_by",
        "issued_at",
        "issued",
        Role.CLERK,
    ),
}


def stamp_role_label(slot: str, school) -> str:
    """The role printed in the visible stamp and kept with the revision."""
    if slot == "homeroom":
        return ROLE_LABELS[Role.HOMEROOM_TEACHER]
    if slot == "principal":
        return nfc(getattr(school, "head_title", "") or ROLE_LABELS[Role.PRINCIPAL])
    return "Chữ ký số của nhà trường"


CAN = {
    Step.HOMEROOM_SIGN: policies.can_homeroom_sign,
    Step.PRINCIPAL_SIGN: policies.can_principal_sign,
    Step.ISSUE: policies.can_issue,
}


def _reissues(transcripts: list[Transcript]) -> list[Transcript]:
    """Those that correct a revoked version (the only signing allowed in a closed year)."""
    return [t for t in transcripts if t.supersedes_id and t.supersedes.state == S.REVOKED]


def _candidates(school_class, step: Step, ids: list[int] | None) -> list[Transcript]:
    sources = {s for s in Transcript.State if target(step, s)}
    qs = Transcript.objects.filter(school_class=school_class, state__in=sources).select_related(
        "student", "supersedes"
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("student__sort_name", "pk"))


def _sign_step(
    *,
    actor: Actor,
    school_class: SchoolClass,
    step: Step,
    secret: str,
    transcript_ids: list[int] | None = None,
) -> SignResult:
    import time

    started = time.perf_counter()
    slot, kind, by_field, at_field, event_kind, role = SIGN_STEPS[step]
    closed = not school_class.year.writable_for("transcripts")
    if closed and not _reissues(_candidates(school_class, step, transcript_ids)):
        raise fail(TranscriptError.YEAR_CLOSED)
    if not CAN[step](actor, school_class, reissue=closed):
        raise _denied(actor, f"{STEP_LABELS[step]} học bạ lớp {school_class.name}")
    if not secret:
        raise fail(TranscriptError.SECRET_REQUIRED)
    engines.require_public_url()  # nobody signs a PDF whose QR code leads nowhere
    result = SignResult()
    # Nobody signs stale data: bring the class's versions up to date first (a closed year's
    # grade book no longer changes).
    if not closed:
        live_ids = [
            t.student_id
            for t in Transcript.objects.filter(school_class=school_class).exclude(
                state__in=Transcript.DEAD_STATES
            )
        ]
        result.refreshed = transcripts_refresh(
            year=school_class.year, student_ids=live_ids, actor_user=actor.user
        )
    todo = _candidates(school_class, step, transcript_ids)
    if closed:
        todo = _reissues(todo)
    if not todo:
        raise fail(TranscriptError.NOTHING_TO_DO)
    # A transcript whose results are not all approved is a draft: nobody signs it. A leaver's
    # periods not completed (``not_completed``) are not pending: its extract may be signed.
    pending = sorted({p for t in todo for p in (t.data.get("pending") or [])})
    if pending:
        leavers = [t for t in todo if t.data.get("pending") and t.data.get("left")]
        raise fail(
            TranscriptError.RESULTS_NOT_APPROVED,
            periods=periods_in_words(todo),
            leavers=(
                " Học sinh rời trường sau khi các kỳ đó kết thúc nên học bạ phải có kết quả "
                "các kỳ đó."
                if leavers
                else ""
            ),
        )
    # Phase 1: read (no lock).
    originals = [(t.pk, t.pdf_sha256, read_pdf(t)) for t in todo]
    # Phase 2: sign with one unlock (no transaction held; a wrong secret changes nothing).
    credential = engines.credential(
        user=None if slot == "seal" else actor.user, school=actor.school, seal=slot == "seal"
    )
    role_label = stamp_role_label(slot, actor.school)
    signer_name = nfc(actor.school.name) if slot == "seal" else _user_name(actor.user)
    # What the history and the public page show: for the seal, the school, applied by the clerk.
    shown_name = (
        f"{signer_name} (văn thư {_user_name(actor.user)})" if slot == "seal" else signer_name
    )
    signed = engines.sign_batch(
        pdfs=[pdf for _pk, _sha, pdf in originals],
        credential=credential,
        secret=secret,
        signer=slot,
        signer_name=signer_name,
        role_label=role_label,
        actor=actor.user,
        document_refs=[f"transcripts.transcript:{pk}" for pk, _sha, _pdf in originals],
    )
    acting_as = actor.acting_as_for(role)
    now = clock.now()
    # Phase 3: one short transaction; keep only rows nobody changed meanwhile.
    with _atomic_with_files():
        locked = {
            t.pk: t
            for t in Transcript.objects.select_for_update()
            .select_related("student")
            .filter(pk__in=[pk for pk, _sha, _pdf in originals])
        }
        for (pk, sha, _pdf), pdf in zip(originals, signed, strict=True):
            t = locked.get(pk)
            if t is None or t.pdf_sha256 != sha or not target(step, t.state):
                result.skipped += 1
                continue
            before = _snapshot(t)
            state_before = t.state
            _store_pdf(
                t,
                kind=kind,
                pdf=pdf,
                signer=actor.user,
                role_label=role_label,
                signer_name=shown_name,
            )
            t.state = target(step, t.state)
            setattr(t, by_field, actor.user)
            setattr(t, at_field, now)
            t.save(update_fields=["state", "pdf", "pdf_sha256", by_field, at_field])
            _record(
                transcript=t,
                kind=event_kind,
                actor_user=actor.user,
                before=before,
                acting_as=acting_as,
                state_before=state_before,
            )
            result.signed.append(t)
    if result.signed:
        _notify_next(step, school_class, result.signed)
    result.seconds = time.perf_counter() - started
    return result


NEXT_IN_CHAIN = {
    # step done: (positions asked next, what they are asked)
    Step.HOMEROOM_SIGN: ([Position.VICE_PRINCIPAL], "chờ phó hiệu trưởng kiểm tra"),
    Step.CHECK_APPROVE: ([Position.PRINCIPAL], "chờ hiệu trưởng ký duyệt"),
    Step.PRINCIPAL_SIGN: ([Position.CLERK], "chờ văn thư ký số của nhà trường và cấp"),
}


def _notify_next(step: Step, school_class: SchoolClass, done: list[Transcript]) -> None:
    """Tell the people of the next step that transcripts of the class wait for them."""
    from django.db.models import Q

    from hoso.notifications.actions import notify

    if step not in NEXT_IN_CHAIN or not done:
        return
    positions, waiting = NEXT_IN_CHAIN[step]
    people = (
        Staff.objects.filter(school_id=school_class.year.school_id, is_active=True)
        .filter(user__isnull=False)
        .filter(Q(position__in=positions) | Q(extra_positions__position__in=positions))
        .select_related("user")
        .distinct()
    )
    last = max(t.pk for t in done)
    for staff in people:
        notify(
            user=staff.user,
            school=school_class.year.school,
            kind="transcript_next",
            text=f"{len(done)} học bạ lớp {school_class.name} {waiting}.",
            dedupe_key=f"transcript:next:{step}:{school_class.pk}:{last}:{len(done)}",
            url=reverse("transcripts:class", args=[school_class.pk]),
        )


def transcripts_homeroom_sign(
    *, actor: Actor, school_class: SchoolClass, secret: str, transcript_ids: list[int] | None = None
) -> SignResult:
    """The homeroom teacher signs the class's drafts, all with one password/PIN entry."""
    return _sign_step(
        actor=actor,
        school_class=school_class,
        step=Step.HOMEROOM_SIGN,
        secret=secret,
        transcript_ids=transcript_ids,
    )


def transcripts_principal_sign(
    *, actor: Actor, school_class: SchoolClass, secret: str, transcript_ids: list[int] | None = None
) -> SignResult:
    """The principal approves and signs (ký duyệt) the checked transcripts of a class."""
    return _sign_step(
        actor=actor,
        school_class=school_class,
        step=Step.PRINCIPAL_SIGN,
        secret=secret,
        transcript_ids=transcript_ids,
    )


def transcripts_issue(
    *, actor: Actor, school_class: SchoolClass, secret: str, transcript_ids: list[int] | None = None
) -> SignResult:
    """The clerk applies the school's digital signature (chứng thư số con dấu): issued, immutable."""
    return _sign_step(
        actor=actor,
        school_class=school_class,
        step=Step.ISSUE,
        secret=secret,
        transcript_ids=transcript_ids,
    )


# ------------------------------------------------------------------------------ checking


def transcripts_check(
    *,
    actor: Actor,
    school_class: SchoolClass,
    approve: bool,
    comment: str = "",
    transcript_ids: list[int] | None = None,
) -> list[Transcript]:
    """The vice principal checks the signed transcripts: approve (→ checked), or send back to
    the homeroom teacher with a comment (→ draft again; the signed PDF stays in the history and
    the unsigned draft becomes current, so the teacher signs again)."""
    comment = nfc(comment).strip()
    closed = not school_class.year.writable_for("transcripts")
    if not policies.can_check(actor, school_class, reissue=closed):
        raise _denied(actor, f"kiểm tra học bạ lớp {school_class.name}")
    if not approve and not comment:
        raise fail(TranscriptError.COMMENT_REQUIRED)
    step = Step.CHECK_APPROVE if approve else Step.CHECK_RETURN
    done: list[Transcript] = []
    with transaction.atomic():
        qs = Transcript.objects.select_for_update(of=("self",)).filter(
            school_class=school_class, state__in=list(TRANSITION_SOURCES[step])
        )
        if transcript_ids is not None:
            qs = qs.filter(pk__in=transcript_ids)
        rows = list(qs.select_related("student", "supersedes").order_by("pk"))
        if closed:
            rows = _reissues(rows)
            if not rows:
                raise fail(TranscriptError.YEAR_CLOSED)
        if not rows:
            raise fail(TranscriptError.NOTHING_TO_DO)
        acting_as = actor.acting_as_for(Role.VICE_PRINCIPAL)
        for t in rows:
            before = _snapshot(t)
            state_before = t.state
            t.state = target(step, t.state)
            t.check_comment = comment
            if approve:
                t.checked_by, t.checked_at = actor.user, clock.now()
                t.save(update_fields=["state", "check_comment", "checked_by", "checked_at"])
            else:
                draft = t.revisions.filter(kind=TranscriptRevision.Kind.DRAFT).order_by("-seq")[0]
                t.pdf.name, t.pdf_sha256 = draft.file.name, draft.sha256
                t.homeroom_signed_by = t.homeroom_signed_at = None
                t.checked_by = t.checked_at = None
                t.save(
                    update_fields=[
                        "state",
                        "check_comment",
                        "pdf",
                        "pdf_sha256",
                        "homeroom_signed_by",
                        "homeroom_signed_at",
                        "checked_by",
                        "checked_at",
                    ]
                )
            _record(
                transcript=t,
                kind="checked" if approve else "returned",
                actor_user=actor.user,
                before=before,
                comment=comment,
                acting_as=acting_as,
                state_before=state_before,
            )
            done.append(t)
        if approve:
            _notify_next(Step.CHECK_APPROVE, school_class, done)
        else:
            homeroom = homeroom_teacher_of(school_class)
            if homeroom and homeroom.user_id:
                from hoso.notifications.actions import notify

                notify(
                    user=homeroom.user,
                    school=school_class.year.school,
                    kind="transcript_returned",
                    text=(
                        f"Phó hiệu trưởng trả lại {len(done)} học bạ lớp {school_class.name}: "
                        f"{comment}"
                    ),
                    dedupe_key=f"transcript:returned:{school_class.pk}:{done[0].pk}:"
                    f"{clock.now().isoformat()}",
                    url=_class_url(done[0]),
                )
    return done


TRANSITION_SOURCES = {
    Step.CHECK_APPROVE: (S.HOMEROOM_SIGNED,),
    Step.CHECK_RETURN: (S.HOMEROOM_SIGNED, S.CHECKED),
}


# ----------------------------------------------------------------------- revoke, re-issue


def transcript_revoke(*, actor: Actor, transcript: Transcript, reason: str) -> Transcript:
    """Revoke an issued transcript (thu hồi): it stays, marked revoked with the reason."""
    reason = nfc(reason).strip()
    if not policies.can_revoke(actor, transcript):
        raise _denied(actor, f"thu hồi học bạ #{transcript.pk}")
    if not reason:
        raise fail(TranscriptError.REASON_REQUIRED)
    with transaction.atomic():
        t = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if not target(Step.REVOKE, t.state):
            raise fail(TranscriptError.WRONG_STATE)
        before = _snapshot(t)
        state_before = t.state
        t.state = S.REVOKED
        t.revoked_by, t.revoked_at, t.revoke_reason = (
            actor.user,
            clock.now(),
            bounded(reason, 1000, what="Lý do thu hồi"),
        )
        t.save(update_fields=["state", "revoked_by", "revoked_at", "revoke_reason"])
        _record(
            transcript=t,
            kind="revoked",
            actor_user=actor.user,
            before=before,
            comment=reason,
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
            state_before=state_before,
        )
    return t


def transcript_reissue(*, actor: Actor, transcript: Transcript) -> Transcript:
    """Draft the corrected version of a revoked transcript: new version, new code, fresh data.
    It goes through the signing chain again; the revoked one points to it (``replaced_by``)."""
    if not policies.can_reissue(actor, transcript):
        raise _denied(actor, f"cấp lại học bạ #{transcript.pk}")
    school_class = SchoolClass.objects.select_related("year", "grade").get(
        pk=transcript.school_class_id
    )
    fresh_data = engines.fresh(student=transcript.student, year=school_class.year)
    with _atomic_with_files():
        old = Transcript.objects.select_for_update().get(pk=transcript.pk)
        if old.state != S.REVOKED:
            raise fail(TranscriptError.NOT_REVOKED)
        if old.replaced_by_id:
            raise fail(TranscriptError.ALREADY_REPLACED)
        if (
            Transcript.objects.filter(student_id=old.student_id, year_id=old.year_id)
            .exclude(state__in=Transcript.DEAD_STATES)
            .exists()
        ):
            raise fail(TranscriptError.ALREADY_REPLACED)
        try:
            fresh = _new_version(
                student=old.student,
                school_class=school_class,
                fresh=fresh_data,
                actor_user=actor.user,
                supersedes=old,
            )
        except IntegrityError:
            raise fail(TranscriptError.ALREADY_REPLACED) from None
        before = _snapshot(old)
        old.replaced_by = fresh
        old.save(update_fields=["replaced_by"])
        _record(
            transcript=old,
            kind="reissue_started",
            actor_user=actor.user,
            before=before,
            comment=f"Bản cấp lại: bản {fresh.version}.",
            state_before=old.state,
        )
        _record(
            transcript=fresh,
            kind="drafted",
            actor_user=actor.user,
            before=None,
            comment=f"Cấp lại thay bản {old.version} (mã {old.code}) đã thu hồi.",
        )
    return fresh


# --------------------------------------------------------------------------------- export


def _export_base(t: Transcript) -> str:
    return f"hoc-ba-{t.student.student_code}-{t.year.name}-v{t.version}"


def _export_into(archive: zipfile.ZipFile, t: Transcript, *, folder: str = "") -> str:
    """Write the transcript's PDF and JSON into ``archive``; the README lines about it."""
    pdf = read_pdf(t)
    base = folder + _export_base(t)
    archive.writestr(f"{base}.pdf", pdf)
    archive.writestr(f"{base}.json", engines.canonical_json(t.data))
    t._exported_sha = engines.sha256(pdf)
    return (
        f"Học bạ số của {t.student.full_name}, năm học {t.year.name}, lớp {t.school_class.name}, "
        f"bản {t.version}, mã tra cứu {t.code}.\n"
        f"Trạng thái: {t.get_state_display()}.\n"
        f"Tệp: {base}.pdf (dữ liệu: {base}.json)\n"
        f"SHA-256 của tệp PDF: {t._exported_sha}\n"
        + (
            f"SHA-256 của nội dung học bạ (khóa “content” của tệp JSON, dạng chuẩn hóa): "
            f"{t.data_hash}\n"
            if "content" in (t.data or {})
            else f"SHA-256 của dữ liệu (JSON chuẩn hóa): {t.data_hash}\n"
        )
        + f"Kiểm tra tính xác thực: {engines.public_url(t.code)}\n"
    )


def _log_export(actor: Actor, t: Transcript) -> None:
    audit_record(
        event_type="transcript.exported",
        actor=actor.user,
        school_id=t.school_id,
        target=t,
        after={"code": t.code, "pdf_sha256": t._exported_sha},
    )
    TranscriptEvent.objects.create(
        transcript=t,
        kind="exported",
        actor=actor.user,
        actor_name=_user_name(actor.user),
        state_before=t.state,
        state_after=t.state,
    )


def transcript_export(*, actor: Actor, transcript: Transcript) -> tuple[str, bytes]:
    """The issued PDF and its JSON in a ZIP, for the student (transfer, graduation) or the
    higher-level database. Every export is written to the audit trail."""
    if not policies.can_export(actor, transcript):
        raise _denied(actor, f"xuất học bạ #{transcript.pk}")
    if transcript.state not in (S.ISSUED, S.REVOKED):
        raise fail(TranscriptError.NOT_ISSUED)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _export_into(archive, transcript).encode())
    with transaction.atomic():
        _log_export(actor, transcript)
    return f"{_export_base(transcript)}.zip", buffer.getvalue()


def transcripts_export_student(*, actor: Actor, student) -> tuple[str, bytes]:
    """Every issued transcript of the student (one per school year, the current version) in one
    ZIP: what the student takes on graduation or transfer. Audited per transcript."""
    probe = Transcript(school_id=student.school_id)
    if not policies.can_export(actor, probe) or student.school_id != actor.school_id:
        raise _denied(actor, f"xuất học bạ của học sinh #{student.pk}")
    issued = list(
        Transcript.objects.filter(student=student, state=S.ISSUED)
        .select_related("student", "year", "school_class")
        .order_by("year__start_date")
    )
    if not issued:
        raise fail(TranscriptError.NOT_ISSUED)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = [_export_into(archive, t, folder=f"{t.year.name}/") for t in issued]
        archive.writestr("README.txt", "\n".join(readme).encode())
    with transaction.atomic():
        for t in issued:
            _log_export(actor, t)
    return f"hoc-ba-{student.student_code}-tat-ca.zip", buffer.getvalue()


def transcript_json_download(*, actor: Actor, transcript: Transcript) -> bytes:
    """The machine-readable JSON beside the PDF (audited like an export)."""
    if not policies.can_export(actor, transcript):
        raise _denied(actor, f"tải dữ liệu học bạ #{transcript.pk}")
    if transcript.state not in (S.ISSUED, S.REVOKED):
        raise fail(TranscriptError.NOT_ISSUED)
    with transaction.atomic():
        audit_record(
            event_type="transcript.json_exported",
            actor=actor.user,
            school_id=transcript.school_id,
            target=transcript,
            after={"code": transcript.code, "data_hash": transcript.data_hash},
        )
    return engines.canonical_json(transcript.data)


__all__ = [
    "DraftResult",
    "SignResult",
    "transcript_export",
    "transcripts_export_student",
    "transcript_json_download",
    "transcript_reissue",
    "transcript_revoke",
    "transcripts_check",
    "transcripts_draft_class",
    "transcripts_homeroom_sign",
    "transcripts_issue",
    "transcripts_on_results_changed",
    "transcripts_principal_sign",
    "transcripts_refresh",
]
