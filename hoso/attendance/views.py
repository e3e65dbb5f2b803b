"""Pages of attendance: parse → access → action/selector → render.

The roll (one class, one day, one session or period) is made for a phone: every student is a
big row; a tap cycles present → absent → late → left early (``behaviours.js``,
``data-roll-cycle``); without JavaScript each row's select does the same. One POST saves the
whole roll through ``actions.take_roll``."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import return_on_error
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.attendance import actions, policies, selectors
from hoso.attendance.models import (
    AttendanceChangeRequest,
    AttendanceRoll,
    CountedSessions,
    Excuse,
    LeaveRequest,
    Session,
    Status,
)
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.organisation.models import SchoolClass, SubjectOffering
from hoso.organisation.policies import visible_classes
from hoso.privacy.actions import child_data_viewed, class_data_viewed
from hoso.students.models import Student

CYCLE = ("present", Status.ABSENT, Status.LATE, Status.LEFT_EARLY)
STATUS_CHOICES = [(s, selectors.STATUS_TEXT[s]) for s in CYCLE]
WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _date(value: str | None, default: date) -> date:
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        return default
    return day if abs(day.year - default.year) <= 50 else default


def _month(value: str) -> date:
    return selectors.parse_month(value)


def _rollable_classes(actor):
    qs = visible_classes(actor).order_by("grade__number", "name")
    if actor.has(*policies.READERS):
        return qs
    return qs.filter(pk__in=set(actor.homeroom_class_ids) | set(actor.taught))


@login_required
def index(request):
    actor = request.actor
    classes = list(_rollable_classes(actor))
    if not classes and not actor.child_ids and not policies.can_view_requests(actor):
        raise not_found(actor, "điểm danh")
    today = clock.today()
    return render(
        request,
        "attendance/index.html",
        {
            "classes": classes,
            "homeroom_ids": actor.homeroom_class_ids,
            "month": f"{today:%Y-%m}",
            "children": Student.objects.filter(pk__in=actor.child_ids).order_by("sort_name"),
            "can_settings": policies.can_manage_settings(actor),
            "can_requests": policies.can_view_requests(actor),
        },
    )


def _offerings(actor, school_class: SchoolClass):
    qs = SubjectOffering.objects.filter(grade_id=school_class.grade_id).select_related("subject")
    if policies.can_take_session_roll(actor, school_class) or actor.has(
        Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR
    ):
        return list(qs.order_by("subject__order", "subject__name"))
    taught = actor.taught.get(school_class.pk, frozenset())
    return list(qs.filter(subject_id__in=taught).order_by("subject__order", "subject__name"))


@login_required
def roll(request, class_id: int):
    actor = request.actor
    school_class = policies.access_class(actor, class_id)
    settings = selectors.settings_for(school_class.year.school_id)
    params = request.POST if request.method == "POST" else request.GET
    today = clock.today()
    default_day = today
    if today not in selectors.school_days(school_class, today, today):
        default_day = selectors.school_day_near(school_class, today, -1) or today
    day = _date(params.get("ngay"), default_day)
    sessions = selectors.sessions_of(school_class, settings)
    session = params.get("buoi") or selectors.default_session(
        school_class, settings, clock.now().astimezone(clock.VN_TZ).hour
    )
    if session not in sessions:
        session = sessions[0]
    offerings = _offerings(actor, school_class)
    homeroom_or_leader = policies.can_take_session_roll(actor, school_class)
    try:
        period = int(params.get("tiet") or (0 if homeroom_or_leader else 1))
    except ValueError:
        period = 0
    period = period if 0 <= period <= 10 else 0
    offering = None
    if period:
        wanted = params.get("mon") or ""
        offering = next((o for o in offerings if str(o.pk) == wanted), None)
        offering = offering or (offerings[0] if offerings else None)
    if period and offering is not None:
        can_edit = policies.can_take_period_roll(actor, school_class, offering.subject_id, settings)
    else:
        can_edit = period == 0 and homeroom_or_leader
    here = (
        reverse("attendance:roll", args=[school_class.pk])
        + f"?ngay={day.isoformat()}&buoi={session}"
        + (f"&tiet={period}&mon={offering.pk}" if period and offering else "")
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(f"Không được điểm danh lớp {school_class.name}.")
        return_on_error(request, here)
        marks = {}
        for key, value in request.POST.items():
            if key.startswith("s-") and key[2:].isdigit():
                marks[int(key[2:])] = value
        actions.take_roll(
            actor=actor,
            school_class=school_class,
            day=day,
            session=session,
            marks=marks,
            period=period,
            offering=offering if period else None,
        )
        absent = sum(1 for v in marks.values() if v != "present")
        messages.success(
            request,
            f"Đã lưu điểm danh lớp {school_class.name} ngày {day:%d/%m/%Y}: "
            f"{absent} học sinh vắng, muộn hoặc về sớm.",
        )
        return redirect(here)
    taken = (
        AttendanceRoll.objects.filter(
            school_class=school_class, date=day, session=session, period=period
        )
        .select_related("taken_by")
        .first()
    )
    rows = selectors.roll_rows(school_class, day, session, period)
    is_school_day = bool(selectors.school_days(school_class, day, day))
    month_state = selectors.month_state(settings, day, today)
    return render(
        request,
        "attendance/roll.html",
        {
            "school_class": school_class,
            "day": day,
            "weekday": WEEKDAY_NAMES[day.weekday()],
            "session": session,
            "sessions": [(s, Session(s).label) for s in sessions],
            "period": period,
            "periods": range(1, 11),
            "offering": offering,
            "offerings": offerings,
            "homeroom_or_leader": homeroom_or_leader,
            "rows": rows,
            "taken": taken,
            "status_choices": STATUS_CHOICES,
            "can_edit": can_edit and is_school_day and day <= today and month_state != "closed",
            "is_school_day": is_school_day,
            "future": day > today,
            "closed": month_state == "closed",
            "previous": selectors.school_day_near(school_class, day, -1),
            "next": selectors.school_day_near(school_class, day, +1),
            "today": today,
            "counts": {s: sum(1 for r in rows if r.status == s and not r.left) for s in CYCLE if s},
        },
    )


@login_required
def month(request, class_id: int, ym: str):
    actor = request.actor
    school_class = policies.access_class(actor, class_id)
    first = _month(ym)
    if request.method == "GET":
        class_data_viewed(
            actor=actor, school_class=school_class, what=f"Điểm danh tháng {first:%m/%Y}"
        )
    settings = selectors.settings_for(school_class.year.school_id)
    state = selectors.month_state(settings, first, clock.today())
    can_confirm = policies.can_confirm_month(actor, school_class)
    here = reverse("attendance:month", args=[school_class.pk, f"{first:%Y-%m}"])
    if request.method == "POST":
        return_on_error(request, here)
        if request.POST.get("all_pending"):
            from hoso.attendance.models import AttendanceMark

            excuses = dict.fromkeys(
                AttendanceMark.objects.filter(
                    school_class=school_class,
                    status=Status.ABSENT,
                    excuse=Excuse.PENDING,
                    date__gte=first,
                    date__lte=selectors.month_end(first),
                ).values_list("pk", flat=True),
                Excuse.EXCUSED,
            )
        else:
            excuses = {
                int(k[2:]): v
                for k, v in request.POST.items()
                if k.startswith("m-") and k[2:].isdigit()
            }
        changed = actions.confirm_month(
            actor=actor, school_class=school_class, month=first, excuses=excuses
        )
        messages.success(request, f"Đã lưu {changed} lượt vắng.")
        return redirect(here)
    columns, rows = selectors.month_grid(school_class, first, settings)
    # The year so far: a warning from the school's threshold (45 sessions fail the year).
    year = school_class.year
    year_totals = selectors.totals(
        school_id=year.school_id,
        start=year.start_date,
        end=min(year.end_date, clock.today()),
        student_ids=[r.student.pk for r in rows],
        settings=settings,
    )
    for r in rows:
        r.year_absent = year_totals.get(r.student.pk, selectors.Totals()).absent
        r.warn = r.year_absent >= settings.warn_from
    prev_month = selectors.month_start(first - timedelta(days=1))
    return render(
        request,
        "attendance/month.html",
        {
            "school_class": school_class,
            "first": first,
            "columns": columns,
            "rows": rows,
            "state": state,
            "can_confirm": can_confirm and state == "open",
            "can_ask": can_confirm and state == "closed",
            "closes": selectors.window_closes(settings, first),
            "settings": settings,
            "excuse_choices": [
                ("", "?"),
                (Excuse.EXCUSED, "P"),
                (Excuse.UNEXCUSED, "K"),
            ],
            "previous": f"{prev_month:%Y-%m}",
            "next": f"{selectors.next_month(first):%Y-%m}",
            "pending": sum(r.totals.pending for r in rows),
        },
    )


# --- change requests --------------------------------------------------------------------------


class ChangeRequestForm(forms.Form):
    student = forms.TypedChoiceField(label="Học sinh", coerce=int)
    date = forms.DateField(
        label="Ngày", widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    session = forms.ChoiceField(label="Buổi", choices=Session.choices)
    status = forms.ChoiceField(label="Sửa thành", choices=STATUS_CHOICES)
    excuse = forms.ChoiceField(
        label="Phép",
        choices=[(Excuse.EXCUSED, "Có phép (P)"), (Excuse.UNEXCUSED, "Không phép (K)")],
        required=False,
    )
    reason = forms.CharField(label="Lý do", max_length=500, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, students=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(s.pk, s.full_name) for s in students]


def _requests_for(actor):
    qs = AttendanceChangeRequest.objects.filter(school_id=actor.school_id).select_related(
        "student", "school_class", "asked_by", "decided_by", "applied_by"
    )
    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.ADMINISTRATOR):
        return qs
    return qs.filter(school_class_id__in=actor.homeroom_class_ids)


@login_required
def requests(request):
    actor = request.actor
    if not policies.can_view_requests(actor):
        raise not_found(actor, "đề nghị sửa điểm danh")
    rows = list(_requests_for(actor)[:300])
    for r in rows:
        r.before_text = selectors.describe_state(r.before)
        r.after_text = selectors.describe_state(r.after)
    groups = [
        (label, [r for r in rows if r.state == state])
        for state, label in AttendanceChangeRequest.State.choices
    ]
    return render(
        request,
        "attendance/requests.html",
        {
            "groups": groups,
            "can_decide": policies.can_decide_change(actor),
            "can_apply": policies.can_apply_change(actor),
            "me": actor.user.pk,
        },
    )


@login_required
def request_new(request, class_id: int):
    actor = request.actor
    school_class = policies.access_class(actor, class_id)
    if not policies.can_confirm_month(actor, school_class):
        raise not_found(actor, f"đề nghị sửa điểm danh lớp #{class_id}")
    students = sorted(
        {e.student for e in school_class.enrolments.select_related("student")},
        key=lambda s: (s.sort_name, s.pk),
    )
    initial = {
        "date": request.GET.get("ngay") or "",
        "student": request.GET.get("hs") or "",
        "session": request.GET.get("buoi") or "morning",
    }
    form = ChangeRequestForm(request.POST or None, students=students, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.change_request_ask(
                actor=actor,
                school_class=school_class,
                student_id=d["student"],
                day=d["date"],
                session=d["session"],
                status=d["status"],
                excuse=d["excuse"],
                reason=d["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã gửi đề nghị sửa điểm danh cho hiệu trưởng.")
            return redirect("attendance:requests")
    return render(
        request, "attendance/request_new.html", {"form": form, "school_class": school_class}
    )


@login_required
@require_POST
def request_act(request, request_id: int, what: str):
    actor = request.actor
    found = _requests_for(actor).filter(pk=request_id).first()
    if found is None:
        raise not_found(actor, f"đề nghị sửa điểm danh #{request_id}")
    return_on_error(request, reverse("attendance:requests"), refusals=True)
    if what in ("dong-y", "khong-dong-y"):
        actions.change_request_decide(
            actor=actor,
            change_request=found,
            approve=what == "dong-y",
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"Đã ghi quyết định cho đề nghị #{found.pk}.")
    elif what == "cap-nhat":
        actions.change_request_apply(actor=actor, change_request=found)
        messages.success(request, f"Đã cập nhật điểm danh theo đề nghị #{found.pk}.")
    else:
        raise not_found(actor, f"thao tác {what}")
    return redirect("attendance:requests")


# --- leave requests ---------------------------------------------------------------------------


class LeaveForm(forms.Form):
    student = forms.TypedChoiceField(label="Con", coerce=int)
    start = forms.DateField(
        label="Từ ngày", widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="Đến ngày", widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d")
    )
    sessions = forms.MultipleChoiceField(
        label="Buổi",
        choices=Session.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn buổi xin nghỉ."},
    )
    reason = forms.CharField(label="Lý do", max_length=500, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [(s.pk, s.full_name) for s in children]


@login_required
def leave_list(request):
    actor = request.actor
    children = list(Student.objects.filter(pk__in=actor.child_ids).order_by("sort_name"))
    if not children and not actor.homeroom_class_ids and not actor.is_leader:
        raise not_found(actor, "đơn xin phép")
    form = None
    if children:
        today = clock.today()
        form = LeaveForm(
            request.POST or None,
            children=children,
            initial={"start": today, "end": today, "sessions": ["morning"]},
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                actions.leave_request_file(
                    actor=actor,
                    student_id=d["student"],
                    start=d["start"],
                    end=d["end"],
                    sessions=d["sessions"],
                    reason=d["reason"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Đã gửi đơn xin phép cho giáo viên chủ nhiệm.")
                return redirect("attendance:leave_list")
    elif request.method == "POST":
        raise not_found(actor, "đơn xin phép")
    mine = LeaveRequest.objects.filter(student_id__in=actor.child_ids).select_related("student")
    if request.method == "GET":
        for student in children:  # a parent reading the child's leave requests (privacy)
            child_data_viewed(actor=actor, student=student, what="Đơn xin phép nghỉ học")
    from hoso.students.models import Enrolment

    in_classes = Enrolment.objects.filter(school_class_id__in=actor.homeroom_class_ids).values(
        "student_id"
    )
    if actor.is_leader:
        to_decide = LeaveRequest.objects.filter(school_id=actor.school_id)
    else:
        to_decide = LeaveRequest.objects.filter(student_id__in=in_classes)
    to_decide = to_decide.select_related("student", "requested_by", "decided_by")
    return render(
        request,
        "attendance/leave.html",
        {
            "form": form,
            "mine": list(mine[:100]),
            "to_decide": list(to_decide[:200]) if not children else [],
        },
    )


def _access_leave(actor, leave_id: int) -> LeaveRequest:
    found = LeaveRequest.objects.filter(pk=leave_id, school_id=actor.school_id).first()
    if found is None:
        raise not_found(actor, f"đơn xin phép #{leave_id}")
    if found.student_id in actor.child_ids:
        return found
    school_class = actions.current_class(found.student_id, found.start_date)
    if school_class is None or not policies.can_confirm_month(actor, school_class):
        raise not_found(actor, f"đơn xin phép #{leave_id}")
    return found


@login_required
@require_POST
def leave_act(request, leave_id: int, what: str):
    actor = request.actor
    found = _access_leave(actor, leave_id)
    return_on_error(request, reverse("attendance:leave_list"), refusals=True)
    if what == "rut":
        actions.leave_request_withdraw(actor=actor, leave_request=found)
        messages.success(request, f"Đã rút đơn xin phép #{found.pk}.")
    elif what in ("xac-nhan", "khong-chap-nhan"):
        actions.leave_request_decide(
            actor=actor,
            leave_request=found,
            accept=what == "xac-nhan",
            note=request.POST.get("note", ""),
        )
        messages.success(request, f"Đã ghi quyết định cho đơn #{found.pk}.")
    else:
        raise not_found(actor, f"thao tác {what}")
    return redirect("attendance:leave_list")


@login_required
def child(request, student_id: int):
    """A parent's view of its child's attendance in a month."""
    actor = request.actor
    if student_id not in actor.child_ids:
        raise not_found(actor, f"điểm danh học sinh #{student_id}")
    from hoso.attendance.models import AttendanceMark

    student = Student.objects.get(pk=student_id)
    today = clock.today()
    first = _month(request.GET.get("thang") or f"{today:%Y-%m}")
    child_data_viewed(actor=actor, student=student, what=f"Điểm danh tháng {first:%m/%Y}")
    marks = (
        AttendanceMark.objects.filter(
            student_id=student_id,
            school_id=actor.school_id,
            date__gte=first,
            date__lte=selectors.month_end(first),
        )
        .select_related("school_class")
        .order_by("date", "session", "period")
    )
    settings = selectors.settings_for(actor.school_id)
    year_absent = 0
    if actor.year is not None:
        year_absent = (
            selectors.totals(
                school_id=actor.school_id,
                start=actor.year.start_date,
                end=min(actor.year.end_date, today),
                student_ids=[student_id],
                settings=settings,
            )
            .get(student_id, selectors.Totals())
            .absent
        )
    tot = selectors.totals(
        school_id=actor.school_id,
        start=first,
        end=selectors.month_end(first),
        student_ids=[student_id],
    ).get(student_id, selectors.Totals())
    return render(
        request,
        "attendance/child.html",
        {
            "student": student,
            "first": first,
            "marks": marks,
            "totals": tot,
            "previous": f"{selectors.month_start(first - timedelta(days=1)):%Y-%m}",
            "next": f"{selectors.next_month(first):%Y-%m}",
            "status_text": selectors.STATUS_TEXT,
            "year_absent": year_absent,
            "warn": year_absent >= settings.warn_from,
        },
    )


# --- settings ---------------------------------------------------------------------------------


class SettingsForm(forms.Form):
    confirm_from = forms.IntegerField(
        label="Xác nhận từ ngày (của tháng sau)",
        min_value=1,
        max_value=28,
        error_messages={"min_value": "Từ ngày 1 đến 28.", "max_value": "Từ ngày 1 đến 28."},
    )
    confirm_until = forms.IntegerField(
        label="Xác nhận đến ngày (của tháng sau)",
        min_value=1,
        max_value=28,
        error_messages={"min_value": "Từ ngày 1 đến 28.", "max_value": "Từ ngày 1 đến 28."},
    )
    main_session = forms.ChoiceField(label="Buổi chính", choices=Session.choices)
    counted_sessions = forms.ChoiceField(
        label="Buổi tính vào giới hạn 45 buổi nghỉ", choices=CountedSessions.choices
    )
    warn_from = forms.IntegerField(
        label="Cảnh báo từ số buổi nghỉ",
        min_value=1,
        max_value=200,
        error_messages={"min_value": "Ít nhất 1 buổi.", "max_value": "Nhiều nhất 200 buổi."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Ngày học trong tuần",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một ngày học trong tuần."},
    )
    period_rolls = forms.BooleanField(label="Giáo viên bộ môn điểm danh theo tiết", required=False)
    source = forms.ChoiceField(
        label="Nguồn số buổi nghỉ",
        choices=[("daily", "Điểm danh hằng ngày"), ("typed", "Nhập tổng số mỗi học kỳ")],
    )

    def clean(self):
        data = super().clean()
        frm, until = data.get("confirm_from"), data.get("confirm_until")
        if frm and until and frm > until:
            self.add_error("confirm_until", "Ngày kết thúc phải không trước ngày bắt đầu.")
        return data


@login_required
def settings_page(request):
    actor = request.actor
    if not policies.can_manage_settings(actor):
        raise not_found(actor, "thiết lập điểm danh")
    current = selectors.settings_for(actor.school_id)
    initial = {f: getattr(current, f) for f in actions.SETTING_FIELDS}
    initial["weekdays"] = list(current.school_weekdays())
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.settings_update(actor=actor, values=form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Đã lưu thiết lập điểm danh.")
            return redirect("attendance:settings")
    return render(request, "attendance/settings.html", {"form": form})
