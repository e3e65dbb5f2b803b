"""The JSON API: authentication, the same scopes as the interface, errors, docs without a CDN."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoso.accounts.actions import api_token_create
from hoso.accounts.models import ApiToken, User
from hoso.audit.models import AuditEvent
from hoso.organisation.models import (
    GradeLevel,
    HomeroomAssignment,
    Level,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    TeachingAssignment,
    Term,
)
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterEntry,
    Student,
    StudentGuardian,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


# --- a small school -------------------------------------------------------------------------


@dataclass
class World:
    school: School
    year: SchoolYear
    c6a1: SchoolClass
    c6a2: SchoolClass
    principal: User
    subject_teacher: User
    homeroom_teacher: User
    parent: User
    child: Student  # in 6A1, the parent's child
    classmate: Student  # in 6A1
    other: Student  # in 6A2


def _user(username: str, name: str) -> User:
    return User.objects.create_user(username, None, display_name=name, must_change_password=False)


def _staff(school, user, code, family, middle, given, position="teacher") -> Staff:
    staff = Staff(
        school=school,
        user=user,
        code=code,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender="F",
        position=position,
    )
    staff.refresh_name_keys()
    staff.save()
    return staff


_numbers = iter(range(1, 10_000))


def _student(school, school_class, code, family, middle, given, **extra) -> Student:
    student = Student(
        school=school,
        student_code=code,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=extra.pop("gender", "M"),
        birth_date=extra.pop("birth_date", date(2015, 3, 1)),
        **extra,
    )
    student.refresh_name_keys()
    student.save()
    Enrolment.objects.create(
        student=student,
        year=school_class.year,
        school_class=school_class,
        start_date=school_class.year.start_date,
    )
    RegisterEntry.objects.create(
        school=school,
        number=next(_numbers),
        student=student,
        entered_on=school_class.year.start_date,
        year_name=school_class.year.name,
    )
    return student


@pytest.fixture
def world() -> World:
    school = School.objects.create(
        code="THCS-TEST",
        name="Trường THCS Thử Nghiệm",
        levels=["lower_secondary"],
        superior_kind="commune",
        office_name="Ủy ban nhân dân xã Thử",
    )
    year = SchoolYear.objects.create(
        school=school, name="2026-2027", start_date=date(2026, 9, 5), end_date=date(2027, 5, 31)
    )
    term1 = Term.objects.create(
        year=year, number=1, start_date=date(2026, 9, 5), end_date=date(2027, 1, 16)
    )
    Term.objects.create(
        year=year, number=2, start_date=date(2027, 1, 18), end_date=date(2027, 5, 31)
    )
    grade = GradeLevel.objects.create(school=school, number=6, level=Level.LOWER_SECONDARY)
    c6a1 = SchoolClass.objects.create(year=year, grade=grade, name="6A1")
    c6a2 = SchoolClass.objects.create(year=year, grade=grade, name="6A2")
    maths = Subject.objects.create(
        school=school, level=Level.LOWER_SECONDARY, code="TOAN", name="Toán", assessment="score"
    )

    principal = _user("hieutruong", "Trần Văn Bình")
    _staff(school, principal, "CB01", "Trần", "Văn", "Bình", position="principal")
    subject_teacher = _user("gvtoan", "Lê Thị Hoa")
    maths_teacher = _staff(school, subject_teacher, "CB02", "Lê", "Thị", "Hoa")
    TeachingAssignment.objects.create(
        teacher=maths_teacher, school_class=c6a1, subject=maths, term=term1
    )
    homeroom_teacher = _user("gvcn6a2", "Phạm Thị Lan")
    homeroom = _staff(school, homeroom_teacher, "CB03", "Phạm", "Thị", "Lan")
    HomeroomAssignment.objects.create(teacher=homeroom, school_class=c6a2)

    child = _student(school, c6a1, "HS001", "Nguyễn", "Văn", "An", personal_id="")
    classmate = _student(school, c6a1, "HS002", "Đỗ", "Thị", "Bích", gender="F")
    other = _student(school, c6a2, "HS003", "Võ", "Minh", "Châu")

    parent = _user("phuhuynh", "Nguyễn Văn Cường")
    guardian = Guardian.objects.create(
        school=school,
        user=parent,
        full_name="Nguyễn Văn Cường",
        phone="0912345678",
        search_name="nguyen van cuong",
    )
    StudentGuardian.objects.create(student=child, guardian=guardian, relation="father")
    return World(
        school,
        year,
        c6a1,
        c6a2,
        principal,
        subject_teacher,
        homeroom_teacher,
        parent,
        child,
        classmate,
        other,
    )


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def events(kind: str) -> int:
    return AuditEvent.objects.filter(event_type=kind).count()


# --- authentication -------------------------------------------------------------------------


def test_token_authenticates_and_marks_last_use(world):
    # GIVEN a token of the principal
    row, token = api_token_create(user=world.principal, name="script")
    # WHEN it is presented as a bearer token (no session)
    response = Client().get(f"{V1}/me", **bearer(token))
    # THEN the API answers for the principal, and the token's last use is recorded
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["username"] == "hieutruong"
    assert body["school"]["id"] == world.school.pk
    assert body["year"]["name"] == "2026-2027"
    assert {"code": "principal", "label": "Hiệu trưởng", "acting_as": ""} in body["roles"]
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(world):
    row, token = api_token_create(user=world.principal, name="script")
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=recent)
    Client().get(f"{V1}/me", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at == recent
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=recent - timedelta(minutes=1))
    Client().get(f"{V1}/me", **bearer(token))
    row.refresh_from_db()
    assert row.last_used_at > recent


@pytest.mark.parametrize("case", ["unknown", "not-hoso", "expired", "revoked", "inactive"])
def test_bad_tokens_answer_401(world, case):
    row, token = api_token_create(user=world.principal, name="script")
    if case == "unknown":
        token = token[:-4] + "abcd"
    elif case == "not-hoso":
        token = "abc"
    elif case == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "revoked":
        ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    elif case == "inactive":
        User.objects.filter(pk=world.principal.pk).update(is_active=False)
    response = Client().get(f"{V1}/classes", **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"
    assert "token" in response.json()["detail"]


def test_a_bad_token_does_not_fall_back_to_the_session(world):
    client = as_user(world.principal)
    assert client.get(f"{V1}/me").status_code == 200
    assert client.get(f"{V1}/me", **bearer("hoso_nonsense")).status_code == 401


def test_anonymous_answers_401():
    response = Client().get(f"{V1}/me")
    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"


def test_session_authenticates(world):
    response = as_user(world.subject_teacher).get(f"{V1}/me")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["roles"]] == ["subject_teacher"]


def test_must_change_password_gets_403_by_token_and_by_session(world):
    _, token = api_token_create(user=world.principal, name="script")
    User.objects.filter(pk=world.principal.pk).update(must_change_password=True)
    by_token = Client().get(f"{V1}/me", **bearer(token))
    assert by_token.status_code == 403
    assert by_token.json()["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert "đổi mật khẩu" in by_token.json()["detail"]
    world.principal.refresh_from_db()
    by_session = as_user(world.principal).get(f"{V1}/me")
    assert by_session.status_code == 403
    assert "đổi mật khẩu" in by_session.json()["detail"]


def test_token_creation_needs_a_session_and_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.principal)
    payload = {"name": "Máy chủ", "days": 30}
    # WHEN posted without a CSRF token THEN refused
    refused = client.post(f"{V1}/tokens", payload, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "CSRF_FAILED"
    # WHEN posted with one THEN the token is shown once and works
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    created = client.post(
        f"{V1}/tokens", payload, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32
    )
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    assert token.startswith("hoso_")
    assert Client().get(f"{V1}/me", **bearer(token)).status_code == 200
    # AND a token cannot mint further tokens
    minted = Client().post(
        f"{V1}/tokens", payload, content_type="application/json", **bearer(token)
    )
    assert minted.status_code == 401


def test_token_lifetime_is_bounded(world):
    response = as_user(world.principal).post(
        f"{V1}/tokens", {"name": "x", "days": 366}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_INPUT"


# --- docs -----------------------------------------------------------------------------------


def test_docs_page_uses_no_cdn(world):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for cdn in ("cdn", "unpkg", "jsdelivr", "googleapis", "cloudflare"):
        assert cdn not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert "/api/v1/openapi.json" in html
    assert Client().get(f"{V1}/docs").status_code == 200


@pytest.mark.xfail(
    "ninja" not in settings.INSTALLED_APPS,
    reason="django-ninja's bundled Swagger UI is found by staticfiles only when 'ninja' is in "
    "INSTALLED_APPS (settings.py)",
    strict=True,
)
def test_docs_assets_are_served_locally():
    for name in ("ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js"):
        assert finders.find(name), name


def test_openapi_schema_lists_the_endpoints():
    schema = Client().get(f"{V1}/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/classes/{class_id}/students", "/api/v1/audit/events"} <= set(
        schema["paths"]
    )


# --- scopes ---------------------------------------------------------------------------------


def test_subject_teacher_sees_only_the_class_taught(world):
    client = as_user(world.subject_teacher)
    listed = client.get(f"{V1}/classes").json()
    assert [(c["name"], c["student_count"]) for c in listed] == [("6A1", 2)]
    assert client.get(f"{V1}/classes/{world.c6a1.pk}").status_code == 200
    before = events("access.not_found")
    response = client.get(f"{V1}/classes/{world.c6a2.pk}")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "detail": "Không tìm thấy.", "field": None}
    assert events("access.not_found") == before + 1
    assert client.get(f"{V1}/classes/{world.c6a2.pk}/students").status_code == 404


def test_roster_is_in_vietnamese_order_and_minimises_personal_data(world):
    # Subject teacher: names, no identity numbers or phones.
    roster = as_user(world.subject_teacher).get(f"{V1}/classes/{world.c6a1.pk}/students").json()
    assert [r["given_name"] for r in roster] == ["An", "Bích"]
    assert roster[0]["register_number"] is not None
    assert roster[0]["personal_id"] is None
    assert roster[0]["guardians"][0]["full_name"] == "Nguyễn Văn Cường"
    assert roster[0]["guardians"][0]["phone"] is None
    # Principal (school-wide): the phone is there.
    roster = as_user(world.principal).get(f"{V1}/classes/{world.c6a1.pk}/students").json()
    assert roster[0]["guardians"][0]["phone"] == "0912345678"
    assert roster[0]["personal_id"] == ""


def test_roster_query_count_does_not_grow_with_the_class(world):
    client = as_user(world.principal)
    url = f"{V1}/classes/{world.c6a1.pk}/students"
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(5):
        _student(world.school, world.c6a1, f"HS1{n}", "Bùi", "Văn", f"Tên{n}")
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url).json()) == 7
    assert len(large) == len(small)


def test_student_search_is_diacritic_insensitive_and_scoped(world):
    client = as_user(world.subject_teacher)
    found = client.get(f"{V1}/students", {"q": "nguyen van"}).json()
    assert [s["student_code"] for s in found] == ["HS001"]
    assert found[0]["current_class"]["name"] == "6A1"
    assert [s["student_code"] for s in client.get(f"{V1}/students", {"q": "do"}).json()] == [
        "HS002"
    ]
    assert client.get(f"{V1}/students", {"q": "vo minh"}).json() == []  # 6A2: not theirs
    everyone = as_user(world.principal).get(f"{V1}/students").json()
    assert len(everyone) == 3


def test_parent_sees_their_child_only(world):
    client = as_user(world.parent)
    mine = client.get(f"{V1}/students/{world.child.pk}")
    assert mine.status_code == 200
    body = mine.json()
    assert body["full_name"] == "Nguyễn Văn An"
    assert body["current_class"]["name"] == "6A1"
    assert body["guardians"][0]["phone"] == "0912345678"  # their own family's data
    assert body["can_edit"] is False
    before = events("access.not_found")
    assert client.get(f"{V1}/students/{world.classmate.pk}").status_code == 404
    assert client.get(f"{V1}/students/{world.other.pk}").status_code == 404
    assert events("access.not_found") == before + 2
    assert client.get(f"{V1}/classes").json() == []


def test_subject_teacher_sees_profile_without_personal_data(world):
    body = as_user(world.subject_teacher).get(f"{V1}/students/{world.child.pk}").json()
    assert body["personal_id"] is None and body["address"] is None
    assert body["has_disability"] is None
    assert body["can_edit"] is False


# --- writes ---------------------------------------------------------------------------------


def test_subject_teacher_may_not_edit_a_profile(world):
    before = events("access.forbidden")
    response = as_user(world.subject_teacher).patch(
        f"{V1}/students/{world.child.pk}", {"birth_place": "Huế"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    assert "quyền" in response.json()["detail"]
    assert events("access.forbidden") == before + 1
    world.child.refresh_from_db()
    assert world.child.birth_place == ""


def test_homeroom_teacher_edits_own_class_profile_with_audit(world):
    client = as_user(world.homeroom_teacher)
    response = client.patch(
        f"{V1}/students/{world.other.pk}",
        {"birth_place": "Đà Nẵng", "given_name": "Châu"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["birth_place"] == "Đà Nẵng"
    assert response.json()["can_edit"] is True
    event = AuditEvent.objects.get(event_type="student.updated", target_id=str(world.other.pk))
    assert event.before == {"birth_place": ""}
    assert event.after == {"birth_place": "Đà Nẵng"}
    assert event.channel == "api"
    assert event.actor_id == world.homeroom_teacher.pk
    # A student of another class: out of scope, 404.
    assert (
        client.patch(
            f"{V1}/students/{world.child.pk}", {"birth_place": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_writes_need_csrf_by_session_but_not_by_token(world):
    url = f"{V1}/students/{world.other.pk}"
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.homeroom_teacher)
    refused = session.patch(url, {"birth_place": "Huế"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "CSRF_FAILED"
    _, token = api_token_create(user=world.homeroom_teacher, name="script")
    by_token = Client(enforce_csrf_checks=True).patch(
        url, {"birth_place": "Huế"}, content_type="application/json", **bearer(token)
    )
    assert by_token.status_code == 200


def test_validation_errors_carry_code_and_vietnamese_message(world):
    client = as_user(world.homeroom_teacher)
    url = f"{V1}/students/{world.other.pk}"
    duplicate = client.patch(url, {"student_code": "HS001"}, content_type="application/json")
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "DUPLICATE_STUDENT_CODE"
    assert duplicate.json()["field"] == "student_code"
    assert "Mã học sinh" in duplicate.json()["detail"]
    shape = client.patch(url, {"gender": "X"}, content_type="application/json")
    assert shape.status_code == 422
    assert shape.json()["code"] == "INVALID_INPUT"


# --- staff and audit ------------------------------------------------------------------------


def test_staff_list_for_leaders_only(world):
    assert as_user(world.subject_teacher).get(f"{V1}/staff").status_code == 403
    listed = as_user(world.principal).get(f"{V1}/staff").json()
    assert {p["code"] for p in listed} == {"CB01", "CB02", "CB03"}
    assert "id_number" not in listed[0]


def test_audit_endpoint_for_the_principal_only(world):
    as_user(world.homeroom_teacher).patch(
        f"{V1}/students/{world.other.pk}", {"birth_place": "Huế"}, content_type="application/json"
    )
    before = events("access.forbidden")
    assert as_user(world.subject_teacher).get(f"{V1}/audit/events").status_code == 403
    assert events("access.forbidden") == before + 1
    response = as_user(world.principal).get(
        f"{V1}/audit/events",
        {"target_type": "students.student", "target_id": str(world.other.pk), "limit": 10},
    )
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    assert page["items"][0]["event_type"] == "student.updated"
    assert page["items"][0]["after"] == {"birth_place": "Huế"}
    too_many = as_user(world.principal).get(f"{V1}/audit/events", {"limit": 500})
    assert too_many.status_code == 422


def test_choosing_a_school_not_ones_own_is_404(world):
    stranger = School.objects.create(
        code="KHAC", name="Trường khác", superior_kind="commune", office_name="UBND xã Khác"
    )
    client = as_user(world.principal)
    assert client.get(f"{V1}/me", {"school": stranger.pk}).status_code == 404
    assert client.get(f"{V1}/classes", HTTP_X_HOSO_SCHOOL=str(stranger.pk)).status_code == 404
    assert client.get(f"{V1}/classes", HTTP_X_HOSO_SCHOOL="abc").status_code == 400
    mine = client.get(f"{V1}/classes", HTTP_X_HOSO_SCHOOL=str(world.school.pk))
    assert len(mine.json()) == 2


def test_a_name_with_a_zero_width_character_is_refused_with_its_field(world):
    client = as_user(world.homeroom_teacher)
    response = client.patch(
        f"{V1}/students/{world.other.pk}",
        {"given_name": "Ch\u200bâu"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "INVISIBLE_CHARACTER"
    assert response.json()["field"] == "given_name"
    assert "U+200B" in response.json()["detail"]
    world.other.refresh_from_db()
    assert "\u200b" not in world.other.given_name
