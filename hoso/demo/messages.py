"""Demo data of the contact book's news and messages, called by hoso.demo.actions.demo_seed.

So that a new user sees the contact book in use, for the well-known parent's child's class,
everything dated on or before the reference day ``today``:
- last school week's weekly news of the class, sent by its homeroom teacher on that week's
  Friday (a letter per student pre-filled from the week's data, as the page does), read by the
  well-known parent;
- this week's news, when the week has reached its Friday evening, sent and not yet read;
- a notice of the principal to the whole school (read) and one of the homeroom teacher to the
  class (not read yet);
- a thread: the parent asked the homeroom teacher something, the teacher answered;
- an invitation to a parents' meeting in about ten days (created yesterday), not answered yet.
Nothing is created before the year starts or when the parent's child is in no class.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hoso.core import clock
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.organisation.models import Position, Staff
from hoso.parents.messages import selectors
from hoso.parents.messages.models import (
    LetterReceipt,
    Meeting,
    MeetingReply,
    Message,
    Notice,
    NoticeReceipt,
    Thread,
    WeeklyLetter,
    WeeklyNews,
)
from hoso.students.models import Enrolment, StudentGuardian

COMMON = (
    "Kính gửi quý phụ huynh, tuần qua lớp học tập nghiêm túc, tham gia đầy đủ các hoạt động của "
    "trường. Tuần tới lớp tiếp tục ôn tập; đề nghị phụ huynh nhắc các con chuẩn bị bài trước "
    "khi đến lớp."
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.VN_TZ)


def seed_demo(school, year, *, today: date) -> None:
    from hoso.demo.gradebook import login_user

    if WeeklyNews.objects.filter(school=school).exists() or today < year.start_date:
        return
    parent = login_user(school, "phuhuynh")
    link = (
        StudentGuardian.objects.filter(guardian__user=parent, guardian__school=school)
        .select_related("student")
        .first()
        if parent
        else None
    )
    if link is None:
        return
    enrolment = (
        Enrolment.objects.studying()
        .filter(student=link.student, year=year)
        .select_related("school_class__year", "school_class__grade")
        .first()
    )
    if enrolment is None:
        return
    school_class = enrolment.school_class
    teacher = homeroom_teacher_of(school_class, on=min(today, year.end_date))
    if teacher is None or teacher.user_id is None:
        return
    now = min(clock.now_on(today), _at(today, 18))
    monday = today - timedelta(days=today.weekday())
    for week in (monday - timedelta(days=7), monday):
        friday = _at(week + timedelta(days=4), 16, 30)
        if week >= year.start_date - timedelta(days=6) and friday <= now:
            _weekly_news(school, school_class, week, friday, teacher, parent, read=week < monday)
    principal = (
        Staff.objects.filter(school=school, position=Position.PRINCIPAL, user__isnull=False)
        .select_related("user")
        .first()
    )
    first = max(year.start_date, today - timedelta(days=6))
    if principal is not None:
        _notice(
            school,
            year,
            sender=principal.user,
            label=f"{principal.full_name} (Hiệu trưởng)",
            at=_at(first, 7, 30),
            title="Lịch kiểm tra giữa học kỳ",
            body="Nhà trường tổ chức kiểm tra giữa học kỳ theo lịch dán tại bảng tin. Đề nghị phụ "
            "huynh nhắc các con ôn tập và đi học đúng giờ.",
            school_class=None,
            read_by=parent,
        )
    _notice(
        school,
        year,
        sender=teacher.user,
        label=f"{teacher.full_name} (Giáo viên chủ nhiệm)",
        at=min(now, _at(today, 7, 15)),
        title=f"Lớp {school_class.name} tham gia lao động vệ sinh sân trường",
        body="Các con mang theo găng tay và nước uống. Buổi lao động kết thúc lúc 10 giờ.",
        school_class=school_class,
        read_by=None,
    )
    _thread(school, link.student, parent, teacher, today, now)
    _meeting(school, school_class, teacher, today, now)


def _weekly_news(school, school_class, week, sent_at, teacher, parent, *, read: bool) -> None:
    students = [
        e.student_id for e in selectors.studying(year=school_class.year, school_class=school_class)
    ]
    texts = selectors.week_prefill(school_class, week, students)
    news = WeeklyNews.objects.create(
        school=school,
        school_class=school_class,
        week_start=week,
        week_number=school_class.year.week_of(max(week, school_class.year.start_date)),
        common_text=COMMON,
        state=WeeklyNews.State.SENT,
        created_by=teacher.user,
        created_at=sent_at - timedelta(hours=1),
        updated_at=sent_at,
        sent_by=teacher.user,
        sent_at=sent_at,
    )
    letters = WeeklyLetter.objects.bulk_create(
        [WeeklyLetter(news=news, student_id=pk, child_text=texts[pk]) for pk in students]
    )
    users = selectors.guardian_users(students)
    LetterReceipt.objects.bulk_create(
        [
            LetterReceipt(
                letter=letter,
                user=user,
                read_at=sent_at + timedelta(hours=3) if read and user.pk == parent.pk else None,
            )
            for letter in letters
            for user in users.get(letter.student_id, [])
        ]
    )


def _notice(school, year, *, sender, label, at, title, body, school_class, read_by) -> None:
    people = selectors.addressees(selectors.studying(year=year, school_class=school_class))
    if not people:
        return
    notice = Notice.objects.create(
        school=school,
        year=year,
        scope="class" if school_class else "school",
        school_class=school_class,
        title=title,
        body=body,
        sender=sender,
        sender_label=label,
        sent_at=at,
        recipient_count=len(people),
    )
    NoticeReceipt.objects.bulk_create(
        [
            NoticeReceipt(
                notice=notice,
                user=a.user,
                children=a.children_label,
                read_at=at + timedelta(hours=2) if read_by and a.user.pk == read_by.pk else None,
            )
            for a in people
        ]
    )


def _thread(school, student, parent, teacher, today: date, now: datetime) -> None:
    asked = min(now - timedelta(hours=3), _at(today - timedelta(days=1), 20, 5))
    answered = min(now - timedelta(hours=1), _at(today, 6, 40))
    thread = Thread.objects.create(
        school=school,
        parent=parent,
        staff=teacher,
        student=student,
        created_at=asked,
        last_message_at=answered,
        parent_read_at=asked,
        staff_read_at=answered,
    )
    Message.objects.bulk_create(
        [
            Message(
                thread=thread,
                author=parent,
                body="Chào cô, tuần này cháu có bài kiểm tra môn nào không ạ? Gia đình muốn "
                "nhắc cháu ôn bài.",
                sent_at=asked,
            ),
            Message(
                thread=thread,
                author=teacher.user,
                body="Chào anh chị, thứ Năm lớp kiểm tra thường xuyên môn Toán. Cháu học chăm, "
                "anh chị nhắc cháu làm thêm bài tập trong sách nhé.",
                sent_at=answered,
            ),
        ]
    )


def _meeting(school, school_class, teacher, today: date, now: datetime) -> None:
    people = selectors.addressees(
        selectors.studying(year=school_class.year, school_class=school_class)
    )
    if not people:
        return
    day = today + timedelta(days=10)
    day -= timedelta(days=(day.weekday() - 6) % 7)  # the Sunday on or before
    meeting = Meeting.objects.create(
        school=school,
        school_class=school_class,
        title="Họp phụ huynh học sinh giữa học kỳ",
        starts_at=_at(day, 8),
        place=f"Phòng học lớp {school_class.name}",
        note="Giáo viên chủ nhiệm thông báo kết quả học tập, rèn luyện giữa học kỳ.",
        created_by=teacher.user,
        created_at=min(now, _at(today - timedelta(days=1), 15)),
    )
    MeetingReply.objects.bulk_create(
        [MeetingReply(meeting=meeting, user=a.user, children=a.children_label) for a in people]
    )
