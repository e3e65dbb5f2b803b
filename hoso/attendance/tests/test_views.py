"""The pages: the roll (GET/POST), the month, requests, leave, the child's page, settings —
scope by role (404 out of scope), forms that keep what was typed."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hoso.attendance import actions
from hoso.attendance.models import (
    AttendanceChangeRequest,
    AttendanceMark,
    AttendanceRoll,
    AttendanceSettings,
    LeaveRequest,
)
from hoso.core.clock import VN_TZ
from hoso.students.models import Enrolment
from hoso.testing.factories import SMALL_SCHOOL_ROLES, make_student

pytestmark = pytest.mark.django_db
SEES_ROLL_A = {"principal", "vice", "homeroom", "subject", "admin", "clerk", "inspector"}


@pytest.mark.parametrize("role", SMALL_SCHOOL_ROLES)
def test_roll_page_scope(client, world, role):
    client.force_login(world.users[role])
    page = client.get(reverse("attendance:roll", args=[world.class_a.pk]))
    assert page.status_code == (200 if role in SEES_ROLL_A else 404), role
    month = client.get(reverse("attendance:month", args=[world.class_a.pk, "2026-11"]))
    assert month.status_code == page.status_code, role


def test_homeroom_takes_the_roll_without_javascript(client, world):
    w = world
    other = make_student(w.school, w.class_a, "Trần Văn Bình")
    client.force_login(w.users["homeroom"])
    url = reverse("attendance:roll", args=[w.class_a.pk])
    page = client.get(url)
    html = page.content.decode()
    # Today (Friday 20/11), the morning (09:00), everyone present, a select per student.
    assert "20/11/2026" in html and "Chưa điểm danh buổi này." in html
    assert html.index("Nguyễn Văn An") < html.index("Trần Văn Bình")
    assert f'name="s-{w.student_a.pk}"' in html and "data-roll-cycle" in html
    response = client.post(
        url,
        {
            "ngay": "2026-11-20",
            "buoi": "morning",
            "tiet": "0",
            f"s-{w.student_a.pk}": "absent",
            f"s-{other.pk}": "present",
        },
    )
    assert response.status_code == 302
    mark = AttendanceMark.objects.get()
    assert (mark.student_id, mark.status) == (w.student_a.pk, "absent")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Đã lưu điểm danh lớp 6A1" in html
    assert "Đã điểm danh: Đỗ Thị Lan" in html
    assert 'data-status="absent"' in html


def test_a_student_who_left_is_struck_through_and_not_marked(client, world):
    w = world
    Enrolment.objects.filter(student=w.student_a).update(
        status="transferred_out", end_date=date(2026, 11, 10)
    )
    client.force_login(w.users["homeroom"])
    html = client.get(reverse("attendance:roll", args=[w.class_a.pk])).content.decode()
    assert "<s>Nguyễn Văn An</s>" in html and f'name="s-{w.student_a.pk}"' not in html


def test_a_post_with_a_bad_status_shows_the_message(client, world):
    w = world
    client.force_login(w.users["homeroom"])
    url = reverse("attendance:roll", args=[w.class_a.pk])
    response = client.post(
        url, {"ngay": "2026-11-20", "buoi": "morning", f"s-{w.student_a.pk}": "asleep"}, follow=True
    )
    assert "không hợp lệ" in response.content.decode()
    assert not AttendanceRoll.objects.exists()


def test_subject_teacher_sees_the_session_read_only_and_takes_its_period(client, world):
    w = world
    client.force_login(w.users["subject"])
    url = reverse("attendance:roll", args=[w.class_a.pk])
    page = client.get(url + "?tiet=0")
    assert "Lưu điểm danh" not in page.content.decode()
    assert (
        client.post(url, {"ngay": "2026-11-20", "buoi": "morning", "tiet": "0"}).status_code == 403
    )
    html = client.get(url).content.decode()  # default: its own period
    assert "Lưu điểm danh" in html and "Toán" in html and "Ngữ văn" not in html
    from hoso.organisation.models import SubjectOffering

    math = SubjectOffering.objects.get(subject=w.math, grade=w.class_a.grade)
    response = client.post(
        url,
        {
            "ngay": "2026-11-20",
            "buoi": "morning",
            "tiet": "3",
            "mon": str(math.pk),
            f"s-{w.student_a.pk}": "late",
        },
    )
    assert response.status_code == 302
    roll = AttendanceRoll.objects.get()
    assert (roll.period, roll.offering_id) == (3, math.pk)


def test_month_page_confirm_all_pending_then_closed(client, world):
    w = world
    with time_machine.travel(datetime(2026, 11, 3, 9, tzinfo=VN_TZ), tick=False):
        actions.take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=date(2026, 10, 14),
            session="morning",
            marks={w.student_a.id: "absent"},
        )
        client.force_login(w.users["homeroom"])
        url = reverse("attendance:month", args=[w.class_a.pk, "2026-10"])
        html = client.get(url).content.decode()
        assert "Tất cả 1 lượt chưa xác nhận" in html and ">?<" in html
        assert client.post(url, {"all_pending": "1"}).status_code == 302
        assert AttendanceMark.objects.get().letter == "P"
    # After the window (today 20/11) the month is closed: the page offers a change request.
    client.force_login(w.users["homeroom"])  # a new session: the old one is idle since 3/11
    html = client.get(url).content.decode()
    assert "Tháng đã chốt" in html and "Gửi đề nghị sửa điểm danh" in html
    mark = AttendanceMark.objects.get()
    response = client.post(url, {f"m-{mark.pk}": "unexcused"}, follow=True)
    assert "đã chốt" in response.content.decode()
    assert AttendanceMark.objects.get().letter == "P"


def test_change_request_pages(client, world):
    w = world
    with time_machine.travel(datetime(2026, 10, 15, 9, tzinfo=VN_TZ), tick=False):
        actions.take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=date(2026, 10, 14),
            session="morning",
            marks={w.student_a.id: "absent"},
        )
    client.force_login(w.users["homeroom"])
    url = reverse("attendance:request_new", args=[w.class_a.pk])
    response = client.post(
        url,
        {
            "student": w.student_a.pk,
            "date": "2026-10-14",
            "session": "morning",
            "status": "absent",
            "excuse": "excused",
            "reason": "",
        },
    )
    assert response.status_code == 200 and "This field" not in response.content.decode()
    response = client.post(
        url,
        {
            "student": w.student_a.pk,
            "date": "2026-10-14",
            "session": "morning",
            "status": "absent",
            "excuse": "excused",
            "reason": "Giấy khám bệnh",
        },
    )
    assert response.status_code == 302
    client.force_login(w.users["principal"])
    lst = client.get(reverse("attendance:requests")).content.decode()
    assert "Giấy khám bệnh" in lst and "Đồng ý" in lst
    assert "Vắng chưa xác nhận → <strong>Vắng có phép (P)</strong>" in lst
    req_id = AttendanceChangeRequest.objects.get().pk
    client.post(reverse("attendance:request_act", args=[req_id, "dong-y"]))
    client.force_login(w.users["admin"])
    client.post(reverse("attendance:request_act", args=[req_id, "cap-nhat"]))
    assert AttendanceMark.objects.get().letter == "P"
    client.force_login(w.users["subject"])
    assert client.get(reverse("attendance:requests")).status_code == 404


def test_parent_files_leave_and_sees_its_child(client, world):
    w = world
    client.force_login(w.users["parent"])
    url = reverse("attendance:leave_list")
    bad = client.post(
        url,
        {
            "student": w.student_a.pk,
            "start": "2026-11-23",
            "end": "2026-11-20",
            "sessions": ["morning"],
            "reason": "Ốm",
        },
    )
    html = bad.content.decode()
    assert "Ngày kết thúc phải sau ngày bắt đầu." in html and "Ốm" in html
    ok = client.post(
        url,
        {
            "student": w.student_a.pk,
            "start": "2026-11-20",
            "end": "2026-11-20",
            "sessions": ["morning"],
            "reason": "Ốm",
        },
    )
    assert ok.status_code == 302
    assert LeaveRequest.objects.get().state == "sent"
    child = client.get(reverse("attendance:child", args=[w.student_a.pk])).content.decode()
    assert "Có phép (P)" in child and "chưa xác nhận: 0" in child
    assert client.get(reverse("attendance:child", args=[w.student_b.pk])).status_code == 404
    assert client.get(reverse("attendance:roll", args=[w.class_a.pk])).status_code == 404
    client.force_login(w.users["homeroom"])
    html = client.get(url).content.decode()
    assert "Ốm" in html and "Xác nhận" in html
    req = LeaveRequest.objects.get()
    client.post(reverse("attendance:leave_act", args=[req.pk, "xac-nhan"]))
    req.refresh_from_db()
    assert req.state == "accepted"


def test_settings_form_keeps_what_was_typed(client, world):
    w = world
    client.force_login(w.users["homeroom"])
    assert client.get(reverse("attendance:settings")).status_code == 404
    client.force_login(w.users["principal"])
    url = reverse("attendance:settings")
    data = {
        "confirm_from": "9",
        "confirm_until": "3",
        "main_session": "morning",
        "counted_sessions": "main",
        "warn_from": "27",
        "weekdays": ["0", "1", "2", "3", "4"],
        "source": "daily",
    }
    html = client.post(url, data).content.decode()
    assert "Ngày kết thúc phải không trước ngày bắt đầu." in html and 'value="27"' in html
    assert not AttendanceSettings.objects.exists()
    assert client.post(url, {**data, "confirm_from": "1"}).status_code == 302
    s = AttendanceSettings.objects.get()
    assert (s.confirm_until, s.warn_from, s.period_rolls) == (3, 27, False)


def test_home_page_tells_the_homeroom_teacher_of_a_leave_request(client, world):
    w = world
    actions.leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.pk,
        start=date(2026, 11, 20),
        end=date(2026, 11, 20),
        sessions=["morning"],
        reason="Ốm",
    )
    client.force_login(w.users["homeroom"])
    html = client.get(reverse("home:index")).content.decode()
    assert "1 đơn xin phép của phụ huynh chờ xác nhận" in html
    assert "Lớp 6A1: điểm danh hôm nay" in html
    client.force_login(w.users["parent"])
    html = client.get(reverse("home:index")).content.decode()
    assert "Nguyễn Văn An: điểm danh tháng này" in html


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_roll_and_month_pages_do_not_query_per_student(client, world):
    w = world
    client.force_login(w.users["homeroom"])
    roll = reverse("attendance:roll", args=[w.class_a.pk])
    month = reverse("attendance:month", args=[w.class_a.pk, "2026-11"])
    actions.take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=date(2026, 11, 19),
        session="morning",
        marks={w.student_a.id: "absent"},
    )
    _queries(client, roll)  # warm the session and caches
    few = (_queries(client, roll), _queries(client, month))
    more = [make_student(w.school, w.class_a, f"Học Sinh Số{i}") for i in range(10)]
    actions.take_roll(
        actor=w.actor("homeroom"),
        school_class=w.class_a,
        day=date(2026, 11, 19),
        session="morning",
        marks={s.id: "late" for s in more[:5]},
    )
    assert (_queries(client, roll), _queries(client, month)) == few


def test_month_warns_from_the_school_threshold_and_the_parent_sees_the_year(client, world):
    w = world
    AttendanceSettings.objects.create(school=w.school, warn_from=2, weekdays=[0, 1, 2, 3, 4])
    for day in (date(2026, 11, 18), date(2026, 11, 19)):
        actions.take_roll(
            actor=w.actor("homeroom"),
            school_class=w.class_a,
            day=day,
            session="morning",
            marks={w.student_a.id: "absent"},
        )
    client.force_login(w.users["homeroom"])
    html = client.get(reverse("attendance:month", args=[w.class_a.pk, "2026-11"])).content.decode()
    assert 'data-testid="absence-warning"' in html and "2 ⚠" in html
    client.force_login(w.users["parent"])
    html = client.get(reverse("attendance:child", args=[w.student_a.pk])).content.decode()
    assert "Cả năm học đến nay: nghỉ 2 buổi" in html and "banner warn" in html


def test_roll_of_a_closed_month_offers_a_change_request(client, world):
    w = world
    client.force_login(w.users["homeroom"])
    url = reverse("attendance:roll", args=[w.class_a.pk])
    html = client.get(url + "?ngay=2026-10-14&buoi=morning").content.decode()
    assert "Tháng này đã chốt" in html and "Lưu điểm danh" not in html
    response = client.post(
        url, {"ngay": "2026-10-14", "buoi": "morning", f"s-{w.student_a.pk}": "absent"}, follow=True
    )
    assert "đã chốt" in response.content.decode()
    assert not AttendanceRoll.objects.exists()


def test_parent_withdraws_and_cannot_decide(client, world):
    w = world
    req = actions.leave_request_file(
        actor=w.actor("parent"),
        student_id=w.student_a.pk,
        start=date(2026, 11, 20),
        end=date(2026, 11, 20),
        sessions=["morning"],
        reason="Ốm",
    )
    client.force_login(w.users["parent"])
    answer = client.post(reverse("attendance:leave_act", args=[req.pk, "xac-nhan"]), follow=True)
    assert "Chỉ giáo viên chủ nhiệm xác nhận đơn xin phép." in answer.content.decode()
    client.post(reverse("attendance:leave_act", args=[req.pk, "rut"]))
    req.refresh_from_db()
    assert req.state == "withdrawn" and not AttendanceMark.objects.exists()
    client.force_login(w.users["subject"])
    assert client.post(reverse("attendance:leave_act", args=[req.pk, "rut"])).status_code == 404


@pytest.mark.parametrize("role", ["clerk", "inspector", "admin"])
def test_readers_only_read(client, world, role):
    w = world
    client.force_login(w.users[role])
    url = reverse("attendance:roll", args=[w.class_a.pk])
    html = client.get(url).content.decode()
    assert "Bạn chỉ xem điểm danh" in html and "Lưu điểm danh" not in html
    answer = client.post(url, {"ngay": "2026-11-20", "buoi": "morning", "tiet": "0"})
    assert answer.status_code in (403, 404)
    assert not AttendanceRoll.objects.exists()
