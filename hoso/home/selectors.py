"""What each person has to do, for the home page. Reads only, scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from hoso.accounts.models import InspectorGrant, User
from hoso.accounts.policies import Perm, can
from hoso.accounts.roles import Role
from hoso.accounts.throttle import much_failed_usernames
from hoso.audit.labels import event_label
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.counts import counts
from hoso.organisation.assignments.policies import can_manage_assignments
from hoso.organisation.assignments.selectors import (
    classes_without_homeroom,
    homeroom_teacher_of,
    reference_day,
    teaching_on,
)
from hoso.organisation.models import Department, SchoolClass, Staff
from hoso.organisation.setup.selectors import setup_todo
from hoso.parents.messages.selectors import contact_book_link
from hoso.students.models import Enrolment, Student


@dataclass
class Section:
    title: str
    cards: list[dict] = field(default_factory=list)  # {"title", "lines", "url"}
    todo: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)  # {"label", "url"}: things to act on


def _class_cards(classes) -> list[dict]:
    counts = dict(
        Enrolment.objects.studying()
        .filter(school_class__in=classes)
        .values_list("school_class")
        .annotate(n=Count("pk"))
    )
    return [
        {
            "title": f"Lớp {c.name}",
            "lines": [f"{counts.get(c.pk, 0)} học sinh"],
            "class_id": c.pk,
        }
        for c in classes
    ]


def _gradebook_section(actor) -> Section:
    """Grade-book work waiting for this person: corrections to decide or confirm, own open
    requests, the month's check for leaders."""
    from hoso.gradebook.corrections.selectors import todo_counts

    s = Section("Việc cần làm — sổ điểm")
    counts = todo_counts(actor)
    if counts["decide"]:
        s.links.append(
            {
                "label": f"{counts['decide']} đơn sửa điểm chờ hiệu trưởng duyệt",
                "url": reverse("gradebook:correction_inbox"),
            }
        )
    if counts["confirm"]:
        s.links.append(
            {
                "label": f"{counts['confirm']} lần sửa điểm cần bạn xác nhận",
                "url": reverse("gradebook:correction_to_confirm"),
            }
        )
    if actor.is_leader:
        s.links.append(
            {
                "label": "Danh sách lên lớp, kiểm tra lại, rèn luyện hè, khen thưởng",
                "url": reverse("gradebook:results_lists"),
            }
        )
    if actor.is_leader or actor.department_ids:
        s.links.append(
            {"label": "Ngân hàng nhận xét", "url": reverse("gradebook:results_comment_bank")}
        )
    if counts["mine_open"]:
        s.links.append(
            {
                "label": f"{counts['mine_open']} đơn sửa điểm của bạn đang xử lý",
                "url": reverse("gradebook:correction_mine"),
            }
        )
    return s


def _attendance_section(actor) -> Section:
    """Attendance work waiting: parents' leave requests, change requests to approve or apply."""
    from hoso.attendance.selectors import todo_counts

    s = Section("Việc cần làm — điểm danh")
    counts = todo_counts(actor)
    if counts["leave"]:
        s.links.append(
            {
                "label": f"{counts['leave']} đơn xin phép của phụ huynh chờ xác nhận",
                "url": reverse("attendance:leave_list"),
            }
        )
    if counts["approve"]:
        s.links.append(
            {
                "label": f"{counts['approve']} đề nghị sửa điểm danh chờ hiệu trưởng duyệt",
                "url": reverse("attendance:requests"),
            }
        )
    if counts["apply"]:
        s.links.append(
            {
                "label": f"{counts['apply']} đề nghị sửa điểm danh đã duyệt, chờ cập nhật",
                "url": reverse("attendance:requests"),
            }
        )
    return s


def _records_section(actor) -> Section | None:
    """Hồ sơ: what the person has to submit soon or is late with, and what awaits its approval."""
    from hoso.records import selectors as records
    from hoso.records.checklist import checklist_count
    from hoso.records.models import ObligationState

    if actor.staff is None or actor.year is None:
        return None
    now = clock.now()
    open_items = list(records.my_obligations(actor, when="open")[:200])
    waiting = records.inbox(actor).count()
    to_check = checklist_count(actor)
    if not open_items and not waiting and not to_check:
        return None
    s = Section("Hồ sơ")
    late = sum(
        1
        for o in open_items
        if o.due_at < now and o.state in (ObligationState.PENDING, ObligationState.DRAFT)
    )
    returned = sum(1 for o in open_items if o.state == ObligationState.RETURNED)
    due = len(open_items) - late - returned
    if late:
        s.todo.append(f"{late} hồ sơ đã quá hạn nộp.")
    if returned:
        s.todo.append(f"{returned} hồ sơ bị trả lại, cần nộp lại.")
    lines = []
    if due:
        lines.append(f"{due} hồ sơ cần nộp trong 14 ngày tới")
    if lines or late or returned:
        s.cards.append(
            {
                "title": "Hồ sơ của tôi",
                "lines": lines or ["Xem hồ sơ cần nộp"],
                "url": reverse("records:mine"),
            }
        )
    if waiting:
        s.links.append({"label": f"{waiting} hồ sơ chờ tôi duyệt", "url": reverse("records:inbox")})
    if to_check:
        s.links.append(
            {
                "label": f"{to_check} kế hoạch bài dạy chờ kiểm tra",
                "url": reverse("records:checklist"),
            }
        )
    return s


def _department_progress_links(actor) -> list[dict]:
    """Tiến độ nhập điểm of each subject department the person heads (or heads by delegation):
    the progress board filtered to that department (the board itself is scoped the same way,
    ``gradebook.progress.policies.progress_scope``)."""
    if actor.year is None or not actor.has(Role.DEPARTMENT_HEAD):
        return []
    departments = Department.objects.filter(
        pk__in=actor.department_ids, school=actor.school, kind=Department.Kind.SUBJECT
    ).order_by("name")
    board = reverse("gradebook:progress")
    return [
        {"label": f"Tiến độ nhập điểm — {d.name}", "url": f"{board}?{urlencode({'to': d.pk})}"}
        for d in departments
    ]


def home_sections(actor) -> list[Section]:
    sections: list[Section] = []
    if actor.school is None:
        return sections
    today = clock.today()
    term = None
    if actor.year is not None:
        term = actor.year.terms.filter(start_date__lte=today, end_date__gte=today).first()
        term = term or actor.year.terms.order_by("number").first()

    if actor.is_leader or actor.has(Role.ADMINISTRATOR, Role.CLERK, Role.INSPECTOR):
        s = Section("Toàn trường")
        classes = SchoolClass.objects.filter(year=actor.year)
        wanted = {
            "classes": classes,
            "students": Enrolment.objects.studying().filter(year=actor.year),
            "staff": Staff.objects.filter(school=actor.school, is_active=True),
            "missing_id": Student.objects.filter(
                school=actor.school,
                personal_id="",
                enrolments__year=actor.year,
                enrolments__end_date__isnull=True,
            ),
        }
        if actor.year is not None:
            wanted["no_homeroom"] = classes_without_homeroom(classes, on=reference_day(actor.year))
        n = counts(**wanted)  # one query for the card's figures
        s.cards.append(
            {
                "title": actor.school.name,
                "lines": [
                    f"{n['classes']} lớp, {n['students']} học sinh đang học",
                    f"{n['staff']} cán bộ",
                ],
            }
        )
        if n["missing_id"] and (actor.is_leader or actor.has(Role.CLERK)):
            s.todo.append(f"{n['missing_id']} học sinh chưa có mã định danh cá nhân.")
        if n.get("no_homeroom") and actor.is_leader:
            s.todo.append(f"{n['no_homeroom']} lớp chưa phân công giáo viên chủ nhiệm.")
        if can_manage_assignments(actor):
            s.links.append(
                {"label": "Phân công chuyên môn", "url": reverse("organisation:assignments")}
            )
        sections.append(s)

    setup = setup_todo(actor)  # the school set-up: steps left, the principal's confirmation
    if setup is not None and (setup.todo or setup.links):
        sections.insert(0, Section("Thiết lập trường", todo=setup.todo, links=setup.links))

    records = _records_section(actor)
    if records is not None:
        sections.append(records)

    if can(actor, Perm.MANAGE_ACCOUNTS):
        s = Section("Tài khoản")
        staff = Staff.objects.filter(school=actor.school, is_active=True)
        users = User.objects.filter(staff_profiles__school=actor.school)
        n = counts(
            without=staff.filter(user__isnull=True),
            pending=users.filter(must_change_password=True),
        )
        without, pending = n["without"], n["pending"]
        locked = len(much_failed_usernames(users.values_list("username", flat=True)))
        if without:
            s.todo.append(f"{without} cán bộ chưa có tài khoản.")
        if locked:
            s.todo.append(f"{locked} tài khoản bị đăng nhập sai nhiều lần trong 24 giờ qua.")
        if pending:
            s.todo.append(f"{pending} tài khoản chưa đổi mật khẩu lần đầu.")
        if s.todo:
            sections.append(s)

    if actor.homeroom_class_ids:
        s = Section("Lớp chủ nhiệm")
        classes = SchoolClass.objects.filter(pk__in=actor.homeroom_class_ids).select_related(
            "grade"
        )
        s.cards = _class_cards(classes)
        for c in classes:
            s.links.append(
                {
                    "label": f"Lớp {c.name}: điểm danh hôm nay",
                    "url": reverse("attendance:roll", kwargs={"class_id": c.pk}),
                }
            )
            s.links.append(
                {
                    "label": f"Lớp {c.name}: nhập rèn luyện, nghỉ học, nhận xét",
                    "url": reverse("gradebook:results_inputs", kwargs={"class_id": c.pk}),
                }
            )
            s.links.append(
                {
                    "label": f"Lớp {c.name}: kết quả học tập, rèn luyện",
                    "url": reverse("gradebook:results_class", kwargs={"class_id": c.pk}),
                }
            )
        incomplete = (
            Student.objects.filter(
                enrolments__school_class__in=classes, enrolments__end_date__isnull=True
            )
            .annotate(g=Count("guardian_links"))
            .filter(Q(personal_id="") | Q(g=0))
            .count()
        )
        if incomplete:
            s.todo.append(
                f"{incomplete} học sinh còn thiếu mã định danh hoặc thông tin cha mẹ: "
                "cập nhật sơ yếu lý lịch."
            )
        sections.append(s)

    if actor.taught:
        s = Section(f"Lớp giảng dạy{f' — {term}' if term else ''}")
        rows = (
            teaching_on(reference_day(actor.year))
            .filter(teacher=actor.staff, term=term)
            .select_related("school_class", "subject")
            .order_by("school_class__grade__number", "school_class__name", "subject__order")
        )
        for a in rows:
            s.cards.append(
                {
                    "title": f"{a.subject.name} — lớp {a.school_class.name}",
                    "lines": [a.subject.get_assessment_display(), "Mở sổ điểm"],
                    "url": reverse(
                        "gradebook:sheet",
                        kwargs={
                            "class_id": a.school_class_id,
                            "subject_id": a.subject_id,
                            "term_id": a.term_id,
                        },
                    ),
                }
            )
        sections.append(s)

    if actor.department_ids:
        s = Section("Tổ chuyên môn")
        members = Staff.objects.filter(department_id__in=actor.department_ids, is_active=True)
        s.cards.append(
            {
                "title": ", ".join(
                    sorted({m.department.name for m in members.select_related("department")})
                ),
                "lines": [f"{members.count()} thành viên"],
            }
        )
        label = actor.delegated.get(Role.DEPARTMENT_HEAD)
        if label:
            s.todo.append(f"Bạn đang được ủy nhiệm: {label}.")
        s.links.extend(_department_progress_links(actor))
        sections.append(s)

    attendance = _attendance_section(actor)
    if attendance.links:
        sections.insert(0, attendance)

    gradebook = _gradebook_section(actor)
    if gradebook.links:
        sections.insert(0, gradebook)

    if actor.child_ids:
        s = Section("Con của tôi")
        for st in Student.objects.filter(pk__in=actor.child_ids).order_by("sort_name"):
            enrolment = (
                st.enrolments.filter(year=actor.year, end_date__isnull=True)
                .select_related("school_class__year")
                .first()
            )
            lines = []
            if enrolment:
                lines.append(f"Lớp {enrolment.school_class.name}")
                homeroom = homeroom_teacher_of(enrolment.school_class)
                if homeroom:
                    lines.append(f"GVCN: {homeroom.full_name}")
            s.cards.append({"title": st.full_name, "lines": lines, "student_id": st.pk})
            s.links.append(
                {
                    "label": f"{st.full_name}: sổ liên lạc (kết quả, điểm danh, học bạ)",
                    "url": reverse("parents:child", kwargs={"student_id": st.pk}),
                }
            )
            s.links.append(
                {
                    "label": f"{st.full_name}: điểm danh tháng này",
                    "url": reverse("attendance:child", kwargs={"student_id": st.pk}),
                }
            )
        s.links.append(
            {"label": "Xin phép nghỉ học cho con", "url": reverse("attendance:leave_list")}
        )
        s.links.append(contact_book_link(actor))
        sections.append(s)

    if Role.INSPECTOR in actor.roles:
        grant = (
            InspectorGrant.objects.filter(school=actor.school, user=actor.user)
            .order_by("-ends_at")
            .first()
        )
        if grant:
            s = Section("Quyền thanh tra, kiểm tra")
            s.todo.append(
                f"Chỉ xem, đến hết {timezone.localtime(grant.ends_at):%d/%m/%Y %H:%M} "
                f"({grant.organisation}). Mọi lần truy cập được ghi nhật ký."
            )
            sections.append(s)

    if can(actor, Perm.VIEW_AUDIT):
        s = Section("Hoạt động gần đây")
        s.cards = [
            {
                "title": event_label(ev.event_type),
                "lines": [
                    f"{ev.actor_name or 'hệ thống'} · {timezone.localtime(ev.at):%d/%m %H:%M}",
                    ev.target_repr,
                ],
            }
            for ev in AuditEvent.objects.filter(school=actor.school).order_by("-at")[:6]
        ]
        sections.append(s)

    if not sections:
        s = Section("Việc của bạn")
        s.todo.append("Chưa có việc nào được giao cho vai trò của bạn trong năm học này.")
        sections.append(s)
    return sections
