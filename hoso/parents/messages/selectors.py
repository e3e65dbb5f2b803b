"""Reads of the contact book's news and messages, scoped by school and actor.

Recipients are the guardians *with an active account* of the students studying in the addressed
class, grade or school; a guardian of two addressed children is addressed once. The lists a page
shows are read in a fixed number of queries, whatever the number of items (tests pin it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.core import clock
from hoso.core.text import in_sentence
from hoso.organisation.models import Position, SchoolClass, Staff
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
from hoso.parents.messages.policies import is_school_sender, teacher_class_ids, threads_of
from hoso.students.models import Enrolment, StudentGuardian

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
LEADER_POSITIONS = (Position.PRINCIPAL, Position.VICE_PRINCIPAL)


# --- recipients --------------------------------------------------------------------------------


def guardian_users(student_ids) -> dict[int, list]:
    """Student id → the active accounts of its guardians (one query)."""
    out: dict[int, list] = defaultdict(list)
    links = (
        StudentGuardian.objects.filter(
            student_id__in=list(student_ids),
            guardian__user__isnull=False,
            guardian__user__is_active=True,
        )
        .select_related("guardian__user")
        .order_by("student_id", "guardian_id")
    )
    for link in links:
        out[link.student_id].append(link.guardian.user)
    return out


def studying(*, year, school_class=None, grade=None):
    """The enrolments studying now in the class, the grade or the whole year (of the school)."""
    qs = Enrolment.objects.studying().filter(year=year)
    if school_class is not None:
        qs = qs.filter(school_class=school_class)
    elif grade is not None:
        qs = qs.filter(school_class__grade=grade)
    return qs.select_related("student", "school_class")


@dataclass
class Addressee:
    user: object
    children: list[str] = field(default_factory=list)  # "Nguyễn Văn An (6A1)"

    @property
    def children_label(self) -> str:
        return ", ".join(self.children)[:300]


def addressees(enrolments) -> list[Addressee]:
    """The guardian accounts of ``enrolments``' students, each once, with their children."""
    enrolments = list(enrolments)
    users = guardian_users(e.student_id for e in enrolments)
    out: dict[int, Addressee] = {}
    for e in enrolments:
        for user in users.get(e.student_id, []):
            a = out.setdefault(user.pk, Addressee(user=user))
            a.children.append(f"{e.student.full_name} ({e.school_class.name})")
    return list(out.values())


def current_enrolment(student_id: int, year) -> Enrolment | None:
    return (
        Enrolment.objects.studying()
        .filter(student_id=student_id, year=year)
        .select_related("school_class__year", "school_class__grade", "student")
        .first()
    )


# --- who may write to whom ---------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    staff: Staff
    role: str  # "Giáo viên chủ nhiệm", "Toán", "Hiệu trưởng"


def contacts_for_child(actor: Actor, student_id: int) -> list[Contact]:
    """The staff a parent may write to about its child: the homeroom teacher and the subject
    teachers of the child's current class (on the year's reference day), and the leaders."""
    from hoso.organisation.assignments.selectors import (
        homerooms_on,
        reference_day,
        teaching_on,
    )

    if student_id not in actor.child_ids or actor.year is None:
        return []
    enrolment = current_enrolment(student_id, actor.year)
    out: dict[int, Contact] = {}
    if enrolment is not None:
        day = reference_day(actor.year)
        for row in (
            homerooms_on(day)
            .filter(school_class_id=enrolment.school_class_id)
            .select_related("teacher__user")
        ):
            out.setdefault(row.teacher_id, Contact(row.teacher, "Giáo viên chủ nhiệm"))
        for row in (
            teaching_on(day)
            .filter(school_class_id=enrolment.school_class_id)
            .select_related("teacher__user", "subject")
            .order_by("subject__name")
        ):
            if row.teacher_id not in out:
                out[row.teacher_id] = Contact(row.teacher, f"Giáo viên {row.subject.name}")
    leaders = (
        Staff.objects.filter(school_id=actor.school_id, is_active=True, user__isnull=False)
        .filter(
            Q(position__in=LEADER_POSITIONS) | Q(extra_positions__position__in=LEADER_POSITIONS)
        )
        .select_related("user")
        .distinct()
        .order_by("position", "sort_name")
    )
    for s in leaders:
        out.setdefault(s.pk, Contact(s, s.get_position_display()))
    return [c for c in out.values() if c.staff.user_id and c.staff.user.is_active]


def can_staff_write_about(actor: Actor, student_id: int) -> Enrolment | None:
    """The student's current enrolment when the actor (staff) may write to its parents."""
    if actor.staff is None or actor.year is None:
        return None
    enrolment = current_enrolment(student_id, actor.year)
    if enrolment is None or enrolment.school_class.year.school_id != actor.school_id:
        return None
    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        return enrolment
    if enrolment.school_class_id in teacher_class_ids(actor):
        return enrolment
    return None


def writable_students(actor: Actor) -> list[Enrolment]:
    """The students whose parents a teacher may write to (its classes; leaders: every class)."""
    if actor.staff is None or actor.year is None:
        return []
    qs = Enrolment.objects.studying().filter(year=actor.year)
    if not actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        qs = qs.filter(school_class_id__in=teacher_class_ids(actor))
    return list(
        qs.filter(
            Exists(
                StudentGuardian.objects.filter(
                    student_id=OuterRef("student_id"), guardian__user__isnull=False
                )
            )
        )
        .select_related("student", "school_class")
        .order_by("school_class__name", "student__sort_name")
    )


# --- the week's data for the weekly news -------------------------------------------------------


def school_week(year, day: date) -> tuple[int | None, date]:
    """(the school's week number — ``SchoolYear.week_of`` —, its Monday) of ``day``."""
    monday = day - timedelta(days=day.weekday())
    return year.week_of(day), monday


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    start = datetime.combine(monday, time(0), tzinfo=clock.VN_TZ)
    return start, start + timedelta(days=7)


def _column_labels(school_class: SchoolClass, subjects, terms) -> dict[tuple[int, int, str], str]:
    """(subject, term, column key) → the rule set's label of the column ("TX1" → its label)."""
    from hoso.gradebook.entry.columns import ruleset_code, sheet_columns

    out = {}
    try:
        code = ruleset_code(school_class.year, school_class.grade.level, school_class.grade.number)
    except Exception:  # a year without a rule set: the keys are shown as they are
        return out
    for subject in subjects:
        for term in terms:
            try:
                columns = sheet_columns(
                    subject=subject, offering=None, term=term, ruleset=code, last_regular=12
                )
            except Exception:
                continue
            for c in columns:
                out[(subject.pk, term.pk, c.key)] = c.label
    return out


@dataclass
class PublishedCells:
    terms: set[int]  # terms whose result period the principal approved: every cell
    columns: set[tuple[int, int, str]]  # (subject, term, column) finalised, in "columns" mode


def published_terms(school_class: SchoolClass) -> PublishedCells:
    """What of the class's grade book the school publishes to parents (its setting on the
    child's page, ``parents.child``): the weekly draft never says more than the child's page."""
    from hoso.gradebook.entry.models import SheetColumn
    from hoso.gradebook.results.models import ClassResult
    from hoso.organisation.models import Term
    from hoso.parents.child.models import PublicationSettings
    from hoso.parents.child.selectors import publication_settings

    approved = set(
        ClassResult.objects.filter(
            school_class=school_class, state=ClassResult.State.APPROVED
        ).values_list("period", flat=True)
    )
    terms = {
        pk
        for pk, number in Term.objects.filter(year_id=school_class.year_id).values_list(
            "pk", "number"
        )
        if f"term{number}" in approved or "year" in approved
    }
    columns: set[tuple[int, int, str]] = set()
    if publication_settings(school_class.year.school_id).mode == PublicationSettings.Mode.COLUMNS:
        columns = set(
            SheetColumn.objects.filter(
                school_class=school_class, finalised_at__isnull=False
            ).values_list("subject_id", "term_id", "column")
        )
    return PublishedCells(terms=terms, columns=columns)


def week_prefill(school_class: SchoolClass, monday: date, student_ids) -> dict[int, str]:
    """Student id → a draft of its part of the weekly news: the scores entered or changed that
    week (subject, column, value), its absences (day, session, excused or not), and the subject
    comments written that week — of those, only what the school publishes to parents
    (``published_terms``). The teacher edits it before sending."""
    from hoso.attendance.models import AttendanceMark, Excuse, Status
    from hoso.gradebook.comments.models import SubjectComment
    from hoso.gradebook.entry.models import Assessment

    student_ids = list(student_ids)
    start, end = week_bounds(monday)
    lines: dict[int, list[str]] = {pk: [] for pk in student_ids}
    published = published_terms(school_class)
    scores = [
        a
        for a in Assessment.objects.filter(
            school_class=school_class,
            student_id__in=student_ids,
            updated_at__gte=start,
            updated_at__lt=end,
        )
        .exclude(value="")
        .select_related("subject", "term")
        .order_by("subject__name", "term__number", "column")
        if a.term_id in published.terms or (a.subject_id, a.term_id, a.column) in published.columns
    ]
    labels = (
        _column_labels(school_class, {a.subject for a in scores}, {a.term for a in scores})
        if scores
        else {}
    )
    by_student: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for a in scores:
        label = labels.get((a.subject_id, a.term_id, a.column), a.column)
        value = a.value.replace(".", ",")  # 8,5 as Vietnamese write it
        by_student[a.student_id].setdefault(a.subject.name, []).append(f"{label}: {value}")
    for pk, subjects in by_student.items():
        lines[pk].append(
            "Điểm mới trong tuần: "
            + "; ".join(f"{name} — {', '.join(values)}" for name, values in subjects.items())
            + "."
        )
    marks = AttendanceMark.objects.filter(
        student_id__in=student_ids,
        date__gte=monday,
        date__lt=monday + timedelta(days=7),
        period=0,
    ).order_by("date", "session")
    absences: dict[int, list[str]] = defaultdict(list)
    for m in marks:
        what = in_sentence(m.get_status_display())
        if m.status == Status.ABSENT:
            what += {
                Excuse.EXCUSED: " có phép",
                Excuse.UNEXCUSED: " không phép",
            }.get(m.excuse, " (chưa xác nhận phép)")
        absences[m.student_id].append(
            f"{WEEKDAYS[m.date.weekday()]} {m.date:%d/%m}, buổi {in_sentence(m.get_session_display())}: "
            f"{what}"
        )
    for pk, items in absences.items():
        lines[pk].append("Chuyên cần: " + "; ".join(items) + ".")
    comments = SubjectComment.objects.filter(
        student_id__in=student_ids, updated_at__gte=start, updated_at__lt=end
    ).select_related("subject")
    for c in comments.order_by("subject__name"):
        if c.term_id not in published.terms:  # a term comment reaches parents with its period
            continue
        lines[c.student_id].append(f"Nhận xét môn {c.subject.name}: {c.text}")
    return {
        pk: "\n".join(items) if items else "Tuần này con đi học đầy đủ, chưa có điểm mới."
        for pk, items in lines.items()
    }


# --- lists --------------------------------------------------------------------------------------


def news_of_classes(actor: Actor):
    """The weekly news the actor writes (its homeroom classes) or reads (leaders: sent ones)."""
    qs = WeeklyNews.objects.filter(school_id=actor.school_id).select_related("school_class")
    mine = Q(school_class_id__in=actor.homeroom_class_ids)
    if actor.staff is not None and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        mine |= Q(state=WeeklyNews.State.SENT)
    return qs.filter(mine).annotate(
        letter_count=Count("letters", distinct=True),
        addressed=Count("letters__receipts", distinct=True),
        read=Count("letters__receipts", filter=Q(letters__receipts__read_at__isnull=False)),
    )


def news_read_counts(news: WeeklyNews) -> tuple[int, int]:
    """(read, addressed) of a sent news, over all its letters' receipts."""
    qs = LetterReceipt.objects.filter(letter__news=news)
    return qs.filter(read_at__isnull=False).count(), qs.count()


def letters_with_receipts(news: WeeklyNews) -> list[WeeklyLetter]:
    letters = list(news.letters.select_related("student").prefetch_related("receipts__user").all())
    return letters


def notices_sent(actor: Actor, *, limit: int = 100) -> list[Notice]:
    """The notices the actor sent (the school's senders: all of the school), newest first,
    each with its ``read`` count (one query)."""
    if actor.staff is None or not (is_school_sender(actor) or teacher_class_ids(actor)):
        return []
    qs = Notice.objects.filter(school_id=actor.school_id).select_related(
        "school_class", "grade", "sender"
    )
    if not is_school_sender(actor):
        qs = qs.filter(sender=actor.user)
    return list(
        qs.annotate(read=Count("receipts", filter=Q(receipts__read_at__isnull=False)))[:limit]
    )


def notices_received(actor: Actor, *, limit: int = 100) -> list[Notice]:
    """The notices addressed to the actor (as a guardian), with ``my_read_at`` (one query)."""
    mine = NoticeReceipt.objects.filter(notice=OuterRef("pk"), user=actor.user)
    return list(
        Notice.objects.filter(school_id=actor.school_id)
        .filter(Exists(mine))
        .select_related("school_class", "grade", "sender")
        .annotate(my_read_at=Subquery(mine.values("read_at")[:1]))[:limit]
    )


def notice_receipts(notice: Notice) -> tuple[list[NoticeReceipt], list[NoticeReceipt]]:
    """(read, not read) receipts of a notice, by name."""
    rows = list(notice.receipts.select_related("user").order_by("user__display_name"))
    return [r for r in rows if r.read_at], [r for r in rows if not r.read_at]


@dataclass
class InboxRow:
    thread: Thread
    unread: int
    other_name: str
    last_text: str


def inbox(actor: Actor, *, limit: int = 100) -> list[InboxRow]:
    """The actor's threads, newest first, each with its count of unread messages (written by the
    other party after the actor's last reading) and the start of the last message: one query."""
    threads = threads_of(actor)
    me = actor.user.pk
    unread_parent = Count(
        "messages",
        filter=~Q(messages__author_id=me)
        & (Q(parent_read_at__isnull=True) | Q(messages__sent_at__gt=F("parent_read_at"))),
    )
    unread_staff = Count(
        "messages",
        filter=~Q(messages__author_id=me)
        & (Q(staff_read_at__isnull=True) | Q(messages__sent_at__gt=F("staff_read_at"))),
    )
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-sent_at", "-pk")
    rows = list(
        threads.select_related("parent", "staff", "student")
        .annotate(
            unread_as_parent=unread_parent,
            unread_as_staff=unread_staff,
            last_text=Subquery(last.values("body")[:1]),
        )
        .order_by("-last_message_at", "-pk")[:limit]
    )
    out = []
    for t in rows:
        as_parent = t.parent_id == me
        out.append(
            InboxRow(
                thread=t,
                unread=t.unread_as_parent if as_parent else t.unread_as_staff,
                other_name=t.staff.full_name if as_parent else t.parent.display_name,
                last_text=(t.last_text or "")[:120],
            )
        )
    return out


def unread_threads(actor: Actor) -> int:
    """How many of the actor's threads have a message it has not read (one query)."""
    me = actor.user.pk
    qs = threads_of(actor).filter(
        Exists(
            Message.objects.filter(thread=OuterRef("pk"))
            .exclude(author_id=me)
            .filter(
                Q(thread__parent_id=me)
                & (
                    Q(thread__parent_read_at__isnull=True)
                    | Q(sent_at__gt=OuterRef("parent_read_at"))
                )
                | ~Q(thread__parent_id=me)
                & (Q(thread__staff_read_at__isnull=True) | Q(sent_at__gt=OuterRef("staff_read_at")))
            )
        )
    )
    return qs.count()


def thread_messages(thread: Thread, *, limit: int = 200) -> list[Message]:
    rows = list(thread.messages.select_related("author").order_by("-sent_at", "-pk")[:limit])
    rows.reverse()
    return rows


@dataclass
class FeedItem:
    kind: str  # news | notice | meeting
    title: str
    when: datetime
    url: str
    unread: bool
    urgent: bool = False
    detail: str = ""


def parent_feed(actor: Actor, *, limit: int = 30) -> list[FeedItem]:
    """What the school sent this parent, newest first (letters, notices, meetings): three
    queries whatever the number of items."""
    from django.urls import reverse

    items: list[FeedItem] = []
    for r in (
        LetterReceipt.objects.filter(user=actor.user, letter__news__school_id=actor.school_id)
        .select_related("letter__news__school_class", "letter__student")
        .order_by("-letter__news__sent_at")[:limit]
    ):
        news = r.letter.news
        items.append(
            FeedItem(
                "news",
                f"Bản tin tuần {news.week_label}",
                news.sent_at,
                reverse("parents:letter", args=[r.letter_id]),
                r.read_at is None,
                detail=f"{r.letter.student.full_name}, lớp {news.school_class.name}",
            )
        )
    for r in (
        NoticeReceipt.objects.filter(user=actor.user, notice__school_id=actor.school_id)
        .select_related("notice")
        .order_by("-notice__sent_at")[:limit]
    ):
        items.append(
            FeedItem(
                "notice",
                r.notice.title,
                r.notice.sent_at,
                reverse("parents:notice", args=[r.notice_id]),
                r.read_at is None,
                urgent=r.notice.urgent,
                detail=r.notice.sender_label,
            )
        )
    for r in (
        MeetingReply.objects.filter(user=actor.user, meeting__school_id=actor.school_id)
        .select_related("meeting__school_class")
        .order_by("-meeting__starts_at")[:limit]
    ):
        m = r.meeting
        items.append(
            FeedItem(
                "meeting",
                f"Mời họp: {m.title}",
                m.created_at,
                reverse("parents:meeting", args=[r.meeting_id]),
                r.read_at is None and not r.answer,
                detail=f"{m.starts_at.astimezone(clock.VN_TZ):%H:%M %d/%m/%Y}, {m.place}",
            )
        )
    items.sort(key=lambda i: i.when, reverse=True)
    return items[:limit]


def parent_unread(actor: Actor) -> int:
    """Unread letters, notices and unanswered invitations of a parent (for the home page)."""
    return (
        LetterReceipt.objects.filter(user=actor.user, read_at__isnull=True).count()
        + NoticeReceipt.objects.filter(user=actor.user, read_at__isnull=True).count()
        + MeetingReply.objects.filter(
            user=actor.user, answer="", meeting__starts_at__gte=clock.now()
        ).count()
    )


def meetings_for_staff(actor: Actor):
    qs = Meeting.objects.filter(school_id=actor.school_id).select_related("school_class")
    if not (actor.staff is not None and actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)):
        qs = qs.filter(school_class_id__in=actor.homeroom_class_ids)
    return qs.annotate(
        invited=Count("replies", distinct=True),
        yes=Count("replies", filter=Q(replies__answer="yes"), distinct=True),
        no=Count("replies", filter=Q(replies__answer="no"), distinct=True),
    )


def contact_book_link(actor: Actor) -> dict:
    """The parent's home link to the contact book's news and messages, with what is new."""
    from django.urls import reverse

    new = parent_unread(actor) + unread_threads(actor)
    label = "Sổ liên lạc: bản tin, thông báo, tin nhắn"
    return {
        "label": f"{label} ({new} mới)" if new else label,
        "url": reverse("parents:messages_home"),
    }
