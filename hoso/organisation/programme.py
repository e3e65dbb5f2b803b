"""The 2018 general education programme (Chương trình giáo dục phổ thông 2018, TT 32/2018 as
amended by TT 13/2022) as data: the subjects and educational activities of each school level and
their periods per year per grade (số tiết/năm học, 35 school weeks). The set-up proposes them as a
school's subject catalogue; the school edits them (periods, assessment, its own subjects).

Confirmed in the demo since wave 1 (primary and lower secondary: the programme's time plan):
- primary: Tiếng Việt 420/350/245/245/245, Toán 105/175/175/175/175, Ngoại ngữ 1 140 (grades
  3–5), Đạo đức 35, Tự nhiên và Xã hội 70 (1–3), Lịch sử và Địa lí 70 (4–5), Khoa học 70 (4–5),
  Tin học và Công nghệ 70 (3–5), Giáo dục thể chất 70, Âm nhạc 35, Mĩ thuật 35, Hoạt động trải
  nghiệm 105; TT27 Điều 7: grades 4–5 also test Tiếng Việt and Toán at mid-term;
- lower secondary: Ngữ văn 140, Toán 140, Ngoại ngữ 1 105, Giáo dục công dân 35, Lịch sử và Địa
  lí 105, Khoa học tự nhiên 140, Công nghệ 35/35/52/52, Tin học 35, Giáo dục thể chất 70, Nghệ
  thuật 70 (Âm nhạc 35 + Mĩ thuật 35), Hoạt động trải nghiệm, hướng nghiệp 105, Nội dung giáo dục
  của địa phương 35.

UNCONFIRMED (best knowledge, not checked against the retrieved text; docs/SETUP.md lists them):
- upper secondary: the compulsory subjects (Lịch sử compulsory at 52 periods since TT 13/2022),
  "choose 4 of 9" electives at 70 periods, the learning topics (chuyên đề học tập, 35 periods per
  subject, three clusters chosen) and the optional subjects;
- primary and lower-secondary optional subjects (Tiếng dân tộc thiểu số, Ngoại ngữ 2) and their
  periods;
- continuing education (GDTX, TT 43/2021 assessment): the subject lists of the GDTX programmes of
  the THCS and THPT levels are taken as the general programme's without Giáo dục thể chất and the
  arts (Ngoại ngữ 1, Công nghệ and Tin học taught through grades 6–12, electives in grades 10–12
  like Địa lí, Giáo dục kinh tế và pháp luật, Vật lí, Hóa học, Sinh học), with the general
  programme's periods — the GDTX programmes have their own time plans, which a centre enters;
- which GDTX subjects are comment-only (Hoạt động trải nghiệm, hướng nghiệp; Nội dung giáo dục
  của địa phương — REGULATIONS.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.organisation.models import Level, Subject

SCORE = Subject.Assessment.SCORE
COMMENT = Subject.Assessment.COMMENT
BOTH = Subject.Assessment.SCORE_AND_COMMENT

# What a subject is in its programme.
COMPULSORY = "compulsory"  # môn học / hoạt động bắt buộc
ELECTIVE = "elective"  # môn học lựa chọn (THPT: chọn 4 trong 9)
TOPIC = "topic"  # chuyên đề học tập lựa chọn (THPT: chọn 3 cụm)
OPTIONAL = "optional"  # môn học tự chọn (Tiếng dân tộc thiểu số, Ngoại ngữ 2)

KIND_LABELS = {
    COMPULSORY: "Bắt buộc",
    ELECTIVE: "Lựa chọn",
    TOPIC: "Chuyên đề học tập",
    OPTIONAL: "Tự chọn",
}


@dataclass(frozen=True)
class ProgrammeSubject:
    """A subject or educational activity of a level's programme."""

    code: str
    name: str
    assessment: str  # Subject.Assessment
    periods: dict[int, int]  # grade -> periods per year; an absent grade = not taught there
    kind: str = COMPULSORY
    midterm_test_grades: tuple[int, ...] = ()  # TT27: periodic test also at mid-term

    @property
    def in_default_catalogue(self) -> bool:
        """Compulsory and elective subjects are proposed; topics and optional ones are added
        by the school when it teaches them."""
        return self.kind in (COMPULSORY, ELECTIVE)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _each(grades, periods: int) -> dict[int, int]:
    return dict.fromkeys(grades, periods)


_P = ProgrammeSubject
_PRIMARY = range(1, 6)
_LOWER = range(6, 10)
_UPPER = range(10, 13)

PRIMARY_SUBJECTS: tuple[ProgrammeSubject, ...] = (
    _P(
        "TV",
        "Tiếng Việt",
        BOTH,
        {1: 420, 2: 350, 3: 245, 4: 245, 5: 245},
        midterm_test_grades=(4, 5),
    ),
    _P("TOAN", "Toán", BOTH, {1: 105, 2: 175, 3: 175, 4: 175, 5: 175}, midterm_test_grades=(4, 5)),
    _P("NN1", "Ngoại ngữ 1 (Tiếng Anh)", BOTH, _each(range(3, 6), 140)),
    _P("DD", "Đạo đức", COMMENT, _each(_PRIMARY, 35)),
    _P("TNXH", "Tự nhiên và Xã hội", COMMENT, _each(range(1, 4), 70)),
    _P("LSDL", "Lịch sử và Địa lí", BOTH, _each(range(4, 6), 70)),
    _P("KH", "Khoa học", BOTH, _each(range(4, 6), 70)),
    _P("THCN", "Tin học và Công nghệ", BOTH, _each(range(3, 6), 70)),
    _P("GDTC", "Giáo dục thể chất", COMMENT, _each(_PRIMARY, 70)),
    _P("AN", "Nghệ thuật (Âm nhạc)", COMMENT, _each(_PRIMARY, 35)),
    _P("MT", "Nghệ thuật (Mĩ thuật)", COMMENT, _each(_PRIMARY, 35)),
    _P("HDTN", "Hoạt động trải nghiệm", COMMENT, _each(_PRIMARY, 105)),
    _P("TDTTS", "Tiếng dân tộc thiểu số", COMMENT, _each(_PRIMARY, 70), OPTIONAL),
)

LOWER_SECONDARY_SUBJECTS: tuple[ProgrammeSubject, ...] = (
    _P("NV", "Ngữ văn", SCORE, _each(_LOWER, 140)),
    _P("TOAN", "Toán", SCORE, _each(_LOWER, 140)),
    _P("NN1", "Ngoại ngữ 1 (Tiếng Anh)", SCORE, _each(_LOWER, 105)),
    _P("GDCD", "Giáo dục công dân", SCORE, _each(_LOWER, 35)),
    _P("LSDL", "Lịch sử và Địa lí", SCORE, _each(_LOWER, 105)),
    _P("KHTN", "Khoa học tự nhiên", SCORE, _each(_LOWER, 140)),
    _P("CN", "Công nghệ", SCORE, {6: 35, 7: 35, 8: 52, 9: 52}),
    _P("TIN", "Tin học", SCORE, _each(_LOWER, 35)),
    _P("GDTC", "Giáo dục thể chất", COMMENT, _each(_LOWER, 70)),
    _P("AN", "Nghệ thuật (Âm nhạc)", COMMENT, _each(_LOWER, 35)),
    _P("MT", "Nghệ thuật (Mĩ thuật)", COMMENT, _each(_LOWER, 35)),
    _P("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", COMMENT, _each(_LOWER, 105)),
    # REGULATIONS.md §1.2: comment-assessed under TT22 (Đạt / Chưa đạt).
    _P("GDDP", "Nội dung giáo dục của địa phương", COMMENT, _each(_LOWER, 35)),
    _P("TDTTS", "Tiếng dân tộc thiểu số", SCORE, _each(_LOWER, 105), OPTIONAL),
    _P("NN2", "Ngoại ngữ 2", SCORE, _each(_LOWER, 105), OPTIONAL),
)

# Upper secondary: subjects with learning topics (chuyên đề học tập, 35 periods a year each).
_WITH_TOPICS = (
    ("NV", "Ngữ văn", SCORE),
    ("TOAN", "Toán", SCORE),
    ("LS", "Lịch sử", SCORE),
    ("DL", "Địa lí", SCORE),
    ("GDKTPL", "Giáo dục kinh tế và pháp luật", SCORE),
    ("VL", "Vật lí", SCORE),
    ("HH", "Hóa học", SCORE),
    ("SH", "Sinh học", SCORE),
    ("CN", "Công nghệ", SCORE),
    ("TIN", "Tin học", SCORE),
    ("AN", "Âm nhạc", COMMENT),
    ("MT", "Mĩ thuật", COMMENT),
)

UPPER_SECONDARY_SUBJECTS: tuple[ProgrammeSubject, ...] = (
    _P("NV", "Ngữ văn", SCORE, _each(_UPPER, 105)),
    _P("TOAN", "Toán", SCORE, _each(_UPPER, 105)),
    _P("NN1", "Ngoại ngữ 1 (Tiếng Anh)", SCORE, _each(_UPPER, 105)),
    _P("LS", "Lịch sử", SCORE, _each(_UPPER, 52)),
    _P("GDTC", "Giáo dục thể chất", COMMENT, _each(_UPPER, 70)),
    _P("GDQPAN", "Giáo dục quốc phòng và an ninh", SCORE, _each(_UPPER, 35)),
    _P("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", COMMENT, _each(_UPPER, 105)),
    _P("GDDP", "Nội dung giáo dục của địa phương", COMMENT, _each(_UPPER, 35)),
    _P("DL", "Địa lí", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("GDKTPL", "Giáo dục kinh tế và pháp luật", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("VL", "Vật lí", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("HH", "Hóa học", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("SH", "Sinh học", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("CN", "Công nghệ", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("TIN", "Tin học", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("AN", "Âm nhạc", COMMENT, _each(_UPPER, 70), ELECTIVE),
    _P("MT", "Mĩ thuật", COMMENT, _each(_UPPER, 70), ELECTIVE),
    *(
        _P(f"CD_{code}", f"Chuyên đề học tập {name}", assessment, _each(_UPPER, 35), TOPIC)
        for code, name, assessment in _WITH_TOPICS
    ),
    _P("TDTTS", "Tiếng dân tộc thiểu số", SCORE, _each(_UPPER, 105), OPTIONAL),
    _P("NN2", "Ngoại ngữ 2", SCORE, _each(_UPPER, 105), OPTIONAL),
)

# GDTX (continuing education), grades 6–12: UNCONFIRMED, see the module docstring.
CONTINUING_SUBJECTS: tuple[ProgrammeSubject, ...] = (
    _P("NV", "Ngữ văn", SCORE, _each(_LOWER, 140) | _each(_UPPER, 105)),
    _P("TOAN", "Toán", SCORE, _each(_LOWER, 140) | _each(_UPPER, 105)),
    # Compulsory in grades 6–9, electives in grades 10–12 (UNCONFIRMED).
    _P("NN1", "Ngoại ngữ 1 (Tiếng Anh)", SCORE, _each(_LOWER, 105) | _each(_UPPER, 105)),
    _P("GDCD", "Giáo dục công dân", SCORE, _each(_LOWER, 35)),
    _P("LSDL", "Lịch sử và Địa lí", SCORE, _each(_LOWER, 105)),
    _P("KHTN", "Khoa học tự nhiên", SCORE, _each(_LOWER, 140)),
    _P("CN", "Công nghệ", SCORE, {6: 35, 7: 35, 8: 52, 9: 52} | _each(_UPPER, 70)),
    _P("TIN", "Tin học", SCORE, _each(_LOWER, 35) | _each(_UPPER, 70)),
    _P("LS", "Lịch sử", SCORE, _each(_UPPER, 52)),
    _P("GDQPAN", "Giáo dục quốc phòng và an ninh", SCORE, _each(_UPPER, 35)),
    _P("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", COMMENT, _each(range(6, 13), 105)),
    _P("GDDP", "Nội dung giáo dục của địa phương", COMMENT, _each(range(6, 13), 35)),
    _P("DL", "Địa lí", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("GDKTPL", "Giáo dục kinh tế và pháp luật", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("VL", "Vật lí", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("HH", "Hóa học", SCORE, _each(_UPPER, 70), ELECTIVE),
    _P("SH", "Sinh học", SCORE, _each(_UPPER, 70), ELECTIVE),
)

PROGRAMMES: dict[str, tuple[ProgrammeSubject, ...]] = {
    Level.PRIMARY: PRIMARY_SUBJECTS,
    Level.LOWER_SECONDARY: LOWER_SECONDARY_SUBJECTS,
    Level.UPPER_SECONDARY: UPPER_SECONDARY_SUBJECTS,
    Level.CONTINUING: CONTINUING_SUBJECTS,
}


def programme_for(level: str) -> tuple[ProgrammeSubject, ...]:
    """Every subject of the level's programme, in the programme's order."""
    return PROGRAMMES.get(level, ())


def default_subjects(level: str) -> tuple[ProgrammeSubject, ...]:
    """The subjects proposed for a new school's catalogue (compulsory and elective)."""
    return tuple(s for s in programme_for(level) if s.in_default_catalogue)


def find(level: str, code: str) -> ProgrammeSubject | None:
    return next((s for s in programme_for(level) if s.code == code), None)
