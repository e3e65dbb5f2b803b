"""Staff register actions: create (with the account), edit, end of employment, re-hire; each
write leaves a change-log line and an audit event with before/after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q

from hoso.accounts.models import User
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.notifications.models import Notification
from hoso.organisation.models import (
    Department,
    HomeroomAssignment,
    Staff,
    StaffChange,
    StaffPosition,
    TeachingAssignment,
)
from hoso.organisation.staff import actions
from hoso.organisation.staff.errors import StaffError, StaffInvalid
from hoso.organisation.staff.fields import PERSONAL

# The dates in these tests are of term I of 2026-2027: they run on that day whatever the suite's.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


def teacher_fields(**over) -> dict:
    """Every register field of a new teacher, as a form or an importer would give them."""
    fields = {
        "code": "GV0101",
        "family_name": "Nguyễn",
        "middle_name": "Thị Minh",
        "given_name": "Anh",
        "gender": "F",
        "birth_date": date(1990, 4, 5),
        "ethnicity": "Kinh",
        "religion": "Không",
        "id_number": "031190001234",
        "hometown": "Xã An Lão, thành phố Hải Phòng",
        "address": "Số 5 Lạch Tray, phường Ngô Quyền, Hải Phòng",
        "phone": "0912 345 678",
        "email": "Anh.NTM@example.vn",
        "position": "teacher",
        "department": None,
        "employment": "permanent",
        "job_position": "Giáo viên trung học cơ sở hạng II",
        "main_subject": "Toán",
        "start_date": date(2012, 9, 1),
        "school_start_date": date(2020, 8, 15),
        "professional_rank": "Hạng II",
        "rank_code": "V.07.04.31",
        "salary_step": 4,
        "salary_coefficient": Decimal("4.68"),
        "qualification": "Đại học sư phạm",
        "major": "Sư phạm Toán",
        "political_theory": "Sơ cấp",
        "foreign_language": "Tiếng Anh B1",
        "it_skill": "Cơ bản",
        "party_member": True,
        "party_joined_on": date(2015, 5, 19),
        "standard_rating": "kha",
        "standard_rating_year": "2025-2026",
        "civil_servant_rating": "Hoàn thành tốt nhiệm vụ",
        "awards": "Giáo viên dạy giỏi cấp thành phố 2024",
        "discipline": "",
        "note": "",
    }
    return fields | over


def without_personal(fields: dict) -> dict:
    """What the administrator may write: no personal ID, salary or discipline."""
    return {k: v for k, v in fields.items() if k not in PERSONAL}


def test_clerk_creates_a_teacher_with_every_field_and_an_account(world):
    # GIVEN the clerk, who keeps the register
    clerk = world.actor("clerk")
    # WHEN she enters a new teacher and asks for the account
    created = actions.staff_create(
        actor=clerk, fields=teacher_fields(), account=actions.AccountRequest()
    )
    # THEN every field is stored, normalised (phone digits, e-mail lower case, name keys)
    staff = Staff.objects.get(pk=created.staff.pk)
    assert staff.full_name == "Nguyễn Thị Minh Anh" and staff.search_name == "nguyen thi minh anh"
    assert staff.phone == "0912345678" and staff.email == "anh.ntm@example.vn"
    assert staff.salary_coefficient == Decimal("4.68") and staff.party_member
    assert staff.rank_code == "V.07.04.31" and staff.standard_rating == "kha"
    # AND the account exists with the proposed user name and a one-time password
    user = created.user
    assert user.username == "anhntm" and user.must_change_password and staff.user_id == user.pk
    assert user.check_password(created.temporary_password)
    # AND the change log and the audit trail hold the line; personal data stays out of the trail
    change = StaffChange.objects.get(staff=staff)
    assert change.kind == "created" and change.actor == world.users["clerk"]
    assert {"field": "id_number", "before": None, "after": "031190001234"} in change.changes
    event = AuditEvent.objects.get(event_type="staff.created", target_id=str(staff.pk))
    assert event.after["family_name"] == "Nguyễn" and event.after["account"] == "anhntm"
    assert event.after["id_number"] == "(đã thay đổi)" and "031190001234" not in str(event.after)
    assert AuditEvent.objects.filter(event_type="account.created", target_id=str(user.pk)).exists()


def test_text_values_from_an_importer_give_the_same_record(world):
    # GIVEN the values as an Excel row holds them (text only)
    fields = teacher_fields(
        birth_date="05/04/1990",
        start_date="1/9/2012",
        school_start_date="2020-08-15",
        gender="Nữ",
        employment="Viên chức (biên chế)",
        salary_step="4",
        salary_coefficient="4,68",
        party_member="x",
        party_joined_on="19/05/2015",
        standard_rating="Khá",
        department="Tổ Toán – Tin",
    )
    created = actions.staff_create(actor=world.actor("clerk"), fields=fields)
    staff = created.staff
    assert staff.birth_date == date(1990, 4, 5) and staff.gender == "F"
    assert staff.salary_coefficient == Decimal("4.68") and staff.party_member is True
    assert staff.department.name == "Tổ Toán – Tin" and staff.standard_rating == "kha"


def test_every_problem_comes_back_at_once_with_its_field_and_code(world):
    clerk = world.actor("clerk")
    existing = world.people["subject"].code
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_create(
            actor=clerk,
            fields=teacher_fields(
                code=existing,
                given_name="",
                id_number="03119000123",  # 11 digits
                phone="12345",
                birth_date=date(2015, 1, 1),  # a child
                start_date=date(2021, 9, 1),
                school_start_date=date(2020, 8, 15),  # before joining the sector
                hometown="x" * 201,  # longer than the column: refused, never cut
                salary_coefficient="bốn",
                standard_rating="Xuất sắc",
                colour="xanh",
            ),
        )
    codes = caught.value.codes()
    assert codes == {
        "code": StaffError.DUPLICATE_CODE,
        "given_name": StaffError.REQUIRED,
        "id_number": StaffError.BAD_PERSONAL_ID,
        "phone": StaffError.BAD_PHONE,
        "birth_date": StaffError.BAD_DATE,
        "start_date": StaffError.BAD_DATE,  # less than 18 years after that birth date
        "party_joined_on": StaffError.BAD_DATE,
        "school_start_date": StaffError.BAD_DATE,
        "hometown": StaffError.TOO_LONG,
        "salary_coefficient": StaffError.BAD_VALUE,
        "standard_rating": StaffError.BAD_VALUE,
        "colour": StaffError.UNKNOWN_FIELD,
    }
    assert "dài 201 ký tự, tối đa 200" in caught.value.by_field()["hometown"][0]
    assert not Staff.objects.filter(family_name="Nguyễn", given_name="Anh").exists()


def test_personal_id_must_match_birth_year_and_gender(world):
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_create(
            actor=world.actor("clerk"),
            fields=teacher_fields(id_number="031091001234"),  # male, born 1991
        )
    assert caught.value.codes() == {"id_number": StaffError.PERSONAL_ID_MISMATCH}


def test_the_administrator_keeps_the_register_without_personal_data(world):
    admin = world.actor("admin")
    fields = without_personal(teacher_fields())
    created = actions.staff_create(actor=admin, fields=fields)
    assert created.staff.id_number == ""
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_create(actor=admin, fields=teacher_fields(code="GV0102"))
    assert caught.value.code == StaffError.PERSONAL_NOT_ALLOWED
    with pytest.raises(PermissionDeniedError):
        actions.staff_update(actor=admin, staff=created.staff, changes={"salary_step": 5})


@pytest.mark.parametrize(
    "role", ["principal", "vice", "homeroom", "dept_head", "inspector", "parent", "accountant"]
)
def test_only_the_register_keepers_create(world, role):
    with pytest.raises(PermissionDeniedError):
        actions.staff_create(actor=world.actor(role), fields=teacher_fields())
    assert AuditEvent.objects.filter(event_type="access.forbidden").exists()


def test_update_writes_only_what_changed_and_nothing_when_nothing_did(world):
    clerk = world.actor("clerk")
    staff = actions.staff_create(actor=clerk, fields=teacher_fields()).staff
    change = actions.staff_update(
        actor=clerk,
        staff=staff,
        changes={"address": "Số 9 Cầu Đất, Hải Phòng", "phone": "0912345678", "salary_step": "5"},
    )
    assert [c["field"] for c in change.changes] == ["address", "salary_step"]
    event = AuditEvent.objects.get(event_type="staff.updated")
    assert event.before["address"].startswith("Số 5") and event.after["address"].startswith("Số 9")
    assert event.after["salary_step"] == "(đã thay đổi)"
    assert actions.staff_update(actor=clerk, staff=staff, changes={"phone": "0912.345.678"}) is None
    assert StaffChange.objects.filter(staff=staff).count() == 2


def test_a_keeper_editing_its_own_record_is_told_to_the_principal(world):
    clerk = world.people["clerk"]
    actions.staff_update(
        actor=world.actor("clerk"), staff=clerk, changes={"salary_coefficient": "4,98"}
    )
    note = Notification.objects.get(kind="staff.own_record")
    assert note.user == world.users["principal"]
    assert "Bùi Thị Thu tự sửa hồ sơ cán bộ của mình: Hệ số lương: (trống) → 4,98" in note.text
    actions.staff_update(
        actor=world.actor("clerk"), staff=world.people["subject"], changes={"note": "x"}
    )
    assert Notification.objects.filter(kind="staff.own_record").count() == 1


def test_renaming_a_person_renames_the_account_and_the_sort_keys(world):
    clerk = world.actor("clerk")
    staff = actions.staff_create(
        actor=clerk, fields=teacher_fields(), account=actions.AccountRequest(username="minhanh")
    ).staff
    actions.staff_update(actor=clerk, staff=staff, changes={"family_name": "Trần"})
    staff.refresh_from_db()
    assert staff.search_name == "tran thi minh anh"
    assert User.objects.get(username="minhanh").display_name == "Trần Thị Minh Anh"


def test_account_user_name_is_checked_before_anything_is_written(world):
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_create(
            actor=world.actor("clerk"),
            fields=teacher_fields(),
            account=actions.AccountRequest(username=world.users["subject"].username),
        )
    assert caught.value.codes() == {"username": StaffError.ACCOUNT_TAKEN}
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_create(
            actor=world.actor("clerk"),
            fields=teacher_fields(),
            account=actions.AccountRequest(username="Anh Nguyễn"),
        )
    assert caught.value.codes() == {"username": StaffError.BAD_VALUE}
    assert "chữ không dấu" in caught.value.by_field()["username"][0]
    assert not Staff.objects.filter(code="GV0101").exists()


def test_end_of_employment_today_disables_the_account_and_flags_the_work(world):
    # GIVEN the homeroom teacher of 6A1, who teaches literature there and is deputy of a team
    teacher = world.people["homeroom"]
    lit = Department.objects.get(name="Tổ Ngữ văn")
    lit.deputy = teacher
    lit.save()
    StaffPosition.objects.create(staff=teacher, position="librarian")
    # WHEN the clerk records her transfer from today
    result = actions.staff_end(
        actor=world.actor("clerk"),
        staff=teacher,
        end_date=date(2026, 11, 20),
        reason="transferred",
        note="Quyết định 12/QĐ-UBND",
    )
    # THEN she is out of service, has no further position nor headship, her account is off
    teacher.refresh_from_db()
    assert not teacher.is_active and teacher.end_reason == "transferred"
    assert not teacher.extra_positions.exists()
    assert Department.objects.get(pk=lit.pk).deputy is None
    assert not User.objects.get(pk=teacher.user_id).is_active
    # AND nothing is deleted: her assignments stay, flagged to the leaders
    assert HomeroomAssignment.objects.filter(teacher=teacher).exists()
    assert TeachingAssignment.objects.filter(teacher=teacher).exists()
    assert result.applied and "Chủ nhiệm lớp 6A1 (2026-2027)" in result.flagged
    assert any("Tổ phó Tổ Ngữ văn" in line for line in result.flagged)
    told = Notification.objects.filter(kind="staff.ended").values_list("user__username", flat=True)
    assert set(told) == {world.users["principal"].username, world.users["vice"].username}
    assert result.change.kind == "ended" and result.change.note == "Quyết định 12/QĐ-UBND"
    assert AuditEvent.objects.filter(event_type="staff.ended").exists()
    assert AuditEvent.objects.filter(
        event_type="account.disabled", target_id=str(teacher.user_id)
    ).exists()


def test_an_end_ahead_takes_effect_on_its_day(world, time_machine):
    teacher = world.people["subject"]
    result = actions.staff_end(
        actor=world.actor("clerk"), staff=teacher, end_date=date(2026, 12, 31), reason="retired"
    )
    assert not result.applied and result.change.kind == "end_scheduled"
    assert world.actor("subject").taught  # still teaching until then
    assert actions.staff_apply_due_ends() == []
    time_machine.move_to("2026-12-31 08:00 +07:00")
    # On the day the person holds nothing here, even before the daily command ran
    assert not world.actor("subject").roles
    done = actions.staff_apply_due_ends()
    assert [c.staff_id for c in done] == [teacher.pk] and done[0].actor is None
    teacher.refresh_from_db()
    assert not teacher.is_active and not teacher.user.is_active


def test_a_leader_is_relieved_by_the_principal_before_the_end(world):
    with pytest.raises(DomainError) as caught:
        actions.staff_end(
            actor=world.actor("clerk"),
            staff=world.people["vice"],
            end_date=date(2026, 11, 20),
            reason="retired",
        )
    assert caught.value.code == StaffError.HOLDS_LEADER_POSITION
    assert world.people["vice"].end_date is None
    assert AuditEvent.objects.filter(event_type="staff.end_refused").exists()


def test_end_date_checks(world):
    clerk = world.actor("clerk")
    teacher = world.people["subject"]
    Staff.objects.filter(pk=teacher.pk).update(school_start_date=date(2026, 9, 1))
    teacher.refresh_from_db()
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_end(actor=clerk, staff=teacher, end_date=date(2026, 8, 1), reason="retired")
    assert caught.value.codes() == {"end_date": StaffError.BAD_DATE}
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_end(actor=clerk, staff=teacher, end_date=date(2026, 12, 1), reason="")
    assert caught.value.codes() == {"end_reason": StaffError.REQUIRED}
    with pytest.raises(StaffInvalid):
        actions.staff_end(
            actor=world.actor("clerk"),
            staff=world.people["clerk"],
            end_date=date(2026, 12, 1),
            reason="retired",
        )


def test_rehire_brings_the_person_back_and_keeps_the_history(world):
    clerk = world.actor("clerk")
    teacher = world.people["subject"]
    actions.staff_end(actor=clerk, staff=teacher, end_date=date(2026, 11, 1), reason="resigned")
    with pytest.raises(DomainError) as caught:
        actions.staff_end(actor=clerk, staff=teacher, end_date=date(2026, 11, 2), reason="resigned")
    assert caught.value.code == StaffError.ALREADY_ENDED
    change = actions.staff_rehire(
        actor=clerk, staff=teacher, start_date=date(2026, 11, 20), position="teacher"
    )
    teacher.refresh_from_db()
    assert teacher.is_active and teacher.end_date is None and teacher.end_reason == ""
    assert teacher.school_start_date == date(2026, 11, 20)
    kinds = list(StaffChange.objects.filter(staff=teacher).values_list("kind", flat=True))
    assert kinds == ["ended", "rehired"]
    assert {"field": "end_reason", "before": "resigned", "after": ""} in change.changes
    # The account is the administrator's to reopen
    assert not User.objects.get(pk=teacher.user_id).is_active


def test_rehire_as_administrator_needs_a_leader(world):
    clerk = world.actor("clerk")
    teacher = world.people["outsider"]
    actions.staff_end(actor=clerk, staff=teacher, end_date=date(2026, 11, 1), reason="resigned")
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_rehire(
            actor=clerk, staff=teacher, start_date=date(2026, 11, 20), position="administrator"
        )
    assert caught.value.code == "position_needs_leader"
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_changes_are_scoped_to_the_school(world):
    from hoso.testing.factories import small_school

    other = small_school()
    with pytest.raises(PermissionDeniedError):
        actions.staff_update(
            actor=world.actor("clerk"), staff=other.people["subject"], changes={"note": "x"}
        )
    assert not Staff.objects.filter(~Q(note=""), pk=other.people["subject"].pk).exists()


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u2060", "\ufeff"])
def test_names_with_invisible_characters_are_refused_with_the_field(world, char):
    with pytest.raises(StaffInvalid) as caught:
        actions.staff_create(
            actor=world.actor("clerk"),
            fields=teacher_fields(family_name=f"Nguy{char}ễn", given_name=f"An{char}h"),
        )
    assert caught.value.codes() == {
        "family_name": StaffError.INVISIBLE_CHARACTER,
        "given_name": StaffError.INVISIBLE_CHARACTER,
    }
    message = caught.value.by_field()["family_name"][0]
    assert message.startswith("Họ chứa ký tự vô hình U+") and f"{ord(char):04X}" in message
    assert not Staff.objects.filter(code="GV0101").exists()
