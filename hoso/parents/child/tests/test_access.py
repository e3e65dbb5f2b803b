"""Nothing of another child, ever: every URL of the room answers 404 for a student who is not
the parent's own (a classmate, a student of another school, one that does not exist), for a
transcript that is not an issued one of the child, and for staff pages asked by a parent."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.testing.factories import small_school
from hoso.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def _transcript(world, student, *, state=Transcript.State.ISSUED, code="ABC234567"):
    t = Transcript(
        school=world.school,
        year=world.year,
        student=student,
        school_class=world.class_a,
        state=state,
        code=code,
        data={},
        data_hash="x" * 64,
        issued_at=clock.now() if state == Transcript.State.ISSUED else None,
        revoke_reason="Sai ngày sinh" if state == Transcript.State.REVOKED else "",
    )
    t.pdf.save(f"test-{code}.pdf", ContentFile(b"%PDF-1.7 signed"), save=False)
    t.save()
    return t


def _urls(student_id: int, transcript_id: int = 1) -> list[str]:
    return [
        reverse("parents:child", args=[student_id]),
        reverse("parents:child_transcript", args=[student_id, transcript_id]),
    ]


def test_the_parent_opens_its_own_child(client, world):
    """GIVEN the parent of student_a
    WHEN it opens the child's page and its issued transcript
    THEN both answer 200 and the PDF is the signed file, as a download."""
    t = _transcript(world, world.student_a)
    client.force_login(world.users["parent"])
    assert client.get(reverse("parents:child", args=[world.student_a.pk])).status_code == 200
    response = client.get(reverse("parents:child_transcript", args=[world.student_a.pk, t.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 signed"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["classmate", "other_school", "absent"])
def test_every_url_answers_404_for_a_student_not_the_parents_own(client, world, who):
    """GIVEN the parent of student_a, and a student who is not its child (in the same school, in
    another school with an issued transcript, or no student at all)
    WHEN the parent asks every URL of the room with that student's id
    THEN every answer is 404 and each attempt is logged as out of scope."""
    if who == "classmate":
        target = world.student_b
        t = _transcript(world, target)
    elif who == "other_school":
        other = small_school("OTHER")
        target = other.student_a
        t = _transcript(other, target, code="XYZ234567")
    else:
        target, t = None, None
    student_id = target.pk if target else 999_999
    client.force_login(world.users["parent"])
    before = AuditEvent.objects.filter(event_type="access.not_found").count()
    for url in _urls(student_id, t.pk if t else 1):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(event_type="access.not_found").count() == before + 2
    assert not AuditEvent.objects.filter(event_type="parents.child_viewed").exists()


def test_own_childs_url_with_another_childs_transcript_is_404(client, world):
    """GIVEN an issued transcript of a classmate
    WHEN the parent asks for it under its own child's URL
    THEN 404: a transcript is reached only through the child it belongs to."""
    t = _transcript(world, world.student_b)
    client.force_login(world.users["parent"])
    url = reverse("parents:child_transcript", args=[world.student_a.pk, t.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "state", [Transcript.State.DRAFT, Transcript.State.REVOKED, Transcript.State.SUPERSEDED]
)
def test_a_transcript_not_issued_is_404(client, world, state):
    """GIVEN a transcript of the parent's own child that is not (or no longer) issued
    WHEN the parent asks for its PDF
    THEN 404 and the page does not list it."""
    t = _transcript(world, world.student_a, state=state)
    client.force_login(world.users["parent"])
    url = reverse("parents:child_transcript", args=[world.student_a.pk, t.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("parents:child", args=[world.student_a.pk]))
    assert t.code not in page.content.decode()


@pytest.mark.parametrize("role", ["principal", "homeroom", "subject", "clerk", "inspector"])
def test_staff_and_inspectors_get_404_on_a_childs_page(client, world, role):
    """GIVEN a staff member or an inspector (they have their own pages)
    WHEN they open a child's contact-book page
    THEN 404: the room is the parents' own."""
    client.force_login(world.users[role])
    assert client.get(reverse("parents:child", args=[world.student_a.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,args",
    [
        ("parents:publication", []),
        ("gradebook:results_class", ["class"]),
        ("organisation:class_detail", ["class"]),
        ("transcripts:class", ["class"]),
    ],
)
def test_staff_urls_refuse_the_parent(client, world, name, args):
    """GIVEN the parent
    WHEN it asks a staff page (the publication settings, a class's results, its list, its
    transcripts)
    THEN it is refused (404 or 403), never a class-wide list."""
    client.force_login(world.users["parent"])
    url = reverse(name, args=[world.class_a.pk if a == "class" else a for a in args])
    assert client.get(url).status_code in (403, 404)


def test_anonymous_is_sent_to_the_login(client, world):
    """GIVEN no one logged in WHEN a child's page is asked THEN the login page."""
    response = client.get(reverse("parents:child", args=[world.student_a.pk]))
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"] or "login" in response["Location"]


def test_the_chooser_is_404_for_someone_without_children(client, world):
    """GIVEN a teacher with no child WHEN the chooser is asked THEN 404."""
    client.force_login(world.users["homeroom"])
    assert client.get(reverse("parents:children")).status_code == 404
