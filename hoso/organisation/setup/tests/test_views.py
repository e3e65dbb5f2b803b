"""The set-up pages: GIVEN a school made by the command, WHEN its administrator opens each page,
THEN it renders in Vietnamese with the proposal; WHEN a form is refused, THEN the page comes back
(400) with the message and everything that was typed; the lists cost the same number of queries
however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.organisation.models import Department, SchoolClass, SchoolYear, Subject
from hoso.organisation.setup import actions
from hoso.organisation.setup.tests.conftest import make_year
from hoso.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(fresh, who="admin") -> Client:
    user = fresh.users[who]
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def url(name, *args):
    return reverse(f"organisation:setup:{name}", args=args)


def test_every_page_renders_for_a_fresh_school(fresh):
    client = login(fresh)
    html = client.get(url("index")).content.decode()
    assert "Thiết lập trường" in html and "Chưa xong" in html and "Đang thiết lập" in html
    # No year yet: the year page sends to the proposal.
    assert client.get(url("year")).url == url("year_new")
    new = client.get(url("year_new")).content.decode()
    assert (
        'value="2026-2027"' in new and 'value="2026-09-05"' in new and "Nghỉ Tết Nguyên đán" in new
    )
    for name in ("school", "classes", "subjects", "departments", "rulesets"):
        response = client.get(url(name))
        assert response.status_code == 200, name
    assert "Trường chưa có năm học" in client.get(url("classes")).content.decode()


def test_the_menu_and_the_home_page_lead_to_the_set_up(fresh):
    client = login(fresh)
    home = client.get(reverse("home:index")).content.decode()
    assert f'href="{url("index")}"' in home and "Thiết lập trường" in home
    assert "Tạo năm học" in home


def test_creating_a_year_switches_the_pages_to_it(fresh):
    client = login(fresh)
    page = client.get(url("year_new"))
    form = _form_values(page.content.decode())
    response = client.post(url("year_new"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    year = SchoolYear.objects.get()
    assert client.session["hoso_year_id"] == year.pk
    html = client.get(url("year")).content.decode()
    assert "Năm học 2026-2027" in html and "Tuần 1" in html and "Tết Dương lịch" in html


def _form_values(html: str) -> dict:
    """The new-year form's inputs as the browser would send them (checked boxes only)."""
    import re

    values = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        values[name.group(1)] = value.group(1) if value else ""
    return values


def test_a_refused_year_keeps_what_was_typed(fresh):
    client = login(fresh)
    form = _form_values(client.get(url("year_new")).content.decode())
    form["mid2"] = "2026-10-01"  # inside term I, not term II
    form["holiday_0_name"] = "Tết Dương lịch (nghỉ bù)"
    response = client.post(url("year_new"), form)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="setup_checkpoint_outside_term"' in html
    assert "Giữa học kỳ II phải nằm trong Học kỳ II" in html
    assert 'name="mid2" value="2026-10-01" required aria-invalid="true"' in html
    assert 'value="Tết Dương lịch (nghỉ bù)"' in html
    assert not SchoolYear.objects.exists()


def test_the_proposal_follows_the_name_typed(fresh):
    client = login(fresh)
    form = _form_values(client.get(url("year_new")).content.decode())
    form |= {"name": "2027-2028", "propose": "1"}
    html = client.post(url("year_new"), form).content.decode()
    assert (
        'name="start_date" value="2027-09-05"' in html
        and 'name="term1_end" value="2028-01-15"' in html
    )
    assert not SchoolYear.objects.exists()


def test_a_refused_class_keeps_what_was_typed(fresh):
    make_year(fresh)
    client = login(fresh)
    client.post(
        url("classes_add"), {"mode": "names", "grade": "6", "names": "6A1", "sessions_per_day": "1"}
    )
    response = client.post(
        url("classes_add"),
        {
            "mode": "series",
            "grade": "6",
            "prefix": "6A",
            "first": "1",
            "count": "3",
            "sessions_per_day": "2",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Năm học 2026-2027 đã có lớp 6A1." in html
    assert 'name="prefix" value="6A"' in html and 'name="count" min="1" max="30" value="3"' in html
    assert SchoolClass.objects.count() == 1


def test_class_names_typed_one_a_line(fresh):
    make_year(fresh)
    client = login(fresh)
    client.post(
        url("classes_add"),
        {"mode": "names", "grade": "7", "names": "7A\r\n7B, 7C", "sessions_per_day": "2"},
    )
    assert list(SchoolClass.objects.values_list("name", flat=True)) == ["7A", "7B", "7C"]


def test_a_refused_rename_keeps_the_typed_name(fresh):
    make_year(fresh)
    a, b = actions.classes_add(
        actor=fresh.actor("admin"), grade_number=6, names=["6A1", "6A2"], sessions_per_day=1
    )
    client = login(fresh)
    response = client.post(url("class_update", b.pk), {"name": "6a1", "sessions_per_day": "1"})
    assert response.status_code == 400
    assert (
        'value="6a1" aria-label="Tên lớp 6A2" size="8" aria-invalid="true"'
        in response.content.decode()
    )


def test_the_school_form_keeps_what_was_typed(fresh):
    client = login(fresh)
    data = {
        "name": "Trường THCS Lê Lợi mới",
        "code": "THCS-LL",
        "levels": ["lower_secondary"],
        "superior_kind": "commune",
        "office_name": "",
        "province": "Thành phố Hải Phòng",
        "commune": "Phường Hải An",
        "head_title": "Hiệu trưởng",
        "email": "sai@",
        "phone": "0225 1",
    }
    response = client.post(url("school"), data)
    html = response.content.decode()
    assert response.status_code == 400 and "Địa chỉ thư điện tử “sai@” không hợp lệ." in html
    assert 'value="Trường THCS Lê Lợi mới"' in html and 'value="sai@"' in html
    data["email"] = "thcs@example.vn"
    assert client.post(url("school"), data).status_code == 302
    fresh.school.refresh_from_db()
    assert fresh.school.name == "Trường THCS Lê Lợi mới"


def test_the_grade_page_loads_the_programme_and_keeps_typed_periods_on_error(fresh):
    make_year(fresh)
    client = login(fresh)
    html = client.get(url("subjects") + "?khoi=7").content.decode()
    assert "Nạp danh mục môn học theo Chương trình giáo dục phổ thông 2018" in html
    client.post(url("programme_apply", 7), {"which": "default"})
    assert Subject.objects.count() == 13
    html = client.get(url("subjects") + "?khoi=7").content.decode()
    assert 'data-subject="TOAN"' in html and "Lưu môn học khối 7" in html
    math = Subject.objects.get(code="TOAN")
    ids = list(Subject.objects.values_list("pk", flat=True))
    form = {"subject": [str(i) for i in ids]}
    for i in ids:
        form[f"taught_{i}"] = "1"
        form[f"periods_{i}"] = "35"
    form[f"periods_{math.pk}"] = "0"
    response = client.post(url("grade_save", 7), form)
    html = response.content.decode()
    assert (
        response.status_code == 400
        and "Số tiết/năm của môn Toán phải là số nguyên từ 1 đến 1000." in html
    )
    assert f'name="periods_{math.pk}" min="1" max="1000" value="0"' in html
    assert math.offerings.get(grade__number=7).periods_per_year == 140


def test_the_department_form_keeps_what_was_typed(fresh):
    client = login(fresh)
    response = client.post(
        url("department_add"),
        {"name": "Tổ Toán", "kind": "subject", "head": str(fresh.staff["admin"].pk), "deputy": ""},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Bạn không thể tự chỉ định mình" in html
    assert (
        'value="Tổ Toán"' in html and f'<option value="{fresh.staff["admin"].pk}" selected>' in html
    )
    assert not Department.objects.exists()


def test_the_principal_confirms_from_the_checklist(fresh):
    from hoso.organisation.setup.tests.test_confirmation import prepare

    prepare(fresh)
    admin_page = login(fresh).get(url("index")).content.decode()
    assert "Mọi bước đã xong: chờ hiệu trưởng xác nhận." in admin_page
    client = login(fresh, "principal")
    page = client.get(url("index")).content.decode()
    assert 'data-testid="confirm"' in page
    response = client.post(url("confirm"), follow=True)
    assert "Đã xác nhận thiết lập năm học 2026-2027." in response.content.decode()
    assert SchoolYear.objects.get().confirmed_by == fresh.users["principal"]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["classes", "subjects", "departments", "rulesets", "index", "year"]
)
def test_list_pages_do_not_grow_with_their_rows(fresh, page):
    make_year(fresh)
    admin = fresh.actor("admin")
    actions.classes_add(actor=admin, grade_number=6, names=["6A1"], sessions_per_day=1)
    actions.department_create(actor=admin, name="Tổ 1", kind="subject")
    actions.programme_apply(actor=admin, level="lower_secondary", codes=["TOAN"])
    client = login(fresh)
    path = url(page) + ("?khoi=6" if page == "subjects" else "")
    client.get(path)  # the first page after logging in stamps the session (SessionIdleMiddleware)
    small = _queries(client, path)
    actions.classes_add(
        actor=admin, grade_number=7, names=[f"7A{i}" for i in range(1, 9)], sessions_per_day=1
    )
    for i in range(2, 8):
        actions.department_create(
            actor=admin, name=f"Tổ {i}", kind="subject", head_id=fresh.staff["teacher"].pk
        )
    actions.programme_apply(actor=admin, level="lower_secondary")
    actions.holiday_add(
        actor=admin,
        name="Nghỉ",
        start=fresh.actor("admin").year.start_date,
        end=fresh.actor("admin").year.start_date,
    )
    assert _queries(client, path) == small


def test_over_long_text_is_refused_with_a_message_and_kept_whole(fresh):
    client = login(fresh)
    name = "Tổ " + "Toán " * 30
    response = client.post(url("department_add"), {"name": name, "kind": "subject"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tên tổ dài 152 ký tự, quá giới hạn 120 ký tự: hãy rút gọn." in html
    assert f'value="{name.strip()}"' in html and "maxlength" not in html
    assert not Department.objects.exists()


def test_a_closed_year_shows_no_set_up_to_do_and_no_create_button_to_an_inspector(world):
    world.year.is_closed = True
    world.year.save()
    from hoso.organisation.setup.selectors import setup_todo

    assert setup_todo(world.actor("principal")) is None
    client = Client()
    client.login(username=world.users["inspector"].username, password=PASSWORD)
    html = client.get(url("year")).content.decode()
    assert "Tạo năm học mới" not in html and "Lưu lịch năm học" not in html
