"""The grade book's part of "what the school holds about my child" (hoso.privacy.inventory):
every assessment cell, every subject comment and every computed result, with their values."""

from __future__ import annotations

PERIODS = {"term1": "Học kỳ I", "term2": "Học kỳ II", "year": "Cả năm"}


def _plain(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


def sections(student) -> list:
    from hoso.gradebook.comments.models import SubjectComment
    from hoso.gradebook.entry.models import Assessment
    from hoso.gradebook.results.models import StudentResult
    from hoso.privacy.inventory import Section

    cells = (
        Assessment.objects.filter(student=student)
        .select_related("subject", "term__year")
        .order_by("term__year__start_date", "term__number", "subject__name", "column")
    )
    grades = Section(
        "assessments",
        "Kết quả đánh giá (từng cột, nhận xét trong sổ)",
        ["Năm học", "Học kỳ", "Môn", "Cột", "Kết quả", "Nhận xét", "Ngày đánh giá"],
        [
            [
                a.term.year.name,
                str(a.term.number),
                a.subject.name,
                a.column,
                a.value,
                a.text,
                a.assessed_on.strftime("%d/%m/%Y") if a.assessed_on else "",
            ]
            for a in cells
        ],
        note="Mọi kết quả nhà trường đang lưu, kể cả cột giáo viên chưa chốt.",
    )
    comments = Section(
        "comments",
        "Nhận xét môn học",
        ["Năm học", "Học kỳ", "Môn", "Nhận xét"],
        [
            [c.term.year.name, str(c.term.number), c.subject.name, c.text]
            for c in SubjectComment.objects.filter(student=student)
            .select_related("subject", "term__year")
            .order_by("term__year__start_date", "term__number", "subject__name")
        ],
    )
    results = Section(
        "results",
        "Kết quả học tập, rèn luyện đã tính",
        ["Lớp", "Kỳ", "Trạng thái", "Kết quả"],
        [
            [
                r.class_result.school_class.name,
                PERIODS.get(r.class_result.period, r.class_result.period),
                r.class_result.get_state_display(),
                _plain(r.data),
            ]
            for r in StudentResult.objects.filter(student=student)
            .select_related("class_result__school_class")
            .order_by("class_result__school_class__year__start_date", "class_result__period")
        ],
    )
    return [grades, comments, results]
