"""Who may write what in the contact book, and who may read it.

- Weekly news: the homeroom teacher of the class writes and sends it; the leaders read the sent
  news of the school; a parent reads only the letters addressed to it (its own children's).
- Notices: the principal, the vice principals and the clerk to a class, a grade or the whole
  school; a teacher (homeroom or subject) to its own classes only. The sender and the school's
  senders see the read counts; a parent sees only the notices addressed to it.
- Threads: a parent writes to the child's teachers (the homeroom teacher and the subject teachers
  of the child's current class) and to the leaders; a staff member writes to the parents of the
  students of its classes (leaders: any student of the school). Only the two parties see a
  thread: there is no parent-to-parent channel and no reading of other people's threads.
- Meetings: the homeroom teacher of the class (and the leaders) invite; the invited parents reply.

Everything else answers 404 (``access_*``), the same for "absent" and "not yours".
"""

from __future__ import annotations

from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.parents.messages.models import (
    Meeting,
    MeetingReply,
    Notice,
    NoticeReceipt,
    Thread,
    WeeklyLetter,
    WeeklyNews,
)

SCHOOL_SENDERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK)
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)


def teacher_class_ids(actor: Actor) -> frozenset[int]:
    """The classes the actor teaches or is homeroom teacher of (this year)."""
    return frozenset(actor.homeroom_class_ids) | frozenset(actor.taught)


def is_school_sender(actor: Actor) -> bool:
    return actor.staff is not None and actor.has(*SCHOOL_SENDERS)


def can_send_notice(actor: Actor) -> bool:
    return actor.staff is not None and (is_school_sender(actor) or bool(teacher_class_ids(actor)))


def can_send_notice_to_class(actor: Actor, class_id: int) -> bool:
    return is_school_sender(actor) or (
        actor.staff is not None and class_id in teacher_class_ids(actor)
    )


def can_write_news(actor: Actor, class_id: int) -> bool:
    return actor.staff is not None and class_id in actor.homeroom_class_ids


def can_read_all_news(actor: Actor) -> bool:
    return actor.staff is not None and actor.has(*LEADERS)


def can_create_meeting(actor: Actor, class_id: int) -> bool:
    return actor.staff is not None and (class_id in actor.homeroom_class_ids or actor.has(*LEADERS))


def is_staff_party(actor: Actor) -> bool:
    """May write to parents at all: leaders, or a teacher of some class."""
    return actor.staff is not None and (actor.has(*LEADERS) or bool(teacher_class_ids(actor)))


# --- access ------------------------------------------------------------------------------------


def access_news(actor: Actor, news_id: int, *, write: bool = False) -> WeeklyNews:
    news = (
        WeeklyNews.objects.filter(pk=news_id, school_id=actor.school_id)
        .select_related("school_class__year", "school_class__grade")
        .first()
    )
    if news is not None:
        if can_write_news(actor, news.school_class_id):
            return news
        if not write and news.state == WeeklyNews.State.SENT and can_read_all_news(actor):
            return news
    raise not_found(actor, f"bản tin tuần #{news_id}")


def access_letter(actor: Actor, letter_id: int) -> WeeklyLetter:
    """A sent letter, for the guardian it was addressed to (or the class's homeroom teacher and
    the leaders)."""
    letter = (
        WeeklyLetter.objects.filter(
            pk=letter_id, news__school_id=actor.school_id, news__state=WeeklyNews.State.SENT
        )
        .select_related("news__school_class", "news__sent_by", "student")
        .first()
    )
    if letter is not None:
        if letter.receipts.filter(user=actor.user).exists():
            return letter
        if can_write_news(actor, letter.news.school_class_id) or can_read_all_news(actor):
            return letter
    raise not_found(actor, f"thư tuần #{letter_id}")


def sees_notice_counts(actor: Actor, notice: Notice) -> bool:
    """The sender and the school's senders see who has read."""
    return notice.sender_id == actor.user.pk or is_school_sender(actor)


def access_notice(actor: Actor, notice_id: int) -> Notice:
    notice = (
        Notice.objects.filter(pk=notice_id, school_id=actor.school_id)
        .select_related("school_class", "grade", "sender")
        .first()
    )
    if notice is not None:
        if actor.staff is not None and sees_notice_counts(actor, notice):
            return notice
        if NoticeReceipt.objects.filter(notice=notice, user=actor.user).exists():
            return notice
    raise not_found(actor, f"thông báo #{notice_id}")


def threads_of(actor: Actor):
    """The threads where the actor is a party, in its school."""
    if actor.school is None:
        return Thread.objects.none()
    party = Q(parent=actor.user)
    if actor.staff is not None:
        party |= Q(staff=actor.staff)
    return Thread.objects.filter(party, school_id=actor.school_id)


def access_thread(actor: Actor, thread_id: int) -> Thread:
    thread = (
        threads_of(actor)
        .filter(pk=thread_id)
        .select_related("parent", "staff__user", "student")
        .first()
    )
    if thread is None:
        raise not_found(actor, f"cuộc trao đổi #{thread_id}")
    return thread


def is_parent_side(actor: Actor, thread: Thread) -> bool:
    return thread.parent_id == actor.user.pk


def access_meeting(actor: Actor, meeting_id: int) -> tuple[Meeting, MeetingReply | None]:
    """The meeting and, for an invited parent, its reply row (None for the organisers)."""
    meeting = (
        Meeting.objects.filter(pk=meeting_id, school_id=actor.school_id)
        .select_related("school_class", "created_by")
        .first()
    )
    if meeting is not None:
        if can_create_meeting(actor, meeting.school_class_id):
            return meeting, None
        reply = MeetingReply.objects.filter(meeting=meeting, user=actor.user).first()
        if reply is not None:
            return meeting, reply
    raise not_found(actor, f"cuộc họp #{meeting_id}")
