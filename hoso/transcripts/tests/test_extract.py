"""The transcript extract at the leaving date (content version 3): a student who leaves the school
during the year (transfer out, dropout) gets a transcript that says so, carries what existed at
the date, and may be signed without waiting for the year's results."""

from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hoso.attendance.actions import take_roll
from hoso.core.errors import DomainError
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.results.compute import TERM1, YEAR
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.students.actions import enrolment_end
from hoso.students.models import Enrolment
from hoso.transcripts import actions, engines
from hoso.transcripts.content import (
    CONTENT_VERSION,
    class_transcripts_content,
    content_hash,
    transcript_content,
)
from hoso.transcripts.errors import TranscriptError
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD, approve_results
from hoso.transcripts.tests.helpers import add_students, sign_chain

pytestmark = pytest.mark.django_db

LEFT_ON = date(2026, 11, 18)  # a Wednesday of term I (the suite's today is 20/11/2026)
DESTINATION = "Trường THCS Lê Lợi"


def cell(world, subject, column: str, value: str, *, term=None) -> None:
    now = timezone.now()
    Assessment.objects.create(
        student=world.student_a,
        school_class=world.class_a,
        subject=subject,
        term=term or world.term1,
        column=column,
        value=value,
        entered_by=world.users["subject"],
        entered_at=now,
        updated_at=now,
    )


def leave(world, on: date = LEFT_ON, status=Enrolment.Status.TRANSFERRED_OUT) -> None:
    enrolment = Enrolment.objects.get(student=world.student_a, year=world.year)
    enrolment_end(
        actor=world.actor("clerk"),
        enrolment=enrolment,
        status=status,
        end_date=on,
        note=Enrolment.transfer_note(DESTINATION) if status == "transferred_out" else "Ốm dài",
    )


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


@pytest.fixture
def leaver(world):
    """student_a had scores and two absences in term I, then left on 18/11/2026."""
    cell(world, world.math, "TX1", "8.5")
    cell(world, world.math, "GK", "7.0")
    cell(world, world.literature, "TX1", "9.0")
    for day in (date(2026, 11, 16), date(2026, 11, 17)):
        take_roll(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            day=day,
            session="morning",
            marks={world.student_a.pk: "absent"},
        )
    leave(world)
    return world.student_a


def test_the_content_of_a_student_who_left_in_term_one(world, leaver):
    """GIVEN a student who left mid-term I with scores and absences, and no period approved,
    THEN the content says when and where to, no period is pending, every period is not
    completed, and the extract carries the cells of term I and the two absences."""
    content = transcript_content(student=leaver, year=world.year)
    assert content["content_version"] == CONTENT_VERSION == 3
    assert content["left"] == {"on": "2026-11-18", "status": "transferred_out", "to": DESTINATION}
    assert content["pending"] == []
    assert content["not_completed"] == ["term1", "term2", "year"]
    assert content["approved_on"] is None
    extract = content["extract"]
    assert extract["on"] == "2026-11-18"
    assert [t["term"] for t in extract["terms"]] == [1]  # term II had not started
    term = extract["terms"][0]
    rows = {r["code"]: r["cells"] for r in term["subjects"]}
    assert rows[world.math.code] == {"GK": "7.0", "TX1": "8.5"}
    assert rows[world.literature.code] == {"TX1": "9.0"}
    assert term["absences"]["total"] == "2"
    # The batch of the class builds the same content.
    batch = class_transcripts_content(school_class=world.class_a, students=[leaver])
    assert batch == [content]


def test_a_student_still_studying_has_no_extract(world):
    approve_results(world)
    content = transcript_content(student=world.student_a, year=world.year)
    assert not {"left", "not_completed", "extract"} & set(content)


def test_a_class_change_is_not_leaving(world):
    from hoso.students.actions import enrolment_change_class

    other = world.class_b
    enrolment_change_class(
        actor=world.actor("clerk"),
        enrolment=Enrolment.objects.get(student=world.student_a),
        school_class=other,
        on=LEFT_ON,
    )
    content = transcript_content(student=world.student_a, year=world.year)
    assert "left" not in content and content["pending"] == ["term1", "term2", "year"]


def test_a_dropout_has_no_destination(world):
    leave(world, status=Enrolment.Status.DROPPED_OUT)
    content = transcript_content(student=world.student_a, year=world.year)
    assert content["left"] == {"on": "2026-11-18", "status": "dropped_out", "to": None}
    data = engines.fresh(student=world.student_a, year=world.year).data
    assert data["left"]["line"] == "Học sinh thôi học ngày 18/11/2026."


def test_the_extract_is_signed_and_printed_at_the_date(world, signers, leaver):
    """GIVEN the leaver (the class's periods approved later for the others: the signers
    fixture), WHEN the chain signs, THEN it is issued and its PDF shows the leaving line, the
    periods not completed and the scores so far, and no draft mark."""
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    sign_chain(world)
    t = Transcript.objects.get(student=leaver, state=Transcript.State.ISSUED)
    assert t.data["content"]["not_completed"] == ["term1", "term2", "year"]
    text = pdf_text(actions.read_pdf(t))
    assert f"Học sinh chuyển đi ngày 18/11/2026 (đến {DESTINATION})" in text
    assert "Chưa hoàn thành (học sinh chuyển đi trước khi kết thúc học kì)" in text
    assert "Bảng điểm đến ngày 18/11/2026" in text
    assert "8,5" in text and "7,0" in text and "9,0" in text
    assert "Số buổi nghỉ: 2 buổi" in text
    assert "BẢN NHÁP" not in text and "chưa được Hiệu trưởng phê duyệt" not in text


def test_a_period_that_ended_before_leaving_must_be_approved_first(world, signers):
    """GIVEN a student who left in term II while term I's results are not approved, THEN term I
    is pending (not 'not completed') and nobody signs; once approved, the extract is signed."""
    ClassResult.objects.filter(school_class=world.class_a, period=TERM1).update(
        state=ClassResult.State.CONFIRMED
    )
    leave(world, on=date(2027, 2, 15))
    content = transcript_content(student=world.student_a, year=world.year)
    assert content["pending"] == ["term1"]
    assert content["not_completed"] == ["term2", "year"]
    assert [t["term"] for t in content["extract"]["terms"]] == [2]
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    with pytest.raises(DomainError) as caught:
        actions.transcripts_homeroom_sign(
            actor=world.actor("homeroom"), school_class=world.class_a, secret=PASSWORD
        )
    assert caught.value.code == TranscriptError.RESULTS_NOT_APPROVED
    assert "Hiệu trưởng cần phê duyệt" in caught.value.message
    assert "rời trường sau khi các kỳ đó kết thúc" in caught.value.message
    ClassResult.objects.filter(school_class=world.class_a, period=TERM1).update(
        state=ClassResult.State.APPROVED
    )
    sign_chain(world)
    t = Transcript.objects.get(student=world.student_a, state=Transcript.State.ISSUED)
    assert t.data["content"]["pending"] == []


def test_the_others_year_never_changes_the_issued_extract(world, signers, leaver):
    """GIVEN the leaver's issued extract, WHEN the class's results change for the others and
    the year is approved, THEN the extract is neither superseded nor marked stale."""
    others = add_students(world, 1)
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    sign_chain(world)
    issued = Transcript.objects.get(student=leaver, state=Transcript.State.ISSUED)
    StudentResult.objects.filter(
        class_result__school_class=world.class_a, class_result__period=YEAR
    ).update(data={"subjects": {world.math.code: {YEAR: "9.5"}}})
    ClassResult.objects.filter(school_class=world.class_a).update(approved_at=timezone.now())
    result = actions.transcripts_refresh(year=world.year)
    issued.refresh_from_db()
    assert issued.stale_since is None and issued.state == Transcript.State.ISSUED
    # the others' issued transcripts did change (the refresh really compared)
    assert {t.student_id for t in result.flagged} == {s.pk for s in others}


def test_a_version_two_transcript_is_compared_by_its_own_formula(world):
    """GIVEN a transcript drafted under content version 2, WHEN nothing changed, THEN the
    version-3 content does not flag it; WHEN the student leaves, THEN it is superseded by a
    version-3 extract."""
    approve_results(world)
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    old = t.data["content"] | {"content_version": 2}
    t.data = t.data | {"content": old}
    t.data_hash = content_hash(old)
    t.save(update_fields=["data", "data_hash"])
    result = actions.transcripts_refresh(year=world.year)
    assert result.unchanged == 1 and not result.superseded
    leave(world)
    result = actions.transcripts_refresh(year=world.year)
    assert len(result.superseded) == 1
    fresh = Transcript.objects.exclude(state=Transcript.State.SUPERSEDED).get()
    assert fresh.data["content"]["content_version"] == 3 and "left" in fresh.data["content"]


def test_the_class_board_names_the_leavers_and_their_unfinished_periods(world, leaver):
    """GIVEN the leaver's extract drafted, THEN the class board tells the homeroom teacher that
    it is a record up to the leaving date, with the periods not completed in words, signable
    now — and names no one else."""
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    client = Client()
    client.force_login(world.users["homeroom"])
    page = client.get(reverse("transcripts:class", args=[world.class_a.pk])).content.decode()
    banner = page.split('data-testid="leavers"', 1)[1].split("</div>", 1)[0]
    assert "bảng điểm đến ngày rời trường" in banner
    assert f"{leaver.full_name} — rời trường ngày 18/11/2026 (đến {DESTINATION})" in banner
    assert "chưa hoàn thành: học kỳ I, học kỳ II, cả năm" in banner
    assert world.student_b.full_name not in banner
