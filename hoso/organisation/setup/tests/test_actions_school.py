"""The school profile: GIVEN a school made by the command, WHEN the administrator edits its
profile, THEN the change is saved with an audit event holding only what changed; levels bring
their grades; bad input is refused with a Vietnamese message naming the field."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import GradeLevel, SchoolClass
from hoso.organisation.setup import actions
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.selectors import profile_of
from hoso.organisation.setup.tests.conftest import fresh_school, make_year

pytestmark = pytest.mark.django_db


def values(fresh, **changes) -> dict:
    return profile_of(fresh.school) | changes


def refused(fresh, error_code, /, **changes) -> DomainError:
    with pytest.raises(DomainError) as caught:
        actions.school_profile_update(actor=fresh.actor("admin"), values=values(fresh, **changes))
    assert caught.value.code == error_code
    return caught.value


def test_the_administrator_edits_the_profile_and_only_the_change_is_audited(fresh):
    actions.school_profile_update(
        actor=fresh.actor("admin"),
        values=values(
            fresh, phone="0225 3741 286", email="thcs.leloi@example.vn", address=" Số 2  Lê Lợi "
        ),
    )
    fresh.school.refresh_from_db()
    assert fresh.school.phone == "0225 3741 286" and fresh.school.address == "Số 2 Lê Lợi"
    event = AuditEvent.objects.filter(event_type="school.updated").get()
    assert event.actor == fresh.users["admin"]
    assert event.before == {"address": "", "phone": "", "email": ""}
    assert event.after == {
        "address": "Số 2 Lê Lợi",
        "phone": "0225 3741 286",
        "email": "thcs.leloi@example.vn",
    }


def test_saving_the_same_profile_writes_nothing(fresh):
    actions.school_profile_update(actor=fresh.actor("admin"), values=values(fresh))
    assert not AuditEvent.objects.filter(event_type="school.updated").exists()


def test_the_superior_body_is_data(fresh):
    actions.school_profile_update(
        actor=fresh.actor("vice"),
        values=values(
            fresh, superior_kind="province", office_name="", province="Thành phố Hải Phòng"
        ),
    )
    fresh.school.refresh_from_db()
    assert fresh.school.office_name == "Sở Giáo dục và Đào tạo thành phố Hải Phòng"


def test_adding_a_level_adds_its_grades_and_removing_an_unused_one_removes_them(fresh):
    admin = fresh.actor("admin")
    actions.school_profile_update(
        actor=admin, values=values(fresh, levels=["lower_secondary", "primary"])
    )
    grades = GradeLevel.objects.filter(school=fresh.school)
    assert sorted(grades.values_list("number", flat=True)) == list(range(1, 10))
    fresh.school.refresh_from_db()
    assert fresh.school.levels == ["primary", "lower_secondary"]  # the programme's order
    actions.school_profile_update(actor=admin, values=values(fresh, levels=["lower_secondary"]))
    assert sorted(grades.values_list("number", flat=True)) == [6, 7, 8, 9]


def test_a_level_whose_grades_have_classes_cannot_be_removed(fresh):
    make_year(fresh)
    actions.classes_add(
        actor=fresh.actor("admin"), grade_number=6, names=["6A1"], sessions_per_day=1
    )
    error = refused(fresh, SetupError.LEVEL_IN_USE, levels=["upper_secondary"])
    assert "khối 6" in error.message
    assert SchoolClass.objects.filter(name="6A1").exists()


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"levels": []}, SetupError.BAD_LEVELS, "levels"),
        ({"levels": ["lower_secondary", "continuing"]}, SetupError.LEVELS_OVERLAP, "levels"),
        ({"phone": "gọi tôi"}, SetupError.BAD_PHONE, "phone"),
        ({"email": "thcs@"}, SetupError.BAD_EMAIL, "email"),
        ({"name": "  "}, SetupError.REQUIRED, "name"),
        ({"address": "x" * 301}, SetupError.TOO_LONG, "address"),
        ({"head_title": "Chủ tịch"}, SetupError.BAD_CHOICE, "head_title"),
        ({"superior_kind": "district"}, SetupError.BAD_CHOICE, "superior_kind"),
        ({"code": "mã trường"}, SetupError.BAD_SCHOOL_CODE, "code"),
    ],
)
def test_bad_input_names_the_field(fresh, changes, code, field):
    error = refused(fresh, code, **changes)
    assert error.field == field
    assert not AuditEvent.objects.filter(event_type="school.updated").exists()


def test_another_schools_code_is_refused(fresh):
    other = fresh_school(code="TH-KHAC", level="primary")
    error = refused(fresh, SetupError.SCHOOL_CODE_TAKEN, code=other.school.code.lower())
    assert error.message == "Đã có trường mã th-khac: không tạo trường thứ hai cùng mã."


def test_over_long_text_is_refused_not_cut(fresh):
    error = refused(fresh, SetupError.TOO_LONG, name="Trường " + "A" * 200)
    assert error.message == "Tên trường dài 207 ký tự, quá giới hạn 200 ký tự: hãy rút gọn."


def test_input_is_nfc_normalised(fresh):
    decomposed = "Trường THCS Le\u0302 Lo\u031b\u0323i"  # "Lê Lợi" typed with combining marks
    actions.school_profile_update(actor=fresh.actor("admin"), values=values(fresh, name=decomposed))
    fresh.school.refresh_from_db()
    assert fresh.school.name == "Trường THCS Lê Lợi"


def test_a_reversed_administrator_name_is_refused_and_nothing_is_created(db):
    from hoso.organisation.models import School

    with pytest.raises(DomainError) as caught:
        actions.school_create(
            code="THCS-BD",
            name="Trường THCS Bạch Đằng",
            short_name="THCS Bạch Đằng",
            levels=["lower_secondary"],
            province="Thành phố Hải Phòng",
            commune="Phường Hải An",
            admin_username="quantri.thcs-bd",
            admin_full_name="Trần Văn \u202eQuản",
            admin_gender="nam",
        )
    assert caught.value.code == SetupError.INVISIBLE_CHARACTER
    assert caught.value.field == "admin_full_name"
    assert caught.value.message.startswith("Họ và tên quản trị viên chứa ký tự vô hình U+202E")
    assert not School.objects.filter(code="THCS-BD").exists()
