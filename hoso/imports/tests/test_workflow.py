"""The batch's state machine, pure: every step from the states it allows, and only those."""

from __future__ import annotations

import pytest

from hoso.imports import workflow
from hoso.imports.models import ImportBatch
from hoso.imports.workflow import Step

S = ImportBatch.State
ALLOWED = {
    Step.MAP: {S.NEEDS_MAPPING, S.PREVIEW},
    Step.HEADER_ROW: {S.NEEDS_MAPPING, S.PREVIEW},
    Step.OPTIONS: {S.PREVIEW},
    Step.QUEUE: {S.PREVIEW},
    Step.CANCEL: {S.NEEDS_MAPPING, S.PREVIEW, S.QUEUED, S.FAILED},
    Step.RETRY: {S.FAILED},
    Step.COMMIT: {S.QUEUED},
    Step.FAIL: {S.QUEUED},
}


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("state", list(S))
def test_a_step_is_allowed_only_from_its_states(step, state):
    assert workflow.allowed(step, state) == (state in ALLOWED[step])


def test_nothing_leaves_a_committed_or_cancelled_batch():
    for state in (S.COMMITTED, S.CANCELLED):
        assert not any(workflow.allowed(step, state) for step in Step)


def test_where_each_step_leads():
    assert {step: workflow.after(step) for step in Step} == {
        Step.MAP: S.PREVIEW,
        Step.HEADER_ROW: S.NEEDS_MAPPING,
        Step.OPTIONS: S.PREVIEW,
        Step.QUEUE: S.QUEUED,
        Step.CANCEL: S.CANCELLED,
        Step.RETRY: S.PREVIEW,
        Step.COMMIT: S.COMMITTED,
        Step.FAIL: S.FAILED,
    }
