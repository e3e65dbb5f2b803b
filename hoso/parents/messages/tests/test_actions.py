"""The contact book's writes: weekly news per child, notices to a class/grade/school, threads
between a parent and the child's teachers, meetings — who receives what, audited, delivered."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from hoso.attendance.models import AttendanceMark, Excuse, LeaveRequest, Status
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError, TooLongError
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.notifications.models import Notification
from hoso.parents.child.models import PublicationSettings
from hoso.parents.messages import actions, selectors
from hoso.parents.messages.errors import MessagesError
from hoso.parents.messages.models import (
    LetterReceipt,
    MeetingReply,
    Message,
    NoticeReceipt,
    Thread,
    WeeklyNews,
)
from hoso.students.models import Guardian, StudentGuardian
from hoso.testing.factories import make_user

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 16)  # the test clock's week (Friday 20/11/2026)


def second_parent(world):
    """The mother of student_b (6A2), with an account."""
    user = make_user(f"parent_b.{world.school.code.lower()}", "Trần Thị Duyên")
    guardian = Guardian.objects.create(
        school=world.school, user=user, full_name="Trần Thị Duyên", search_name="tran thi duyen"
    )
    StudentGuardian.objects.create(student=world.student_b, guardian=guardian, relation="mother")
    world.users["parent_b"] = user
    return user


def test_the_week_prefill_names_new_scores_absences_and_no_other_child(world):
    """GIVEN a maths score entered this week for An and an absence on Tuesday, and a score of
    last week
    WHEN the homeroom teacher's draft is pre-filled
    THEN An's part names this week's score with its column once the school publishes it (never
    before: the draft says no more than the child's page) and the absence; last week's score is
    not there; the other child's part says nothing of An's."""
    w = world
    from hoso.testing.factories import make_student

    chi = make_student(w.school, w.class_a, "Lê Thị Chi", gender="F")
    now = clock.now()
    for value, when in (("8.5", now), ("3.0", now - timedelta(days=8))):
        Assessment.objects.create(
            student=w.student_a,
            school_class=w.class_a,
            subject=w.math,
            term=w.term1,
            column="TX1" if value == "8.5" else "TX2",
            value=value,
            entered_by=w.users["subject"],
            entered_at=when,
            updated_at=when,
        )
    AttendanceMark.objects.create(
        school=w.school,
        student=w.student_a,
        school_class=w.class_a,
        date=date(2026, 11, 17),
        session="morning",
        status=Status.ABSENT,
        excuse=Excuse.EXCUSED,
        marked_by=w.users["homeroom"],
        marked_at=now,
    )
    texts = selectors.week_prefill(w.class_a, MONDAY, [w.student_a.pk, chi.pk])
    # the school publishes each period once approved (the default): nothing of term I yet
    assert "8,5" not in texts[w.student_a.pk] and "Toán" not in texts[w.student_a.pk]
    PublicationSettings.objects.create(school=w.school, mode=PublicationSettings.Mode.COLUMNS)
    texts = selectors.week_prefill(w.class_a, MONDAY, [w.student_a.pk, chi.pk])
    assert "8,5" not in texts[w.student_a.pk]  # TX1 is not finalised
    SheetColumn.objects.create(
        school_class=w.class_a, subject=w.math, term=w.term1, column="TX1", finalised_at=now
    )
    texts = selectors.week_prefill(w.class_a, MONDAY, [w.student_a.pk, chi.pk])
    assert "Toán" in texts[w.student_a.pk] and "8,5" in texts[w.student_a.pk]
    assert "3,0" not in texts[w.student_a.pk]
    assert "Thứ Ba 17/11, buổi sáng: vắng có phép" in texts[w.student_a.pk]
    assert "8.5" not in texts[chi.pk] and "đầy đủ" in texts[chi.pk]


def test_weekly_news_goes_to_each_child_s_guardians_only(world):
    """GIVEN the homeroom teacher of 6A1 saves a draft with a common part and An's part
    WHEN she sends it
    THEN An's parent has one receipt (unread) for An's letter and one notification
    "parents.news"; the news is sent, audited, and cannot be sent twice."""
    w = world
    second_parent(w)
    actor = w.actor("homeroom")
    news = actions.weekly_news_save(
        actor=actor,
        school_class=w.class_a,
        week_start=date(2026, 11, 19),  # any day of the week → its Monday
        common_text="Tuần sau lớp kiểm tra giữa kỳ.",
        child_texts={w.student_a.pk: "Con học tốt."},
    )
    assert news.week_start == MONDAY and news.week_number == 12
    assert news.state == WeeklyNews.State.DRAFT
    actions.weekly_news_send(actor=actor, news=news)
    news.refresh_from_db()
    assert news.state == WeeklyNews.State.SENT and news.sent_at is not None
    receipts = list(LetterReceipt.objects.select_related("letter"))
    assert [(r.user_id, r.letter.student_id) for r in receipts] == [
        (w.users["parent"].pk, w.student_a.pk)
    ]
    notes = Notification.objects.filter(kind="parents.news")
    assert [n.user_id for n in notes] == [w.users["parent"].pk]
    assert AuditEvent.objects.filter(event_type="parents.news_sent").count() == 1
    with pytest.raises(DomainError) as exc:
        actions.weekly_news_send(actor=actor, news=news)
    assert exc.value.code == MessagesError.ALREADY_SENT


@pytest.mark.parametrize("role", ["subject", "principal", "clerk", "parent"])
def test_only_the_homeroom_teacher_writes_the_weekly_news(world, role):
    with pytest.raises(PermissionDeniedError):
        actions.weekly_news_save(
            actor=world.actor(role),
            school_class=world.class_a,
            week_start=MONDAY,
            common_text="",
            child_texts={},
        )


def test_a_notice_to_the_school_reaches_every_guardian_once(world):
    """GIVEN a parent of a 6A1 child and a parent of a 6A2 child, and a parent of two children
    WHEN the clerk sends an urgent notice to the whole school
    THEN each guardian account has one receipt; notifications are of kind "parents.urgent";
    the notice is audited with its recipient count."""
    w = world
    second_parent(w)
    # The first parent also has the 6A2 child: still one receipt.
    StudentGuardian.objects.create(
        student=w.student_b,
        guardian=Guardian.objects.get(user=w.users["parent"]),
        relation="father",
    )
    notice = actions.notice_send(
        actor=w.actor("clerk"),
        scope="school",
        title="Nghỉ học do bão",
        body="Học sinh nghỉ học ngày mai.",
        urgent=True,
    )
    assert notice.recipient_count == 2
    assert NoticeReceipt.objects.filter(notice=notice).count() == 2
    both = NoticeReceipt.objects.get(user=w.users["parent"])
    assert "Nguyễn Văn An (6A1)" in both.children and "Trần Thị Bình (6A2)" in both.children
    assert set(Notification.objects.values_list("kind", flat=True)) == {"parents.urgent"}
    # urgent by kind: the outbox sends it in quiet hours and never holds it for the digest
    assert set(Notification.objects.values_list("urgent", flat=True)) == {True}
    event = AuditEvent.objects.get(event_type="parents.notice_sent")
    assert event.after["recipients"] == 2


def test_teachers_send_notices_to_their_own_classes_only(world):
    w = world
    second_parent(w)
    subject = w.actor("subject")  # teaches maths in 6A1 only
    notice = actions.notice_send(
        actor=subject, scope="class", class_id=w.class_a.pk, title="Ôn tập", body="Ôn chương 2."
    )
    assert list(NoticeReceipt.objects.values_list("user_id", flat=True)) == [w.users["parent"].pk]
    assert notice.sender_label.startswith("Vũ Minh Đức")
    with pytest.raises(PermissionDeniedError):
        actions.notice_send(
            actor=subject, scope="class", class_id=w.class_b.pk, title="X", body="Y"
        )
    with pytest.raises(PermissionDeniedError):
        actions.notice_send(actor=subject, scope="school", title="X", body="Y")
    for role in ("parent", "accountant", "outsider"):
        with pytest.raises(PermissionDeniedError):
            actions.notice_send(
                actor=w.actor(role), scope="class", class_id=w.class_a.pk, title="X", body="Y"
            )


def test_a_notice_attachment_is_sniffed_and_bounded(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    w = world
    fake = SimpleUploadedFile("thong-bao.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(DomainError) as exc:
        actions.notice_send(
            actor=w.actor("principal"),
            scope="class",
            class_id=w.class_a.pk,
            title="Lịch thi",
            body="Xem tệp.",
            attachment=fake,
        )
    assert exc.value.code == MessagesError.FILE_TYPE
    pdf = SimpleUploadedFile("Lịch thi.pdf", b"%PDF-1.4\n%fake\n", "application/pdf")
    notice = actions.notice_send(
        actor=w.actor("principal"),
        scope="class",
        class_id=w.class_a.pk,
        title="Lịch thi",
        body="Xem tệp.",
        attachment=pdf,
    )
    assert notice.attachment_type == "application/pdf"
    assert notice.attachment_name == "Lịch thi.pdf"
    assert not notice.attachment.name.endswith("Lịch thi.pdf")
    big = io.BytesIO(b"%PDF-" + b"0" * 10)
    big.size = 11 * 1024 * 1024
    with pytest.raises(DomainError) as exc:
        actions.check_attachment(big)
    assert exc.value.code == MessagesError.FILE_TOO_LARGE


def test_a_parent_writes_to_the_child_s_teachers_and_leaders_only(world):
    """GIVEN the parent of An (6A1)
    THEN its contacts are the homeroom teacher, the maths teacher and the leaders — not the
    teacher of another class, nor another parent; the thread's message is audited without its
    text and notified to the teacher with kind "parents.message"."""
    w = world
    other = second_parent(w)
    parent = w.actor("parent")
    contacts = {c.staff.pk for c in selectors.contacts_for_child(parent, w.student_a.pk)}
    p = w.people
    assert contacts == {p["homeroom"].pk, p["subject"].pk, p["principal"].pk, p["vice"].pk}
    with pytest.raises(DomainError) as exc:
        actions.thread_open(actor=parent, student_id=w.student_a.pk, staff_id=p["clerk"].pk)
    assert exc.value.code == MessagesError.BAD_CONTACT
    # No parent-to-parent channel: a parent cannot name another parent, nor the other child.
    with pytest.raises(Http404):
        actions.thread_open(actor=parent, student_id=w.student_a.pk, parent_id=other.pk)
    with pytest.raises(Http404):
        actions.thread_open(actor=parent, student_id=w.student_b.pk, staff_id=p["homeroom"].pk)
    thread = actions.thread_open(actor=parent, student_id=w.student_a.pk, staff_id=p["homeroom"].pk)
    body = "Cháu bị ho, xin cô nhắc cháu uống nước."
    actions.message_send(actor=parent, thread=thread, body=body)
    event = AuditEvent.objects.get(event_type="parents.message_sent")
    assert body not in str(event.after) and event.after["length"] == len(body)
    note = Notification.objects.get(kind="parents.message")
    assert note.user_id == w.users["homeroom"].pk
    # The same parties and child: the same thread.
    again = actions.thread_open(actor=parent, student_id=w.student_a.pk, staff_id=p["homeroom"].pk)
    assert again.pk == thread.pk


def test_messages_are_bounded_and_nfc(world):
    w = world
    parent = w.actor("parent")
    thread = actions.thread_open(
        actor=parent, student_id=w.student_a.pk, staff_id=w.people["homeroom"].pk
    )
    decomposed = "Cha\u0301u"  # "Cháu" in NFD
    message = actions.message_send(actor=parent, thread=thread, body=decomposed)
    assert message.body == "Cháu"
    with pytest.raises(TooLongError):
        actions.message_send(actor=parent, thread=thread, body="a" * 2001)
    with pytest.raises(DomainError) as exc:
        actions.message_send(actor=parent, thread=thread, body="   ")
    assert exc.value.code == MessagesError.EMPTY


def test_unread_counts_follow_each_party_s_reading(world):
    """GIVEN two messages of the parent
    THEN the teacher's inbox shows 2 unread, the parent's none; after the teacher reads and
    answers, the parent has 1 unread."""
    w = world
    parent, teacher = w.actor("parent"), w.actor("homeroom")
    thread = actions.thread_open(
        actor=parent, student_id=w.student_a.pk, staff_id=w.people["homeroom"].pk
    )
    actions.message_send(actor=parent, thread=thread, body="Một")
    actions.message_send(actor=parent, thread=thread, body="Hai")
    assert [r.unread for r in selectors.inbox(teacher)] == [2]
    assert [r.unread for r in selectors.inbox(parent)] == [0]
    assert selectors.unread_threads(teacher) == 1 and selectors.unread_threads(parent) == 0
    actions.thread_mark_read(actor=teacher, thread=thread)
    assert [r.unread for r in selectors.inbox(teacher)] == [0]
    actions.message_send(actor=teacher, thread=thread, body="Cô đã nhận.")
    assert [r.unread for r in selectors.inbox(parent)] == [1]
    assert selectors.unread_threads(parent) == 1
    # A leader is no party: it does not see the thread.
    assert selectors.inbox(w.actor("principal")) == []


def test_a_teacher_writes_to_the_parents_of_its_classes_only(world):
    w = world
    other = second_parent(w)
    subject = w.actor("subject")
    thread = actions.thread_open(
        actor=subject, student_id=w.student_a.pk, parent_id=w.users["parent"].pk
    )
    assert thread.staff_id == w.people["subject"].pk
    with pytest.raises(Http404):
        actions.thread_open(actor=subject, student_id=w.student_b.pk, parent_id=other.pk)
    with pytest.raises(DomainError) as exc:  # the parent of another child
        actions.thread_open(actor=subject, student_id=w.student_a.pk, parent_id=other.pk)
    assert exc.value.code == MessagesError.BAD_CONTACT
    # Leaders may write to any parent of the school.
    assert actions.thread_open(
        actor=w.actor("principal"), student_id=w.student_b.pk, parent_id=other.pk
    )
    assert Thread.objects.count() == 2 and Message.objects.count() == 0


def test_a_meeting_invites_the_class_s_parents_who_reply(world):
    w = world
    second_parent(w)
    teacher = w.actor("homeroom")
    starts = datetime(2026, 11, 28, 8, 0, tzinfo=clock.VN_TZ)
    meeting = actions.meeting_create(
        actor=teacher,
        school_class=w.class_a,
        title="Họp phụ huynh giữa học kỳ I",
        starts_at=starts,
        place="Phòng 6A1",
    )
    reply = MeetingReply.objects.get(meeting=meeting)
    assert reply.user_id == w.users["parent"].pk
    assert Notification.objects.filter(kind="parents.meeting").count() == 1
    actions.meeting_reply(actor=w.actor("parent"), reply=reply, answer="no", note="Đi công tác")
    reply.refresh_from_db()
    assert reply.answer == "no" and reply.note == "Đi công tác"
    assert (
        AuditEvent.objects.filter(
            event_type__in=["parents.meeting_created", "parents.meeting_replied"]
        ).count()
        == 2
    )
    with pytest.raises(DomainError) as exc:
        actions.meeting_create(
            actor=teacher,
            school_class=w.class_a,
            title="Họp",
            starts_at=clock.now() - timedelta(hours=1),
            place="Phòng 6A1",
        )
    assert exc.value.code == MessagesError.BAD_DATE
    with pytest.raises(PermissionDeniedError):
        actions.meeting_create(
            actor=teacher, school_class=w.class_b, title="Họp", starts_at=starts, place="P"
        )


def test_a_leave_request_from_the_contact_book_lands_as_excused_to_confirm(world):
    """The contact book links to the attendance's leave requests (not rebuilt): a parent's
    request makes the day's absences "excused" and not yet confirmed."""
    from hoso.attendance.actions import leave_request_file

    w = world
    req = leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.pk,
        start=date(2026, 11, 23),
        end=date(2026, 11, 23),
        sessions=["morning"],
        reason="Cháu bị sốt",
    )
    assert req.state == LeaveRequest.State.SENT
    mark = AttendanceMark.objects.get(student=w.student_a, date=date(2026, 11, 23))
    assert (mark.status, mark.excuse, mark.confirmed_at) == (Status.ABSENT, Excuse.EXCUSED, None)
