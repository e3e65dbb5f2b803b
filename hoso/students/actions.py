"""Every write about students. Each runs in one transaction with its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, not_found, require
from hoso.audit.actions import audit_record, snapshot
from hoso.core.errors import DomainError
from hoso.core.text import fold, invisible_character_problem, nfc
from hoso.organisation.models import SchoolClass
from hoso.organisation.policies import can_edit_class_students
from hoso.students.errors import StudentError
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterCounter,
    RegisterEntry,
    Student,
    StudentGuardian,
)
from hoso.students.policies import can_edit_student
from hoso.students.selectors import returnable_enrolment
from hoso.students.validation import check_personal_id, check_phone, normalise_phone

PROFILE_FIELDS = [
    "student_code",
    "personal_id",
    "family_name",
    "middle_name",
    "given_name",
    "gender",
    "birth_date",
    "birth_place",
    "ethnicity",
    "nationality",
    "address",
    "has_disability",
    "disability_note",
]
#: The Vietnamese names of the profile's text fields, for messages.
FIELD_LABELS = {
    "student_code": "Mã học sinh",
    "personal_id": "Mã định danh cá nhân",
    "family_name": "Họ",
    "middle_name": "Tên đệm",
    "given_name": "Tên",
    "birth_place": "Nơi sinh",
    "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch",
    "address": "Địa chỉ",
    "disability_note": "Ghi chú khuyết tật",
}
TEXT_FIELDS = {
    "student_code",
    "personal_id",
    "family_name",
    "middle_name",
    "given_name",
    "birth_place",
    "ethnicity",
    "nationality",
    "address",
    "disability_note",
}


@dataclass
class GuardianInput:
    full_name: str
    relation: str  # StudentGuardian.Relation
    phone: str = ""
    occupation: str = ""


def _clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if key not in PROFILE_FIELDS:
            continue
        out[key] = nfc(value) if key in TEXT_FIELDS else value
    return out


def _validate_profile(
    school_id: int, data: dict[str, Any], *, exclude_pk: int | None = None
) -> None:
    for key in sorted(TEXT_FIELDS, key=PROFILE_FIELDS.index):
        problem = invisible_character_problem(data.get(key), label=FIELD_LABELS[key])
        if problem:
            raise DomainError(StudentError.INVISIBLE_CHARACTER, problem, field=key)
    for required, label in (
        ("family_name", "Họ"),
        ("given_name", "Tên"),
        ("student_code", "Mã học sinh"),
        ("birth_date", "Ngày sinh"),
        ("gender", "Giới tính"),
    ):
        if not data.get(required):
            raise DomainError(
                StudentError.REQUIRED, f"{label} không được để trống.", field=required
            )
    problems = check_personal_id(
        data.get("personal_id", ""), birth_date=data.get("birth_date"), gender=data.get("gender")
    )
    if problems:
        code, message = problems[0]
        raise DomainError(code, message, field="personal_id")
    others = Student.objects.filter(school_id=school_id)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if data.get("personal_id") and others.filter(personal_id=data["personal_id"]).exists():
        raise DomainError(
            StudentError.DUPLICATE_PERSONAL_ID,
            "Mã định danh cá nhân đã có ở một học sinh khác.",
            field="personal_id",
        )
    if others.filter(student_code=data["student_code"]).exists():
        raise DomainError(
            StudentError.DUPLICATE_STUDENT_CODE,
            "Mã học sinh đã có ở một học sinh khác.",
            field="student_code",
        )


def _next_register_number(school_id: int) -> int:
    """Give the next enrolment-register number: the counter row is locked, only ever grows."""
    RegisterCounter.objects.get_or_create(school_id=school_id)
    counter = RegisterCounter.objects.select_for_update().get(school_id=school_id)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _clean_guardian(g: GuardianInput) -> tuple[str, str] | None:
    """(name, phone) checked, or None for a blank row; refuses invisible characters and a phone
    that is not 10 digits starting with 0 ("abc")."""
    name = nfc(g.full_name)
    if not name:
        return None
    problem = invisible_character_problem(name, label="Họ tên cha, mẹ, người giám hộ")
    if problem:
        raise DomainError(StudentError.INVISIBLE_CHARACTER, problem, field="guardians")
    phone = normalise_phone(g.phone)
    problem = check_phone(phone)
    if problem:
        raise DomainError(StudentError.BAD_PHONE, f"{name}: {problem}", field="phone")
    return name, phone


def _find_or_create_guardian(school, name: str, phone: str, occupation: str) -> Guardian:
    """The same person (same phone and name) is one guardian for brothers and sisters."""
    guardian = None
    if phone:
        guardian = Guardian.objects.filter(
            school=school, phone=phone, search_name=fold(name)
        ).first()
    if guardian is None:
        guardian = Guardian.objects.create(
            school=school,
            full_name=name,
            phone=phone,
            occupation=nfc(occupation),
            search_name=fold(name),
        )
    return guardian


def _set_guardians(student: Student, guardians: list[GuardianInput]) -> list[dict]:
    out = []
    for g in guardians:
        cleaned = _clean_guardian(g)
        if cleaned is None:
            continue
        name, phone = cleaned
        guardian = _find_or_create_guardian(student.school, name, phone, g.occupation)
        StudentGuardian.objects.get_or_create(
            student=student, guardian=guardian, defaults={"relation": g.relation}
        )
        out.append({"name": name, "relation": g.relation, "phone": phone})
    return out


def _guardian_rows(student: Student) -> list[dict]:
    return [
        {
            "name": link.guardian.full_name,
            "relation": link.relation,
            "phone": link.guardian.phone,
            "occupation": link.guardian.occupation,
        }
        for link in student.guardian_links.select_related("guardian").order_by("pk")
    ]


def student_guardians_set(
    *, actor: Actor, student: Student, guardians: list[GuardianInput]
) -> list[dict]:
    """Cha, mẹ, người giám hộ of a student become exactly ``guardians`` (blank rows ignored):
    a person already linked (same name) is kept and corrected in place — their phone, occupation,
    relation, and their parent account with it — others are linked (found by phone and name, or
    created), the rest unlinked. Allowed to whoever may edit the profile: clerks and the homeroom
    teacher of the student's current class. Audited (student.guardians_updated) when something
    changed; returns the rows after."""
    if not can_edit_student(actor, student):
        require(actor, Perm.EDIT_STUDENTS, what=f"sửa cha mẹ, người giám hộ của {student}")
        raise PermissionDenied("Năm học đã khóa.")
    rows = []
    for g in guardians:
        cleaned = _clean_guardian(g)
        if cleaned is not None:
            rows.append((g, *cleaned))
    if len({fold(name) for _, name, _ in rows}) < len(rows):
        raise DomainError(
            StudentError.DUPLICATE_GUARDIAN,
            "Một người được ghi hai lần; mỗi người chỉ ghi một dòng.",
            field="guardians",
        )
    with transaction.atomic():
        Student.objects.select_for_update().filter(pk=student.pk).first()
        before = _guardian_rows(student)
        links = {
            fold(link.guardian.full_name): link
            for link in student.guardian_links.select_related("guardian")
        }
        kept: set[int] = set()
        for g, name, phone in rows:
            link = links.get(fold(name))
            if link is None:
                guardian = _find_or_create_guardian(student.school, name, phone, g.occupation)
                link, _ = StudentGuardian.objects.get_or_create(
                    student=student, guardian=guardian, defaults={"relation": g.relation}
                )
            guardian = link.guardian
            values = {"full_name": name, "phone": phone, "occupation": nfc(g.occupation)}
            if any(getattr(guardian, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(guardian, key, value)
                guardian.search_name = fold(name)
                guardian.save(update_fields=[*values, "search_name"])
            if link.relation != g.relation:
                link.relation = g.relation
                link.save(update_fields=["relation"])
            kept.add(link.pk)
        student.guardian_links.exclude(pk__in=kept).delete()
        after = _guardian_rows(student)
        if after != before:
            audit_record(
                event_type="student.guardians_updated",
                actor=actor.user,
                school_id=student.school_id,
                target=student,
                before={"guardians": before},
                after={"guardians": after},
                acting_as=actor.acting_as_for(*actor.roles),
            )
    return after


def student_enrol(
    *,
    actor: Actor,
    school_class: SchoolClass,
    profile: dict[str, Any],
    guardians: list[GuardianInput] = (),
    start_date: date,
    status: str = Enrolment.Status.STUDYING,
    audit: bool = True,
) -> Student:
    """Create a student, enrol it in ``school_class`` and give it an enrolment-register number."""
    if not can_edit_class_students(actor, school_class):
        require(actor, Perm.EDIT_STUDENTS, what=f"thêm học sinh vào {school_class}")
        raise PermissionDenied("Năm học đã khóa hoặc lớp không thuộc năm học hiện tại.")
    data = _clean_profile(profile)
    school_id = actor.school.pk
    _validate_profile(school_id, data)
    with transaction.atomic():
        student = Student(school_id=school_id, **data)
        student.refresh_name_keys()
        try:
            with transaction.atomic():
                student.save()
        except IntegrityError:
            raise DomainError(
                StudentError.DUPLICATE_STUDENT_CODE,
                "Mã học sinh hoặc mã định danh đã có ở một học sinh khác.",
            )
        guardian_data = _set_guardians(student, list(guardians))
        enrolment = Enrolment.objects.create(
            student=student,
            year=school_class.year,
            school_class=school_class,
            status=status,
            start_date=start_date,
        )
        number = _next_register_number(school_id)
        RegisterEntry.objects.create(
            school_id=school_id,
            number=number,
            student=student,
            entered_on=start_date,
            year_name=school_class.year.name,
        )
        if audit:
            after = snapshot(student, PROFILE_FIELDS)
            after.update(
                class_name=school_class.name,
                register_number=number,
                guardians=guardian_data,
                status=enrolment.status,
            )
            audit_record(
                event_type="student.enrolled",
                actor=actor.user,
                school_id=school_id,
                target=student,
                after=after,
                acting_as=actor.acting_as_for(*actor.roles),
            )
    return student


def student_update(*, actor: Actor, student: Student, changes: dict[str, Any]) -> Student:
    """Change profile fields. Only changed fields are written and audited (before/after)."""
    if not can_edit_student(actor, student):
        require(actor, Perm.EDIT_STUDENTS, what=f"sửa hồ sơ {student}")
        raise PermissionDenied("Năm học đã khóa.")
    data = _clean_profile(changes)
    with transaction.atomic():
        locked = Student.objects.select_for_update().get(pk=student.pk)
        before = snapshot(locked, PROFILE_FIELDS)
        for key, value in data.items():
            setattr(locked, key, value)
        merged = snapshot(locked, PROFILE_FIELDS)
        merged["birth_date"] = locked.birth_date
        _validate_profile(locked.school_id, merged, exclude_pk=locked.pk)
        changed = {k for k in PROFILE_FIELDS if snapshot(locked, [k])[k] != before[k]}
        if not changed:
            return locked
        locked.refresh_name_keys()
        locked.save()
        after = snapshot(locked, PROFILE_FIELDS)
        audit_record(
            event_type="student.updated",
            actor=actor.user,
            school_id=locked.school_id,
            target=locked,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
            acting_as=actor.acting_as_for(*actor.roles),
        )
    return locked


def enrolment_end(
    *, actor: Actor, enrolment: Enrolment, status: str, end_date: date, note: str = ""
) -> Enrolment:
    """Transfer out or drop out: the enrolment ends; the register entry stays forever."""
    if status not in (Enrolment.Status.TRANSFERRED_OUT, Enrolment.Status.DROPPED_OUT):
        raise DomainError(StudentError.NOT_ENROLLED, "Trạng thái kết thúc không hợp lệ.")
    if not can(actor, Perm.MANAGE_ENROLMENT):
        require(actor, Perm.MANAGE_ENROLMENT, what=f"kết thúc học của {enrolment.student}")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().select_related("year").get(pk=enrolment.pk)
        if locked.end_date is not None:
            raise DomainError(StudentError.NOT_ENROLLED, "Học sinh không còn học ở lớp này.")
        if locked.outcome or not locked.year.writable_for("students"):
            raise DomainError(
                StudentError.YEAR_CLOSED,
                f"Năm học {locked.year.name} đã kết thúc với học sinh này "
                f"({locked.get_outcome_display() or 'năm học đã khóa'}): không chuyển đi, "
                "bỏ học trong năm học đó được nữa.",
            )
        if end_date < locked.start_date:
            raise DomainError(StudentError.BAD_DATE, "Ngày kết thúc trước ngày bắt đầu.")
        before = snapshot(locked, ["status", "end_date", "note"])
        locked.status, locked.end_date, locked.note = status, end_date, nfc(note)
        locked.save(update_fields=["status", "end_date", "note"])
        audit_record(
            event_type="enrolment.ended",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            before=before,
            after=snapshot(locked, ["status", "end_date", "note"]),
            acting_as=actor.acting_as_for(*actor.roles),
        )
    return locked


def _check_move(*, actor: Actor, locked: Enrolment, target: SchoolClass, on: date) -> None:
    """The refusals shared by a class change and a return: the year, the grade, the date."""
    year = locked.year
    if target.year_id != year.pk or target.year.school_id != actor.school_id:
        raise DomainError(
            StudentError.OTHER_YEAR,
            f"Lớp {target.name} không thuộc năm học {year.name} của trường.",
            field="school_class",
        )
    if year.is_closed or not year.writable_for("students"):
        raise DomainError(
            StudentError.YEAR_CLOSED, f"Năm học {year.name} đã khóa: không chuyển lớp được nữa."
        )
    if locked.outcome:
        raise DomainError(
            StudentError.YEAR_CLOSED,
            f"Năm học {year.name} đã kết thúc với học sinh này "
            f"({locked.get_outcome_display()}): không chuyển lớp, trở lại học được nữa.",
        )
    if target.grade_id != locked.school_class.grade_id:
        raise DomainError(
            StudentError.OTHER_GRADE,
            f"Lớp {target.name} khác khối lớp {locked.school_class.name}: chỉ chuyển sang lớp "
            "cùng khối trong năm học.",
            field="school_class",
        )
    if not (year.start_date <= on <= year.end_date):
        raise DomainError(
            StudentError.BAD_DATE,
            f"Ngày {on:%d/%m/%Y} nằm ngoài năm học {year.name} "
            f"({year.start_date:%d/%m/%Y} – {year.end_date:%d/%m/%Y}).",
            field="on",
        )


def enrolment_change_class(
    *, actor: Actor, enrolment: Enrolment, school_class: SchoolClass, on: date, reason: str = ""
) -> Enrolment:
    """Chuyển lớp: within the same grade and year. The old enrolment ends on ``on`` (``end_date``
    is the first day out of the class, as for attendance) with status "Chuyển lớp" (its grades and approved results stay with the old class, where the
    student is struck through); a new enrolment in ``school_class`` starts on ``on``."""
    require(actor, Perm.MANAGE_ENROLMENT, what=f"chuyển lớp {enrolment.student}")
    if enrolment.student.school_id != actor.school_id:
        raise not_found(actor, f"học sinh #{enrolment.student_id}")
    reason = nfc(reason)
    problem = invisible_character_problem(reason, label="Lý do")
    if problem:
        raise DomainError(StudentError.INVISIBLE_CHARACTER, problem, field="reason")
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update()
            .select_related("year", "school_class", "student")
            .get(pk=enrolment.pk)
        )
        if not locked.is_studying:
            raise DomainError(
                StudentError.NOT_ENROLLED,
                f"{locked.student} không còn học lớp {locked.school_class.name}.",
            )
        _check_move(actor=actor, locked=locked, target=school_class, on=on)
        if school_class.pk == locked.school_class_id:
            raise DomainError(
                StudentError.SAME_CLASS,
                f"Học sinh đang học lớp {school_class.name}: chọn một lớp khác.",
                field="school_class",
            )
        if on <= locked.start_date:
            raise DomainError(
                StudentError.BAD_DATE,
                f"Ngày chuyển lớp phải sau ngày vào lớp {locked.school_class.name} "
                f"({locked.start_date:%d/%m/%Y}).",
                field="on",
            )
        before = snapshot(locked, ["status", "end_date", "note"])
        locked.status = Enrolment.Status.CLASS_CHANGED
        locked.end_date = on
        locked.note = reason[:300]
        locked.save(update_fields=["status", "end_date", "note"])
        new = Enrolment.objects.create(
            student=locked.student,
            year=locked.year,
            school_class=school_class,
            status=Enrolment.Status.STUDYING,
            start_date=on,
            note=f"Chuyển từ lớp {locked.school_class.name}"[:300],
        )
        audit_record(
            event_type="enrolment.class_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked.student,
            before={**before, "class_name": locked.school_class.name},
            after={
                "class_name": school_class.name,
                "on": on,
                "reason": locked.note,
                "old_enrolment": locked.pk,
                "new_enrolment": new.pk,
            },
            acting_as=actor.acting_as_for(*actor.roles),
        )
    return new


def enrolment_return(
    *, actor: Actor, student: Student, school_class: SchoolClass, on: date, reason: str = ""
) -> Enrolment:
    """Trở lại học: a student who dropped out (or transferred out) during the year comes back,
    into a class of the grade it left, from ``on``: a new enrolment of the same student (its
    register number unchanged), never a new student."""
    require(actor, Perm.MANAGE_ENROLMENT, what=f"cho {student} trở lại học")
    if student.school_id != actor.school_id:
        raise not_found(actor, f"học sinh #{student.pk}")
    reason = nfc(reason)
    problem = invisible_character_problem(reason, label="Lý do")
    if problem:
        raise DomainError(StudentError.INVISIBLE_CHARACTER, problem, field="reason")
    with transaction.atomic():
        Student.objects.select_for_update().get(pk=student.pk)  # one return at a time
        enrolments = Enrolment.objects.filter(
            student=student, year=school_class.year_id
        ).select_related("year", "school_class", "student")
        if any(e.end_date is None for e in enrolments):
            raise DomainError(
                StudentError.ALREADY_ENROLLED,
                f"{student} đang học trong năm học {school_class.year.name}.",
            )
        last = returnable_enrolment(student, school_class.year)
        if last is None:
            raise DomainError(
                StudentError.NOT_LEFT,
                f"{student} không có lần bỏ học hay chuyển đi nào trong năm học "
                f"{school_class.year.name} để trở lại học.",
            )
        _check_move(actor=actor, locked=last, target=school_class, on=on)
        if on <= last.end_date:
            raise DomainError(
                StudentError.BAD_DATE,
                f"Ngày trở lại học phải sau ngày rời lớp ({last.end_date:%d/%m/%Y}).",
                field="on",
            )
        new = Enrolment.objects.create(
            student=student,
            year=last.year,
            school_class=school_class,
            status=Enrolment.Status.STUDYING,
            start_date=on,
            note=(f"Trở lại học — {reason}" if reason else "Trở lại học")[:300],
        )
        audit_record(
            event_type="enrolment.returned",
            actor=actor.user,
            school_id=actor.school_id,
            target=student,
            before={
                "status": last.status,
                "class_name": last.school_class.name,
                "end_date": last.end_date,
            },
            after={
                "class_name": school_class.name,
                "on": on,
                "reason": reason,
                "new_enrolment": new.pk,
            },
            acting_as=actor.acting_as_for(*actor.roles),
        )
    return new
