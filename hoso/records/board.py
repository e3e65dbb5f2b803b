"""Compliance board (bảng theo dõi nộp hồ sơ): who is on time, late or missing.

Reads only. Every figure comes from ONE grouped SQL query over the obligations in the actor's
scope (``GROUP BY owner, owner's department, reporting period``) plus two small look-ups for names,
so a school of 60 staff over a year (≈ 3,000 obligations) costs the same handful of queries as an
empty one (``tests/test_board.py`` asserts the count; ``bench/records.py`` measures the time).

Definitions (an obligation = one owner × record type × period; only active ones count):
- required (phải nộp): due within the chosen range;
- submitted (đã nộp): first submitted at some time;
- on time (đúng hạn): first submitted ≤ due; late (muộn): first submitted > due;
- missing (thiếu): due has passed and nothing was ever submitted; not due (chưa đến hạn): the rest;
- returned (bị trả lại): returned for changes at least once; approved (đã duyệt): fully approved.
Rates are over the obligations already decided (on time + late + missing), so obligations not
yet due do not drag a rate down.

Scope: the principal and vice principals see the whole school; a department head (or office head,
or a delegate) sees the department's members and the department's own records; everybody sees
their own. Reporting periods are weeks (Monday to Sunday, numbered as the school year's weeks) or
months of the due date in Vietnam time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.core import clock
from hoso.records import timeliness
from hoso.records.models import Obligation, ObligationState, Timeliness

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEK, MONTH = "week", "month"
PERIOD_LABELS = {WEEK: "Theo tuần", MONTH: "Theo tháng"}
SCHOOL_WIDE = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL})
# status filter of the drill-down → condition on the obligation
STATUS_LABELS = {
    "on_time": "Đúng hạn",
    "late": "Nộp muộn",
    "missing": "Thiếu (quá hạn chưa nộp)",
    "not_due": "Chưa đến hạn",
    "returned": "Bị trả lại",
    "approved": "Đã duyệt",
    "submitted": "Đã nộp",
}


# --- scope ---------------------------------------------------------------------------------------


def board_scope(actor: Actor) -> Q | None:
    """The obligations the actor may see on the board, or None for nothing at all."""
    if actor.school is None or actor.year is None:
        return None
    if actor.has(*SCHOOL_WIDE):
        return Q()
    parts: list[Q] = []
    if actor.department_ids:
        ids = sorted(actor.department_ids)
        parts.append(Q(owner_staff__department_id__in=ids) | Q(owner_department_id__in=ids))
    if actor.staff is not None:
        parts.append(Q(owner_staff_id=actor.staff.pk))
    if not parts:
        return None
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def can_view_board(actor: Actor) -> bool:
    return board_scope(actor) is not None


def is_school_wide(actor: Actor) -> bool:
    return actor.has(*SCHOOL_WIDE)


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilters:
    period: str = WEEK
    start: date | None = None  # due dates from (local, inclusive)
    end: date | None = None  # due dates to (local, inclusive)
    record_type_id: int | None = None
    department_id: int | None = None
    staff_id: int | None = None


def local_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """Aware instants [start 00:00, end+1 00:00) in Vietnam time."""
    low = datetime.combine(start, time.min, tzinfo=LOCAL_TZ) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=LOCAL_TZ) if end else None
    return low, high


def scoped_obligations(actor: Actor, filters: BoardFilters):
    """Active obligations of the actor's school and year, in scope, filtered (no ordering)."""
    scope = board_scope(actor)
    if scope is None:
        return Obligation.objects.none()
    qs = Obligation.objects.filter(scope, school=actor.school, year=actor.year, is_active=True)
    low, high = local_bounds(filters.start, filters.end)
    if low is not None:
        qs = qs.filter(due_at__gte=low)
    if high is not None:
        qs = qs.filter(due_at__lt=high)
    if filters.record_type_id:
        qs = qs.filter(record_type_id=filters.record_type_id)
    if filters.department_id:
        qs = qs.filter(
            Q(owner_staff__department_id=filters.department_id)
            | Q(owner_department_id=filters.department_id)
        )
    if filters.staff_id:
        qs = qs.filter(owner_staff_id=filters.staff_id)
    return qs.order_by()


# --- counts --------------------------------------------------------------------------------------


@dataclass
class Counts:
    required: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returned: int = 0
    approved: int = 0

    FIELDS = ("required", "submitted", "on_time", "late", "missing", "returned", "approved")

    def add(self, other: Counts | dict) -> None:
        for name in self.FIELDS:
            value = other[name] if isinstance(other, dict) else getattr(other, name)
            setattr(self, name, getattr(self, name) + value)

    @property
    def not_due(self) -> int:
        return self.required - self.on_time - self.late - self.missing

    @property
    def decided(self) -> int:
        """Obligations whose timeliness is known: on time + late + missing."""
        return self.on_time + self.late + self.missing

    def rate(self, part: int) -> float | None:
        return part / self.decided if self.decided else None

    @property
    def on_time_rate(self) -> float | None:
        return self.rate(self.on_time)

    @property
    def late_rate(self) -> float | None:
        return self.rate(self.late)

    @property
    def missing_rate(self) -> float | None:
        return self.rate(self.missing)

    @property
    def submitted_rate(self) -> float | None:
        return self.rate(self.on_time + self.late)

    @property
    def approved_rate(self) -> float | None:
        return self.approved / self.required if self.required else None

    @staticmethod
    def pct(value: float | None) -> str:
        if value is None:
            return "—"
        return f"{value * 100:.1f}".replace(".", ",") + "%"

    @property
    def on_time_pct(self) -> str:
        return self.pct(self.on_time_rate)

    @property
    def late_pct(self) -> str:
        return self.pct(self.late_rate)

    @property
    def missing_pct(self) -> str:
        return self.pct(self.missing_rate)

    @property
    def approved_pct(self) -> str:
        return self.pct(self.approved_rate)


def count_annotations(now: datetime) -> dict:
    on_time_late_missing = {
        k: q for k, q in timeliness.conditions(now).items() if k != Timeliness.NOT_DUE
    }
    return {
        "required": Count("id"),
        "submitted": Count("id", filter=Q(first_submitted_at__isnull=False)),
        **{k: Count("id", filter=q) for k, q in on_time_late_missing.items()},
        "returned": Count("id", filter=Q(returned_count__gt=0)),
        "approved": Count("id", filter=Q(state=ObligationState.APPROVED)),
    }


def status_condition(status: str, now: datetime) -> Q | None:
    return {
        **timeliness.conditions(now),
        "returned": Q(returned_count__gt=0),
        "approved": Q(state=ObligationState.APPROVED),
        "submitted": Q(first_submitted_at__isnull=False),
    }.get(status)


# --- the board -----------------------------------------------------------------------------------


@dataclass
class Row:
    key: str  # "staff:<id>", "department:<id>", "school", or the period's ISO date
    label: str
    counts: Counts = field(default_factory=Counts)
    sub_label: str = ""
    query: dict = field(default_factory=dict)  # drill-down parameters


@dataclass
class Board:
    filters: BoardFilters
    now: datetime
    totals: Counts
    people: list[Row]
    departments: list[Row]
    periods: list[Row]
    school_wide: bool

    def chart_svg(self) -> SafeString:
        return rates_chart_svg(self.periods, period=self.filters.period)


MAX_CASE_PERIODS = 120  # beyond this (a range of years) the database truncates instead


def period_starts(period: str, start: date, end: date) -> list[date]:
    """The first local day of every reporting period meeting [start, end]."""
    first = period_range(period, start)[0]
    out = []
    while first <= end:
        out.append(first)
        first = period_range(period, first)[1] + timedelta(days=1)
    return out


def period_bucket(period: str, start: date | None = None, end: date | None = None):
    """The SQL expression of the period an obligation falls in (by its due date, Vietnam time).

    With a bounded range it is a CASE over the periods' first instants: plain comparisons that
    every database runs natively (SQLite would otherwise call a Python function per row to
    convert the time zone). Unbounded, it is the database's own truncation."""
    if start is not None and end is not None:
        starts = period_starts(period, start, end)
        if 0 < len(starts) <= MAX_CASE_PERIODS:
            following = period_range(period, starts[-1])[1] + timedelta(days=1)
            edges = [*starts[1:], following]
            whens = [
                When(
                    due_at__lt=datetime.combine(edge, time.min, tzinfo=LOCAL_TZ),
                    then=Value(s.isoformat()),
                )
                for s, edge in zip(starts, edges, strict=True)
            ]
            return Case(*whens, default=Value(""), output_field=CharField())
    trunc = TruncMonth if period == MONTH else TruncWeek
    return trunc("due_at", tzinfo=LOCAL_TZ)


def _bucket_date(value) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(LOCAL_TZ)
        return value.date()
    return value


def school_week_number(year, monday: date) -> int | None:
    """The school's week (tuần học, ``SchoolYear.weeks``: week 1 holds the year's first day) that
    begins on ``monday``, or None outside the year. ISO numbers restart in January ("Tuần 2" of
    September and of January), the school's do not."""
    if year is None:
        return None
    first = year.start_date - timedelta(days=year.start_date.weekday())
    if not first <= monday <= year.end_date:
        return None
    return (monday - first).days // 7 + 1


def period_label(start: date, period: str, year=None) -> str:
    """ "Tháng 9/2026"; "Tuần 3 (14/09–20/09)" — the school year's week, as on the lesson plans'
    periods; a week outside the year shows its dates only."""
    if period == MONTH:
        return f"Tháng {start.month}/{start.year}"
    end = start + timedelta(days=6)
    number = school_week_number(year, start)
    if number is None:
        return f"Tuần {start:%d/%m}–{end:%d/%m}"
    return f"Tuần {number} ({start:%d/%m}–{end:%d/%m})"


def compliance_board(actor: Actor, filters: BoardFilters, *, now: datetime | None = None) -> Board:
    """The board: totals, rows per person, per department and per period (3 queries)."""
    from hoso.organisation.models import Department, Staff

    now = now or clock.now()
    qs = scoped_obligations(actor, filters)
    grouped = list(
        qs.annotate(bucket=period_bucket(filters.period, filters.start, filters.end))
        .values("owner_staff_id", "owner_staff__department_id", "owner_department_id", "bucket")
        .annotate(**count_annotations(now))
        .order_by()
    )
    totals = Counts()
    people: dict[int, Counts] = {}
    departments: dict[int | None, Counts] = {}
    periods: dict[date, Counts] = {}
    for g in grouped:
        totals.add(g)
        if g["owner_staff_id"] is not None:
            people.setdefault(g["owner_staff_id"], Counts()).add(g)
            dept = g["owner_staff__department_id"]
        else:
            dept = g["owner_department_id"]  # None: the school's own records
        departments.setdefault(dept, Counts()).add(g)
        periods.setdefault(_bucket_date(g["bucket"]), Counts()).add(g)

    staff_rows = (
        Staff.objects.filter(pk__in=list(people), school=actor.school)
        .select_related("department")
        .order_by("sort_name", "pk")
    )
    dept_names = dict(
        Department.objects.filter(
            school=actor.school, pk__in=[d for d in departments if d is not None]
        ).values_list("pk", "name")
    )

    people_rows = [
        Row(
            key=f"staff:{s.pk}",
            label=s.full_name,
            sub_label=s.department.name if s.department else "",
            counts=people[s.pk],
            query={"nguoi": s.pk},
        )
        for s in staff_rows
    ]
    dept_rows = sorted(
        (
            Row(
                key=f"department:{d}" if d else "school",
                label=dept_names.get(d, "") if d else "Nhà trường (hồ sơ chung)",
                counts=c,
                query={"to": d} if d else {"chung": 1},
            )
            for d, c in departments.items()
            if d is None or d in dept_names
        ),
        key=lambda r: (r.key == "school", r.label),
    )
    period_rows = [
        Row(
            key=start.isoformat(),
            label=period_label(start, filters.period, actor.year),
            counts=periods[start],
            query={"ky": start.isoformat()},
        )
        for start in sorted(periods)
    ]
    return Board(
        filters=filters,
        now=now,
        totals=totals,
        people=people_rows,
        departments=dept_rows,
        periods=period_rows,
        school_wide=is_school_wide(actor),
    )


def period_range(period: str, start: date) -> tuple[date, date]:
    """The local dates [first, last] of the reporting period beginning ``start``."""
    if period == MONTH:
        first = start.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    first = start - timedelta(days=start.weekday())
    return first, first + timedelta(days=6)


def board_obligations(
    actor: Actor,
    filters: BoardFilters,
    *,
    status: str = "",
    period_start: date | None = None,
    school_only: bool = False,
    now: datetime | None = None,
    limit: int = 500,
):
    """Drill-down: the obligations behind one cell of the board, oldest due first."""
    now = now or clock.now()
    qs = scoped_obligations(actor, filters)
    if period_start is not None:
        first, last = period_range(filters.period, period_start)
        low, high = local_bounds(first, last)
        qs = qs.filter(due_at__gte=low, due_at__lt=high)
    if school_only:
        qs = qs.filter(owner_staff__isnull=True, owner_department__isnull=True)
    condition = status_condition(status, now)
    if condition is not None:
        qs = qs.filter(condition)
    return list(
        qs.select_related(
            "record_type", "owner_staff__user", "owner_staff__department", "owner_department"
        ).order_by("due_at", "pk")[:limit]
    )


# --- the chart (inline SVG, no JavaScript) -------------------------------------------------------

SERIES = (
    ("on_time_rate", "Đúng hạn", "#2e7d32"),
    ("late_rate", "Nộp muộn", "#ef8f00"),
    ("missing_rate", "Thiếu", "#c62828"),
)


def rates_chart_svg(rows: list[Row], *, period: str = WEEK, width: int = 760) -> SafeString:
    """Lines of the on-time / late / missing rates over the periods, as an inline SVG.

    Periods with nothing decided yet are left out of the lines (a gap, not a zero)."""
    height, left, right, top, bottom = 240, 44, 12, 14, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(rows)
    title = "Tỉ lệ đúng hạn, muộn, thiếu " + ("theo tháng" if period == MONTH else "theo tuần")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="board-chart-title" class="board-chart">',
        f'<title id="board-chart-title">{escape(title)}</title>',
    ]
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * pct / 100
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#d0d5dd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#555">{pct}%</text>'
        )
    if n == 0:
        out.append(
            f'<text x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" text-anchor="middle" '
            f'font-size="13" fill="#555">Chưa có hồ sơ nào trong khoảng đã chọn.</text></svg>'
        )
        return mark_safe("".join(out))  # noqa: S308 - built from escaped parts and numbers

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    step = max(1, n // 12)
    for i, row in enumerate(rows):
        if i % step == 0:
            short = row.label.split(" (")[0]
            out.append(
                f'<text x="{x_of(i):.1f}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle" fill="#555">{escape(short)}</text>'
            )
    for attr, label, colour in SERIES:
        segments: list[list[tuple[float, float, Row, float]]] = [[]]
        for i, row in enumerate(rows):
            value = getattr(row.counts, attr)
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append((x_of(i), top + plot_h - plot_h * value, row, value))
        for seg in segments:
            if len(seg) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in seg)
                out.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
                )
            for x, y, row, value in seg:
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                    f"<title>{escape(row.label)} — {escape(label)}: "
                    f"{Counts.pct(value)}</title></circle>"
                )
    legend_x = left
    for _attr, label, colour in SERIES:
        out.append(
            f'<rect x="{legend_x}" y="{height - 18}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="{height - 8}" font-size="12" fill="#222">'
            f"{escape(label)}</text>"
        )
        legend_x += 110
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - built from escaped parts and numbers


# --- Excel ---------------------------------------------------------------------------------------

HEADERS = [
    "Phải nộp",
    "Đã nộp",
    "Đúng hạn",
    "Nộp muộn",
    "Thiếu",
    "Chưa đến hạn",
    "Bị trả lại",
    "Đã duyệt",
    "Tỉ lệ đúng hạn",
    "Tỉ lệ muộn",
    "Tỉ lệ thiếu",
    "Tỉ lệ đã duyệt",
]


def board_workbook(board: Board, *, school_name: str, record_type_name: str = "") -> bytes:
    """The board as .xlsx: one sheet per grouping, rates as real percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="EEF1F6")
    sheets = [
        ("Theo người", ["Họ và tên", "Tổ"], board.people),
        ("Theo tổ", ["Tổ / đơn vị", ""], board.departments),
        (
            "Theo tuần" if board.filters.period == WEEK else "Theo tháng",
            ["Kỳ", "Từ ngày"],
            board.periods,
        ),
    ]
    f = board.filters
    scope = []
    if f.start or f.end:
        scope.append(
            f"hạn nộp từ {f.start:%d/%m/%Y}" if f.start else "hạn nộp",
        )
        if f.end:
            scope.append(f"đến {f.end:%d/%m/%Y}")
    if record_type_name:
        scope.append(f"loại hồ sơ: {record_type_name}")
    now_text = timezone.localtime(board.now, LOCAL_TZ).strftime("%H:%M %d/%m/%Y")
    for index, (title, first_headers, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        ws.append([school_name])
        ws.append([f"BẢNG THEO DÕI NỘP HỒ SƠ — {title.upper()} — tính đến {now_text}"])
        ws.append([", ".join(scope)])
        ws.append([*first_headers, *HEADERS])
        ws["A2"].font = bold
        for cell in ws[4]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in [*rows, Row(key="total", label="Tổng cộng", counts=board.totals)]:
            c = row.counts
            second = row.sub_label
            if rows is board.periods and row.key != "total":
                second = date.fromisoformat(row.key).strftime("%d/%m/%Y")
            ws.append(
                [
                    row.label,
                    second,
                    c.required,
                    c.submitted,
                    c.on_time,
                    c.late,
                    c.missing,
                    c.not_due,
                    c.returned,
                    c.approved,
                    c.on_time_rate,
                    c.late_rate,
                    c.missing_rate,
                    c.approved_rate,
                ]
            )
            for cell in ws[ws.max_row][10:14]:
                cell.number_format = "0.0%"
        for cell in ws[ws.max_row]:
            cell.font = bold
        for i, width in enumerate([30, 22, *([11] * len(HEADERS))], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "C5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
