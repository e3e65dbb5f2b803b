"""The transcript owns its content; the data hash covers the content, not its formatting."""

from __future__ import annotations

import pytest

from hoso.gradebook.results.compute import YEAR
from hoso.gradebook.results.models import StudentResult
from hoso.transcripts import actions, engines
from hoso.transcripts.content import CONTENT_VERSION, content_hash, transcript_content
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import approve_results

pytestmark = pytest.mark.django_db


def set_year_score(world, code: str, score: str) -> None:
    StudentResult.objects.filter(
        class_result__school_class=world.class_a,
        class_result__period=YEAR,
        student=world.student_a,
    ).update(data={"subjects": {code: {YEAR: score}}})


@pytest.fixture
def approved(world):
    approve_results(world)
    code = transcript_content(student=world.student_a, year=world.year)["subjects"][0]["code"]
    set_year_score(world, code, "8.0")
    return code


def test_content_is_raw_data(world, approved):
    content = transcript_content(student=world.student_a, year=world.year)
    row = next(r for r in content["subjects"] if r["code"] == approved)
    assert content["content_version"] == CONTENT_VERSION
    assert row["year"] == "8.0"  # the score as the rule set wrote it, not "8,0"
    birth = world.student_a.birth_date
    assert content["student"]["birth_date"] == (birth.isoformat() if birth else None)


def test_a_formatting_change_does_not_change_the_data_hash(world, approved, monkeypatch):
    """GIVEN a transcript's data, WHEN printing formats scores differently, THEN the printed
    data change but the data hash does not."""
    import hoso.printing.documents.transcript as layout

    before = engines.fresh(student=world.student_a, year=world.year)
    monkeypatch.setattr(layout, "score_text", lambda value: f"<{value}>")
    after = engines.fresh(student=world.student_a, year=world.year)
    row = next(r for r in after.data["subjects"] if r["code"] == approved)
    assert row["year"] == "<8.0>" and after.data != before.data
    assert after.digest == before.digest == engines.data_hash(after.data)


def test_a_changed_result_changes_the_data_hash(world, approved):
    before = engines.fresh(student=world.student_a, year=world.year)
    set_year_score(world, approved, "8.5")
    after = engines.fresh(student=world.student_a, year=world.year)
    assert after.digest != before.digest
    assert after.digest == content_hash(after.content) == engines.data_hash(after.data)


def test_a_formatting_change_does_not_supersede_a_transcript(world, approved, monkeypatch):
    import hoso.printing.documents.transcript as layout

    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    monkeypatch.setattr(layout, "score_text", lambda value: f"<{value}>")
    result = actions.transcripts_refresh(year=world.year)
    assert result.unchanged == 1 and not result.superseded
    set_year_score(world, approved, "9.0")
    result = actions.transcripts_refresh(year=world.year)
    assert len(result.superseded) == 1


def test_a_transcript_hashed_by_the_first_formula_is_compared_by_it(world, approved):
    """GIVEN a version drafted before content.py (its data: the printed data only, hashed
    whole), WHEN it is rechecked with unchanged data, THEN nothing happens; WHEN its data
    change, THEN it is superseded by a version under the current content version."""
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    printed = {k: v for k, v in t.data.items() if k != "content"}
    Transcript.objects.filter(pk=t.pk).update(data=printed, data_hash=engines.data_hash(printed))
    t.refresh_from_db()
    assert engines.content_version(t.data) == 1

    result = actions.transcripts_refresh(year=world.year)
    assert result.unchanged == 1 and not result.superseded

    set_year_score(world, approved, "9.0")
    result = actions.transcripts_refresh(year=world.year)
    assert result.superseded == [t]
    new = Transcript.objects.get(state="draft")
    assert engines.content_version(new.data) == CONTENT_VERSION
    assert new.data_hash == content_hash(new.data["content"])
