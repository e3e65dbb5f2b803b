"""What a teacher has done in a grade-book column or as a homeroom teacher, told to the
assignment actions (``organisation/assignments/ownership.py``) so that a correction of an
assignment never takes away from its teacher what it already entered, finalised or confirmed."""

from __future__ import annotations

from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.results.models import HomeroomInput
from hoso.gradebook.signoff.models import Signoff


def teaching_work(*, school_class, subject, term, user) -> str:
    sheet = {"school_class": school_class, "subject": subject, "term": term}
    found = []
    if Assessment.objects.filter(**sheet, entered_by=user).exists():
        found.append("điểm đã nhập")
    if SheetColumn.objects.filter(**sheet, finalised_by=user).exists():
        found.append("cột điểm đã chốt")
    if Signoff.objects.filter(**sheet, kind=Signoff.Kind.SHEET, by=user).exists():
        found.append("xác nhận cuối kỳ")
    return ", ".join(found)


def homeroom_work(*, school_class, user) -> str:
    from hoso.students.models import Enrolment

    found = []
    students = Enrolment.objects.filter(school_class=school_class).values("student_id")
    if HomeroomInput.objects.filter(
        year_id=school_class.year_id, student_id__in=students, updated_by=user
    ).exists():
        found.append("rèn luyện, nghỉ học hoặc nhận xét đã nhập")
    if Signoff.objects.filter(school_class=school_class, kind=Signoff.Kind.CLASS, by=user).exists():
        found.append("xác nhận lớp")
    return ", ".join(found)
