"""Staff register pages: list (search, filters, Vietnamese order, query count), detail with
personal data only for the entitled, create/edit keeping what was typed, end, re-hire,
positions, editions; GET never writes."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.organisation.models import Staff, StaffChange, StaffRegisterEdition
from hoso.organisation.staff import actions
from hoso.organisation.staff.tests.test_actions import teacher_fields
from hoso.testing.factories import make_staff

# The dates in these tests are of term I of 2026-2027: they run on that day whatever the suite's.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


def as_form(fields: dict) -> dict:
    """What a browser posts for ``fields``."""
    out = {}
    for k, v in fields.items():
        if v is None or v is False:
            continue
        out[k] = "on" if v is True else (v.isoformat() if hasattr(v, "isoformat") else str(v))
    return out


def login(client, world, who):
    client.force_login(world.users[who])
    return client


# --- list -----------------------------------------------------------------------------------


def test_list_in_vietnamese_order_with_search_and_filters(client, world):
    c = login(client, world, "clerk")
    page = c.get(reverse("organisation:staff"))
    names = [s.full_name for s in page.context["staff"]]
    # given names: Bảy, Đức, Hằng, Hoa, Hùng, Huy, Lan, Mai, Nam, Nga, Thu, Toàn, Yến
    assert names == sorted(
        names,
        key=lambda n: (
            Staff.objects.get(family_name=n.split()[0], given_name=n.split()[-1]).sort_name
        ),
    )
    assert names.index("Vũ Minh Đức") < names.index("Lý Thị Hằng") < names.index("Hồ Quang Huy")
    found = c.get(reverse("organisation:staff"), {"q": "duc"}).context["staff"]
    assert [s.full_name for s in found] == ["Vũ Minh Đức"]
    maths = world.people["subject"].department_id
    in_maths = c.get(reverse("organisation:staff"), {"to": maths}).context["staff"]
    assert {s.full_name for s in in_maths} == {"Lê Văn Toàn", "Phạm Thị Hoa", "Vũ Minh Đức"}
    leaders = c.get(reverse("organisation:staff"), {"chuc-vu": "vice_principal"}).context["staff"]
    assert [s.full_name for s in leaders] == ["Trần Thị Mai"]


def test_list_shows_ended_people_apart(client, world):
    actions.staff_end(
        actor=world.actor("clerk"),
        staff=world.people["outsider"],
        end_date=date(2026, 11, 1),
        reason="retired",
    )
    c = login(client, world, "clerk")
    active = {s.full_name for s in c.get(reverse("organisation:staff")).context["staff"]}
    assert "Hoàng Văn Bảy" not in active
    ended = c.get(reverse("organisation:staff"), {"tinh-trang": "thoi-cong-tac"})
    assert [s.full_name for s in ended.context["staff"]] == ["Hoàng Văn Bảy"]
    assert "Thôi công tác 01/11/2026" in ended.content.decode()


def test_list_query_count_does_not_grow_with_the_staff(client, world):
    c = login(client, world, "clerk")
    c.get(reverse("organisation:staff"))  # warm the session and the actor
    with CaptureQueriesContext(connection) as small:
        c.get(reverse("organisation:staff"))
    for i in range(30):
        make_staff(world.school, f"Phan Văn Thử{i}")
    with CaptureQueriesContext(connection) as large:
        page = c.get(reverse("organisation:staff"))
    assert len(page.context["staff"]) == 43
    assert len(large) == len(small), [q["sql"][:90] for q in large.captured_queries]
    assert len(large) <= 16


@pytest.mark.parametrize(
    "who,status",
    [
        ("principal", 200),
        ("vice", 200),
        ("clerk", 200),
        ("admin", 200),
        ("inspector", 200),
        ("dept_head", 200),
        ("homeroom", 403),
        ("subject", 403),
        ("parent", 403),
        ("accountant", 403),
    ],
)
def test_who_reads_the_list(client, world, who, status):
    assert login(client, world, who).get(reverse("organisation:staff")).status_code == status


def test_department_head_sees_only_its_members(client, world):
    c = login(client, world, "dept_head")
    names = {s.full_name for s in c.get(reverse("organisation:staff")).context["staff"]}
    assert names == {"Lê Văn Toàn", "Phạm Thị Hoa", "Vũ Minh Đức"}
    other = world.people["homeroom"]
    assert c.get(reverse("organisation:staff_detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(event_type="access.not_found").exists()


# --- personal data --------------------------------------------------------------------------


@pytest.fixture
def anh(world):
    return actions.staff_create(
        actor=world.actor("clerk"),
        fields=teacher_fields(
            discipline="Khiển trách năm 2019", department=world.people["subject"].department_id
        ),
    ).staff


@pytest.mark.parametrize(
    "who,sees",
    [
        ("principal", True),
        ("vice", True),
        ("clerk", True),
        ("admin", False),
        ("inspector", False),
        ("dept_head", False),
    ],
)
def test_personal_data_only_for_the_roles_that_need_it(client, world, anh, who, sees):
    c = login(client, world, who)
    actions.staff_update(actor=world.actor("clerk"), staff=anh, changes={"salary_step": 5})
    html = c.get(reverse("organisation:staff_detail", args=[anh.pk])).content.decode()
    for secret in ("031190001234", "4,68", "Khiển trách năm 2019"):
        assert (secret in html) is sees, (who, secret)
    # the change log hides the values too
    assert ("Bậc lương: 4 → 5" in html) is sees
    if not sees:
        assert "Bậc lương: (ẩn) → (ẩn)" in html


def test_a_person_sees_its_own_record_with_its_personal_data(client, world):
    staff = world.people["homeroom"]
    Staff.objects.filter(pk=staff.pk).update(id_number="031190001234")
    c = login(client, world, "homeroom")
    assert "Hồ sơ cán bộ của tôi" in c.get(reverse("accounts:profile")).content.decode()
    own = c.get(reverse("organisation:staff_detail", args=[staff.pk]))
    assert own.status_code == 200 and "031190001234" in own.content.decode()
    assert "Sửa hồ sơ" not in own.content.decode()
    other = world.people["subject"]
    assert c.get(reverse("organisation:staff_detail", args=[other.pk])).status_code == 404


# --- create ---------------------------------------------------------------------------------


def test_create_form_keeps_what_was_typed_and_shows_each_problem(client, world):
    c = login(client, world, "clerk")
    page = c.get(reverse("organisation:staff_create"))
    assert page.status_code == 200
    html = page.content.decode()
    for section in (
        "Thông tin cá nhân",
        "Công tác",
        "Trình độ",
        "Đánh giá, khen thưởng, kỷ luật",
        "Tài khoản",
    ):
        assert section in html
    assert "maxlength" not in html  # a browser would cut a pasted text silently
    posted = as_form(
        teacher_fields(
            id_number="12345",
            phone="0912",
            hometown="Xã Đông Hải " * 30,
            birth_date=date(1990, 4, 5),
            school_start_date=date(2010, 1, 1),
        )
    )
    response = c.post(reverse("organisation:staff_create"), posted | {"create_account": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0." in html
    assert "tối đa 200: hãy rút gọn" in html
    assert "Ngày về trường không được trước ngày vào ngành." in html
    form = response.context["form"]
    assert form["family_name"].value() == "Nguyễn" and form["awards"].value() == posted["awards"]
    assert form["hometown"].value() == posted["hometown"]
    assert not Staff.objects.filter(code="GV0101").exists()


def test_create_with_account_shows_the_one_time_password_once(client, world):
    c = login(client, world, "clerk")
    posted = as_form(teacher_fields()) | {"create_account": "on", "username": ""}
    response = c.post(reverse("organisation:staff_create"), posted)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    created = response.context["created"]
    assert created.user.username == "anhntm"
    assert created.temporary_password in response.content.decode()
    # the person's page does not show it again
    detail = c.get(reverse("organisation:staff_detail", args=[created.staff.pk])).content.decode()
    assert created.temporary_password not in detail and "chờ đổi mật khẩu" in detail


def test_create_without_account_goes_to_the_person(client, world):
    c = login(client, world, "clerk")
    response = c.post(reverse("organisation:staff_create"), as_form(teacher_fields()))
    staff = Staff.objects.get(code="GV0101")
    assert response.status_code == 302 and response["Location"] == reverse(
        "organisation:staff_detail", args=[staff.pk]
    )
    assert staff.user is None


def test_clerk_cannot_create_an_administrator_and_the_attempt_is_audited(client, world):
    c = login(client, world, "clerk")
    response = c.post(
        reverse("organisation:staff_create"), as_form(teacher_fields(position="administrator"))
    )
    assert response.status_code == 200
    assert "do Hiệu trưởng hoặc Phó hiệu trưởng" in response.content.decode()
    assert response.context["form"]["family_name"].value() == "Nguyễn"
    refused = AuditEvent.objects.get(event_type="staff.positions_refused")
    assert (
        refused.after["reason"] == "position_needs_leader" and refused.actor == world.users["clerk"]
    )


def test_admin_form_has_no_personal_fields(client, world):
    c = login(client, world, "admin")
    html = c.get(reverse("organisation:staff_create")).content.decode()
    assert 'name="id_number"' not in html and 'name="salary_coefficient"' not in html
    assert 'name="discipline"' not in html and 'name="hometown"' in html


def test_username_proposal_follows_the_name_and_writes_nothing(client, world):
    c = login(client, world, "clerk")
    before = AuditEvent.objects.count()
    response = c.get(
        reverse("organisation:staff_username"),
        {"family_name": "Trịnh", "middle_name": "Thị", "given_name": "Quỳnh"},
    )
    assert "quynhtt" in response.content.decode()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", ["homeroom", "principal", "inspector", "parent"])
def test_only_keepers_open_the_create_page(client, world, who):
    assert login(client, world, who).get(reverse("organisation:staff_create")).status_code == 403


# --- edit, end, re-hire ---------------------------------------------------------------------


def test_edit_keeps_typed_values_on_error_and_saves_changes(client, world, anh):
    c = login(client, world, "clerk")
    url = reverse("organisation:staff_edit", args=[anh.pk])
    page = c.get(url)
    assert page.context["form"]["salary_coefficient"].value() == "4,68"
    posted = dict(page.context["form"].initial)
    posted = as_form(posted) | {"address": "Số 9 Cầu Đất", "birth_date": "31/02/1990"}
    response = c.post(url, posted)
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()
    assert response.context["form"]["address"].value() == "Số 9 Cầu Đất"
    posted["birth_date"] = "1990-04-05"
    assert c.post(url, posted).status_code == 302
    anh.refresh_from_db()
    assert anh.address == "Số 9 Cầu Đất"
    change = StaffChange.objects.filter(staff=anh).latest("pk")
    assert [i["field"] for i in change.changes] == ["address"]


def test_end_and_rehire_pages(client, world):
    c = login(client, world, "clerk")
    person = world.people["subject"]
    page = c.get(reverse("organisation:staff_end", args=[person.pk]))
    assert "Dạy Toán lớp 6A1" in page.content.decode()
    response = c.post(
        reverse("organisation:staff_end", args=[person.pk]),
        {"end_date": "", "end_reason": "retired", "note": "QĐ 5"},
    )
    assert (
        response.status_code == 200 and "Hãy ghi ngày thôi công tác." in response.content.decode()
    )
    assert response.context["form"]["note"].value() == "QĐ 5"
    response = c.post(
        reverse("organisation:staff_end", args=[person.pk]),
        {"end_date": "2026-11-20", "end_reason": "retired", "note": "QĐ 5"},
    )
    assert response.status_code == 302
    detail = c.get(reverse("organisation:staff_detail", args=[person.pk])).content.decode()
    assert "Thôi công tác từ 20/11/2026 — Nghỉ hưu" in detail
    assert "Việc cần giao lại" in detail and "Dạy Toán lớp 6A1" in detail
    response = c.post(
        reverse("organisation:staff_rehire", args=[person.pk]),
        {"start_date": "2026-11-25", "position": "teacher"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active and person.end_date is None


def test_pages_never_write_on_get(client, world, anh):
    before = (StaffChange.objects.count(), Staff.objects.count())
    c = login(client, world, "clerk")
    for name in ("staff_detail", "staff_edit", "staff_end", "staff_rehire", "staff_positions"):
        c.get(reverse(f"organisation:{name}", args=[anh.pk]))
    c.get(reverse("organisation:staff_editions"))
    assert (StaffChange.objects.count(), Staff.objects.count()) == before


def test_edit_outside_the_school_is_404(client, world):
    from hoso.testing.factories import small_school

    other = small_school()
    c = login(client, world, "clerk")
    assert (
        c.get(reverse("organisation:staff_edit", args=[other.people["subject"].pk])).status_code
        == 404
    )


# --- editions -------------------------------------------------------------------------------


def test_clerk_takes_editions_once_per_cycle_point(client, world, anh):
    c = login(client, world, "clerk")
    page = c.get(reverse("organisation:staff_editions"))
    assert "Vào sổ" in page.content.decode()  # the creation waits for the first edition
    assert (
        c.post(reverse("organisation:staff_editions"), {"kind": "start", "note": ""}).status_code
        == 302
    )
    edition = StaffRegisterEdition.objects.get()
    assert edition.number == 1 and edition.data["year"] == "2026-2027"
    assert [r["name"] for r in edition.data["active"]][:2] == [
        "Nguyễn Thị Minh Anh",
        "Hoàng Văn Bảy",
    ]
    again = c.post(reverse("organisation:staff_editions"), {"kind": "start", "note": ""})
    assert "Sổ đã có bản đầu năm học của năm học 2026-2027" in again.content.decode()
    assert (
        c.post(
            reverse("organisation:staff_editions"), {"kind": "change", "note": "Sau điều động"}
        ).status_code
        == 302
    )
    assert StaffRegisterEdition.objects.count() == 2


@pytest.mark.parametrize(
    "who,status",
    [
        ("principal", 200),
        ("vice", 200),
        ("clerk", 200),
        ("admin", 403),
        ("inspector", 403),
        ("homeroom", 403),
    ],
)
def test_who_sees_the_editions(client, world, who, status):
    assert (
        login(client, world, who).get(reverse("organisation:staff_editions")).status_code == status
    )


def test_only_the_clerk_takes_an_edition(client, world):
    c = login(client, world, "principal")
    assert c.post(reverse("organisation:staff_editions"), {"kind": "start"}).status_code == 403
    assert not StaffRegisterEdition.objects.exists()
