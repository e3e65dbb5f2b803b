"""The JSON API, /api/v1. Thin doors: parse → access_* → action/selector → render.

The same policies as the HTML interface: objects out of scope answer 404 (logged as
``access.not_found``), forbidden actions 403 (logged as ``access.forbidden``).
Error bodies are ``{"code": ..., "detail": <Vietnamese message>, "field": ...}``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger, _csrf_needed

from hoso.accounts.actions import api_token_create
from hoso.accounts.policies import Perm, can, require
from hoso.accounts.roles import ROLE_LABELS, Role
from hoso.api import schemas as s
from hoso.api.auth import SessionAuth, TokenAuth, api_actor
from hoso.api.errors import MESSAGES, ApiError, PasswordChangeRequired
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, NotFoundError, PermissionDeniedError, TooLongError
from hoso.organisation.assignments.selectors import (
    reference_day,
    teaching_on,
    with_homeroom_teachers,
)
from hoso.organisation.models import Position, SchoolClass, SchoolYear
from hoso.organisation.policies import access_class, can_edit_class_students, visible_classes
from hoso.organisation.policies import visible_staff as staff_in_scope
from hoso.students.actions import enrolment_change_class, enrolment_return, student_update
from hoso.students.errors import StudentError
from hoso.students.models import Enrolment, Student, StudentGuardian
from hoso.students.policies import access_student, can_edit_student
from hoso.students.selectors import (
    class_roster,
    current_enrolment,
    one_per_student,
    student_history,
    student_search,
)


class LocalSwagger(Swagger):
    """Swagger UI from our own /static/ (ninja's bundled copy): schools run on a LAN, no CDN."""

    template = "api/swagger.html"

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


api = NinjaAPI(
    title="HoSo API",
    version="1",
    description=(
        "API hồ sơ điện tử trường học. Xác thực bằng phiên đăng nhập (kèm CSRF cho thao tác "
        "ghi) hoặc `Authorization: Bearer hoso_...`. Chọn trường/năm học bằng header "
        "`X-HoSo-School` / `X-HoSo-Year` (mặc định: trường và năm học hiện tại của bạn)."
    ),
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
)

ERRORS = s.ERRORS


# --- errors ---------------------------------------------------------------------------------


def _error(request, status: int, code: str, detail: str, **extra):
    return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    status = 400
    if isinstance(exc, PermissionDeniedError):
        status = 403
    elif isinstance(exc, NotFoundError):
        status = 404
    elif isinstance(exc, TooLongError):
        status = 422
    return _error(request, status, exc.code, exc.message, field=exc.field)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc: PermissionDenied):
    return _error(
        request, 403, ApiError.FORBIDDEN, str(exc) or MESSAGES[ApiError.FORBIDDEN], field=None
    )


@api.exception_handler(Http404)
def on_not_found(request, exc: Http404):
    return _error(request, 404, ApiError.NOT_FOUND, MESSAGES[ApiError.NOT_FOUND], field=None)


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request, exc: AuthenticationError):
    code = ApiError.NOT_AUTHENTICATED
    return _error(request, 401, code, MESSAGES[code], field=None)


@api.exception_handler(PasswordChangeRequired)
def on_password_change_required(request, exc: PasswordChangeRequired):
    code = ApiError.PASSWORD_CHANGE_REQUIRED
    return _error(request, 403, code, MESSAGES[code], field=None)


@api.exception_handler(ValidationError)
def on_invalid_input(request, exc: ValidationError):
    code = ApiError.INVALID_INPUT
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return _error(request, 422, code, MESSAGES[code], field=None, errors=errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _error(request, 403, ApiError.CSRF_FAILED, MESSAGES[ApiError.CSRF_FAILED])
    return _error(request, exc.status_code, f"HTTP_{exc.status_code}", str(exc))


# --- helpers --------------------------------------------------------------------------------


def _sees_personal_data(actor, *, school_class: SchoolClass | None = None, student=None) -> bool:
    """Data minimisation: identity numbers, phones, address, disability only for those who
    keep the record (may edit it), school-wide roles and the student's own guardians."""
    if can(actor, Perm.VIEW_SCHOOL) or can(actor, Perm.EDIT_STUDENTS):
        return True
    if school_class is not None:
        return school_class.pk in actor.homeroom_class_ids
    if student is not None:
        return student.pk in actor.child_ids or can_edit_student(actor, student)
    return False


def _guardians(links, *, personal: bool) -> list[dict]:
    return [
        {
            "full_name": link.guardian.full_name,
            "relation": link.relation,
            "relation_label": link.get_relation_display(),
            "phone": (link.guardian.phone or "") if personal else None,
        }
        for link in links
    ]


def _classes_with_counts(actor, **filters) -> list[SchoolClass]:
    """Visible classes with their active student count and their homeroom teacher on the
    year's reference day (``homeroom_teacher``)."""
    active = Enrolment.studying_q("enrolments__")
    classes = (
        visible_classes(actor)
        .filter(**filters)
        .select_related("year")
        .annotate(student_count=Count("enrolments", filter=active, distinct=True))
    )
    if actor.year is None:
        return list(classes)
    return with_homeroom_teachers(classes, on=reference_day(actor.year))


def _class_out(c: SchoolClass) -> dict:
    homeroom = c.homeroom_teacher
    return {
        "id": c.pk,
        "name": c.name,
        "grade": c.grade.number,
        "year": c.year.name,
        "homeroom_teacher": homeroom.full_name if homeroom else None,
        "student_count": c.student_count,
    }


# --- me -------------------------------------------------------------------------------------


@api.get("/me", response={200: s.MeOut, **ERRORS}, tags=["me"], summary="Tôi là ai")
def me(request: HttpRequest, school: int | None = None, year: int | None = None):
    """The caller, the school and year they act in, their roles, their schools.

    `school` / `year` choose another school or year of the caller for this answer."""
    actor = api_actor(request, school_id=school, year_id=year)
    user = actor.user
    years = SchoolYear.objects.filter(school=actor.school) if actor.school else []
    return {
        "user": {"id": user.pk, "username": user.username, "display_name": user.display_name},
        "display_name": user.get_full_name(),
        "school": actor.school,
        "year": actor.year,
        "roles": [
            {"code": str(r), "label": ROLE_LABELS[r], "acting_as": actor.delegated.get(r, "")}
            for r in Role
            if r in actor.roles
        ],
        "schools": actor.schools,
        "years": list(years),
    }


# --- classes --------------------------------------------------------------------------------


@api.get("/classes", response={200: list[s.ClassOut], **ERRORS}, tags=["classes"])
def classes(request: HttpRequest):
    """Lớp học of the current year the caller may see."""
    actor = api_actor(request)
    return [_class_out(c) for c in _classes_with_counts(actor)]


@api.get("/classes/{class_id}", response={200: s.ClassDetailOut, **ERRORS}, tags=["classes"])
def class_detail(request: HttpRequest, class_id: int):
    actor = api_actor(request)
    school_class = access_class(actor, class_id)
    c = _classes_with_counts(actor, pk=school_class.pk)[0]
    teaching = (
        teaching_on(reference_day(actor.year))
        .filter(school_class=c)
        .select_related("subject", "teacher", "term")
        .order_by("term__number", "subject__order", "subject__name")
    )
    return {
        **_class_out(c),
        "sessions_per_day": c.sessions_per_day,
        "can_edit_students": can_edit_class_students(actor, c),
        "teaching": [
            {"subject": t.subject.name, "teacher": t.teacher.full_name, "term": t.term.number}
            for t in teaching
        ],
    }


@api.get(
    "/classes/{class_id}/students",
    response={200: list[s.RosterStudentOut], **ERRORS},
    tags=["classes"],
)
def class_students(request: HttpRequest, class_id: int):
    """Danh sách lớp in Vietnamese order (tên, tên đệm, họ), including those who left."""
    actor = api_actor(request)
    school_class = access_class(actor, class_id)
    personal = _sees_personal_data(actor, school_class=school_class)
    out = []
    for e in one_per_student(class_roster(school_class)):
        st = e.student
        entry = getattr(st, "register_entry", None)
        out.append(
            {
                "id": st.pk,
                "student_code": st.student_code,
                "full_name": st.full_name,
                "family_name": st.family_name,
                "middle_name": st.middle_name,
                "given_name": st.given_name,
                "gender": st.gender,
                "birth_date": st.birth_date,
                "status": e.status,
                "status_label": e.get_status_display(),
                "register_number": entry.number if entry else None,
                "personal_id": st.personal_id if personal else None,
                "guardians": _guardians(st.guardian_links.all(), personal=personal),
                "left": e.left,
                "end_date": e.end_date,
                "note": e.note,
            }
        )
    return out


# --- students -------------------------------------------------------------------------------


def _current(actor):
    return Prefetch(
        "enrolments",
        queryset=Enrolment.objects.filter(year=actor.year, end_date__isnull=True).select_related(
            "school_class"
        ),
        to_attr="current_enrolments",
    )


@api.get("/students", response={200: list[s.StudentBriefOut], **ERRORS}, tags=["students"])
def students(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Tìm theo tên, không cần dấu."),
    limit: int = Query(50, ge=1, le=200),
):
    """Students the caller may see, searched without diacritics ('nguyen' finds 'Nguyễn')."""
    actor = api_actor(request)
    found = student_search(actor, q, limit=limit).prefetch_related(_current(actor))
    out = []
    for st in found:
        enrolment = st.current_enrolments[0] if st.current_enrolments else None
        out.append(
            {
                "id": st.pk,
                "student_code": st.student_code,
                "full_name": st.full_name,
                "gender": st.gender,
                "birth_date": st.birth_date,
                "current_class": enrolment.school_class if enrolment else None,
            }
        )
    return out


def _student_out(actor, student: Student) -> dict:
    student = (
        Student.objects.filter(pk=student.pk)
        .select_related("register_entry")
        .prefetch_related(
            _current(actor),
            Prefetch("guardian_links", queryset=StudentGuardian.objects.select_related("guardian")),
        )
        .get()
    )
    enrolment = student.current_enrolments[0] if student.current_enrolments else None
    personal = _sees_personal_data(actor, student=student)
    entry = getattr(student, "register_entry", None)
    return {
        "id": student.pk,
        "student_code": student.student_code,
        "full_name": student.full_name,
        "family_name": student.family_name,
        "middle_name": student.middle_name,
        "given_name": student.given_name,
        "gender": student.gender,
        "gender_label": student.get_gender_display(),
        "birth_date": student.birth_date,
        "birth_place": student.birth_place,
        "ethnicity": student.ethnicity,
        "nationality": student.nationality,
        "current_class": enrolment.school_class if enrolment else None,
        "enrolment_status": enrolment.status if enrolment else None,
        "register_number": entry.number if entry else None,
        "personal_id": student.personal_id if personal else None,
        "address": student.address if personal else None,
        "has_disability": student.has_disability if personal else None,
        "disability_note": student.disability_note if personal else None,
        "guardians": _guardians(student.guardian_links.all(), personal=personal),
        "can_edit": can_edit_student(actor, student),
    }


@api.get("/students/{student_id}", response={200: s.StudentOut, **ERRORS}, tags=["students"])
def student_detail(request: HttpRequest, student_id: int):
    """Sơ yếu lý lịch. Parents see only their own children; others their scope."""
    actor = api_actor(request)
    student = access_student(actor, student_id)
    return _student_out(actor, student)


@api.patch(
    "/students/{student_id}",
    response={200: s.StudentOut, **s.WRITE_ERRORS},
    tags=["students"],
)
def student_patch(request: HttpRequest, student_id: int, payload: s.StudentPatchIn):
    """Change profile fields (giáo viên chủ nhiệm of the class, văn thư, phó hiệu trưởng).

    Every change is written to the audit trail with before/after."""
    actor = api_actor(request)
    student = access_student(actor, student_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    student = student_update(actor=actor, student=student, changes=changes)
    return _student_out(actor, student)


def _enrolment_out(e: Enrolment) -> dict:
    return {
        "id": e.pk,
        "year": e.year.name,
        "school_class": e.school_class,
        "status": e.status,
        "status_label": e.get_status_display(),
        "start_date": e.start_date,
        "end_date": e.end_date,
        "outcome": e.outcome,
        "note": e.note,
    }


@api.get(
    "/students/{student_id}/enrolments",
    response={200: list[s.EnrolmentOut], **ERRORS},
    tags=["students"],
)
def student_enrolments(request: HttpRequest, student_id: int):
    """Quá trình học: every class of the student, with dates, statuses and reasons, newest first."""
    actor = api_actor(request)
    student = access_student(actor, student_id)
    return [_enrolment_out(e) for e in student_history(student)]


@api.post(
    "/students/{student_id}/class-change",
    response={201: s.EnrolmentOut, **s.WRITE_ERRORS},
    tags=["students"],
)
def student_class_change(request: HttpRequest, student_id: int, payload: s.MoveIn):
    """Chuyển lớp (văn thư, phó hiệu trưởng): to a class of the same grade in the year, from
    ``on``. The old enrolment ends that day ("Chuyển lớp", kept in the old class's lists); the
    answer is the new one. Audited."""
    actor = api_actor(request)
    require(actor, Perm.MANAGE_ENROLMENT, what=f"chuyển lớp học sinh #{student_id} (API)")
    student = access_student(actor, student_id)
    target = access_class(actor, payload.school_class)
    enrolment = current_enrolment(student, actor.year)
    if enrolment is None:
        raise DomainError(
            StudentError.NOT_ENROLLED, f"{student} không đang học lớp nào trong năm học này."
        )
    new = enrolment_change_class(
        actor=actor, enrolment=enrolment, school_class=target, on=payload.on, reason=payload.reason
    )
    return Status(201, _enrolment_out(new))


@api.post(
    "/students/{student_id}/return",
    response={201: s.EnrolmentOut, **s.WRITE_ERRORS},
    tags=["students"],
)
def student_return(request: HttpRequest, student_id: int, payload: s.MoveIn):
    """Trở lại học (văn thư, phó hiệu trưởng): a student who dropped out or transferred out this
    year comes back into a class of the grade it left, from ``on``: a new enrolment of the same
    student. Audited."""
    actor = api_actor(request)
    require(actor, Perm.MANAGE_ENROLMENT, what=f"cho học sinh #{student_id} trở lại học (API)")
    student = access_student(actor, student_id)
    target = access_class(actor, payload.school_class)
    new = enrolment_return(
        actor=actor, student=student, school_class=target, on=payload.on, reason=payload.reason
    )
    return Status(201, _enrolment_out(new))


# --- staff ----------------------------------------------------------------------------------


@api.get("/staff", response={200: list[s.StaffOut], **ERRORS}, tags=["staff"])
def staff(request: HttpRequest):
    """Cán bộ, giáo viên, nhân viên: the whole school for leaders and the office, a
    department head's own department."""
    actor = api_actor(request)
    if not actor.department_ids:
        require(actor, Perm.VIEW_STAFF, what="danh sách cán bộ (API)")
    labels = dict(Position.choices)
    return [
        {
            "id": p.pk,
            "code": p.code,
            "full_name": p.full_name,
            "gender": p.gender,
            "position": p.position,
            "position_label": labels.get(p.position, p.position),
            "department": p.department.name if p.department else None,
            "main_subject": p.main_subject,
            "employment": p.employment,
            "is_active": p.is_active,
        }
        for p in staff_in_scope(actor)
    ]


# --- audit ----------------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)  # Asia/Ho_Chi_Minh
    return value


@api.get("/audit/events", response={200: s.AuditPageOut, **ERRORS}, tags=["audit"])
def audit_events(
    request: HttpRequest,
    target_type: str = Query("", max_length=60),
    target_id: str = Query("", max_length=64),
    actor: int | None = Query(None, description="Mã tài khoản người thực hiện."),
    event_type: str = Query("", max_length=60),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=200),
    offset: int = Query(0, ge=0),
):
    """Nhật ký truy vết of the current school, newest first (Hiệu trưởng, Phó HT, quản trị)."""
    viewer = api_actor(request)
    require(viewer, Perm.VIEW_AUDIT, what="nhật ký truy vết (API)")
    qs = AuditEvent.objects.filter(school_id=viewer.school_id)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if actor is not None:
        qs = qs.filter(actor_id=actor)
    if event_type:
        qs = qs.filter(event_type=event_type)
    if since is not None:
        qs = qs.filter(at__gte=_aware(since))
    if until is not None:
        qs = qs.filter(at__lt=_aware(until))
    return {
        "count": qs.count(),
        "limit": limit,
        "offset": offset,
        "items": list(qs.order_by("-at", "-seq")[offset : offset + limit]),
    }


# --- tokens ---------------------------------------------------------------------------------


@api.post(
    "/tokens",
    response={201: s.TokenCreatedOut, **ERRORS},
    auth=SessionAuth(csrf=True),
    tags=["tokens"],
)
def token_create(request: HttpRequest, payload: s.TokenIn):
    """Make a personal token for scripts (logged-in session only). Shown once."""
    row, token = api_token_create(user=request.user, name=payload.name, days=payload.days)
    return Status(
        201,
        {
            "id": row.pk,
            "name": row.name,
            "prefix": row.prefix,
            "expires_at": row.expires_at,
            "token": token,
        },
    )


# --- grade book -----------------------------------------------------------------------------

from hoso.api.gradebook import router as gradebook_router  # noqa: E402

api.add_router("/gradebook", gradebook_router)

# --- transcripts (học bạ số) ------------------------------------------------------------------

from hoso.api.transcripts import build_router as transcripts_router  # noqa: E402

api.add_router("/transcripts", transcripts_router())

# --- completion and graduation ----------------------------------------------------------------

from hoso.api.graduation import build_router as graduation_router  # noqa: E402

api.add_router("/graduation", graduation_router())

# --- transfers (chuyển trường) ----------------------------------------------------------------

from hoso.api.transfers import build_router as transfers_router  # noqa: E402

api.add_router("/transfers", transfers_router())

# --- attendance (điểm danh) -------------------------------------------------------------------

from hoso.api.attendance import build_router as attendance_router  # noqa: E402

api.add_router("/attendance", attendance_router())
