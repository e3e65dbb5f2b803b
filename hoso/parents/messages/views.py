"""Doors of the contact book's news and messages: parse → access → action/selector → render.

Pages never write on GET: a read receipt is a POST the page sends when it is shown (htmx,
``hx-trigger="load"``), with a button for browsers without JavaScript."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import return_on_error
from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.organisation.models import GradeLevel, SchoolClass
from hoso.parents.messages import actions, policies, selectors
from hoso.parents.messages.models import (
    MESSAGE_MAX,
    MeetingReply,
    NoticeScope,
    WeeklyNews,
)
from hoso.students.models import Student


def _school(actor) -> None:
    if actor.school is None or actor.year is None:
        raise Http404("Không tìm thấy.")


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _read_ok(request, url: str) -> HttpResponse:
    """The answer to a read receipt: a short note for htmx, else back to the page."""
    if request.headers.get("HX-Request"):
        return HttpResponse('<span class="muted" data-testid="marked-read">Đã đọc.</span>')
    return redirect(url)


# --- the hub ------------------------------------------------------------------------------------


@login_required
def messages_home(request):
    """Sổ liên lạc — tin tức và tin nhắn: for a parent, what the school sent it; for staff, the
    doors to what it may write."""
    actor = request.actor
    _school(actor)
    is_staff = policies.is_staff_party(actor) or policies.is_school_sender(actor)
    if not actor.child_ids and not is_staff:
        raise not_found(actor, "sổ liên lạc")
    return render(
        request,
        "parents/messages/home.html",
        {
            "feed": selectors.parent_feed(actor) if actor.child_ids else [],
            "is_parent": bool(actor.child_ids),
            "is_staff": is_staff,
            "writes_news": bool(actor.homeroom_class_ids),
            "sends_notices": policies.can_send_notice(actor),
            "unread_threads": selectors.unread_threads(actor),
            "homeroom": bool(actor.homeroom_class_ids) or policies.can_read_all_news(actor),
        },
    )


# --- weekly news ----------------------------------------------------------------------------------


@login_required
def news_list(request):
    actor = request.actor
    _school(actor)
    if not actor.homeroom_class_ids and not policies.can_read_all_news(actor):
        raise not_found(actor, "bản tin tuần")
    number, monday = selectors.school_week(actor.year, clock.today())
    classes = list(SchoolClass.objects.filter(pk__in=actor.homeroom_class_ids).order_by("name"))
    return render(
        request,
        "parents/messages/news_list.html",
        {
            "classes": classes,
            "monday": monday,
            "week_number": number,
            "news": list(selectors.news_of_classes(actor)[:100]),
        },
    )


@login_required
def news_edit(request, class_id: int, week: str):
    """The draft of a class's weekly news: pre-filled from the week's data, edited, saved,
    previewed, sent."""
    actor = request.actor
    _school(actor)
    if not policies.can_write_news(actor, class_id):
        raise not_found(actor, f"bản tin tuần lớp #{class_id}")
    school_class = SchoolClass.objects.select_related("year", "grade").get(pk=class_id)
    try:
        day = date.fromisoformat(week)
    except ValueError:
        raise not_found(actor, "tuần") from None
    number, monday = selectors.school_week(school_class.year, day)
    if number is None:
        raise not_found(actor, "tuần ngoài năm học")
    news = WeeklyNews.objects.filter(school_class=school_class, week_start=monday).first()
    if news is not None and news.state == WeeklyNews.State.SENT:
        return redirect("parents:news_detail", news_id=news.pk)
    enrolments = list(selectors.studying(year=school_class.year, school_class=school_class))
    enrolments.sort(key=lambda e: e.student.sort_name)
    saved = {letter.student_id: letter.child_text for letter in news.letters.all()} if news else {}
    prefill = selectors.week_prefill(school_class, monday, [e.student_id for e in enrolments])
    common = news.common_text if news else ""
    texts = {e.student_id: saved.get(e.student_id, prefill[e.student_id]) for e in enrolments}
    error = None
    if request.method == "POST":
        common = request.POST.get("common", "")
        texts = {e.student_id: request.POST.get(f"s-{e.student_id}", "") for e in enrolments}
        try:
            news = actions.weekly_news_save(
                actor=actor,
                school_class=school_class,
                week_start=monday,
                common_text=common,
                child_texts=texts,
            )
        except DomainError as exc:
            error = exc.message
        else:
            if request.POST.get("then") == "send":
                return_on_error(request, reverse("parents:news_detail", args=[news.pk]))
                actions.weekly_news_send(actor=actor, news=news)
                messages.success(request, "Đã gửi bản tin tuần cho phụ huynh.")
                return redirect("parents:news_detail", news_id=news.pk)
            messages.success(request, "Đã lưu bản nháp. Xem trước rồi gửi.")
            return redirect("parents:news_detail", news_id=news.pk)
    rows = [
        {"student": e.student, "text": texts[e.student_id], "prefill": prefill[e.student_id]}
        for e in enrolments
    ]
    return render(
        request,
        "parents/messages/news_edit.html",
        {
            "school_class": school_class,
            "monday": monday,
            "week_number": number,
            "common": common,
            "rows": rows,
            "error": error,
            "news": news,
        },
    )


@login_required
def news_detail(request, news_id: int):
    """The preview of a draft (each letter as its parents will read it) or the sent news with
    its read receipts."""
    actor = request.actor
    news = policies.access_news(actor, news_id)
    letters = selectors.letters_with_receipts(news)
    read, addressed = selectors.news_read_counts(news)
    return render(
        request,
        "parents/messages/news_detail.html",
        {
            "news": news,
            "letters": letters,
            "read": read,
            "addressed": addressed,
            "can_send": news.state == WeeklyNews.State.DRAFT
            and policies.can_write_news(actor, news.school_class_id),
        },
    )


@login_required
@require_POST
def news_send(request, news_id: int):
    actor = request.actor
    news = policies.access_news(actor, news_id, write=True)
    return_on_error(request, reverse("parents:news_detail", args=[news.pk]))
    actions.weekly_news_send(actor=actor, news=news)
    messages.success(request, "Đã gửi bản tin tuần cho phụ huynh.")
    return redirect("parents:news_detail", news_id=news.pk)


@login_required
def letter(request, letter_id: int):
    actor = request.actor
    found = policies.access_letter(actor, letter_id)
    receipt = found.receipts.filter(user=actor.user).first()
    return render(
        request,
        "parents/messages/letter.html",
        {"letter": found, "news": found.news, "receipt": receipt},
    )


@login_required
@require_POST
def letter_read(request, letter_id: int):
    actor = request.actor
    found = policies.access_letter(actor, letter_id)
    actions.letter_mark_read(actor=actor, letter=found)
    return _read_ok(request, reverse("parents:letter", args=[found.pk]))


# --- notices ------------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    scope = forms.ChoiceField(label="Gửi đến", choices=NoticeScope.choices)
    school_class = forms.TypedChoiceField(label="Lớp", coerce=int, required=False)
    grade = forms.TypedChoiceField(label="Khối", coerce=int, required=False)
    title = forms.CharField(label="Tiêu đề", max_length=200)
    body = forms.CharField(label="Nội dung", widget=forms.Textarea({"rows": 6}), max_length=5000)
    urgent = forms.BooleanField(label="Khẩn (sự việc đột xuất)", required=False)
    attachment = forms.FileField(
        label="Tệp đính kèm (PDF, Word, Excel, ảnh; tối đa 10 MB)", required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        classes = SchoolClass.objects.filter(year=actor.year).order_by("name")
        if not policies.is_school_sender(actor):
            classes = classes.filter(pk__in=policies.teacher_class_ids(actor))
            self.fields["scope"].choices = [(NoticeScope.CLASS, NoticeScope.CLASS.label)]
            del self.fields["grade"]
        else:
            self.fields["grade"].choices = [("", "—")] + [
                (g.pk, f"Khối {g.number}")
                for g in GradeLevel.objects.filter(school_id=actor.school_id)
            ]
        self.fields["school_class"].choices = [("", "—")] + [(c.pk, c.name) for c in classes]


@login_required
def notices(request):
    actor = request.actor
    _school(actor)
    if not actor.child_ids and not policies.can_send_notice(actor):
        raise not_found(actor, "thông báo")
    return render(
        request,
        "parents/messages/notices.html",
        {
            "sent": selectors.notices_sent(actor),
            "received": selectors.notices_received(actor) if actor.child_ids else [],
            "can_send": policies.can_send_notice(actor),
        },
    )


@login_required
def notice_new(request):
    actor = request.actor
    _school(actor)
    if not policies.can_send_notice(actor):
        raise not_found(actor, "gửi thông báo")
    form = NoticeForm(request.POST or None, request.FILES or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            notice = actions.notice_send(
                actor=actor,
                scope=d["scope"],
                class_id=d.get("school_class") or None,
                grade_id=d.get("grade") or None,
                title=d["title"],
                body=d["body"],
                urgent=d["urgent"],
                attachment=d.get("attachment"),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"Đã gửi thông báo đến {notice.recipient_count} phụ huynh.")
            return redirect("parents:notice", notice_id=notice.pk)
    return render(request, "parents/messages/notice_new.html", {"form": form})


@login_required
def notice(request, notice_id: int):
    actor = request.actor
    found = policies.access_notice(actor, notice_id)
    sender_view = actor.staff is not None and policies.sees_notice_counts(actor, found)
    read = unread = []
    if sender_view:
        read, unread = selectors.notice_receipts(found)
    receipt = None if sender_view else found.receipts.filter(user=actor.user).first()
    return render(
        request,
        "parents/messages/notice.html",
        {
            "notice": found,
            "sender_view": sender_view,
            "read": read,
            "unread": unread,
            "receipt": receipt,
        },
    )


@login_required
@require_POST
def notice_read(request, notice_id: int):
    actor = request.actor
    found = policies.access_notice(actor, notice_id)
    actions.notice_mark_read(actor=actor, notice=found)
    return _read_ok(request, reverse("parents:notice", args=[found.pk]))


@login_required
def notice_file(request, notice_id: int):
    """The attachment, for the people who may see the notice (never a public media URL)."""
    actor = request.actor
    found = policies.access_notice(actor, notice_id)
    if not found.attachment:
        raise Http404("Không tìm thấy.")
    try:
        handle = found.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("Tệp đính kèm không còn trên máy chủ.") from None
    inline = found.attachment_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        handle,
        content_type=found.attachment_type or "application/octet-stream",
        filename=found.attachment_name,
        as_attachment=not inline,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- threads ------------------------------------------------------------------------------------


@login_required
def inbox(request):
    actor = request.actor
    _school(actor)
    if not actor.child_ids and not policies.is_staff_party(actor):
        raise not_found(actor, "tin nhắn")
    rows = selectors.inbox(actor)
    return render(
        request,
        "parents/messages/inbox.html",
        {"rows": rows, "unread_total": sum(1 for r in rows if r.unread)},
    )


@login_required
def thread_new(request):
    """Start (or reopen) a conversation: a parent picks a child and one of its teachers; a
    teacher picks a student of its classes and one of its parents."""
    actor = request.actor
    _school(actor)
    is_parent = bool(actor.child_ids)
    if not is_parent and not policies.is_staff_party(actor):
        raise not_found(actor, "tin nhắn")
    error = None
    body = request.POST.get("body", "")
    if request.method == "POST":
        student_id = _int(request.POST.get("student"))
        try:
            if is_parent and student_id in actor.child_ids:
                thread = actions.thread_open(
                    actor=actor, student_id=student_id, staff_id=_int(request.POST.get("staff"))
                )
            else:
                thread = actions.thread_open(
                    actor=actor,
                    student_id=student_id or 0,
                    parent_id=_int(request.POST.get("parent")),
                )
            actions.message_send(actor=actor, thread=thread, body=body)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã gửi tin nhắn.")
            return redirect("parents:thread", thread_id=thread.pk)
    choices = []
    if is_parent:
        for s in Student.objects.filter(pk__in=actor.child_ids).order_by("sort_name"):
            choices.append(
                {
                    "student": s,
                    "people": [
                        (c.staff.pk, f"{c.staff.full_name} — {c.role}")
                        for c in selectors.contacts_for_child(actor, s.pk)
                    ],
                }
            )
    else:
        enrolments = selectors.writable_students(actor)
        users = selectors.guardian_users(e.student_id for e in enrolments)
        for e in enrolments:
            choices.append(
                {
                    "student": e.student,
                    "class_name": e.school_class.name,
                    "people": [(u.pk, u.display_name) for u in users.get(e.student_id, [])],
                }
            )
    selected_student = _int(request.POST.get("student") or request.GET.get("hoc-sinh"))
    return render(
        request,
        "parents/messages/thread_new.html",
        {
            "is_parent": is_parent,
            "choices": choices,
            "selected_student": selected_student,
            "selected_person": _int(request.POST.get("staff") or request.POST.get("parent")),
            "body": body,
            "error": error,
            "max_length": MESSAGE_MAX,
        },
    )


@login_required
def thread(request, thread_id: int):
    actor = request.actor
    found = policies.access_thread(actor, thread_id)
    body = ""
    error = None
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            actions.message_send(actor=actor, thread=found, body=body)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("parents:thread", thread_id=found.pk)
    is_parent = policies.is_parent_side(actor, found)
    return render(
        request,
        "parents/messages/thread.html",
        {
            "thread": found,
            "is_parent": is_parent,
            "other_name": found.staff.full_name if is_parent else found.parent.display_name,
            "rows": selectors.thread_messages(found),
            "other_read_at": found.staff_read_at if is_parent else found.parent_read_at,
            "body": body,
            "error": error,
            "max_length": MESSAGE_MAX,
        },
    )


@login_required
@require_POST
def thread_read(request, thread_id: int):
    actor = request.actor
    found = policies.access_thread(actor, thread_id)
    actions.thread_mark_read(actor=actor, thread=found)
    return _read_ok(request, reverse("parents:thread", args=[found.pk]))


# --- meetings -----------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    school_class = forms.TypedChoiceField(label="Lớp", coerce=int)
    title = forms.CharField(label="Nội dung cuộc họp", max_length=200)
    starts_at = forms.DateTimeField(
        label="Thời gian",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    place = forms.CharField(label="Địa điểm", max_length=200)
    note = forms.CharField(
        label="Ghi chú", required=False, widget=forms.Textarea({"rows": 3}), max_length=5000
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        classes = SchoolClass.objects.filter(year=actor.year).order_by("name")
        if not actor.has(*policies.LEADERS):
            classes = classes.filter(pk__in=actor.homeroom_class_ids)
        self.fields["school_class"].choices = [(c.pk, c.name) for c in classes]


@login_required
def meetings(request):
    actor = request.actor
    _school(actor)
    organiser = bool(actor.homeroom_class_ids) or (
        actor.staff is not None and actor.has(*policies.LEADERS)
    )
    if not organiser and not actor.child_ids:
        raise not_found(actor, "họp phụ huynh")
    mine = []
    if actor.child_ids:
        mine = list(
            MeetingReply.objects.filter(user=actor.user, meeting__school_id=actor.school_id)
            .select_related("meeting__school_class")
            .order_by("-meeting__starts_at")[:50]
        )
    return render(
        request,
        "parents/messages/meetings.html",
        {
            "organiser": organiser,
            "meetings": list(selectors.meetings_for_staff(actor)[:100]) if organiser else [],
            "mine": mine,
        },
    )


@login_required
def meeting_new(request):
    actor = request.actor
    _school(actor)
    if not actor.homeroom_class_ids and not (
        actor.staff is not None and actor.has(*policies.LEADERS)
    ):
        raise not_found(actor, "mời họp phụ huynh")
    form = MeetingForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        school_class = SchoolClass.objects.select_related("year").get(pk=d["school_class"])
        try:
            meeting = actions.meeting_create(
                actor=actor,
                school_class=school_class,
                title=d["title"],
                starts_at=d["starts_at"],
                place=d["place"],
                note=d["note"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Đã gửi giấy mời họp cho phụ huynh.")
            return redirect("parents:meeting", meeting_id=meeting.pk)
    return render(request, "parents/messages/meeting_new.html", {"form": form})


@login_required
def meeting(request, meeting_id: int):
    actor = request.actor
    found, reply = policies.access_meeting(actor, meeting_id)
    error = None
    if request.method == "POST":
        if reply is None:
            raise not_found(actor, f"trả lời cuộc họp #{meeting_id}")
        try:
            actions.meeting_reply(
                actor=actor,
                reply=reply,
                answer=request.POST.get("answer", ""),
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã gửi trả lời cho giáo viên chủ nhiệm.")
            return redirect("parents:meeting", meeting_id=found.pk)
    replies = []
    if reply is None:
        replies = list(found.replies.select_related("user").order_by("answer", "children"))
    return render(
        request,
        "parents/messages/meeting.html",
        {
            "meeting": found,
            "reply": reply,
            "replies": replies,
            "error": error,
            "counts": {
                "yes": sum(1 for r in replies if r.answer == "yes"),
                "no": sum(1 for r in replies if r.answer == "no"),
                "none": sum(1 for r in replies if not r.answer),
            },
        },
    )
