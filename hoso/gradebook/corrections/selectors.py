"""Reading correction requests (đơn sửa điểm): who sees which, the lists per role, the minute.

A request is seen by its parties (the requesting teacher, the deciding principal, the witness,
the homeroom teacher) and by the school's leaders (principal, vice principals); anybody else gets
404 (logged), the same as for an absent request. Evidence files are served only through
``access_evidence``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.gradebook.corrections.actions import (
    OPEN_STATES,
    is_text_correction,
    is_witness_eligible,
    old_of,
    short_text,
)
from hoso.gradebook.corrections.models import CorrectionItem, CorrectionRequest, display_value
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet

State = CorrectionRequest.State


def school_requests(actor: Actor) -> QuerySet[CorrectionRequest]:
    return (
        CorrectionRequest.objects.filter(school=actor.school_id)
        .select_related(
            "subject",
            "term",
            "school",
            "school_class__year",
            "requested_by",
            "decided_by",
            "witness",
            "homeroom",
        )
        .prefetch_related(
            Prefetch(
                "items", queryset=CorrectionItem.objects.select_related("student").order_by("row")
            )
        )
    )


def _in_year(qs: QuerySet[CorrectionRequest], actor: Actor) -> QuerySet[CorrectionRequest]:
    return qs.filter(year=actor.year) if actor.year is not None else qs


# --- lists ----------------------------------------------------------------------------------------


def my_requests(actor: Actor) -> list[CorrectionRequest]:
    """Đơn sửa điểm của tôi (the requesting teacher)."""
    return _decorate(list(_in_year(school_requests(actor), actor).filter(requested_by=actor.user)))


def decision_inbox(actor: Actor) -> list[CorrectionRequest]:
    """Đơn chờ duyệt: requests the principal decides (never the principal's own)."""
    if Role.PRINCIPAL not in actor.roles:
        return []
    qs = _in_year(school_requests(actor), actor).filter(state=State.REQUESTED)
    return _decorate(list(qs.exclude(requested_by=actor.user).order_by("requested_at")))


def approved_waiting(actor: Actor) -> list[CorrectionRequest]:
    """Approved requests not yet applied, with ``cell_changed`` when the result moved since the
    request (the principal withdraws the approval; the teacher files again)."""
    if not actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return []
    qs = _in_year(school_requests(actor), actor).filter(state=State.APPROVED).order_by("decided_at")
    return _decorate(list(qs))


def recently_decided(actor: Actor, limit: int = 20) -> list[CorrectionRequest]:
    if not actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return []
    qs = _in_year(school_requests(actor), actor).filter(
        state__in=[State.REJECTED, State.APPLIED, State.CANCELLED]
    )
    order = (F("decided_at").desc(nulls_last=True), "-requested_at")
    return _decorate(list(qs.order_by(*order)[:limit]))


def to_confirm(actor: Actor) -> list[CorrectionRequest]:
    """Cần xác nhận: approved requests where this person is the witness or the homeroom teacher
    and has not confirmed yet."""
    uid = actor.user.pk
    qs = _in_year(school_requests(actor), actor).filter(state=State.APPROVED)
    qs = qs.filter(
        Q(witness=uid, witness_confirmed_at__isnull=True)
        | Q(homeroom=uid, homeroom_confirmed_at__isnull=True)
    )
    return _decorate(list(qs.order_by("decided_at")))


def todo_counts(actor: Actor) -> dict[str, int]:
    """For the home page: requests to decide, to confirm, and my open requests."""
    if actor.school is None or not getattr(actor.user, "pk", None):
        return {"decide": 0, "confirm": 0, "mine_open": 0}
    base = _in_year(CorrectionRequest.objects.filter(school=actor.school_id), actor)
    uid = actor.user.pk
    # One query for the three counts (the home page asks them on every visit).
    confirm = Q(state=State.APPROVED) & (
        Q(witness=uid, witness_confirmed_at__isnull=True)
        | Q(homeroom=uid, homeroom_confirmed_at__isnull=True)
    )
    wanted = {}
    if Role.PRINCIPAL in actor.roles:
        wanted["decide"] = Count("pk", filter=Q(state=State.REQUESTED) & ~Q(requested_by=uid))
    counts = base.aggregate(
        **wanted,
        confirm=Count("pk", filter=confirm),
        mine_open=Count("pk", filter=Q(requested_by=uid, state__in=OPEN_STATES)),
    )
    return {k: counts.get(k) or 0 for k in ("decide", "confirm", "mine_open")}


def _decorate(items: list[CorrectionRequest]) -> list[CorrectionRequest]:
    """Display values of every cell (a comment's first words in lists; ``is_text`` tells the
    pages to show the whole texts), and for open requests the current content of each cell (one
    query for the whole list). A request gets ``cell_changed`` when any of its cells moved
    since the request, and the single cell's displays when it has one."""
    open_cells = [i for c in items if c.state in OPEN_STATES for i in c.cells]
    current: dict[tuple, tuple[str, str]] = {}
    if open_cells:
        q = Q()
        for i in open_cells:
            q |= Q(student=i.student_id, subject=i.subject_id, term=i.term_id, column=i.column)
        for row in Assessment.objects.filter(q).values(
            "student_id", "subject_id", "term_id", "column", "value", "text"
        ):
            key = (row["student_id"], row["subject_id"], row["term_id"], row["column"])
            current[key] = (row["value"], row["text"])
    for c in items:
        for i in c.cells:
            i.is_text = is_text_correction(i)
            if i.is_text:
                i.old_display = short_text(i.old_text) if i.old_text else "(trống)"
                i.new_display = short_text(i.new_text) if i.new_text else "(trống)"
            else:
                i.old_display = display_value(i.old_value)
                i.new_display = display_value(i.new_value)
            if c.state in OPEN_STATES:
                value, text = current.get(
                    (i.student_id, i.subject_id, i.term_id, i.column), ("", "")
                )
                i.current_value = text if i.is_text else value
                i.cell_changed = i.current_value != old_of(i)
                i.current_display = i.current_value if i.is_text else display_value(i.current_value)
            else:
                i.current_value, i.cell_changed, i.current_display = None, False, ""
        c.changed_cells = [i for i in c.cells if i.cell_changed]
        c.cell_changed = bool(c.changed_cells)
        c.item_count = len(c.cells)
        c.columns = ", ".join(dict.fromkeys(i.column for i in c.cells))
        one = c.single
        c.is_text = bool(one and one.is_text)
        if one is not None:
            c.student = one.student
            c.column = one.column
            c.old_value, c.new_value = one.old_value, one.new_value
            c.old_text, c.new_text = one.old_text, one.new_text
            c.old_display, c.new_display = one.old_display, one.new_display
            c.current_value = one.current_value
    return items


# --- one request ----------------------------------------------------------------------------------


def correction_view(correction: CorrectionRequest) -> CorrectionRequest:
    """Decorate one request for its page (current value, column label, evidence)."""
    _decorate([correction])
    sheet = load_sheet(correction.school_class, correction.subject, correction.term)
    for item in correction.cells:
        column = sheet.column(item.column)
        item.column_label = column.label if column else item.column
    if correction.single is not None:
        correction.column_label = correction.single.column_label
    correction.evidence_list = list(correction.evidence.order_by("uploaded_at", "pk"))
    return correction


def witness_candidates(correction: CorrectionRequest, *, decider) -> list:
    """Users the principal may name as witness: vice principals and administrators of the
    school, active, other than the requester, the decider and the homeroom teacher."""
    from hoso.organisation.assignments.selectors import homeroom_teacher_of
    from hoso.organisation.models import Position, Staff

    roles = (Position.VICE_PRINCIPAL, Position.ADMINISTRATOR)
    teacher = homeroom_teacher_of(correction.school_class)
    homeroom = teacher.user_id if teacher else None
    excluded = {correction.requested_by_id, getattr(decider, "pk", None), homeroom}
    staff = (
        Staff.objects.filter(school=correction.school_id, is_active=True, user__isnull=False)
        .filter(Q(position__in=roles) | Q(extra_positions__position__in=roles))
        .exclude(user__in=[u for u in excluded if u])
        .select_related("user")
        .distinct()
        .order_by("sort_name")
    )
    out = []
    for s in staff:
        if s.user.is_active:
            s.user.staff_label = f"{s.full_name} — {s.get_position_display()}"
            out.append(s.user)
    return out


def witness_position(correction: CorrectionRequest) -> str:
    """The witness's position for the minute ("Phó hiệu trưởng", "Quản trị viên")."""
    from hoso.organisation.models import Position, Staff

    if correction.witness_id is None:
        return ""
    staff = Staff.objects.filter(school=correction.school_id, user=correction.witness_id).first()
    if staff is None:
        return ""
    if staff.position in (Position.VICE_PRINCIPAL, Position.ADMINISTRATOR):
        return staff.get_position_display()
    return "Thành viên Ban quản trị" if is_witness_eligible(correction.school, staff.user) else ""


@dataclass
class MinuteParty:
    role: str  # "Người đề nghị sửa", "Người chứng kiến", "Giáo viên chủ nhiệm"
    name: str
    position: str
    confirmed_at: object


@dataclass
class Minute:
    """Biên bản sửa điểm: the data of the minute (its PDF and signatures come with printing)."""

    correction: CorrectionRequest
    number: str
    school: object
    year: object
    items: list[CorrectionItem]  # every change, in row order (old → new per student)
    parties: list[MinuteParty]
    decider_name: str
    decided_as: str
    evidence: list

    @property
    def single(self) -> CorrectionItem | None:
        return self.items[0] if len(self.items) == 1 else None


def minute_data(correction: CorrectionRequest) -> Minute:
    from hoso.gradebook.corrections.actions import decided_as

    correction_view(correction)
    decided_as = decided_as(correction) if correction.decided_by_id else ""
    parties = [
        MinuteParty(
            "Người đề nghị sửa",
            correction.requested_by.get_full_name(),
            f"Giáo viên bộ môn {correction.subject.name}",
            correction.applied_at,
        )
    ]
    if correction.witness_id:
        parties.append(
            MinuteParty(
                "Người chứng kiến",
                correction.witness.get_full_name(),
                witness_position(correction),
                correction.witness_confirmed_at,
            )
        )
    if correction.homeroom_id:
        parties.append(
            MinuteParty(
                "Giáo viên chủ nhiệm",
                correction.homeroom.get_full_name(),
                f"Giáo viên chủ nhiệm lớp {correction.school_class.name}",
                correction.homeroom_confirmed_at,
            )
        )
    return Minute(
        correction=correction,
        number=correction.minute_number,
        school=correction.school,
        year=correction.school_class.year,
        items=correction.cells,
        parties=parties,
        decider_name=correction.decided_by.get_full_name() if correction.decided_by_id else "",
        decided_as=decided_as,
        evidence=correction.evidence_list,
    )
