"""Long documents (sổ đăng bộ, sổ theo dõi và đánh giá, sổ cán bộ, the school's lists): the
prints whose page count grows with the class or the school. Above ``INLINE_MAX_PAGES`` (an
estimate from row counts, a few cheap queries) they are rendered by the worker as a ``PrintJob``
(``document`` = the key below) instead of inside the request; below it the old URLs still
serve them at once.

Each kind says how to check the person (``authorize``), which parameters it takes, how many
pages it will roughly have, how to build its data and render it, and its file name. ``prepare``
only reads: the views use it to decide, ``actions.document_job_create`` to create the job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from hoso.accounts.actor import Actor
from hoso.core.errors import DomainError
from hoso.core.text import fold
from hoso.printing import documents as docs
from hoso.printing.errors import PrintingError
from hoso.printing.models import PrintJob
from hoso.printing.policies import access_print_class, require_school_printer

# Documents estimated at more pages than this are printed in the background.
INLINE_MAX_PAGES = 5

CLASS_BOOK_PERIODS = {"term1": "Học kỳ I", "term2": "Học kỳ II", "year": "Cả năm"}
LIST_PERIODS = {"year": "", "final": " (sau kiểm tra lại, rèn luyện hè)"}


def _no_check(actor: Actor) -> None:
    return None


def _school_printer(what: str) -> Callable[[Actor], None]:
    return lambda actor: require_school_printer(actor, what)


def _staff_register_printer(actor: Actor) -> None:
    from hoso.organisation.staff.policies import require_register_printer

    require_register_printer(actor)


def _year_students(job: PrintJob) -> int:
    from hoso.students.models import Enrolment

    return Enrolment.objects.filter(year=job.year).values("student_id").distinct().count()


def _class_students(job: PrintJob) -> int:
    from hoso.students.models import Enrolment

    return (
        Enrolment.objects.filter(school_class=job.school_class)
        .values("student_id")
        .distinct()
        .count()
    )


def _class_book_pages(job: PrintJob) -> int:
    from hoso.gradebook.results.compute import offerings_by_grade

    grade_id = job.school_class.grade_id
    subjects = len(offerings_by_grade([grade_id]).get(grade_id, []))
    # a subject per page (more for a class longer than a page), then the class summary
    return (subjects + 1) * max(1, math.ceil(_class_students(job) / 25))


def _staff_pages(job: PrintJob) -> int:
    from hoso.organisation.models import Staff

    return 2 + math.ceil(Staff.objects.filter(school=job.school).count() / 10)


def _class_book_data(job: PrintJob) -> dict:
    return docs.class_book_data(school_class=job.school_class, period=job.params["period"])


def _list_data(job: PrintJob) -> dict:
    return docs.approved_list_data(
        year=job.year, list_name=job.params["list"], period=job.params["period"]
    )


def _list_title(job: PrintJob) -> str:
    from hoso.printing.documents.books import LIST_TITLES

    title = LIST_TITLES.get(job.params.get("list"), "danh sách")
    return f"{title[:1].upper()}{title[1:]}{LIST_PERIODS.get(job.params.get('period'), '')}"


@dataclass(frozen=True)
class LongDocument:
    key: str
    scope: str  # PrintJob.Scope: CLASS (needs a class the person prints) or SCHOOL
    authorize: Callable[[Actor], None]  # raises PermissionDenied / 404
    params: dict[str, tuple[str, ...]]  # name → allowed values
    pages: Callable[[PrintJob], int]  # estimate, a few queries
    data: Callable[[PrintJob], dict]
    render: Callable[[dict], bytes]
    title: Callable[[PrintJob], str]  # Vietnamese, for the job page
    file_base: Callable[[PrintJob], str]


KINDS: dict[str, LongDocument] = {
    k.key: k
    for k in (
        LongDocument(
            key="enrolment_register",
            scope=PrintJob.Scope.SCHOOL,
            authorize=_school_printer("sổ đăng bộ"),
            params={},
            pages=lambda job: math.ceil(_year_students(job) / 12),
            data=lambda job: docs.enrolment_register_data(year=job.year),
            render=docs.render_enrolment_register,
            title=lambda job: f"Sổ đăng bộ năm học {job.year.name}",
            file_base=lambda job: f"so-dang-bo-{job.year.name}",
        ),
        LongDocument(
            key="class_book",
            scope=PrintJob.Scope.CLASS,
            authorize=_no_check,  # access_print_class
            params={"period": tuple(CLASS_BOOK_PERIODS)},
            pages=_class_book_pages,
            data=_class_book_data,
            render=docs.render_class_book,
            title=lambda job: (
                f"Sổ theo dõi và đánh giá học sinh lớp {job.school_class.name} — "
                f"{CLASS_BOOK_PERIODS[job.params['period']]}"
            ),
            file_base=lambda job: f"so-theo-doi-{job.school_class.name}-{job.params['period']}",
        ),
        LongDocument(
            key="staff_register",
            scope=PrintJob.Scope.SCHOOL,
            authorize=_staff_register_printer,
            params={},
            pages=_staff_pages,
            data=lambda job: docs.staff_register_data(school=job.school, year=job.year),
            render=docs.render_staff_register,
            title=lambda job: f"Sổ quản lý cán bộ, giáo viên, nhân viên năm học {job.year.name}",
            file_base=lambda job: f"so-quan-ly-can-bo-{job.year.name}",
        ),
        LongDocument(
            key="approved_list",
            scope=PrintJob.Scope.SCHOOL,
            authorize=_school_printer("danh sách"),
            params={
                "list": ("promotion", "titles", "retest", "summer", "repeat"),
                "period": tuple(LIST_PERIODS),
            },
            pages=lambda job: math.ceil(_year_students(job) / 30),
            data=_list_data,
            render=docs.render_approved_list,
            title=_list_title,
            file_base=lambda job: (
                f"danh-sach-{job.params['list']}-{job.params['period']}-{job.year.name}"
            ),
        ),
    )
}


def kind_of(job: PrintJob) -> LongDocument | None:
    return KINDS.get(job.document)


def prepare(
    *, actor: Actor, document: str, class_id: int | None = None, params: dict | None = None
) -> PrintJob:
    """An unsaved job for ``document``, the person checked (404 for a class outside their
    scope, 403 for a document they may not print) and the parameters validated. Reads only."""
    kind = KINDS.get(document)
    if kind is None:
        raise DomainError(PrintingError.UNKNOWN_DOCUMENT, "Không có tài liệu này để in.")
    school_class = None
    if kind.scope == PrintJob.Scope.CLASS:
        if class_id is None:
            raise DomainError(PrintingError.BAD_SCOPE, "Hãy chọn lớp.", field="class_id")
        school_class = access_print_class(actor, class_id)
    kind.authorize(actor)
    clean = {}
    for name, allowed in kind.params.items():
        value = (params or {}).get(name)
        if value not in allowed:
            raise DomainError(
                PrintingError.BAD_SCOPE,
                "Tham số in không hợp lệ (giai đoạn, danh sách).",
                field=name,
            )
        clean[name] = value
    return PrintJob(
        school=actor.school,
        year=school_class.year if school_class else actor.year,
        requested_by=actor.user,
        document=document,
        scope=kind.scope,
        school_class=school_class,
        output=PrintJob.Output.PDF,
        params=clean,
    )


def estimated_pages(job: PrintJob) -> int:
    return KINDS[job.document].pages(job)


def goes_to_background(job: PrintJob) -> bool:
    return estimated_pages(job) > INLINE_MAX_PAGES


def title(job: PrintJob) -> str:
    kind = kind_of(job)
    return kind.title(job) if kind else ""


def file_base(job: PrintJob) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", fold(KINDS[job.document].file_base(job))).strip("-")


def build(job: PrintJob) -> dict:
    return KINDS[job.document].data(job)


def render(job: PrintJob, data: dict) -> bytes:
    return KINDS[job.document].render(data)
