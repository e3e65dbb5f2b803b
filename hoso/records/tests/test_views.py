"""Screens and the permissions matrix per role (404 out of scope, 403 for forbidden actions)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hoso.core import clock
from hoso.records import actions
from hoso.records.models import ObligationState, RecordType
from hoso.records.tests.helpers import PDF_BYTES, lesson_plan, pdf, setup_records
from hoso.testing.factories import SMALL_SCHOOL_ROLES

# The data below lives in term I of 2026-2027.
pytestmark = pytest.mark.clock("2026-11-20")

ROLES = SMALL_SCHOOL_ROLES
# Who sees the subject teacher's lesson plan (and may download its file).
SEES_LESSON_PLAN = {"principal", "vice", "dept_head", "subject", "admin", "inspector"}
# Who may approve it (its chain is the department head of the Maths department).
APPROVES_LESSON_PLAN = {"dept_head"}
EDITS_CATALOGUE = {"principal", "vice"}


@pytest.fixture
def submitted(world):
    setup_records(world)
    ob = lesson_plan(world)
    sub = actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf(), submit=True
    )
    return world, ob, sub


@pytest.mark.parametrize("role", ROLES)
def test_permissions_matrix(client, submitted, role):
    world, ob, sub = submitted
    client.force_login(world.users[role])
    page = client.get(reverse("records:obligation", args=[ob.pk]))
    assert page.status_code == (200 if role in SEES_LESSON_PLAN else 404), role
    download = client.get(reverse("records:file", args=[sub.pk]))
    assert download.status_code == (200 if role in SEES_LESSON_PLAN else 404), role
    if download.status_code == 200:
        assert b"".join(download.streaming_content) == PDF_BYTES
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
    response = client.post(
        reverse("records:decide", args=[ob.pk]), {"decision": "approve", "comment": ""}
    )
    if role in APPROVES_LESSON_PLAN:
        assert response.status_code == 302
        ob.refresh_from_db()
        assert ob.state == ObligationState.APPROVED
    else:
        assert response.status_code in (403, 404), role
        ob.refresh_from_db()
        assert ob.state == ObligationState.SUBMITTED
    in_inbox = client.get(reverse("records:inbox"))
    assert in_inbox.status_code == 200
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    edit = client.get(reverse("records:type_edit", args=[rt.pk]))
    assert edit.status_code == (200 if role in EDITS_CATALOGUE else 403), role


def test_inline_preview_and_media_is_not_public(client, submitted):
    world, ob, sub = submitted
    client.force_login(world.users["dept_head"])
    inline = client.get(reverse("records:file", args=[sub.pk]) + "?inline=1")
    assert inline.status_code == 200 and inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    page = client.get(reverse("records:inbox"))
    assert ob.record_type.name in page.content.decode()
    preview = client.get(reverse("records:preview", args=[ob.pk]), HTTP_HX_REQUEST="true")
    assert f"/ho-so/tep/{sub.pk}/?inline=1" in preview.content.decode()
    client.logout()
    anonymous = client.get(reverse("records:file", args=[sub.pk]))
    assert anonymous.status_code == 302  # to the login page
    assert client.get("/media/" + sub.file.name).status_code == 404


def test_upload_errors_keep_the_note(client, world):
    setup_records(world)
    ob = lesson_plan(world)
    client.force_login(world.users["subject"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("records:upload", args=[ob.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf"), "note": "Tuần 10 – bản sửa"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "không đúng định dạng" in html and 'value="Tuần 10 – bản sửa"' in html


def test_htmx_return_needs_a_comment_and_bulk_approve(client, submitted):
    world, ob, sub = submitted
    other = lesson_plan(world, week=11)
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=other.pk, upload=pdf(), submit=True
    )
    client.force_login(world.users["dept_head"])
    response = client.post(
        reverse("records:decide", args=[ob.pk]),
        {"decision": "return", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "ghi rõ nội dung cần sửa" in response.content.decode()
    assert (
        response["HX-Retarget"] == "#preview"
    )  # nav.js swaps an error answer only when retargeted
    response = client.post(
        reverse("records:inbox_bulk"), {"ids": [ob.pk, other.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Đã duyệt 2 hồ sơ" in response.content.decode()
    ob.refresh_from_db()
    other.refresh_from_db()
    assert ob.state == other.state == ObligationState.APPROVED


def test_catalogue_edit_keeps_input_on_error(client, world):
    setup_records(world)
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    client.force_login(world.users["principal"])
    response = client.post(
        reverse("records:type_edit", args=[rt.pk]),
        {
            "name": "Kế hoạch bài dạy",
            "schedule_kind": "weekly",
            "schedule": '{"weekday": 9}',
            "chain_0": "department_head",
            "retention_years": "5",
            "is_active": "1",
        },
    )
    assert response.status_code == 400
    assert "weekday" in response.content.decode()
    rt.refresh_from_db()
    assert rt.schedule["weekday"] == 4


def test_screens_render(client, submitted):
    world, ob, sub = submitted
    client.force_login(world.users["subject"])
    for name in ("records:mine", "records:folders", "records:types"):
        assert client.get(reverse(name)).status_code == 200, name
    mine = client.get(reverse("records:mine") + "?when=all").content.decode()
    assert "Kế hoạch bài dạy" in mine
    folder = ob.folder
    for f in (folder, folder.parent, folder.parent.parent):
        assert client.get(reverse("records:folder", args=[f.pk])).status_code == 200
    # Another teacher's folder is out of scope.
    client.force_login(world.users["homeroom"])
    assert client.get(reverse("records:folder", args=[folder.pk])).status_code == 404


def test_catalogue_edit_saves_and_resyncs(client, world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from hoso.audit.models import AuditEvent

    setup_records(world)
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    client.force_login(world.users["vice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("records:type_edit", args=[rt.pk]),
            {
                "name": "Kế hoạch bài dạy",
                "schedule_kind": "weekly",
                "schedule": '{"weekday": 6, "week_offset": -1, "time": "22:00"}',
                "chain_0": "department_head",
                "chain_1": "vice_principal",
                "retention_years": "",
                "signature_required": "1",
                "is_active": "1",
            },
        )
    assert response.status_code == 302
    rt.refresh_from_db()
    assert rt.chain == ["department_head", "vice_principal"] and rt.retention_years is None
    assert rt.signature_required
    event = AuditEvent.objects.get(event_type="records.type_updated")
    assert event.before["schedule"]["weekday"] == 4 and event.after["schedule"]["weekday"] == 6
    ob = lesson_plan(world)
    assert timezone.localtime(ob.due_at).weekday() == 6
    assert ob.chain == ["department_head", "vice_principal"]


def test_event_screen_and_sync_button(client, world):
    setup_records(world)
    client.force_login(world.users["doi"])
    page = client.get(reverse("records:event_new"))
    assert page.status_code == 200 and "Đại hội Liên đội" in page.content.decode()
    bad = client.post(
        reverse("records:event_new"), {"event": "dai-hoi-lien-doi", "occurred_on": "2030-01-01"}
    )
    assert bad.status_code == 400 and "trong năm học" in bad.content.decode()
    ok = client.post(
        reverse("records:event_new"),
        {
            "event": "dai-hoi-lien-doi",
            "label": "Đại hội Liên đội nhiệm kỳ 2026",
            "occurred_on": "2026-10-15",
        },
    )
    assert ok.status_code == 302
    assert world.year.record_events.get().label == "Đại hội Liên đội nhiệm kỳ 2026"
    assert client.post(reverse("records:sync")).status_code == 403
    client.force_login(world.users["admin"])
    assert client.post(reverse("records:sync")).status_code == 302


def test_records_sync_command(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("records_sync", "--school", world.school.code, "--seed", stdout=out)
    text = out.getvalue()
    assert "loại hồ sơ mới" in text and "'created':" in text
    assert lesson_plan(world).state == ObligationState.PENDING


@pytest.mark.calendar  # the demo hand-ins and the lists depend on the day
def test_screens_use_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    from hoso.demo.records import seed_demo

    seed_demo(world.school, world.year, today=clock.today())
    rows = []
    for role, name, query in (
        ("subject", "records:mine", "?when=all"),
        ("dept_head", "records:inbox", ""),
        ("principal", "records:folders", ""),
        ("principal", "records:types", ""),
    ):
        client.force_login(world.users[role])
        client.get(reverse(name) + query)  # warm the session and the actor
        with django_assert_max_num_queries(30) as captured:
            response = client.get(reverse(name) + query)
        assert response.status_code == 200
        rows.append((name, len(captured.captured_queries)))
    print(rows)


def test_catalogue_edit_shows_the_next_due_dates(client, world):
    setup_records(world)
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    client.force_login(world.users["principal"])
    html = client.get(reverse("records:type_edit", args=[rt.pk])).content.decode()
    assert "Hằng tuần: Thứ Sáu tuần liền trước, 23:59" in html
    assert "Các hạn nộp sắp tới" in html and "Thứ Sáu" in html


def test_forbidden_decisions_are_logged(client, submitted):
    from hoso.audit.models import AuditEvent

    world, ob, sub = submitted
    client.force_login(world.users["vice"])  # sees it, but is not the awaited approver
    response = client.post(reverse("records:decide", args=[ob.pk]), {"decision": "approve"})
    assert response.status_code == 403
    event = AuditEvent.objects.filter(event_type="access.forbidden").latest("seq")
    assert f"records.decide {ob.pk} NOT_APPROVER" in event.target_repr


@pytest.mark.parametrize(
    "role,expected,absent",
    [
        ("subject", {"Hồ sơ của tôi", "Thư mục hồ sơ"}, {"Hồ sơ chờ duyệt", "Danh mục hồ sơ"}),
        ("dept_head", {"Hồ sơ của tôi", "Hồ sơ chờ duyệt"}, {"Danh mục hồ sơ"}),
        ("principal", {"Hồ sơ chờ duyệt", "Danh mục hồ sơ"}, set()),
        ("parent", set(), {"Hồ sơ của tôi", "Thư mục hồ sơ", "Hồ sơ chờ duyệt"}),
    ],
)
def test_navigation(world, role, expected, absent):
    from hoso.records.navigation import nav_entries

    labels = {label for _, label in nav_entries(world.actor(role))}
    assert expected <= labels and not (absent & labels)
    for name, _ in nav_entries(world.actor(role)):
        reverse(name)


def test_catalogue_schedule_edited_without_json(client, world):
    """GIVEN the lesson plan's weekly schedule, WHEN the principal picks "Chủ nhật of the week
    before, 22:00" in the form (the seed 002 school's rule), THEN the schedule is saved without
    anyone writing JSON, other parameters are kept, and a monthly "first Monday" works too."""
    setup_records(world)
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    rt.schedule = {**rt.schedule, "skip_weeks": [19]}
    rt.save()
    client.force_login(world.users["principal"])
    url = reverse("records:type_edit", args=[rt.pk])
    page = client.get(url).content.decode()
    assert 'name="sched_weekday"' in page and "Thứ Sáu" in page
    form = {
        "name": "Kế hoạch bài dạy",
        "schedule_kind": "weekly",
        "schedule": json.dumps(rt.schedule),
        "sched_form": "1",
        "sched_weekday": "6",
        "sched_week_offset": "-1",
        "sched_time": "22:00",
        "chain_0": "department_head",
        "retention_years": "5",
        "is_active": "1",
    }
    assert client.post(url, form).status_code == 302
    rt.refresh_from_db()
    assert rt.schedule == {"weekday": 6, "week_offset": -1, "time": "22:00", "skip_weeks": [19]}
    # A wrong hour is refused in Vietnamese and what was typed stays in the form.
    response = client.post(url, {**form, "sched_time": "25:00", "sched_weekday": "2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Giờ hạn nộp dạng HH:MM" in html and '<option value="2" selected>' in html
    # Monthly, the first Monday.
    monthly = RecordType.objects.filter(school=world.school, schedule_kind="monthly").first()
    url = reverse("records:type_edit", args=[monthly.pk])
    response = client.post(
        url,
        {
            **form,
            "name": monthly.name,
            "schedule_kind": "monthly",
            "schedule": json.dumps(monthly.schedule),
            "sched_month_mode": "nth",
            "sched_nth": "1",
            "sched_nth_weekday": "0",
            "sched_time": "17:00",
            "chain_0": monthly.chain[0] if monthly.chain else "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    monthly.refresh_from_db()
    assert monthly.schedule["nth_weekday"] == [1, 0] and "day" not in monthly.schedule
    assert monthly.schedule["time"] == "17:00"


def test_return_without_a_comment_shows_the_record_page_again(client, submitted):
    """GIVEN a submitted lesson plan, WHEN the department head returns it from its page with a
    blank comment, THEN the record's page comes back (422) with the Vietnamese message above
    the form, what was typed kept, and nothing decided."""
    world, ob, sub = submitted
    client.force_login(world.users["dept_head"])
    response = client.post(
        reverse("records:decide", args=[ob.pk]), {"decision": "return", "comment": "  \n "}
    )
    assert response.status_code == 422
    assert response.templates[0].name == "records/obligation.html"
    html = response.content.decode()
    assert "Hãy ghi rõ nội dung cần sửa khi trả lại hồ sơ." in html
    assert 'aria-invalid="true"' in html and "Duyệt hồ sơ" in html
    ob.refresh_from_db()
    assert ob.state == ObligationState.SUBMITTED
    assert not ob.decisions.filter(kind="return").exists()
