"""Printable documents: for each kind a pure data function (JSON-serialisable, deterministic)
and a render function (data → PDF bytes)."""

from hoso.printing.documents.attendance_register import (
    attendance_register_data,
    render_attendance_register,
)
from hoso.printing.documents.books import (
    approved_list_data,
    class_book_data,
    class_summary_data,
    gradebook_sheet_data,
    render_approved_list,
    render_class_book,
    render_class_summary,
    render_gradebook_sheet,
)
from hoso.printing.documents.correction import correction_minute_data, render_correction_minute
from hoso.printing.documents.registers import (
    enrolment_register_data,
    render_enrolment_register,
    render_staff_register,
    staff_register_data,
)
from hoso.printing.documents.transcript import (
    class_transcripts_data,
    register_content_source,
    render_transcript,
    render_transcripts,
    split_transcripts,
    transcript_data,
    transcript_layout,
)

__all__ = [
    "attendance_register_data",
    "render_attendance_register",
    "approved_list_data",
    "class_book_data",
    "class_summary_data",
    "class_transcripts_data",
    "correction_minute_data",
    "enrolment_register_data",
    "gradebook_sheet_data",
    "render_approved_list",
    "render_class_book",
    "render_class_summary",
    "render_correction_minute",
    "render_enrolment_register",
    "render_gradebook_sheet",
    "render_staff_register",
    "render_transcript",
    "render_transcripts",
    "split_transcripts",
    "staff_register_data",
    "register_content_source",
    "transcript_data",
    "transcript_layout",
]
