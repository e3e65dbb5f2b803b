"""Student profiles, enrolments and the register: constraints, actions, scope over HTTP."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.students import actions
from hoso.students.models import Enrolment, RegisterEntry, Student
from hoso.students.selectors import class_roster, student_search
from hoso.students.validation import check_personal_id

PROFILE = {
    "student_code": "3120001234",
    "family_name": "Nguyễn",
    "middle_name": "Thị",
    "given_name": "Ánh",
    "gender": "F",
    "birth_date": date(2015, 6, 1),
    "personal_id": "031315001234",
}


def test_personal_id_checks():
    assert check_personal_id("031315001234", birth_date=date(2015, 6, 1), gender="F") == []
    assert check_personal_id("31315001234")[0][0] == "BAD_PERSONAL_ID"  # 11 digits
    assert check_personal_id("03131500123A")[0][0] == "BAD_PERSONAL_ID"
    assert check_personal_id("099315001234")[0][0] == "BAD_PERSONAL_ID"  # no province 099
    mismatch = check_personal_id("031314001234", birth_date=date(2015, 6, 1), gender="F")
    assert mismatch[0][0] == "PERSONAL_ID_MISMATCH" and "2014" in mismatch[0][1]
    assert check_personal_id("031215001234", gender="F")[0][0] == "PERSONAL_ID_MISMATCH"


@pytest.mark.django_db
def test_enrol_gives_register_numbers_that_are_never_reused(world):
    clerk = world.actor("clerk")
    first = actions.student_enrol(
        actor=clerk,
        school_class=world.class_a,
        profile=PROFILE,
        start_date=date(2026, 9, 5),
        guardians=[actions.GuardianInput("Nguyễn Văn Tư", "father", "+84 912 345 678")],
    )
    number = first.register_entry.number
    assert number == 3  # the factory enrolled two students before
    assert first.guardian_links.get().guardian.phone == "0912345678"
    # The student leaves; the number stays and the next student gets a new one.
    enrolment = first.enrolments.get()
    actions.enrolment_end(
        actor=clerk,
        enrolment=enrolment,
        status="transferred_out",
        end_date=date(2026, 11, 1),
        note="Chuyển đến THCS Lê Lợi",
    )
    second = actions.student_enrol(
        actor=clerk,
        school_class=world.class_a,
        profile=PROFILE | {"student_code": "3120009999", "personal_id": ""},
        start_date=date(2026, 11, 2),
    )
    assert second.register_entry.number == number + 1
    assert RegisterEntry.objects.filter(student=first).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            school=world.school,
            number=number,
            student=second,
            entered_on=date(2026, 11, 2),
            year_name="2026-2027",
        )
    events = AuditEvent.objects.filter(target_id=first.pk, target_type="students.student")
    assert events.get(event_type="student.enrolled").after["register_number"] == number


@pytest.mark.django_db
def test_one_open_enrolment_per_year(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            student=world.student_a,
            year=world.year,
            school_class=world.class_b,
            start_date=date(2026, 10, 1),
        )


@pytest.mark.django_db
def test_duplicates_and_bad_ids_are_refused_in_vietnamese(world):
    clerk = world.actor("clerk")
    actions.student_enrol(
        actor=clerk, school_class=world.class_a, profile=PROFILE, start_date=date(2026, 9, 5)
    )
    with pytest.raises(DomainError) as exc:
        actions.student_enrol(
            actor=clerk,
            school_class=world.class_a,
            profile=PROFILE | {"student_code": "999"},
            start_date=date(2026, 9, 5),
        )
    assert exc.value.code == "DUPLICATE_PERSONAL_ID"
    with pytest.raises(DomainError) as exc:
        actions.student_enrol(
            actor=clerk,
            school_class=world.class_a,
            profile=PROFILE | {"personal_id": "12"},
            start_date=date(2026, 9, 5),
        )
    assert exc.value.code == "BAD_PERSONAL_ID" and "12 chữ số" in exc.value.message


@pytest.mark.django_db
def test_update_is_audited_with_before_and_after_and_text_is_nfc(world):
    homeroom = world.actor("homeroom")
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Ấn")
    updated = actions.student_update(
        actor=homeroom,
        student=world.student_a,
        changes={"given_name": nfd.split(" ")[-1], "birth_place": "Hải Phòng"},
    )
    assert updated.given_name == "Ấn" and unicodedata.is_normalized("NFC", updated.given_name)
    event = AuditEvent.objects.get(event_type="student.updated")
    assert event.before == {"birth_place": "", "given_name": "An"}
    assert event.after == {"birth_place": "Hải Phòng", "given_name": "Ấn"}
    assert event.actor == world.users["homeroom"]


@pytest.mark.django_db
def test_homeroom_teacher_cannot_edit_another_class(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.student_update(
            actor=world.actor("homeroom"),
            student=world.student_b,
            changes={"birth_place": "Hà Nội"},
        )
    assert not AuditEvent.objects.filter(event_type="student.updated").exists()


@pytest.mark.django_db
def test_roster_sorted_the_vietnamese_way_and_search_is_folded(world):
    from hoso.testing.factories import make_student

    for name in [
        "Đỗ Văn Đạt",
        "Lê Thị Duy",
        "Phan Văn Dũng",
        "Trần Văn Dung",
        "Hồ Thị Ân",
        "Vũ Văn Anh",
    ]:
        make_student(world.school, world.class_a, name)
    roster = [e.student.full_name for e in class_roster(world.class_a)]
    assert roster == [
        "Nguyễn Văn An",
        "Vũ Văn Anh",
        "Hồ Thị Ân",
        "Trần Văn Dung",
        "Phan Văn Dũng",
        "Lê Thị Duy",
        "Đỗ Văn Đạt",
    ]
    clerk = world.actor("clerk")
    assert [s.full_name for s in student_search(clerk, "nguyen van an")] == ["Nguyễn Văn An"]
    assert [s.full_name for s in student_search(clerk, "do")] == ["Đỗ Văn Đạt"]
    assert [s.full_name for s in student_search(clerk, "DUNG")] == [
        "Trần Văn Dung",
        "Phan Văn Dũng",
    ]
    # A subject teacher of 6A1 does not find the 6A2 student.
    assert list(student_search(world.actor("subject"), "binh")) == []
    assert [s.full_name for s in student_search(clerk, "binh")] == ["Trần Thị Bình"]


@pytest.mark.django_db
def test_out_of_scope_objects_answer_404_and_are_logged(client, world):
    client.force_login(world.users["subject"])
    assert (
        client.get(reverse("organisation:class_detail", args=[world.class_a.pk])).status_code == 200
    )
    assert (
        client.get(reverse("organisation:class_detail", args=[world.class_b.pk])).status_code == 404
    )
    assert client.get(reverse("students:detail", args=[world.student_b.pk])).status_code == 404
    assert client.get(reverse("students:detail", args=[999999])).status_code == 404
    assert (
        AuditEvent.objects.filter(
            event_type="access.not_found", actor=world.users["subject"]
        ).count()
        == 3
    )
    # An action out of reach: 403, logged.
    assert client.get(reverse("students:edit", args=[world.student_a.pk])).status_code == 403
    assert client.get(reverse("students:register")).status_code == 403
    assert AuditEvent.objects.filter(event_type="access.forbidden").count() == 2


@pytest.mark.django_db
def test_parent_sees_only_own_child(client, world):
    client.force_login(world.users["parent"])
    home = client.get("/").content.decode()
    assert "Nguyễn Văn An" in home and "Trần Thị Bình" not in home
    assert client.get(reverse("students:detail", args=[world.student_a.pk])).status_code == 200
    assert client.get(reverse("students:detail", args=[world.student_b.pk])).status_code == 404
    assert (
        client.get(reverse("organisation:class_detail", args=[world.class_a.pk])).status_code == 404
    )


def _edit_form(world, **changes) -> dict:
    """The edit form of student_a as a homeroom teacher fills it, with ``changes``."""
    return {
        "family_name": "Nguyễn",
        "middle_name": "Văn",
        "given_name": "An",
        "gender": "M",
        "birth_date": "2015-03-04",
        "birth_place": "Thủy Nguyên, Hải Phòng",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "student_code": world.student_a.student_code,
        "personal_id": "",
        "address": "Số 5 Lạch Tray",
        **changes,
    }


@pytest.mark.django_db
def test_edit_form_keeps_what_was_typed_on_error(client, world):
    client.force_login(world.users["homeroom"])
    url = reverse("students:edit", args=[world.student_a.pk])
    data = _edit_form(world, personal_id="0312150012")
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "12 chữ số" in body and "Thủy Nguyên, Hải Phòng" in body and "Số 5 Lạch Tray" in body
    assert Student.objects.get(pk=world.student_a.pk).birth_place == ""


@pytest.mark.django_db
def test_every_role_home_page_renders(client, world):
    for person in world.users:
        client.force_login(world.users[person])
        response = client.get("/")
        assert response.status_code == 200, person


@pytest.mark.parametrize("char", ["\u202a", "\u202e", "\u2069", "\u200c", "\u200d", "\ufeff"])
def test_names_with_bidi_overrides_or_zero_width_characters_are_refused(world, char):
    with pytest.raises(DomainError) as caught:
        actions.student_update(
            actor=world.actor("homeroom"),
            student=world.student_a,
            changes={"given_name": f"A{char}n"},
        )
    assert caught.value.code == "INVISIBLE_CHARACTER" and caught.value.field == "given_name"
    assert caught.value.message.startswith(f"Tên chứa ký tự vô hình U+{ord(char):04X}")
    assert Student.objects.get(pk=world.student_a.pk).given_name == "An"


def test_the_edit_form_refuses_a_reversed_name_and_keeps_what_was_typed(client, world):
    client.force_login(world.users["homeroom"])
    url = reverse("students:edit", args=[world.student_a.pk])
    data = _edit_form(world, family_name="Nguy\u202eễn")
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Họ chứa ký tự vô hình U+202E" in body and "Thủy Nguyên, Hải Phòng" in body
    assert Student.objects.get(pk=world.student_a.pk).family_name == "Nguyễn"


def _guardian_rows(*rows) -> dict:
    """The edit form's guardian rows g0, g1, … (name, relation, phone, occupation)."""
    out = {}
    for i, (name, relation, phone, job) in enumerate(rows):
        out |= {
            f"g{i}-full_name": name,
            f"g{i}-relation": relation,
            f"g{i}-phone": phone,
            f"g{i}-occupation": job,
        }
    return out


def test_the_homeroom_teacher_edits_guardians_in_the_student_form_audited(client, world):
    """GIVEN the homeroom teacher of student_a's class, WHEN the form corrects the father's phone
    and adds the mother, THEN both are saved (the father's parent account kept) and audited."""
    client.force_login(world.users["homeroom"])
    url = reverse("students:edit", args=[world.student_a.pk])
    page = client.get(url).content.decode()
    assert 'value="Nguyễn Văn Cường"' in page and "Thêm mẹ" in page
    data = _edit_form(world) | _guardian_rows(
        ("Nguyễn Văn Cường", "father", "0987 654 321", "Kỹ sư"),
        ("Lê Thị Dung", "mother", "0911222333", ""),
        ("", "guardian", "", ""),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    links = {
        link.relation: link.guardian
        for link in world.student_a.guardian_links.select_related("guardian")
    }
    assert links["father"].phone == "0987654321" and links["father"].occupation == "Kỹ sư"
    assert links["father"].user == world.users["parent"]
    assert links["mother"].full_name == "Lê Thị Dung"
    event = AuditEvent.objects.get(event_type="student.guardians_updated")
    assert event.actor == world.users["homeroom"]
    assert event.before["guardians"][0]["phone"] == "0912345678"
    assert [g["name"] for g in event.after["guardians"]] == ["Nguyễn Văn Cường", "Lê Thị Dung"]
    # the same again changes nothing and writes no second event
    client.post(url, data)
    assert AuditEvent.objects.filter(event_type="student.guardians_updated").count() == 1


def test_a_guardian_phone_abc_is_refused_on_its_field_keeping_what_was_typed(client, world):
    client.force_login(world.users["homeroom"])
    url = reverse("students:edit", args=[world.student_a.pk])
    data = _edit_form(world) | _guardian_rows(("Nguyễn Văn Cường", "father", "abc", "Kỹ sư"))
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Số điện thoại phải có 10 chữ số" in body and 'value="abc"' in body
    assert "Thủy Nguyên, Hải Phòng" in body
    assert world.student_a.guardian_links.get().guardian.phone == "0912345678"
    assert not AuditEvent.objects.filter(event_type="student.guardians_updated").exists()
    # a phone with no name is not silently dropped either
    data = _edit_form(world) | _guardian_rows(("", "mother", "0911222333", ""))
    body = client.post(url, data).content.decode()
    assert "Nhập họ và tên" in body


def test_guardians_of_another_class_cannot_be_edited(world):
    """The homeroom teacher of class A is not the homeroom teacher of student_b (class B)."""
    guardian = actions.GuardianInput(full_name="Trần Văn Em", relation="father")
    with pytest.raises(PermissionDenied):
        actions.student_guardians_set(
            actor=world.actor("homeroom"), student=world.student_b, guardians=[guardian]
        )
    assert not world.student_b.guardian_links.exists()
