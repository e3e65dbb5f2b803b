"""A student who left the school from a class during the year keeps its transcript with that
class (drafted and signed with the class, shown struck through); one who changed class has it
with the new class."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from hoso.students import actions as student_actions
from hoso.transcripts import selectors
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import add_students


def test_transferred_out_student_is_drafted_and_signed_with_its_class(world, signers, client):
    gone, chi = add_students(world, 2)
    clerk = world.actor("clerk")
    student_actions.enrolment_end(
        actor=clerk,
        enrolment=gone.enrolments.get(),
        status="transferred_out",
        end_date=date(2026, 11, 10),
        note="Chuyển đến THCS Lê Lợi",
    )
    student_actions.enrolment_change_class(
        actor=clerk,
        enrolment=chi.enrolments.get(),
        school_class=world.class_b,
        on=date(2026, 11, 12),
    )
    board = {r.enrolment.student_id: r for r in selectors.class_board(world.class_a)}
    assert set(board) == {world.student_a.pk, gone.pk}
    assert board[gone.pk].enrolment.left
    assert {r.enrolment.student_id for r in selectors.class_board(world.class_b)} == {
        world.student_b.pk,
        chi.pk,
    }
    client.force_login(world.users["homeroom"])
    assert client.post(reverse("transcripts:draft", args=[world.class_a.pk])).status_code == 302
    assert set(
        Transcript.objects.filter(school_class=world.class_a).values_list("student_id", flat=True)
    ) == {world.student_a.pk, gone.pk}
    html = client.get(reverse("transcripts:class", args=[world.class_a.pk])).content.decode()
    assert 'data-left="1"' in html and "Chuyển đi 10/11/2026" in html
    sign_url = reverse("transcripts:sign", args=[world.class_a.pk, "ky-gvcn"])
    client.post(sign_url, {"secret": PASSWORD})
    signed = Transcript.objects.get(student=gone, school_class=world.class_a)
    assert signed.state == "homeroom_signed"
