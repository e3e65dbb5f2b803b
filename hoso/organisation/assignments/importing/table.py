"""What the assignment table's file holds, for one school year: its classes, the subjects
offered per grade, its terms and the staff a cell may name — and reading one cell of each.

Two layouts: the usual wide table (a row per class, a column per subject, the cell the
teacher's name, and a “GVCN” column for the homeroom teacher) and the long one (Lớp, Môn, Giáo
viên, Học kỳ: a row per cell). Names are compared folded (no marks, any case)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from hoso.core.text import fold, sort_key
from hoso.imports.headers import FieldSpec, header_key
from hoso.organisation.models import SchoolClass, SchoolYear, Staff, Subject, SubjectOffering, Term

SUBJECT_PREFIX = "subject_"
# Short names schools write for the programme's subjects (folded name → folded aliases).
SUBJECT_SHORT = {
    "toan": ("toan hoc",),
    "ngu van": ("van", "van hoc"),
    "tieng viet": ("tv",),
    "tieng anh": ("anh", "ngoai ngu", "nn", "ta"),
    "ngoai ngu 1": ("anh", "ngoai ngu", "nn"),
    "giao duc cong dan": ("gdcd",),
    "khoa hoc tu nhien": ("khtn",),
    "lich su va dia ly": ("ls dl", "ls va dl", "lich su dia ly", "su dia"),
    "tin hoc": ("tin",),
    "giao duc the chat": ("the duc", "gdtc", "td"),
    "hoat dong trai nghiem huong nghiep": ("hdtn", "hdtn hn", "hdtnhn", "trai nghiem"),
    "hoat dong trai nghiem": ("hdtn",),
    "nghe thuat": ("nt",),
    "am nhac": ("nhac",),
    "my thuat": ("mt",),
    "noi dung giao duc dia phuong": ("gddp", "giao duc dia phuong", "ndgddp"),
    "giao duc quoc phong va an ninh": ("gdqp", "gdqp an", "gdqpan"),
}
FIXED_SPECS = (
    FieldSpec("sequence", "STT", ("stt", "tt", "so tt")),
    FieldSpec("class", "Lớp", ("lop", "ten lop", "lop hoc")),
    FieldSpec(
        "homeroom",
        "GVCN",
        ("gvcn", "giao vien chu nhiem", "chu nhiem", "gv chu nhiem"),
        hint="giáo viên chủ nhiệm",
    ),
    FieldSpec("subject", "Môn", ("mon", "mon hoc", "mon day", "ten mon"), hint="dạng dọc"),
    FieldSpec(
        "teacher",
        "Giáo viên",
        ("giao vien", "gv", "giao vien day", "gv day", "gv bo mon", "ho ten giao vien"),
        hint="dạng dọc",
    ),
    FieldSpec("term", "Học kỳ", ("hoc ky", "hk", "ky"), hint="dạng dọc; trống: theo tùy chọn"),
)
_WHOLE_YEAR = {"", "ca nam", "cn", "ca hai hoc ky", "hk1 hk2", "1 2", "i ii"}
_TERM_WORDS = {1: {"1", "i", "hk1", "hki", "hoc ky 1", "hoc ky i", "ky 1", "ky i"}}
_TERM_WORDS[2] = {"2", "ii", "hk2", "hkii", "hoc ky 2", "hoc ky ii", "ky 2", "ky ii"}


def class_key(name: str) -> str:
    """'Lớp 6A1', '6a1', '6 A1' → '6a1'."""
    key = fold(name)
    key = re.sub(r"^lop\s+", "", key)
    return re.sub(r"[\s.\-_]", "", key)


def subject_field(subject: Subject) -> str:
    return f"{SUBJECT_PREFIX}{subject.pk}"


@dataclass
class YearTable:
    """The year's classes, subjects, terms and staff, read once per check."""

    year: SchoolYear
    classes: list[SchoolClass]
    subjects: list[Subject]
    offered: set[tuple[int, int]]  # (subject id, grade id)
    terms: list[Term]
    staff: list[Staff]
    by_class: dict[str, SchoolClass] = field(default_factory=dict)
    by_subject: dict[str, Subject] = field(default_factory=dict)
    by_name: dict[str, list[Staff]] = field(default_factory=dict)
    by_code: dict[str, Staff] = field(default_factory=dict)

    @classmethod
    def of(cls, year: SchoolYear) -> YearTable:
        classes = sorted(
            SchoolClass.objects.filter(year=year).select_related("grade"),
            key=lambda c: (c.grade.number, sort_key(c.name)),
        )
        offerings = list(
            SubjectOffering.objects.filter(
                grade_id__in={c.grade_id for c in classes}, subject__school_id=year.school_id
            )
            .select_related("subject")
            .order_by("subject__order", "subject__name")
        )
        subjects = list({o.subject_id: o.subject for o in offerings}.values())
        staff = sorted(
            Staff.objects.filter(school_id=year.school_id, is_active=True),
            key=lambda s: s.sort_name,
        )
        table = cls(
            year=year,
            classes=classes,
            subjects=subjects,
            offered={(o.subject_id, o.grade_id) for o in offerings},
            terms=list(Term.objects.filter(year=year).order_by("number")),
            staff=staff,
        )
        table.by_class = {class_key(c.name): c for c in classes}
        for subject in subjects:
            for key in (fold(subject.name), fold(subject.code), header_key(subject.code)):
                table.by_subject.setdefault(key, subject)
        for subject in subjects:
            for key in SUBJECT_SHORT.get(fold(subject.name), ()):
                table.by_subject.setdefault(key, subject)
        for person in staff:
            table.by_name.setdefault(fold(person.full_name), []).append(person)
            table.by_code[fold(person.code)] = person
        return table

    def specs(self) -> list[FieldSpec]:
        return [*FIXED_SPECS, *(self.subject_spec(s) for s in self.subjects)]

    def subject_spec(self, subject: Subject) -> FieldSpec:
        aliases = (fold(subject.code), *SUBJECT_SHORT.get(fold(subject.name), ()))
        return FieldSpec(subject_field(subject), subject.name, tuple(a for a in aliases if a))

    def subject_of_field(self, name: str) -> Subject | None:
        if not name.startswith(SUBJECT_PREFIX):
            return None
        pk = int(name.removeprefix(SUBJECT_PREFIX))
        return next((s for s in self.subjects if s.pk == pk), None)

    # --- One cell

    def school_class(self, text: str) -> tuple[SchoolClass | None, str]:
        found = self.by_class.get(class_key(text))
        if found is None:
            return None, f"Không có lớp “{text}” trong năm học {self.year.name}."
        return found, ""

    def subject(self, text: str) -> tuple[Subject | None, str]:
        found = self.by_subject.get(fold(text)) or self.by_subject.get(header_key(text))
        if found is None:
            return None, f"Không có môn “{text}” trong chương trình của trường năm học này."
        return found, ""

    def offered_in(self, subject: Subject, school_class: SchoolClass) -> bool:
        return (subject.pk, school_class.grade_id) in self.offered

    def teacher(self, text: str) -> tuple[Staff | None, str]:
        """The person a cell names, by full name (folded) or staff code; why not otherwise."""
        key = fold(re.sub(r"^(thầy|cô|thay|co)\s+", "", text, flags=re.IGNORECASE))
        found = self.by_name.get(key, [])
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            codes = ", ".join(p.code for p in found)
            return None, (
                f"Có {len(found)} cán bộ cùng tên “{text}” (mã {codes}): ghi mã cán bộ thay cho "
                "tên để chỉ rõ người."
            )
        by_code = self.by_code.get(fold(text))
        if by_code is not None:
            return by_code, ""
        return None, f"Không có cán bộ đang công tác tên “{text}” trong trường."

    def terms_of(self, text: str, default: list[Term]) -> tuple[list[Term] | None, str]:
        key = header_key(text).replace(" ", "")
        if key in {w.replace(" ", "") for w in _WHOLE_YEAR}:
            return default, ""
        for number, words in _TERM_WORDS.items():
            if key in {w.replace(" ", "") for w in words}:
                term = next((t for t in self.terms if t.number == number), None)
                if term is not None:
                    return [term], ""
        return None, f"Học kỳ “{text}” không hợp lệ: ghi 1, 2 (I, II) hoặc để trống."

    def open_terms(self, terms: list[Term], day: date) -> list[Term]:
        """A term over before the change stays with who taught it (as the editor does)."""
        return [t for t in terms if t.end_date >= day]
