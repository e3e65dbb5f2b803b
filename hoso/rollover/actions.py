"""Every write of the year rollover and of a year's closing and reopening, audited.

``rollover_prepare`` computes the plan (nothing else is written); ``rollover_rename_class`` and
``rollover_set_options`` edit it; ``rollover_queue`` hands it to the worker; ``rollover_run``
(the task) recomputes the plan, refuses if it changed since the preview, then in ONE transaction
creates the new year when needed, its classes, the enrolments of the students moving on, closes
their enrolments of the old year with the outcome and closes the old year once nobody is left in
it. ``year_reopen`` opens a closed year for a stated purpose and time (the principal).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, require
from hoso.audit.actions import audit_record
from hoso.core import clock, progress
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.organisation.models import (
    Checkpoint,
    GradeLevel,
    HomeroomAssignment,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    YearReopening,
)
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.actions import year_rows_create
from hoso.rollover.errors import RolloverError
from hoso.rollover.models import Rollover
from hoso.rollover.placement import Outcome
from hoso.rollover.selectors import (
    calendar_json,
    default_target,
    following_year,
    open_members,
    rollover_plan,
)
from hoso.students.models import Enrolment

logger = logging.getLogger("hoso")

#: Areas a reopening may open (``SchoolYear.reopen_scope``), with their Vietnamese names.
REOPEN_AREAS = {
    "transcripts": "Học bạ (ký, cấp, thu hồi)",
    "results": "Kết quả cuối năm, kiểm tra lại, rèn luyện hè",
    "gradebook": "Sổ điểm (sửa điểm theo thủ tục)",
    "records": "Hồ sơ (nộp, duyệt)",
    "students": "Hồ sơ học sinh",
}
MAX_REOPEN_DAYS = 92
MAX_CLASS_NAME = 20


def progress_key(rollover_id: int) -> str:
    return f"rollover:{rollover_id}"


# --- preparing ---------------------------------------------------------------------------


def _check_source(actor: Actor, year: SchoolYear) -> None:
    require(actor, Perm.ROLL_OVER, what=f"chuyển dữ liệu năm học {year.name}")
    if year.school_id != actor.school_id:
        raise DomainError(RolloverError.YEAR_CLOSED, "Năm học không thuộc trường này.")
    if year.is_closed:
        raise DomainError(
            RolloverError.YEAR_CLOSED,
            f"Năm học {year.name} đã khóa: dữ liệu của năm này đã được chuyển.",
        )


def _target_year(year: SchoolYear, target: dict) -> SchoolYear | None:
    if target.get("year_id"):
        return SchoolYear.objects.filter(pk=target["year_id"], school_id=year.school_id).first()
    return None


def _store_plan(rollover: Rollover) -> None:
    year = rollover.from_year
    names = {c["key"]: c["name"] for c in rollover.classes}
    plan = rollover_plan(
        year,
        to_year=_target_year(year, rollover.target),
        carry_homeroom=rollover.carry_homeroom,
        names=names,
    )
    rollover.classes = [c.as_json() for c in plan.classes]
    rollover.placements = [s.as_json() for s in plan.students]
    rollover.problems = plan.problems
    if not plan.students:
        rollover.problems = [
            *plan.problems,
            {"class": "", "message": "Không còn học sinh nào của năm học này cần chuyển."},
        ]


def rollover_prepare(*, actor: Actor, year: SchoolYear, carry_homeroom: bool | None = None):
    """Compute the plan from ``year`` (the preview). Nothing of the school's data changes."""
    _check_source(actor, year)
    if not SchoolClass.objects.filter(year=year).exists():
        raise DomainError(RolloverError.NO_CLASSES, f"Năm học {year.name} chưa có lớp nào.")
    existing = following_year(year)
    if existing is not None and existing.is_closed:
        raise DomainError(
            RolloverError.TARGET_YEAR,
            f"Năm học {existing.name} đã khóa: không chuyển học sinh vào được.",
        )
    target = {"year_id": existing.pk} if existing is not None else default_target(year)
    if carry_homeroom is None:
        # Secondary homeroom teachers usually move up with their class; primary ones stay with
        # their grade (a school setting in the preview).
        levels = set(year.school.levels or [])
        carry_homeroom = not levels <= {"primary"}
    passes = Rollover.objects.filter(from_year=year, state=Rollover.State.DONE).count()
    with transaction.atomic():
        if (
            Rollover.objects.select_for_update()
            .filter(from_year=year, state__in=Rollover.ACTIVE)
            .exists()
        ):
            raise DomainError(
                RolloverError.ALREADY_RUNNING,
                "Đang có một lần chuyển năm học chưa xong: mở lần đó để tiếp tục hoặc hủy.",
            )
        previous = (
            Rollover.objects.filter(from_year=year, state=Rollover.State.DONE)
            .exclude(to_year=None)
            .order_by("-pk")
            .first()
        )
        if previous is not None:  # a second pass fills the year the first one made
            target = {"year_id": previous.to_year_id}
        rollover = Rollover(
            school=actor.school,
            from_year=year,
            pass_number=passes + 1,
            target=target,
            carry_homeroom=carry_homeroom,
            created_by=actor.user,
            created_at=clock.now(),
        )
        _store_plan(rollover)
        try:
            with transaction.atomic():
                rollover.save()
        except IntegrityError:
            raise DomainError(
                RolloverError.ALREADY_RUNNING,
                "Đang có một lần chuyển năm học chưa xong: mở lần đó để tiếp tục hoặc hủy.",
            )
        audit_record(
            event_type="rollover.prepared",
            actor=actor.user,
            school_id=actor.school_id,
            target=rollover,
            after={
                "from_year": year.name,
                "pass": rollover.pass_number,
                "target": rollover.target,
                "students": len(rollover.placements),
                "problems": len(rollover.problems),
            },
        )
    return rollover


def _locked(rollover: Rollover, states: tuple[str, ...], what: str) -> Rollover:
    locked = Rollover.objects.select_for_update().get(pk=rollover.pk)
    if locked.state not in states:
        raise DomainError(
            RolloverError.WRONG_STATE,
            f"Không thể {what}: lần chuyển này đang ở trạng thái “{locked.get_state_display()}”.",
        )
    return locked


def rollover_refresh(*, actor: Actor, rollover: Rollover) -> Rollover:
    """Compute the preview again (after results were approved, say)."""
    _check_source(actor, rollover.from_year)
    with transaction.atomic():
        locked = _locked(rollover, (Rollover.State.PREVIEW,), "xem lại")
        _store_plan(locked)
        locked.save(update_fields=["classes", "placements", "problems"])
    return locked


def rollover_set_options(
    *,
    actor: Actor,
    rollover: Rollover,
    names: dict[str, str],
    carry_homeroom: bool,
    target: dict | None = None,
) -> Rollover:
    """Edit the preview: the new classes' names (by key), carrying homeroom teachers, and the
    new year's calendar (when the year does not exist yet)."""
    _check_source(actor, rollover.from_year)
    with transaction.atomic():
        locked = _locked(rollover, (Rollover.State.PREVIEW,), "sửa")
        before = {
            "names": {c["key"]: c["name"] for c in locked.classes},
            "carry_homeroom": locked.carry_homeroom,
            "target": locked.target,
        }
        keys = {c["key"] for c in locked.classes}
        clean: dict[str, str] = {}
        for key, raw in names.items():
            name = nfc(raw or "").strip()
            if key not in keys:
                continue
            if not name:
                raise DomainError(RolloverError.BAD_CLASS_NAME, "Tên lớp không được để trống.")
            if len(name) > MAX_CLASS_NAME:
                raise DomainError(
                    RolloverError.BAD_CLASS_NAME,
                    f"Tên lớp “{name}” dài quá {MAX_CLASS_NAME} ký tự.",
                )
            clean[key] = name
        for c in locked.classes:
            c["name"] = clean.get(c["key"], c["name"])
        locked.carry_homeroom = carry_homeroom
        if target is not None and not locked.target.get("year_id"):
            # The form edits the dates; the proposed holidays stay (edited in the set-up).
            locked.target = _check_target({**locked.target, **target})
        _store_plan(locked)
        locked.save(update_fields=["classes", "placements", "problems", "carry_homeroom", "target"])
        after = {
            "names": {c["key"]: c["name"] for c in locked.classes},
            "carry_homeroom": locked.carry_homeroom,
            "target": locked.target,
        }
        if before != after:
            audit_record(
                event_type="rollover.options_changed",
                actor=actor.user,
                school_id=actor.school_id,
                target=locked,
                before=before,
                after=after,
            )
    return locked


def _calendar(target: dict) -> cal.Calendar:
    """The new year's calendar from the preview's JSON, checked as the set-up checks it."""

    def day(value, label: str) -> date:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise DomainError(RolloverError.TARGET_YEAR, f"{label}: ngày không hợp lệ.")

    start, end = day(target.get("start"), "Ngày bắt đầu"), day(target.get("end"), "Ngày kết thúc")
    terms = target.get("terms") or {}
    pairs = []
    for number in ("1", "2"):
        pair = terms.get(number) or []
        if len(pair) != 2:
            raise DomainError(RolloverError.TARGET_YEAR, f"Thiếu ngày của học kỳ {number}.")
        label = "Học kỳ I" if number == "1" else "Học kỳ II"
        pairs.append((day(pair[0], label), day(pair[1], label)))
    labels = dict(Checkpoint.Kind.choices)
    plan = cal.Calendar(
        name=cal.year_name(start.year),
        start=start,
        end=end,
        term1=pairs[0],
        term2=pairs[1],
        checkpoints={
            kind: day(value, labels.get(kind, kind))
            for kind, value in (target.get("checkpoints") or {}).items()
            if value
        },
        holidays=[
            cal.Holiday(name, day(first, name), day(last, name))
            for name, first, last in target.get("holidays") or []
        ],
    )
    cal.check_calendar(plan)
    return plan


def _check_target(target: dict) -> dict:
    return calendar_json(_calendar(target))


def rollover_queue(*, actor: Actor, rollover: Rollover) -> Rollover:
    """Hand the previewed rollover to the worker (after this transaction commits)."""
    from hoso.rollover.tasks import run_rollover

    _check_source(actor, rollover.from_year)
    with transaction.atomic():
        locked = _locked(rollover, (Rollover.State.PREVIEW,), "chuyển")
        _store_plan(locked)
        if locked.problems:
            locked.save(update_fields=["classes", "placements", "problems"])
            raise DomainError(
                RolloverError.NOT_READY,
                "Chưa chuyển được: " + "; ".join(p["message"] for p in locked.problems[:5]),
            )
        locked.state = Rollover.State.QUEUED
        locked.queued_by, locked.queued_at = actor.user, clock.now()
        locked.save(
            update_fields=["classes", "placements", "problems", "state", "queued_by", "queued_at"]
        )
        audit_record(
            event_type="rollover.queued",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            after={"students": len(locked.placements), "classes": len(locked.classes)},
        )
        pk = locked.pk

        def enqueue() -> None:
            try:
                run_rollover.enqueue(pk)
            except Exception:
                logger.exception("Could not enqueue rollover %s", pk)
                Rollover.objects.filter(pk=pk, state=Rollover.State.QUEUED).update(
                    state=Rollover.State.PREVIEW
                )

        transaction.on_commit(enqueue)
    return locked


def rollover_cancel(*, actor: Actor, rollover: Rollover) -> Rollover:
    require(actor, Perm.ROLL_OVER, what="hủy chuyển năm học")
    with transaction.atomic():
        locked = _locked(
            rollover, (Rollover.State.PREVIEW, Rollover.State.QUEUED, Rollover.State.FAILED), "hủy"
        )
        before = locked.state
        locked.state = Rollover.State.CANCELLED
        locked.finished_at = clock.now()
        locked.save(update_fields=["state", "finished_at"])
        audit_record(
            event_type="rollover.cancelled",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            before={"state": before},
            after={"state": locked.state},
        )
    return locked


def rollover_retry(*, actor: Actor, rollover: Rollover) -> Rollover:
    """A failed rollover goes back to its preview (computed again) to be checked and run."""
    _check_source(actor, rollover.from_year)
    with transaction.atomic():
        locked = _locked(rollover, (Rollover.State.FAILED,), "thử lại")
        locked.state, locked.error = Rollover.State.PREVIEW, ""
        _store_plan(locked)
        locked.save(update_fields=["state", "error", "classes", "placements", "problems"])
        audit_record(
            event_type="rollover.retried",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            after={"state": locked.state},
        )
    return locked


# --- the commit (background) ------------------------------------------------------------


class _Changed(Exception):
    pass


def rollover_run(*, rollover_id: int) -> Rollover:
    """The task's body: all or nothing; a failure leaves the school's data as it was."""
    with transaction.atomic():
        rollover = Rollover.objects.select_for_update().get(pk=rollover_id)
        if rollover.state != Rollover.State.QUEUED:
            return rollover  # cancelled, or already run by another worker
        rollover.state, rollover.started_at = Rollover.State.RUNNING, clock.now()
        rollover.save(update_fields=["state", "started_at"])
    key = progress_key(rollover_id)
    progress.report(key, done=0, total=len(rollover.placements), step="Bắt đầu")
    try:
        with transaction.atomic():
            result = _commit(rollover)
    except _NotOurs:
        return Rollover.objects.get(pk=rollover_id)
    except _Changed as exc:
        return _fail(rollover_id, str(exc))
    except DomainError as exc:
        return _fail(rollover_id, exc.message)
    except Exception as exc:  # unexpected: keep the message for the people, the trace for us
        logger.exception("Rollover %s failed", rollover_id)
        return _fail(rollover_id, f"Lỗi không mong đợi: {exc.__class__.__name__}.")
    finally:
        progress.clear(key)
    return result


def _fail(rollover_id: int, message: str) -> Rollover:
    with transaction.atomic():
        rollover = Rollover.objects.select_for_update().get(pk=rollover_id)
        rollover.state, rollover.error, rollover.finished_at = (
            Rollover.State.FAILED,
            message,
            clock.now(),
        )
        rollover.save(update_fields=["state", "error", "finished_at"])
        audit_record(
            event_type="rollover.failed",
            actor=rollover.queued_by,
            school_id=rollover.school_id,
            target=rollover,
            after={"error": message},
        )
    return rollover


def rollover_worker_lost(*, rollover_id: int, give_up: bool) -> bool:
    """The worker running the rollover died (``core.jobs``). The commit is one transaction the
    database rolled back, so nothing changed: the rollover goes back to the queue (True: run it
    again) or, lost too often, fails visibly (then "Xem lại và thử lại" or cancel)."""
    with transaction.atomic():
        rollover = Rollover.objects.select_for_update().filter(pk=rollover_id).first()
        if rollover is None or rollover.state not in (
            Rollover.State.QUEUED,
            Rollover.State.RUNNING,
        ):
            return False
        if give_up:
            _fail(rollover_id, "Tiến trình nền dừng đột ngột nhiều lần khi đang chuyển.")
            return False
        before = rollover.state
        rollover.state, rollover.started_at = Rollover.State.QUEUED, None
        rollover.save(update_fields=["state", "started_at"])
        audit_record(
            event_type="rollover.requeued",
            actor=rollover.queued_by,
            school_id=rollover.school_id,
            target=rollover,
            before={"state": before},
            after={"state": rollover.state},
        )
    return True


class _NotOurs(Exception):
    """This run was declared lost and the rollover handed to another run (or cancelled)."""


def _commit(rollover: Rollover) -> Rollover:
    claimed_at = rollover.started_at
    rollover = Rollover.objects.select_for_update().get(pk=rollover.pk)
    if rollover.state != Rollover.State.RUNNING or rollover.started_at != claimed_at:
        raise _NotOurs
    year = SchoolYear.objects.select_for_update().get(pk=rollover.from_year_id)
    actor_user = rollover.queued_by
    if year.is_closed:
        raise _Changed(f"Năm học {year.name} đã khóa trước khi chuyển.")
    to_year = _target_year(year, rollover.target)
    names = {c["key"]: c["name"] for c in rollover.classes}
    plan = rollover_plan(year, to_year=to_year, carry_homeroom=rollover.carry_homeroom, names=names)
    previewed = sorted((p["enrolment"], p["outcome"], p["target_key"]) for p in rollover.placements)
    if plan.signature() != previewed or plan.problems:
        raise _Changed(
            "Kết quả hoặc danh sách học sinh đã thay đổi từ lúc xem trước: hãy xem lại rồi "
            "chuyển lại."
        )
    created_year = False
    if to_year is None:
        to_year = _create_year(year, rollover.target, actor_user)
        created_year = True
    elif to_year.is_closed:
        raise _Changed(f"Năm học {to_year.name} đã khóa.")
    classes = _ensure_classes(year, to_year, plan, rollover.carry_homeroom, actor_user)
    total, done = len(plan.students), 0
    moved_in: dict[str, list[dict]] = {}
    closed_by_class: dict[str, list[dict]] = {}
    skipped: list[dict] = []
    already = set(
        Enrolment.objects.filter(year=to_year, end_date__isnull=True).values_list(
            "student_id", flat=True
        )
    )
    enrolments = {
        e.pk: e for e in open_members(year).filter(pk__in=[s.enrolment for s in plan.students])
    }
    to_create: list[Enrolment] = []
    closing: list[Enrolment] = []
    outcomes = {
        Outcome.PROMOTED: Enrolment.Outcome.PROMOTED,
        Outcome.REPEATING: Enrolment.Outcome.REPEATING,
        Outcome.COMPLETED: Enrolment.Outcome.COMPLETED,
    }
    for s in plan.students:
        done += 1
        if s.outcome == Outcome.PENDING:
            continue
        enrolment = enrolments[s.enrolment]
        enrolment.outcome = outcomes[Outcome(s.outcome)]
        enrolment.closed_on = year.end_date
        closing.append(enrolment)
        closed_by_class.setdefault(s.from_name, []).append(
            {"student": s.student, "name": s.name, "outcome": enrolment.outcome}
        )
        if s.target_key is not None:
            target_class = classes[s.target_key]
            if s.student in already:
                # Never overwrite what the new year already has (WAVE2 §2.6 rule 3).
                skipped.append({"student": s.student, "name": s.name, "class": target_class.name})
            else:
                to_create.append(
                    Enrolment(
                        student_id=s.student,
                        year=to_year,
                        school_class=target_class,
                        status=Enrolment.Status.STUDYING,
                        start_date=to_year.start_date,
                    )
                )
                moved_in.setdefault(target_class.name, []).append(
                    {"student": s.student, "name": s.name, "from": s.from_name}
                )
        if done % 50 == 0:
            progress.report(progress_key(rollover.pk), done=done, total=total, step=s.from_name)
    Enrolment.objects.bulk_update(closing, ["outcome", "closed_on"])
    Enrolment.objects.bulk_create(to_create)
    for class_name, rows in sorted(closed_by_class.items()):
        audit_record(
            event_type="rollover.class_closed",
            actor=actor_user,
            school_id=year.school_id,
            target_type="organisation.schoolclass",
            target_repr=f"Lớp {class_name} ({year.name})",
            after={"year": year.name, "class": class_name, "students": rows},
        )
    for class_name, rows in sorted(moved_in.items()):
        audit_record(
            event_type="rollover.class_filled",
            actor=actor_user,
            school_id=year.school_id,
            target_type="organisation.schoolclass",
            target_repr=f"Lớp {class_name} ({to_year.name})",
            after={"year": to_year.name, "class": class_name, "students": rows},
        )
    pending = open_members(year).count()
    closed_year = False
    if pending == 0:
        year.is_closed, year.closed_at, year.closed_by = True, clock.now(), actor_user
        year.save(update_fields=["is_closed", "closed_at", "closed_by"])
        closed_year = True
        audit_record(
            event_type="year.closed",
            actor=actor_user,
            school_id=year.school_id,
            target=year,
            before={"is_closed": False},
            after={"is_closed": True, "by": "rollover", "rollover": rollover.pk},
        )
    counts = plan.counts()
    rollover.to_year = to_year
    rollover.target = {"year_id": to_year.pk}
    rollover.state, rollover.finished_at = Rollover.State.DONE, clock.now()
    rollover.result = {
        "to_year": to_year.name,
        "created_year": created_year,
        "classes": len(classes),
        "new_classes": sum(1 for c in plan.classes if not c.exists),
        "enrolled": len(to_create),
        "skipped": skipped,
        "counts": counts,
        "pending": pending,
        "closed_year": closed_year,
    }
    rollover.save(update_fields=["to_year", "target", "state", "finished_at", "result"])
    audit_record(
        event_type="rollover.committed",
        actor=actor_user,
        school_id=year.school_id,
        target=rollover,
        after=rollover.result,
    )
    return rollover


def _create_year(year: SchoolYear, target: dict, actor_user) -> SchoolYear:
    """The next year from the previewed calendar, with the rule sets the school used."""
    school = School.objects.select_for_update().get(pk=year.school_id)
    try:
        return year_rows_create(
            school=school,
            plan=_calendar(target),
            user=actor_user,
            rulesets=dict(year.rulesets or {}),
            cause="rollover",
        )
    except DomainError as exc:
        raise _Changed(f"{exc.message} Hãy xem lại lịch năm học mới rồi chuyển lại.")


def _ensure_classes(
    year: SchoolYear, to_year: SchoolYear, plan, carry_homeroom: bool, actor_user
) -> dict[str, SchoolClass]:
    """The target classes by key: those of the new year with the planned name, or created (with
    their previous class and, when asked, the homeroom teacher carried over)."""
    grades = {g.number: g for g in GradeLevel.objects.filter(school_id=year.school_id)}
    existing = {c.name: c for c in SchoolClass.objects.filter(year=to_year)}
    sessions = dict(SchoolClass.objects.filter(year=year).values_list("pk", "sessions_per_day"))
    out: dict[str, SchoolClass] = {}
    for pc in plan.classes:
        found = existing.get(pc.name)
        if found is not None:
            if found.grade.number != pc.grade:
                raise _Changed(
                    f"Lớp {pc.name} của năm học {to_year.name} thuộc khối "
                    f"{found.grade.number}, không phải khối {pc.grade}."
                )
            out[pc.key] = found
            continue
        if pc.grade not in grades:
            raise _Changed(f"Trường chưa có khối {pc.grade}.")
        new = SchoolClass.objects.create(
            year=to_year,
            grade=grades[pc.grade],
            name=pc.name,
            sessions_per_day=sessions.get(pc.from_class, 2),
            previous_class_id=pc.from_class,
        )
        out[pc.key] = new
        teacher = None
        if carry_homeroom and pc.homeroom_staff:
            teacher = Staff.objects.filter(
                pk=pc.homeroom_staff, school_id=year.school_id, is_active=True
            ).first()
            if teacher is not None:
                # For the whole new year; later changes go through the assignments editor.
                HomeroomAssignment.objects.create(
                    teacher=teacher,
                    school_class=new,
                    reason="Chuyển dữ liệu năm học: giáo viên chủ nhiệm theo lớp",
                    created_by=actor_user,
                    created_at=clock.now(),
                )
        audit_record(
            event_type="class.created",
            actor=actor_user,
            school_id=year.school_id,
            target=new,
            after={
                "year": to_year.name,
                "name": new.name,
                "grade": pc.grade,
                "previous_class": pc.from_name,
                "homeroom": teacher.full_name if teacher else "",
                "by": "rollover",
            },
        )
    return out


# --- a closed year, reopened for a purpose and a time ---------------------------------------


def year_reopen(
    *,
    actor: Actor,
    year: SchoolYear,
    reason: str,
    purpose: str,
    scope: list[str],
    until: datetime,
) -> YearReopening:
    """The principal reopens a closed year (finishing last year's transcripts, say) for the
    areas in ``scope`` until ``until``; everyone is refused again after that, with no job."""
    require(actor, Perm.REOPEN_YEAR, what=f"mở lại năm học {year.name}")
    reason, purpose = nfc(reason).strip(), nfc(purpose).strip()
    if year.school_id != actor.school_id:
        raise DomainError(RolloverError.REOPEN_NOT_CLOSED, "Năm học không thuộc trường này.")
    if not reason or not purpose:
        raise DomainError(
            RolloverError.REOPEN_REASON_REQUIRED, "Hãy ghi lý do và mục đích mở lại năm học."
        )
    if len(reason) > 500 or len(purpose) > 300:
        raise DomainError(
            RolloverError.REOPEN_REASON_REQUIRED,
            "Lý do tối đa 500 ký tự, mục đích tối đa 300 ký tự.",
        )
    areas = sorted(set(scope))
    if not areas or any(a not in REOPEN_AREAS for a in areas):
        raise DomainError(RolloverError.REOPEN_BAD_SCOPE, "Hãy chọn phần được mở lại.")
    now = clock.now()
    if until <= now or (until - now).days > MAX_REOPEN_DAYS:
        raise DomainError(
            RolloverError.REOPEN_BAD_WINDOW,
            f"Thời hạn mở lại phải ở tương lai và không quá {MAX_REOPEN_DAYS} ngày.",
        )
    with transaction.atomic():
        locked = SchoolYear.objects.select_for_update().get(pk=year.pk)
        if not locked.is_closed:
            raise DomainError(RolloverError.REOPEN_NOT_CLOSED, "Năm học này chưa khóa.")
        before = {
            "reopened_until": locked.reopened_until.isoformat() if locked.reopened_until else None,
            "reopen_scope": locked.reopen_scope,
        }
        YearReopening.objects.filter(year=locked, ended_at__isnull=True, until__gt=now).update(
            ended_at=now, ended_by=actor.user
        )
        reopening = YearReopening.objects.create(
            year=locked,
            reason=reason,
            purpose=purpose,
            scope=areas,
            opened_by=actor.user,
            opened_at=now,
            until=until,
        )
        locked.reopened_until, locked.reopen_scope = until, areas
        locked.save(update_fields=["reopened_until", "reopen_scope"])
        audit_record(
            event_type="year.reopened",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            before=before,
            after={
                "reopened_until": until.isoformat(),
                "reopen_scope": areas,
                "reason": reason,
                "purpose": purpose,
            },
            acting_as=actor.acting_as_for(*actor.roles),
        )
    year.reopened_until, year.reopen_scope = until, areas
    return reopening


def year_reopening_end(*, actor: Actor, year: SchoolYear) -> SchoolYear:
    """Close a reopened year again before its time is up."""
    require(actor, Perm.REOPEN_YEAR, what=f"đóng lại năm học {year.name}")
    now = clock.now()
    with transaction.atomic():
        locked = SchoolYear.objects.select_for_update().get(pk=year.pk, school=actor.school)
        if not locked.is_reopened(now):
            raise DomainError(RolloverError.NOT_REOPENED, "Năm học này không đang được mở lại.")
        before = {
            "reopened_until": locked.reopened_until.isoformat(),
            "reopen_scope": locked.reopen_scope,
        }
        YearReopening.objects.filter(year=locked, ended_at__isnull=True).update(
            ended_at=now, ended_by=actor.user
        )
        locked.reopened_until, locked.reopen_scope = None, []
        locked.save(update_fields=["reopened_until", "reopen_scope"])
        audit_record(
            event_type="year.reopening_ended",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            before=before,
            after={"reopened_until": None, "reopen_scope": []},
        )
    return locked
