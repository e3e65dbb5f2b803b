"""The staff register printed (landscape A4) as it stands or as an edition, with its history:
the people who left during the year with date and reason, and the change log since the previous
edition. Checked in the PDF's text (pdftotext)."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date

import pytest
from django.urls import reverse

from hoso.organisation.models import StaffRegisterEdition
from hoso.organisation.staff import actions
from hoso.organisation.staff.tests.test_actions import teacher_fields
from hoso.printing.tests.pdfcheck import assert_fonts_pinned, pdf_text, pdf_text_flat

# The dates in these tests are of term I of 2026-2027: they run on that day whatever the suite's.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


def page_size(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], check=True, capture_output=True, text=True)
    return next(line for line in info.stdout.splitlines() if line.startswith("Page size"))


@pytest.fixture
def history(world):
    """A year of the register: a teacher entered, the start-of-year edition, an address
    changed, a teacher retired."""
    clerk = world.actor("clerk")
    anh = actions.staff_create(
        actor=clerk, fields=teacher_fields(discipline="Khiển trách 2019")
    ).staff
    actions.edition_take(actor=clerk, kind="start")
    actions.staff_update(actor=clerk, staff=anh, changes={"address": "Số 9 Cầu Đất, Hải Phòng"})
    actions.staff_end(
        actor=clerk,
        staff=world.people["outsider"],
        end_date=date(2026, 11, 15),
        reason="retired",
        note="Quyết định số 45/QĐ-UBND",
    )
    return anh


def test_current_register_prints_with_its_history(client, world, history):
    client.force_login(world.users["clerk"])
    response = client.get(reverse("printing:staff_register"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert "841.89 x 595.276 pts (A4)" in page_size(pdf)  # landscape A4
    assert_fonts_pinned(pdf)
    text, flat = pdf_text(pdf), pdf_text_flat(pdf)
    for expected in (
        "SỔ QUẢN LÝ CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
        "Năm học 2026-2027",
        "Phần I. Thông tin cá nhân và công tác",
        "Phần II. Chức danh, lương, trình độ, đánh giá",
        "Phần III. Thôi công tác trong năm học 2026-2027",
        "Phần IV. Theo dõi thay đổi (từ bản số 1)",
        "Nguyễn Thị Minh Anh",
        "031190001234",
        "4 / 4,68",
        "Khiển trách 2019",
        "V.07.04.31",
        "Hoàng Văn Bảy",
        "15/11/2026",
        "Nghỉ hưu",
        "Chỗ ở hiện nay: Số 5 Lạch Tray, phường Ngô Quyền, Hải Phòng → Số 9 Cầu Đất, Hải Phòng",
        "Quyết định số 45/QĐ-UBND",
        "Bùi Thị Thu",  # who recorded the changes
        "HIỆU TRƯỞNG",
        "Nguyễn Văn Hùng",
    ):
        assert expected in text or expected in flat, expected
    # the person who left is no longer among the people in service
    part_one = flat.split("Phần II.")[0]
    assert "Hoàng Văn Bảy" not in part_one and "Nguyễn Thị Minh Anh" in part_one


def test_an_edition_prints_as_it_was_taken(client, world, history):
    client.force_login(world.users["principal"])
    edition = StaffRegisterEdition.objects.get(kind="start")
    pdf = client.get(reverse("printing:staff_register_edition", args=[edition.pk])).content
    flat = pdf_text_flat(pdf)
    assert "Đầu năm học (số 1)" in flat
    assert "Số 5 Lạch Tray" in flat and "Số 9 Cầu Đất" not in flat  # frozen before the change
    assert "Phần IV. Theo dõi thay đổi (từ khi bắt đầu dùng sổ)" in flat
    assert "Vào sổ" in flat
    assert "Không có ai thôi công tác trong năm học." in flat


def test_the_year_end_edition_carries_the_changes_since_the_start(client, world, history):
    actions.edition_take(actor=world.actor("clerk"), kind="end", note="Bản lưu giấy cuối năm")
    edition = StaffRegisterEdition.objects.get(kind="end")
    assert edition.number == 2 and len(edition.data["changes"]) == 2
    client.force_login(world.users["clerk"])
    flat = pdf_text_flat(
        client.get(reverse("printing:staff_register_edition", args=[edition.pk])).content
    )
    assert "Cuối năm học (số 2)" in flat and "(từ bản số 1)" in flat
    assert "Thôi công tác" in flat and "Hoàng Văn Bảy" in flat


@pytest.mark.parametrize(
    "who,status", [("admin", 403), ("inspector", 403), ("homeroom", 403), ("vice", 200)]
)
def test_who_prints_the_register(client, world, history, who, status):
    client.force_login(world.users[who])
    edition = StaffRegisterEdition.objects.get()
    assert client.get(reverse("printing:staff_register")).status_code == status
    assert (
        client.get(reverse("printing:staff_register_edition", args=[edition.pk])).status_code
        == status
    )


def test_an_edition_of_another_school_is_not_found(client, world, history):
    from hoso.testing.factories import small_school

    other = small_school()
    client.force_login(other.users["clerk"])
    edition = StaffRegisterEdition.objects.get(school=world.school)
    assert (
        client.get(reverse("printing:staff_register_edition", args=[edition.pk])).status_code == 404
    )
