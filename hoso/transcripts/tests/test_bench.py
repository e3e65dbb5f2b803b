"""Batch-signing benchmark for one class of 45 (skipped unless HOSO_BENCH=1):

    HOSO_BENCH=1 HOSO_VAR_DIR=/tmp/x .venv/bin/pytest -p no:cacheprovider -q -s \
        hoso/transcripts/tests/test_bench.py

Prints one line per step (draft, homeroom, principal, seal) and the total, as in
docs/TRANSCRIPTS.md."""

from __future__ import annotations

import os
import time

import pytest

from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import add_students

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(os.environ.get("HOSO_BENCH") != "1", reason="benchmark: HOSO_BENCH=1"),
]


def test_batch_signing_45_transcripts(world, signers):
    add_students(world, 44)
    a = world.actor
    figures = {}
    started = time.perf_counter()
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    figures["draft (data + PDF/A-3b render)"] = time.perf_counter() - started
    steps = [
        (
            "homeroom",
            lambda: actions.transcripts_homeroom_sign(
                actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
            ),
        ),
        (
            "check",
            lambda: actions.transcripts_check(
                actor=a("vice"), school_class=world.class_a, approve=True
            ),
        ),
        (
            "principal",
            lambda: actions.transcripts_principal_sign(
                actor=a("principal"), school_class=world.class_a, secret=PASSWORD
            ),
        ),
        (
            "seal (issue)",
            lambda: actions.transcripts_issue(
                actor=a("clerk"), school_class=world.class_a, secret=PASSWORD
            ),
        ),
    ]
    for name, call in steps:
        t0 = time.perf_counter()
        call()
        figures[name] = time.perf_counter() - t0
    total = time.perf_counter() - started
    assert Transcript.objects.filter(state="issued").count() == 45
    for name, seconds in figures.items():
        print(f"{name}: {seconds:.2f} s ({seconds / 45 * 1000:.0f} ms per transcript)")
    print(f"RESULT 45 transcripts drafted, signed by 3 signers and issued in {total:.2f} s")
