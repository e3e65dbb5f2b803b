"""The grade book's models (sổ theo dõi và đánh giá học sinh), one module per room; this module is
the app's index that Django loads, so every model is importable from here too.

- ``entry/models.py``: ``Assessment`` (one row per student × subject × term × column; the columns
  come from the school's rule set, ``entry/columns.py``), ``SheetColumn`` (test dates, finalised
  columns), ``BookLock`` (khóa sổ).
- ``corrections/models.py``: ``CorrectionRequest``, ``CorrectionEvidence`` (sửa điểm).
- ``signoff/models.py``: ``Signoff`` (xác nhận cuối kỳ).
- ``progress/models.py``: ``DeadlineRule`` (hạn nhập điểm), ``MonthlyCheck`` (kiểm tra hằng tháng).
- ``results/models.py``: ``HomeroomInput``, ``ClassResult``, ``StudentResult``.
- ``comments/models.py``: ``SubjectComment``, ``CommentBankEntry`` (ngân hàng nhận xét).

Nothing in a model changes a value: every write is an action of its room, audited.
"""

from hoso.gradebook.comments.models import CommentBankEntry, SubjectComment
from hoso.gradebook.corrections.models import (
    CorrectionEvidence,
    CorrectionItem,
    CorrectionRequest,
)
from hoso.gradebook.entry.models import Assessment, BookLock, SheetColumn
from hoso.gradebook.progress.models import DeadlineRule, MonthlyCheck
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.gradebook.signoff.models import Signoff

__all__ = [
    "Assessment",
    "BookLock",
    "ClassResult",
    "CommentBankEntry",
    "CorrectionEvidence",
    "CorrectionItem",
    "CorrectionRequest",
    "DeadlineRule",
    "HomeroomInput",
    "MonthlyCheck",
    "SheetColumn",
    "Signoff",
    "StudentResult",
    "SubjectComment",
]
