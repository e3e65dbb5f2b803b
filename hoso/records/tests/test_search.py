"""Search: text extraction in the background, diacritics-insensitive matching, filters, scope,
the file download behind the scope check, and the catch-up command."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from hoso.archive.testing import (
    docx_bytes,
    make_obligation,
    make_record_type,
    make_submission,
    pdf_bytes,
)
from hoso.records import search
from hoso.records.models import OwnerKind, Submission
from hoso.records.search import SearchQuery, records_search
from hoso.records.textextract import extract_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def docs(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plans = make_record_type(world.school, "Kế hoạch bài dạy")
    minutes = make_record_type(
        world.school, "Biên bản sinh hoạt tổ", owner_kind=OwnerKind.DEPARTMENT
    )
    s, h = world.people["subject"], world.people["homeroom"]
    o1 = make_obligation(
        world.year,
        plans,
        owner_staff=s,
        due_at=datetime(2026, 10, 16, 17, tzinfo=VN),
        period_label="Tuần 7 (19/10–25/10)",
    )
    o2 = make_obligation(
        world.year,
        plans,
        owner_staff=h,
        due_at=datetime(2026, 10, 23, 17, tzinfo=VN),
        period_label="Tuần 8 (26/10–01/11)",
    )
    o3 = make_obligation(
        world.year,
        minutes,
        owner_department=s.department,
        due_at=datetime(2026, 10, 30, 17, tzinfo=VN),
        period_label="Tháng 10/2026",
    )
    pdf = make_submission(
        o1,
        user=s.user,
        content=pdf_bytes("Bài 12: Đường thẳng song song", "Hoạt động khởi động"),
        name="KHBD tuần 7.pdf",
    )
    docx = make_submission(
        o2,
        user=h.user,
        content=docx_bytes("Văn bản nghị luận xã hội", "Đọc hiểu truyện ngắn Lão Hạc"),
        name="ke-hoach.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    minutes_file = make_submission(
        o3, user=s.user, content=docx_bytes("Họp tổ: dự giờ chéo"), name="bien-ban.docx"
    )
    for sub in (pdf, docx, minutes_file):
        search.submission_text_extract_enqueue(sub.pk)
    return {"o1": o1, "o2": o2, "o3": o3, "pdf": pdf, "docx": docx, "plans": plans}


def _labels(hits):
    return sorted(h.obligation.period_label for h in hits)


def test_extraction_runs_in_the_background_task_after_commit(
    world, docs, django_capture_on_commit_callbacks
):
    # Enqueued in the fixture inside the test transaction: nothing ran before commit
    assert Submission.objects.get(pk=docs["pdf"].pk).text_extracted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        search.submission_text_extract_enqueue(docs["pdf"].pk)
    pdf = Submission.objects.get(pk=docs["pdf"].pk)
    assert pdf.text_extracted_at is not None
    assert "Đường thẳng song song" in pdf.text
    assert "duong thang song song" in pdf.text_folded


def test_command_processes_what_is_pending_and_only_that(world, docs):
    call_command("records_extract_text", stdout=io.StringIO())
    assert not search.pending_extractions().exists()
    docx = Submission.objects.get(pk=docs["docx"].pk)
    assert "lao hac" in docx.text_folded
    first = docx.text_extracted_at
    out = io.StringIO()
    call_command("records_extract_text", stdout=out)
    assert "Đã xử lý 0 tệp" in out.getvalue()
    assert Submission.objects.get(pk=docs["docx"].pk).text_extracted_at == first


def test_words_without_marks_find_titles_text_and_owners(world, docs):
    call_command("records_extract_text", stdout=io.StringIO())
    principal = world.actor("principal")
    assert len(records_search(principal, SearchQuery(text="ke hoach bai day"))) == 2
    hits = records_search(principal, SearchQuery(text="duong thang SONG song"))
    assert [h.obligation.pk for h in hits] == [docs["o1"].pk]
    assert hits[0].in_text and "Đường thẳng song song" in hits[0].snippet
    by_owner = records_search(principal, SearchQuery(text="do thi lan"))  # Đỗ Thị Lan
    assert [h.obligation.pk for h in by_owner] == [docs["o2"].pk]
    assert records_search(principal, SearchQuery(text="tuan 8")) and _labels(
        records_search(principal, SearchQuery(text="tuan 8"))
    ) == ["Tuần 8 (26/10–01/11)"]
    assert records_search(principal, SearchQuery(text="du gio cheo"))[0].obligation == docs["o3"]
    assert records_search(principal, SearchQuery(text="khong co tu nay")) == []


def test_filters_narrow_the_results(world, docs):
    call_command("records_extract_text", stdout=io.StringIO())
    principal = world.actor("principal")
    hits = records_search(
        principal,
        SearchQuery(text="ke hoach", owner_staff_id=world.people["homeroom"].pk),
    )
    assert [h.obligation.pk for h in hits] == [docs["o2"].pk]
    assert _labels(records_search(principal, SearchQuery(period="tuan 7"))) == [
        "Tuần 7 (19/10–25/10)"
    ]
    assert len(records_search(principal, SearchQuery(record_type_id=docs["plans"].pk))) == 2


def test_results_are_only_what_the_actor_may_see(world, docs):
    call_command("records_extract_text", stdout=io.StringIO())
    q = SearchQuery(text="ke hoach bai day")
    homeroom = records_search(world.actor("homeroom"), q)  # literature: sees own plan only
    assert [h.obligation.pk for h in homeroom] == [docs["o2"].pk]
    head = records_search(world.actor("dept_head"), SearchQuery(text="song song"))
    assert [h.obligation.pk for h in head] == [docs["o1"].pk]
    assert records_search(world.actor("dept_head"), SearchQuery(text="lao hac")) == []
    assert records_search(world.actor("parent"), q) == []
    # the subject teacher sees the maths team's minutes, not the literature plan
    subject = records_search(world.actor("subject"), SearchQuery(text="du gio"))
    assert [h.obligation.pk for h in subject] == [docs["o3"].pk]


def test_search_page_and_file_download_check_scope(client, world, docs):
    call_command("records_extract_text", stdout=io.StringIO())
    client.force_login(world.users["homeroom"])
    page = client.get(reverse("records:search"), {"q": "lao hac"})
    assert page.status_code == 200 and "ke-hoach.docx" in page.content.decode()
    own = client.get(reverse("records:file", args=[docs["docx"].pk]))
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == docs["docx"].file.open("rb").read()
    other = client.get(reverse("records:file", args=[docs["pdf"].pk]))
    assert other.status_code == 404
    client.force_login(world.users["parent"])
    assert client.get(reverse("records:search"), {"q": "x"}).status_code == 403


def test_search_page_keeps_what_was_typed(client, world, docs):
    client.force_login(world.users["principal"])
    page = client.get(reverse("records:search"), {"q": "Kế hoạch <b>", "loai": "x"})
    body = page.content.decode()
    assert "Kế hoạch &lt;b&gt;" in body and "không hợp lệ" in body


def test_damaged_files_give_no_text_and_do_not_raise():
    assert extract_text(io.BytesIO(b"%PDF-1.7 broken")) == ""
    assert extract_text(io.BytesIO(b"PK\x03\x04 not a zip")) == ""
    assert extract_text(io.BytesIO(b"\x89PNG\r\n\x1a\n")) == ""


def test_an_upload_through_the_records_action_becomes_searchable(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoso.records.actions import submission_upload
    from hoso.records.tests.helpers import lesson_plan, setup_records

    settings.MEDIA_ROOT = tmp_path / "media"
    setup_records(world)
    ob = lesson_plan(world)
    upload = SimpleUploadedFile("khbd.pdf", pdf_bytes("Phương trình bậc nhất một ẩn"))
    with django_capture_on_commit_callbacks(execute=True):
        sub = submission_upload(actor=world.actor("subject"), obligation_id=ob.pk, upload=upload)
    sub.refresh_from_db()
    assert sub.text_extracted_at is not None and "phuong trinh bac nhat" in sub.text_folded
    hits = records_search(world.actor("dept_head"), SearchQuery(text="phuong trinh bac nhat"))
    assert [h.obligation.pk for h in hits] == [ob.pk]
