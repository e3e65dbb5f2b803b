"""Every write of the contact book's news and messages: keyword-only, the actor first, one
transaction, the policy checked, the audit event in the same transaction, delivery after commit.

Delivery goes through ``hoso.notifications.actions.notify_many``/``notify`` with one ``kind`` per
message type (the outbox turns them into e-mail, SMS, Zalo or push by the guardian's consent):

- ``parents.news``: a weekly letter (one per child, to that child's guardians only);
- ``parents.notice`` / ``parents.urgent``: a notice, urgent for sudden events;
- ``parents.message``: a message in a one-to-one thread;
- ``parents.meeting``: a meeting invitation.

Audited (records of the school): a weekly news sent (with its letters' count), a notice sent,
a meeting created, a reply to it, a message sent (who, which thread and how long — never the
text). Marking read is a receipt, not audited.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core import clock, files
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import nfc
from hoso.notifications.actions import notify, notify_many
from hoso.organisation.models import GradeLevel, SchoolClass, Staff
from hoso.parents.messages import policies, selectors
from hoso.parents.messages.errors import MessagesError
from hoso.parents.messages.models import (
    BODY_MAX,
    MESSAGE_MAX,
    TITLE_MAX,
    LetterReceipt,
    Meeting,
    MeetingReply,
    Message,
    Notice,
    NoticeReceipt,
    NoticeScope,
    Thread,
    WeeklyLetter,
    WeeklyNews,
)

ATTACHMENT_KINDS = (files.PDF, files.PNG, files.JPEG, files.DOCX, files.XLSX)
ATTACHMENT_MAX_MB = 10


def _text(value: str | None, limit: int, *, what: str, field: str, required: bool = True) -> str:
    text = nfc(value or "").strip()
    if required and not text:
        raise DomainError(MessagesError.EMPTY, f"Hãy nhập {what.lower()}.", field=field)
    return bounded(text, limit, what=what, field=field)


def _refuse(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(MessagesError.NOT_ALLOWED, message)


def _sender_label(actor: Actor) -> str:
    name = actor.staff.full_name if actor.staff is not None else actor.user.display_name
    roles = actor.role_labels()
    role = next(
        (r for r in roles if r in ("Hiệu trưởng", "Phó hiệu trưởng", "Văn thư")),
        "Giáo viên chủ nhiệm" if actor.homeroom_class_ids else "Giáo viên",
    )
    return f"{name} ({role})"[:200]


# --- weekly news --------------------------------------------------------------------------------


def weekly_news_save(
    *,
    actor: Actor,
    school_class: SchoolClass,
    week_start: date,
    common_text: str,
    child_texts: dict[int, str],
) -> WeeklyNews:
    """Create or update the draft of ``school_class``'s news of the week beginning on the Monday
    ``week_start``: the common part and each studying student's part (``child_texts``)."""
    if not policies.can_write_news(actor, school_class.pk):
        raise _refuse("Chỉ giáo viên chủ nhiệm của lớp viết bản tin tuần.")
    year = school_class.year
    number, monday = selectors.school_week(year, week_start)
    if number is None:
        raise DomainError(MessagesError.BAD_WEEK, "Tuần này nằm ngoài năm học.", field="week")
    common = _text(common_text, BODY_MAX, what="Phần chung", field="common", required=False)
    students = [e.student_id for e in selectors.studying(year=year, school_class=school_class)]
    texts = {
        pk: _text(
            child_texts.get(pk, ""), BODY_MAX, what="Phần riêng", field=f"s-{pk}", required=False
        )
        for pk in students
    }
    now = clock.now()
    with transaction.atomic():
        news = (
            WeeklyNews.objects.select_for_update()
            .filter(school_class=school_class, week_start=monday)
            .first()
        )
        if news is None:
            news = WeeklyNews.objects.create(
                school_id=actor.school_id,
                school_class=school_class,
                week_start=monday,
                week_number=number,
                common_text=common,
                created_by=actor.user,
                created_at=now,
                updated_at=now,
            )
        elif news.state == WeeklyNews.State.SENT:
            raise DomainError(MessagesError.ALREADY_SENT, "Bản tin tuần này đã gửi.")
        else:
            news.common_text, news.updated_at = common, now
            news.save(update_fields=["common_text", "updated_at"])
        have = {
            letter.student_id: letter
            for letter in WeeklyLetter.objects.filter(news=news, student_id__in=students)
        }
        for pk in students:
            letter = have.get(pk)
            if letter is None:
                WeeklyLetter.objects.create(news=news, student_id=pk, child_text=texts[pk])
            elif letter.child_text != texts[pk]:
                letter.child_text = texts[pk]
                letter.save(update_fields=["child_text"])
        WeeklyLetter.objects.filter(news=news).exclude(student_id__in=students).delete()
    return news


def weekly_news_send(*, actor: Actor, news: WeeklyNews) -> WeeklyNews:
    """Send a draft: each letter goes to its own child's guardians with accounts (a receipt per
    guardian), never to the class. Once."""
    if not policies.can_write_news(actor, news.school_class_id):
        raise _refuse("Chỉ giáo viên chủ nhiệm của lớp gửi bản tin tuần.")
    with transaction.atomic():
        news = WeeklyNews.objects.select_for_update().select_related("school_class").get(pk=news.pk)
        if news.state == WeeklyNews.State.SENT:
            raise DomainError(MessagesError.ALREADY_SENT, "Bản tin tuần này đã gửi.")
        letters = list(news.letters.select_related("student"))
        users = selectors.guardian_users(letter.student_id for letter in letters)
        receipts = [
            LetterReceipt(letter=letter, user=user)
            for letter in letters
            for user in users.get(letter.student_id, [])
        ]
        if not receipts:
            raise DomainError(
                MessagesError.NO_RECIPIENTS,
                "Chưa phụ huynh nào của lớp có tài khoản: chưa thể gửi bản tin.",
            )
        now = clock.now()
        news.state, news.sent_by, news.sent_at, news.updated_at = (
            WeeklyNews.State.SENT,
            actor.user,
            now,
            now,
        )
        news.save(update_fields=["state", "sent_by", "sent_at", "updated_at"])
        LetterReceipt.objects.bulk_create(receipts)
        audit_record(
            event_type="parents.news_sent",
            actor=actor.user,
            school_id=actor.school_id,
            target=news,
            after={
                "class": news.school_class_id,
                "week": news.week_start.isoformat(),
                "letters": len(letters),
                "guardians": len({r.user_id for r in receipts}),
            },
        )
        for letter in letters:
            notify_many(
                users=users.get(letter.student_id, []),
                school=actor.school,
                kind="parents.news",
                text=f"Bản tin tuần {news.week_label} của {letter.student.full_name} "
                f"(lớp {news.school_class.name}).",
                dedupe_key=f"parents-news:{letter.pk}",
                url=reverse("parents:letter", args=[letter.pk]),
                email_subject=f"Bản tin tuần lớp {news.school_class.name}",
            )
    return news


def letter_mark_read(*, actor: Actor, letter: WeeklyLetter) -> bool:
    """The guardian's receipt of ``letter`` is read (True when this call marked it)."""
    return bool(
        LetterReceipt.objects.filter(letter=letter, user=actor.user, read_at__isnull=True).update(
            read_at=clock.now()
        )
    )


# --- notices ------------------------------------------------------------------------------------


def check_attachment(upload) -> files.FileKind:
    """A bounded, sniffed attachment (PDF, Word, Excel, PNG, JPEG by content, not by name)."""
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise DomainError(MessagesError.EMPTY_FILE, "Tệp đính kèm rỗng.", field="attachment")
    if size > ATTACHMENT_MAX_MB * 1024 * 1024:
        raise DomainError(
            MessagesError.FILE_TOO_LARGE,
            f"Tệp đính kèm quá lớn ({size / 1048576:.1f} MB); tối đa {ATTACHMENT_MAX_MB} MB.",
            field="attachment",
        )
    upload.seek(0)
    kind = files.sniff(upload, accept=ATTACHMENT_KINDS)
    upload.seek(0)
    if kind is None:
        raise DomainError(
            MessagesError.FILE_TYPE,
            "Tệp đính kèm phải là PDF, Word (DOCX), Excel (XLSX), PNG hoặc JPEG (hệ thống kiểm "
            "tra nội dung tệp, không dựa vào tên tệp).",
            field="attachment",
        )
    return kind


def notice_send(
    *,
    actor: Actor,
    scope: str,
    title: str,
    body: str,
    class_id: int | None = None,
    grade_id: int | None = None,
    urgent: bool = False,
    attachment=None,
) -> Notice:
    """Send a notice to the guardians with accounts of the students studying in a class, a grade
    or the school. Teachers: their own classes only; the leaders and the clerk: any scope."""
    if actor.school is None or actor.year is None or not policies.can_send_notice(actor):
        raise _refuse("Bạn không gửi thông báo cho phụ huynh.")
    title = _text(title, TITLE_MAX, what="Tiêu đề", field="title")
    body = _text(body, BODY_MAX, what="Nội dung", field="body")
    school_class = grade = None
    if scope == NoticeScope.CLASS:
        school_class = SchoolClass.objects.filter(
            pk=class_id or 0, year=actor.year, year__school_id=actor.school_id
        ).first()
        if school_class is None:
            raise DomainError(MessagesError.BAD_SCOPE, "Hãy chọn lớp.", field="school_class")
        if not policies.can_send_notice_to_class(actor, school_class.pk):
            raise _refuse("Giáo viên chỉ gửi thông báo cho phụ huynh các lớp mình dạy.")
    elif scope in (NoticeScope.GRADE, NoticeScope.SCHOOL):
        if not policies.is_school_sender(actor):
            raise _refuse(
                "Chỉ lãnh đạo nhà trường và văn thư gửi thông báo cho khối hoặc toàn trường."
            )
        if scope == NoticeScope.GRADE:
            grade = GradeLevel.objects.filter(pk=grade_id or 0, school_id=actor.school_id).first()
            if grade is None:
                raise DomainError(MessagesError.BAD_SCOPE, "Hãy chọn khối.", field="grade")
    else:
        raise DomainError(MessagesError.BAD_SCOPE, "Hãy chọn nơi nhận.", field="scope")
    kind = check_attachment(attachment) if attachment else None
    people = selectors.addressees(
        selectors.studying(year=actor.year, school_class=school_class, grade=grade)
    )
    if not people:
        raise DomainError(
            MessagesError.NO_RECIPIENTS,
            "Không có phụ huynh nào có tài khoản trong nơi nhận đã chọn.",
            field="scope",
        )
    with transaction.atomic():
        notice = Notice(
            school_id=actor.school_id,
            year=actor.year,
            scope=scope,
            school_class=school_class,
            grade=grade,
            title=title,
            body=body,
            urgent=bool(urgent),
            sender=actor.user,
            sender_label=_sender_label(actor),
            sent_at=clock.now(),
            recipient_count=len(people),
        )
        if kind is not None:
            name = nfc(os.path.basename(str(getattr(attachment, "name", "") or "")))[:200]
            notice.attachment_name = name or f"tep-dinh-kem.{kind.ext}"
            notice.attachment_type = kind.content_type
            notice.attachment.save(f"{uuid.uuid4().hex}.{kind.ext}", attachment, save=False)
        notice.save()
        NoticeReceipt.objects.bulk_create(
            [NoticeReceipt(notice=notice, user=a.user, children=a.children_label) for a in people],
            batch_size=500,
        )
        audit_record(
            event_type="parents.notice_sent",
            actor=actor.user,
            school_id=actor.school_id,
            target=notice,
            after={
                "scope": scope,
                "class": school_class.pk if school_class else None,
                "grade": grade.pk if grade else None,
                "title": title,
                "urgent": notice.urgent,
                "recipients": len(people),
                "attachment": notice.attachment_name,
            },
        )
        notify_many(
            users=[a.user for a in people],
            school=actor.school,
            kind="parents.urgent" if notice.urgent else "parents.notice",
            text=("KHẨN: " if notice.urgent else "Thông báo: ") + title,
            dedupe_key=f"parents-notice:{notice.pk}",
            url=reverse("parents:notice", args=[notice.pk]),
            email_subject=("[Khẩn] " if notice.urgent else "") + title,
        )
    return notice


def notice_mark_read(*, actor: Actor, notice: Notice) -> bool:
    return bool(
        NoticeReceipt.objects.filter(notice=notice, user=actor.user, read_at__isnull=True).update(
            read_at=clock.now()
        )
    )


# --- one-to-one threads -------------------------------------------------------------------------


def thread_open(
    *, actor: Actor, student_id: int, staff_id: int | None = None, parent_id: int | None = None
) -> Thread:
    """The thread between a parent and a staff member about a child, created when missing.

    A parent names the staff member (one of ``contacts_for_child``); a staff member names the
    parent (a guardian with an account of a student it may write about)."""
    from hoso.accounts.policies import not_found

    now = clock.now()
    if student_id in actor.child_ids and staff_id is not None:
        contacts = {c.staff.pk: c for c in selectors.contacts_for_child(actor, student_id)}
        if staff_id not in contacts:
            raise DomainError(
                MessagesError.BAD_CONTACT,
                "Chỉ nhắn được cho giáo viên của con hoặc lãnh đạo nhà trường.",
                field="staff",
            )
        parent, staff = actor.user, contacts[staff_id].staff
    elif actor.staff is not None and parent_id is not None:
        if selectors.can_staff_write_about(actor, student_id) is None:
            raise not_found(actor, f"học sinh #{student_id}")
        users = {u.pk: u for u in selectors.guardian_users([student_id]).get(student_id, [])}
        if parent_id not in users:
            raise DomainError(
                MessagesError.BAD_CONTACT,
                "Người nhận không phải cha mẹ (người giám hộ) có tài khoản của học sinh.",
                field="parent",
            )
        parent, staff = users[parent_id], actor.staff
    else:
        raise not_found(actor, f"học sinh #{student_id}")
    thread, _ = Thread.objects.get_or_create(
        school_id=actor.school_id,
        parent=parent,
        staff=staff,
        student_id=student_id,
        defaults={"created_at": now, "last_message_at": now},
    )
    return thread


def message_send(*, actor: Actor, thread: Thread, body: str) -> Message:
    """A message from one party of ``thread`` to the other (bounded, NFC), delivered to the other
    party; audited without its text."""
    is_parent = policies.is_parent_side(actor, thread)
    if not is_parent and (actor.staff is None or thread.staff_id != actor.staff.pk):
        raise _refuse("Bạn không tham gia cuộc trao đổi này.")
    body = _text(body, MESSAGE_MAX, what="Tin nhắn", field="body")
    now = clock.now()
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        message = Message.objects.create(thread=thread, author=actor.user, body=body, sent_at=now)
        thread.last_message_at = now
        if is_parent:
            thread.parent_read_at = now
        else:
            thread.staff_read_at = now
        thread.save(update_fields=["last_message_at", "parent_read_at", "staff_read_at"])
        audit_record(
            event_type="parents.message_sent",
            actor=actor.user,
            school_id=actor.school_id,
            target=thread,
            target_repr=f"Trao đổi #{thread.pk}",
            after={
                "message": message.pk,
                "student": thread.student_id,
                "from": "parent" if is_parent else "staff",
                "length": len(body),
            },
        )
        if is_parent:
            other = Staff.objects.select_related("user").get(pk=thread.staff_id).user
        else:
            other = thread.parent
        sender = actor.staff.full_name if not is_parent else actor.user.display_name
        notify(
            user=other,
            school=actor.school,
            kind="parents.message",
            text=f"Tin nhắn mới của {sender}.",
            dedupe_key=f"parents-message:{message.pk}",
            url=reverse("parents:thread", args=[thread.pk]),
            email_subject="Tin nhắn mới trong sổ liên lạc",
        )
    return message


def thread_mark_read(*, actor: Actor, thread: Thread) -> None:
    field = "parent_read_at" if policies.is_parent_side(actor, thread) else "staff_read_at"
    Thread.objects.filter(pk=thread.pk).update(**{field: clock.now()})


# --- meetings -----------------------------------------------------------------------------------


def meeting_create(
    *,
    actor: Actor,
    school_class: SchoolClass,
    title: str,
    starts_at: datetime,
    place: str,
    note: str = "",
) -> Meeting:
    """Invite the class's parents (guardians with accounts) to a meeting."""
    if not policies.can_create_meeting(actor, school_class.pk):
        raise _refuse("Chỉ giáo viên chủ nhiệm của lớp (hoặc lãnh đạo) mời họp phụ huynh.")
    title = _text(title, TITLE_MAX, what="Nội dung cuộc họp", field="title")
    place = _text(place, 200, what="Địa điểm", field="place")
    note = _text(note, BODY_MAX, what="Ghi chú", field="note", required=False)
    if starts_at is None or starts_at <= clock.now():
        raise DomainError(
            MessagesError.BAD_DATE, "Thời gian họp phải sau thời điểm hiện tại.", field="starts_at"
        )
    people = selectors.addressees(
        selectors.studying(year=school_class.year, school_class=school_class)
    )
    if not people:
        raise DomainError(
            MessagesError.NO_RECIPIENTS, "Chưa phụ huynh nào của lớp có tài khoản để mời họp."
        )
    with transaction.atomic():
        meeting = Meeting.objects.create(
            school_id=actor.school_id,
            school_class=school_class,
            title=title,
            starts_at=starts_at,
            place=place,
            note=note,
            created_by=actor.user,
            created_at=clock.now(),
        )
        MeetingReply.objects.bulk_create(
            [MeetingReply(meeting=meeting, user=a.user, children=a.children_label) for a in people]
        )
        audit_record(
            event_type="parents.meeting_created",
            actor=actor.user,
            school_id=actor.school_id,
            target=meeting,
            after={
                "class": school_class.pk,
                "title": title,
                "starts_at": starts_at.isoformat(),
                "place": place,
                "invited": len(people),
            },
        )
        local = starts_at.astimezone(clock.VN_TZ)
        notify_many(
            users=[a.user for a in people],
            school=actor.school,
            kind="parents.meeting",
            text=f"Mời họp phụ huynh lớp {school_class.name}: {title}, "
            f"{local:%H:%M} ngày {local:%d/%m/%Y}, tại {place}.",
            dedupe_key=f"parents-meeting:{meeting.pk}",
            url=reverse("parents:meeting", args=[meeting.pk]),
            email_subject=f"Mời họp phụ huynh lớp {school_class.name}",
        )
    return meeting


def meeting_reply(
    *, actor: Actor, reply: MeetingReply, answer: str, note: str = ""
) -> MeetingReply:
    """The invited guardian answers (will attend / cannot) with an optional note."""
    if reply.user_id != actor.user.pk:
        raise _refuse("Chỉ phụ huynh được mời trả lời.")
    if answer not in (MeetingReply.Answer.YES, MeetingReply.Answer.NO):
        raise DomainError(MessagesError.BAD_ANSWER, "Hãy chọn dự họp hoặc không.", field="answer")
    note = _text(note, 300, what="Ghi chú", field="note", required=False)
    with transaction.atomic():
        reply = MeetingReply.objects.select_for_update().select_related("meeting").get(pk=reply.pk)
        before = {"answer": reply.answer, "note": reply.note}
        now = clock.now()
        reply.answer, reply.note, reply.replied_at = answer, note, now
        reply.read_at = reply.read_at or now
        reply.save(update_fields=["answer", "note", "replied_at", "read_at"])
        audit_record(
            event_type="parents.meeting_replied",
            actor=actor.user,
            school_id=actor.school_id,
            target=reply.meeting,
            before=before,
            after={"answer": answer, "note": note},
        )
    return reply
