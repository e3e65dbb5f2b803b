"""Writes about grade-entry progress: the school's deadline rules, the monthly check (biên bản
kiểm tra sổ điểm hằng tháng, seed 002 Đ7.3) and its sign-off, and the reminders before and after
each deadline (in-app, and e-mail when configured)."""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import nfc
from hoso.gradebook.progress import deadlines
from hoso.gradebook.progress.deadlines import WEEKDAY_LABELS, DeadlineRules
from hoso.gradebook.progress.errors import ProgressError
from hoso.gradebook.progress.models import DeadlineRule, MonthlyCheck
from hoso.gradebook.progress.policies import (
    SCHOOL_SECTION,
    can_edit_deadline_rules,
    can_remind_teachers,
    can_sign_off_check,
    check_scope,
)
from hoso.gradebook.progress.selectors import (
    Due,
    SheetRow,
    assignments_in,
    board_summary,
    current_term,
    deadline_rules,
    load_sheets,
    progress_board,
    sheet_url,
)
from hoso.notifications.actions import Nudges, nudge_each

logger = logging.getLogger("hoso.gradebook")


# --- deadline rules ------------------------------------------------------------------------------


def _rules_snapshot(rules: DeadlineRules) -> dict:
    return {
        "regular_weekday": rules.regular_weekday,
        "regular_time": rules.regular_time.strftime("%H:%M"),
        "regular_remind_hours": rules.regular_remind_hours,
        "periodic_days": rules.periodic_days,
        "periodic_remind_hours": rules.periodic_remind_hours,
    }


def deadline_rules_update(
    *,
    actor: Actor,
    regular_weekday: int,
    regular_time: time,
    regular_remind_hours: int,
    periodic_days: int,
    periodic_remind_hours: int,
) -> DeadlineRules:
    """Set the school's deadlines (principal or vice principal). The rows are created on the
    first save; until then the seed defaults apply."""
    if not can_edit_deadline_rules(actor):
        raise PermissionDeniedError(
            ProgressError.NOT_ALLOWED, "Chỉ hiệu trưởng, phó hiệu trưởng đặt hạn nhập điểm."
        )
    if not 0 <= regular_weekday <= 6:
        raise DomainError(ProgressError.BAD_RULE, "Ngày trong tuần không hợp lệ.", field="weekday")
    if not 1 <= periodic_days <= 60:
        raise DomainError(
            ProgressError.BAD_RULE,
            "Số ngày sau kiểm tra định kỳ phải từ 1 đến 60.",
            field="periodic_days",
        )
    for name, hours in (
        ("regular_remind_hours", regular_remind_hours),
        ("periodic_remind_hours", periodic_remind_hours),
    ):
        if not 0 <= hours <= 168:
            raise DomainError(
                ProgressError.BAD_RULE, "Số giờ nhắc trước hạn phải từ 0 đến 168.", field=name
            )
    before = _rules_snapshot(deadline_rules(actor.school))
    with transaction.atomic():
        regular, _ = DeadlineRule.objects.select_for_update().get_or_create(
            school=actor.school, kind=DeadlineRule.Kind.REGULAR
        )
        regular.weekday, regular.time = regular_weekday, regular_time
        regular.remind_before_hours = regular_remind_hours
        regular.save()
        periodic, _ = DeadlineRule.objects.select_for_update().get_or_create(
            school=actor.school, kind=DeadlineRule.Kind.PERIODIC
        )
        periodic.days_after_test = periodic_days
        periodic.remind_before_hours = periodic_remind_hours
        periodic.save()
        rules = deadline_rules(actor.school)
        audit_record(
            event_type="gradebook.deadline_rules_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target_type="gradebook.deadlinerule",
            target_id=str(actor.school_id),
            target_repr=f"Hạn nhập điểm: thường xuyên {rules.describe_regular()}; "
            f"định kỳ {rules.describe_periodic()}",
            before=before,
            after=_rules_snapshot(rules),
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
    return rules


# --- monthly check ---------------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def monthly_check_record(
    *, actor: Actor, month: date, notes: str = "", now: datetime | None = None
) -> MonthlyCheck:
    """Record this month's check of the grade book for the actor's scope: the school (principal,
    vice principal) or its department(s) (department head). The first leader to record creates
    the month's record (one per school and month); others add their section. Each section is a
    snapshot of the progress board at this moment, with the leader's notes."""
    if not actor.can_write("gradebook"):
        raise DomainError(ProgressError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")
    sections = check_scope(actor)
    if not sections:
        raise PermissionDeniedError(
            ProgressError.NOT_ALLOWED,
            "Chỉ lãnh đạo nhà trường và tổ trưởng chuyên môn lập biên bản kiểm tra sổ điểm.",
        )
    now = now or clock.now()
    month = month_start(month)
    today = deadlines.local_date(now)
    year = actor.year
    if not (month_start(year.start_date) <= month <= year.end_date) or month > today:
        raise DomainError(
            ProgressError.BAD_MONTH,
            f"Tháng kiểm tra phải thuộc năm học {year.name} và không sau tháng hiện tại.",
            field="month",
        )
    term = current_term(year, today=min(month_end(month), today))
    if term is None:
        raise DomainError(ProgressError.NO_TERM, "Năm học chưa có học kỳ.")
    notes = bounded(nfc(notes), 4000, what="Ghi chú", field="notes")
    with transaction.atomic():
        check = (
            MonthlyCheck.objects.select_for_update()
            .filter(school=actor.school, month=month)
            .first()
        )
        if check is not None and check.signed_off_at:
            raise DomainError(
                ProgressError.CHECK_SIGNED, "Biên bản tháng này đã được ký duyệt, không sửa được."
            )
        existing = (check.summary or {}).get("sections", {}) if check else {}
        new_sections = {}
        for key, filters, label in sections:
            if key in existing:
                continue
            board = progress_board(actor, term=term, filters=filters, now=now)
            new_sections[key] = {
                "label": label,
                "by": actor.user.get_full_name(),
                "by_id": actor.user.pk,
                "at": now.isoformat(),
                "at_local": f"{deadlines.local(now):%H:%M %d/%m/%Y}",
                "notes": notes,
                **board_summary(board),
            }
        if not new_sections:
            raise DomainError(
                ProgressError.CHECK_EXISTS,
                "Tháng này đã có kết quả kiểm tra của phạm vi bạn phụ trách.",
            )
        created = check is None
        if created:
            try:
                with transaction.atomic():
                    check = MonthlyCheck.objects.create(
                        school=actor.school,
                        year=year,
                        month=month,
                        summary={"sections": new_sections},
                        notes=notes if SCHOOL_SECTION in new_sections else "",
                        checked_by=actor.user,
                    )
            except IntegrityError:
                raise DomainError(
                    ProgressError.CHECK_EXISTS,
                    "Biên bản tháng này vừa được lập ở nơi khác; tải lại trang.",
                )
        else:
            check.summary = {"sections": {**existing, **new_sections}}
            fields = ["summary"]
            if SCHOOL_SECTION in new_sections:
                check.notes = notes
                fields.append("notes")
            check.save(update_fields=fields)
        audit_record(
            event_type="gradebook.monthly_check_created"
            if created
            else "gradebook.monthly_check_section_added",
            actor=actor.user,
            school_id=actor.school_id,
            target=check,
            target_repr=f"Kiểm tra sổ điểm tháng {month:%m/%Y}",
            after={
                "month": month.isoformat(),
                "term": term.number,
                "sections": {
                    k: {"label": v["label"], "totals": v["totals"]} for k, v in new_sections.items()
                },
                "notes": notes,
            },
            acting_as=actor.acting_as_for(Role.DEPARTMENT_HEAD, Role.PRINCIPAL),
        )
    return check


def monthly_check_sign_off(*, actor: Actor, check: MonthlyCheck, note: str = "") -> MonthlyCheck:
    """Ký duyệt: the principal (or a vice principal) signs the month's check. Needs the
    school-wide section; afterwards the record is frozen."""
    if not can_sign_off_check(actor) or check.school_id != actor.school_id:
        raise PermissionDeniedError(
            ProgressError.NOT_ALLOWED, "Chỉ hiệu trưởng hoặc phó hiệu trưởng ký duyệt biên bản."
        )
    note = bounded(nfc(note), 1000, what="Ý kiến", field="note")
    with transaction.atomic():
        locked = MonthlyCheck.objects.select_for_update().get(pk=check.pk)
        if locked.signed_off_at:
            raise DomainError(ProgressError.CHECK_SIGNED, "Biên bản này đã được ký duyệt.")
        if SCHOOL_SECTION not in (locked.summary or {}).get("sections", {}):
            raise DomainError(
                ProgressError.CHECK_INCOMPLETE,
                "Chưa có kết quả kiểm tra toàn trường của lãnh đạo: chưa ký duyệt được.",
            )
        locked.signed_off_by, locked.signed_off_at = actor.user, clock.now()
        fields = ["signed_off_by", "signed_off_at"]
        if note:
            locked.summary = {**locked.summary, "sign_off_note": note}
            fields.append("summary")
        locked.save(update_fields=fields)
        audit_record(
            event_type="gradebook.monthly_check_signed_off",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            target_repr=f"Kiểm tra sổ điểm tháng {locked.month:%m/%Y}",
            before={"signed_off_at": None},
            after={"signed_off_at": locked.signed_off_at.isoformat(), "note": note},
            acting_as=actor.acting_as_for(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        )
    return locked


# --- reminders -------------------------------------------------------------------------------------


@dataclass
class Reminder:
    row: SheetRow
    phase: str  # "before" | "after"
    what: str  # "TX" or a column key
    label: str
    deadline: datetime
    missing: int

    @property
    def dedupe_key(self) -> str:
        a = self.row.assignment
        return (
            f"grade:{a.subject.school_id}:{a.school_class_id}:{a.subject_id}:{a.term_id}:"
            f"{self.what}:{deadlines.local(self.deadline):%Y-%m-%dT%H%M}:{self.phase}"
        )

    def text(self) -> str:
        a = self.row.assignment
        when = deadlines.local(self.deadline)
        deadline = (
            f"{when:%H:%M} {WEEKDAY_LABELS[when.weekday()].lower()} {when:%d/%m/%Y}"
            if self.what == "TX"
            else f"hết ngày {when:%d/%m/%Y}"
        )
        where = f"lớp {a.school_class.name}, môn {a.subject.name}, {a.term}"
        if self.phase == "before":
            return (
                f"Nhắc nhập điểm {where}: còn thiếu {self.missing} kết quả {self.label}, "
                f"hạn {deadline}."
            )
        return (
            f"Quá hạn nhập điểm {where}: hạn {deadline} đã qua, còn thiếu {self.missing} kết quả "
            f"{self.label}."
        )


@dataclass
class ReminderRun:
    schools: int = 0
    sheets: int = 0
    created: int = 0
    digests: int = 0
    reminders: list[Reminder] = field(default_factory=list)  # the new ones

    def as_dict(self) -> dict:
        return {
            "schools": self.schools,
            "sheets": self.sheets,
            "created": self.created,
            "digests": self.digests,
        }


def sheet_reminders(row: SheetRow, now: datetime) -> list[Reminder]:
    """What one sheet should be reminded of at ``now``: the weekly regular deadline coming within
    the remind window or the last one passed, and each periodic/level column's deadline coming
    or passed — only when results are missing."""
    ctx, rules = row.context, row.context.rules
    out: list[Reminder] = []
    if not ctx.students:
        return out
    term_start = datetime.combine(ctx.term.start_date, time(0), deadlines.LOCAL_TZ)
    coming = deadlines.next_weekly_deadline(now, rules)
    passed = deadlines.last_weekly_deadline(now, rules)
    if coming - now <= timedelta(hours=rules.regular_remind_hours):
        due = ctx.due(coming).regular
        missing = ctx.counts(now, due=Due(regular=due, columns=[])).regular_missing
        if missing:
            out.append(Reminder(row, "before", "TX", "đánh giá thường xuyên", coming, missing))
    if passed >= term_start:
        due = ctx.due(passed).regular
        missing = ctx.counts(now, due=Due(regular=due, columns=[])).regular_missing
        if missing:
            out.append(Reminder(row, "after", "TX", "đánh giá thường xuyên", passed, missing))
    columns = [c for c in ctx.required_columns() if not c.key.startswith("TX")]
    counted = ctx.counts(now, due=Due(regular=0, columns=columns))
    for column in columns:
        deadline = ctx.column_deadline(column)
        missing = counted.missing_columns.get(column.key, 0)
        if deadline is None or not missing:
            continue
        remind = rules.periodic_remind_hours
        if now < deadline <= now + timedelta(hours=remind):
            out.append(Reminder(row, "before", column.key, column.label, deadline, missing))
        elif deadline <= now:
            out.append(Reminder(row, "after", column.key, column.label, deadline, missing))
    return out


def _vice_principals(school):
    from hoso.organisation.models import Position, Staff

    return list(
        Staff.objects.filter(
            school=school, is_active=True, user__isnull=False, user__is_active=True
        )
        .filter(
            Q(position=Position.VICE_PRINCIPAL)
            | Q(extra_positions__position=Position.VICE_PRINCIPAL)
        )
        .select_related("user")
        .distinct()
    )


def grade_reminders_send(*, now: datetime | None = None, schools=None) -> ReminderRun:
    """Remind every assigned teacher of missing results before and after each deadline, and
    send the vice principals one digest a day of what is overdue. Idempotent: each reminder has
    a ``dedupe_key`` per (teacher, sheet, deadline, phase), so running again adds nothing.

    Looks at the terms of open years that have started and ended at most the periodic days
    ago. Meant to run hourly (``manage.py send_grade_reminders`` or the task of the same name)."""
    from hoso.notifications.actions import notify
    from hoso.notifications.models import Notification
    from hoso.organisation.models import School, Term

    now = now or clock.now()
    today = deadlines.local_date(now)
    run = ReminderRun()
    for school in schools if schools is not None else School.objects.all():
        rules = deadline_rules(school)
        terms = list(
            Term.objects.filter(
                year__school=school,
                year__is_closed=False,
                start_date__lte=today,
                end_date__gte=today - timedelta(days=rules.periodic_days),
            ).select_related("year")
        )
        if not terms:
            continue
        run.schools += 1
        rows = load_sheets(assignments_in(terms, school=school, now=now), rules=rules)
        run.sheets += len(rows)
        prefix = f"grade:{school.pk}:"
        seen = set(
            Notification.objects.filter(school=school, dedupe_key__startswith=prefix).values_list(
                "user_id", "dedupe_key"
            )
        )
        board_url = reverse("gradebook:progress")
        overdue: dict[int, int] = {}  # teacher staff id -> overdue missing results
        overdue_sheets = 0
        with transaction.atomic():
            created = 0
            for row in rows:
                reminders = sheet_reminders(row, now)
                late = [r for r in reminders if r.phase == "after"]
                if late:
                    overdue_sheets += 1
                    overdue[row.teacher.pk] = overdue.get(row.teacher.pk, 0) + sum(
                        r.missing for r in late
                    )
                user = row.teacher.user
                if user is None or not user.is_active:
                    continue
                url = sheet_url(row.assignment.school_class_id, row.subject.pk, row.term.pk)
                for reminder in reminders:
                    if (user.pk, reminder.dedupe_key) in seen:
                        continue
                    made = notify(
                        user=user,
                        school=school,
                        kind=f"grade_reminder_{reminder.phase}",
                        text=reminder.text(),
                        url=url or board_url,
                        dedupe_key=reminder.dedupe_key,
                        email_subject="Nhắc nhập điểm"
                        if reminder.phase == "before"
                        else "Quá hạn nhập điểm",
                    )
                    if made is not None:
                        created += 1
                        run.reminders.append(reminder)
            digests = 0
            if overdue:
                text = (
                    f"Tiến độ nhập điểm ngày {today:%d/%m/%Y}: {len(overdue)} giáo viên, "
                    f"{overdue_sheets} sổ điểm còn thiếu {sum(overdue.values())} kết quả đã quá hạn."
                )
                for vice in _vice_principals(school):
                    key = f"{prefix}digest:{today.isoformat()}"
                    if (vice.user_id, key) in seen:
                        continue
                    if notify(
                        user=vice.user,
                        school=school,
                        kind="grade_overdue_digest",
                        text=text,
                        url=board_url,
                        dedupe_key=key,
                        email_subject="Tiến độ nhập điểm",
                    ):
                        digests += 1
            if created or digests:
                audit_record(
                    event_type="gradebook.reminders_sent",
                    actor=None,
                    school_id=school.pk,
                    target_type="gradebook.reminders",
                    target_id=today.isoformat(),
                    target_repr=f"Nhắc nhập điểm {deadlines.local(now):%d/%m/%Y %H:%M}",
                    after={"reminders": created, "digests": digests, "sheets": len(rows)},
                )
        run.created += created
        run.digests += digests
    return run


# --- reminders sent by hand from the board ----------------------------------------------------


def late_rows(rows: list[SheetRow]) -> list[SheetRow]:
    """The board's sheets missing results they should have by now (a teacher is late)."""
    return [r for r in rows if r.counts is not None and r.counts.missing > 0]


def reminder_text(row: SheetRow) -> str:
    """The message a late teacher receives (shown to the sender before sending)."""
    return (
        f"Nhắc nhập điểm: môn {row.subject.name} lớp {row.school_class.name}, {row.term}, "
        f"còn thiếu {row.counts.missing} kết quả phải có đến nay. "
        "Đề nghị thầy/cô cập nhật sổ điểm."
    )


def reminder_key(row: SheetRow, today: date) -> str:
    """One reminder by hand per sheet and day, whoever sends it."""
    return f"grade:{row.assignment.school_class.school_id}:manual:{row.assignment.pk}:{today}"


def teachers_remind(*, actor: Actor, rows: list[SheetRow], now: datetime | None = None) -> Nudges:
    """Nhắc: send each late sheet's teacher an in-app notification (once a day per sheet),
    and audit who reminded whom. ``rows`` come from the actor's own board (its scope)."""
    if not can_remind_teachers(actor):
        raise PermissionDeniedError(
            ProgressError.NOT_ALLOWED, "Chỉ hiệu trưởng và phó hiệu trưởng nhắc giáo viên."
        )
    late = late_rows(rows)
    if not late:
        raise DomainError(
            ProgressError.NOTHING_TO_REMIND, "Không có sổ điểm nào đang chậm để nhắc."
        )
    now = now or clock.now()
    today = deadlines.local_date(now)
    # The board reads no accounts: the late sheets' teachers' in one query.
    users = get_user_model().objects.in_bulk({r.teacher.user_id for r in late if r.teacher.user_id})
    with transaction.atomic():
        out = nudge_each(
            late,
            school=actor.school,
            user_of=lambda row: users.get(row.teacher.user_id),
            notice=lambda row: {
                "kind": "grade_reminder_manual",
                "text": reminder_text(row),
                "url": row.url
                or sheet_url(row.assignment.school_class_id, row.subject.pk, row.term.pk),
                "dedupe_key": reminder_key(row, today),
                "email_subject": "Nhắc nhập điểm",
            },
        )
        if out.sent:
            audit_record(
                event_type="gradebook.teachers_reminded",
                actor=actor.user,
                school_id=actor.school_id,
                target_type="gradebook.reminders",
                target_id=today.isoformat(),
                target_repr=f"Nhắc nhập điểm {deadlines.local(now):%d/%m/%Y %H:%M}",
                after={
                    "sent": [
                        {
                            "teacher": r.teacher.full_name,
                            "sheet": f"{r.subject.name} {r.school_class.name}",
                            "missing": r.counts.missing,
                        }
                        for r in out.sent
                    ],
                    "already_today": len(out.already),
                    "no_account": len(out.no_account),
                },
            )
    return out
