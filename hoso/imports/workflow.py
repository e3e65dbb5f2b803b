"""The batch's state machine, pure: which step moves a batch from which states to which.

needs_mapping ⇄ preview → queued → committed | failed → (retry) preview; cancelled from
needs_mapping, preview, queued (the commit locks the batch and checks it is still queued before
writing anything) or failed. Nothing is written to the domain before ``committed``."""

from __future__ import annotations

from enum import StrEnum

from hoso.imports.models import ImportBatch

S = ImportBatch.State


class Step(StrEnum):
    MAP = "map"
    HEADER_ROW = "header_row"
    OPTIONS = "options"
    QUEUE = "queue"
    CANCEL = "cancel"
    RETRY = "retry"
    COMMIT = "commit"
    FAIL = "fail"


TRANSITIONS: dict[Step, tuple[frozenset[str], str]] = {
    Step.MAP: (frozenset({S.NEEDS_MAPPING, S.PREVIEW}), S.PREVIEW),
    Step.HEADER_ROW: (frozenset({S.NEEDS_MAPPING, S.PREVIEW}), S.NEEDS_MAPPING),
    Step.OPTIONS: (frozenset({S.PREVIEW}), S.PREVIEW),
    Step.QUEUE: (frozenset({S.PREVIEW}), S.QUEUED),
    Step.CANCEL: (frozenset({S.NEEDS_MAPPING, S.PREVIEW, S.QUEUED, S.FAILED}), S.CANCELLED),
    Step.RETRY: (frozenset({S.FAILED}), S.PREVIEW),
    Step.COMMIT: (frozenset({S.QUEUED}), S.COMMITTED),
    Step.FAIL: (frozenset({S.QUEUED}), S.FAILED),
}

# "… đang ở trạng thái “Đã ghi”, không {verb} được."
VERBS = {
    Step.MAP: "ghép cột",
    Step.HEADER_ROW: "ghép cột",
    Step.OPTIONS: "đổi tùy chọn",
    Step.QUEUE: "ghi",
    Step.CANCEL: "hủy",
    Step.RETRY: "kiểm tra lại",
}


def allowed(step: Step, state: str) -> bool:
    return state in TRANSITIONS[step][0]


def after(step: Step) -> str:
    return TRANSITIONS[step][1]
