"""Obligations: generation, submission, the approval chain, delegation, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.accounts.models import Delegation
from hoso.accounts.roles import Role
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.records import actions
from hoso.records.errors import RecordsError
from hoso.records.models import (
    Decision,
    Folder,
    Obligation,
    ObligationState,
    RecordType,
    Submission,
    Timeliness,
)
from hoso.records.selectors import inbox, obligations_with_timeliness, timeliness_counts
from hoso.records.sync import obligations_sync
from hoso.records.tests.helpers import lesson_plan, pdf, setup_records
from hoso.records.timeliness import timeliness

# The data below lives in term I of 2026-2027.
pytestmark = pytest.mark.clock("2026-11-20")

S = ObligationState


@pytest.fixture
def rec(world):
    setup_records(world)
    return world


def test_sync_creates_the_folder_tree_and_is_idempotent(rec):
    world = rec
    ob = lesson_plan(world)
    assert ob.owner_kind == "teacher" and ob.state == S.PENDING
    period = ob.folder
    type_folder = period.parent
    owner_folder = type_folder.parent
    root = owner_folder.parent
    assert root.parent is None and root.name == "Năm học 2026-2027"
    assert (
        owner_folder.name == "Vũ Minh Đức" and owner_folder.owner_staff == world.people["subject"]
    )
    assert type_folder.name == "Kế hoạch bài dạy"
    assert period.name == ob.period_label and period.period_key == ob.period_key
    # Departments, the office team, the Đội leader and the school have their own obligations.
    kinds = set(Obligation.objects.filter(year=world.year).values_list("owner_kind", flat=True))
    assert {"teacher", "homeroom", "department", "office_team", "youth_leader", "school"} <= kinds
    assert not Obligation.objects.filter(
        owner_staff=world.people["principal"], record_type__code="ke-hoach-bai-day"
    ).exists()
    n_obl, n_fold = Obligation.objects.count(), Folder.objects.count()
    again = obligations_sync(year=world.year)
    assert again == {"folders": 0, "created": 0, "updated": 0, "deactivated": 0}
    assert (Obligation.objects.count(), Folder.objects.count()) == (n_obl, n_fold)


def test_sync_follows_staff_and_schedule_changes(rec, django_capture_on_commit_callbacks):
    world = rec
    teacher = world.people["outsider"]  # a teacher without classes or department
    future = Obligation.objects.filter(owner_staff=teacher, due_at__gt=timezone.now())
    assert future.exists()
    teacher.is_active = False
    teacher.save()
    result = obligations_sync(year=world.year)
    assert result["deactivated"] == future.count()
    assert not future.filter(is_active=True).exists()
    teacher.is_active = True
    teacher.save()
    obligations_sync(year=world.year)
    assert not future.filter(is_active=False).exists()
    # Schedule edit: Sunday 22:00 instead of Friday; unsubmitted due dates move.
    rt = RecordType.objects.get(school=world.school, code="ke-hoach-bai-day")
    vice = world.actor("vice")
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_type_update(
            actor=vice,
            record_type_id=rt.pk,
            data={
                "name": rt.name,
                "schedule_kind": "weekly",
                "schedule": {"weekday": 6, "week_offset": -1, "time": "22:00"},
                "chain": ["department_head"],
                "retention_years": "5",
                "signature_required": False,
                "is_active": True,
            },
        )
    ob = lesson_plan(world)
    local = timezone.localtime(ob.due_at)
    assert local.weekday() == 6 and (local.hour, local.minute) == (22, 0)
    assert AuditEvent.objects.filter(event_type="records.type_updated").exists()


def test_upload_submit_return_resubmit_approve(rec):
    world = rec
    teacher, head = world.actor("subject"), world.actor("dept_head")
    ob = lesson_plan(world)
    sub = actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf())
    ob.refresh_from_db()
    assert ob.state == S.DRAFT and sub.version == 1 and len(sub.sha256) == 64
    assert sub.content_type == "application/pdf" and sub.file.name.startswith("records/")
    actions.obligation_submit(actor=teacher, obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.SUBMITTED and ob.awaiting_role == "department_head"
    assert list(inbox(head)) == [ob]
    with pytest.raises(DomainError) as exc:
        actions.obligation_return(actor=head, obligation_id=ob.pk, comment="  ")
    assert exc.value.code == RecordsError.COMMENT_REQUIRED
    actions.obligation_return(actor=head, obligation_id=ob.pk, comment="Bổ sung mục tiêu bài 3")
    ob.refresh_from_db()
    assert ob.state == S.RETURNED and ob.returned_count == 1
    # Resubmitting the same version is refused: a corrected file is needed.
    with pytest.raises(DomainError) as exc:
        actions.obligation_submit(actor=teacher, obligation_id=ob.pk)
    assert exc.value.code == RecordsError.NO_FILE
    actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf("v2.pdf"), submit=True)
    ob.refresh_from_db()
    assert ob.state == S.SUBMITTED
    actions.obligation_approve(actor=head, obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.APPROVED and ob.approved_at is not None
    kinds = list(ob.decisions.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["submit", "return", "resubmit", "approve"]
    assert Submission.objects.filter(obligation=ob).count() == 2
    events = set(
        AuditEvent.objects.filter(
            target_id=str(ob.pk), target_type="records.obligation"
        ).values_list("event_type", flat=True)
    )
    assert {
        "records.file_uploaded",
        "records.submit",
        "records.return",
        "records.resubmit",
        "records.approve",
    } <= events
    # It was first submitted before the due date (week 10 is in November).
    assert timeliness(ob.due_at, ob.first_submitted_at, timezone.now()) in (
        Timeliness.ON_TIME,
        Timeliness.LATE,
    )


def test_two_step_chain_and_nobody_approves_their_own(rec):
    world = rec
    ob = Obligation.objects.get(
        record_type__code="ke-hoach-giao-duc-giao-vien", owner_staff=world.people["subject"]
    )
    teacher = world.actor("subject")
    actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf(), submit=True)
    ob.refresh_from_db()
    assert ob.chain == ["department_head", "vice_principal"]
    with pytest.raises(DomainError) as exc:  # the vice principal is not step 1
        actions.obligation_approve(actor=world.actor("vice"), obligation_id=ob.pk)
    assert exc.value.code == RecordsError.NOT_APPROVER
    actions.obligation_approve(actor=world.actor("dept_head"), obligation_id=ob.pk)
    ob.refresh_from_db()
    assert (ob.state, ob.current_step, ob.awaiting_role) == (S.SUBMITTED, 1, "vice_principal")
    actions.obligation_approve(actor=world.actor("vice"), obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.APPROVED
    # The department head's own plan skips "department head" and goes to the vice principal.
    own = Obligation.objects.get(
        record_type__code="ke-hoach-giao-duc-giao-vien", owner_staff=world.people["dept_head"]
    )
    head = world.actor("dept_head")
    actions.submission_upload(actor=head, obligation_id=own.pk, upload=pdf(), submit=True)
    own.refresh_from_db()
    assert own.chain == ["vice_principal"]
    with pytest.raises(DomainError) as exc:
        actions.obligation_approve(actor=head, obligation_id=own.pk)
    assert exc.value.code == RecordsError.OWN_SUBMISSION


def test_delegated_deputy_approves_and_is_recorded(rec, client):
    world = rec
    ob = lesson_plan(world)
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf(), submit=True
    )
    deputy = world.actor("deputy")
    with pytest.raises(DomainError):
        actions.obligation_approve(actor=deputy, obligation_id=ob.pk)
    now = timezone.now()
    Delegation.objects.create(
        school=world.school,
        kind=Delegation.Kind.DEPARTMENT_HEAD,
        grantor=world.people["dept_head"],
        grantee=world.people["deputy"],
        department=world.people["dept_head"].department,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
    )
    deputy = world.actor("deputy")
    actions.obligation_approve(actor=deputy, obligation_id=ob.pk)
    decision = Decision.objects.get(obligation=ob, kind="approve")
    label = deputy.acting_as_for(Role.DEPARTMENT_HEAD)
    assert len(label) > 40  # "thay Lê Văn Toàn (Tổ trưởng Tổ Toán …)": once cut at 40 → "(Tổ Toá"
    assert decision.acting_as == label
    client.force_login(world.users["deputy"])
    page = client.get(reverse("records:obligation", args=[ob.pk]))
    assert f"({label})" in page.content.decode()
    event = AuditEvent.objects.filter(event_type="records.approve").latest("seq")
    assert event.acting_as.startswith("thay Lê Văn Toàn")


def test_withdraw_and_state_guards(rec):
    world = rec
    teacher = world.actor("subject")
    ob = lesson_plan(world)
    with pytest.raises(DomainError) as exc:
        actions.obligation_submit(actor=teacher, obligation_id=ob.pk)
    assert exc.value.code == RecordsError.BAD_STATE
    actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf(), submit=True)
    with pytest.raises(DomainError) as exc:
        actions.submission_upload(actor=teacher, obligation_id=ob.pk, upload=pdf())
    assert exc.value.code == RecordsError.BAD_STATE
    actions.obligation_withdraw(actor=teacher, obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.DRAFT and ob.first_submitted_at is not None
    with pytest.raises(DomainError) as exc:
        actions.submission_upload(actor=world.actor("homeroom"), obligation_id=ob.pk, upload=pdf())
    assert exc.value.code == RecordsError.NOT_OWNER


def test_timeliness_pure_and_in_sql_agree(rec):
    world = rec
    now = timezone.now()
    due = now - timedelta(days=1)
    assert timeliness(due, due - timedelta(minutes=1), now) == Timeliness.ON_TIME
    assert timeliness(due, due, now) == Timeliness.ON_TIME
    assert timeliness(due, due + timedelta(seconds=1), now) == Timeliness.LATE
    assert timeliness(due, None, now) == Timeliness.MISSING
    assert timeliness(now + timedelta(days=1), None, now) == Timeliness.NOT_DUE
    obs = list(Obligation.objects.filter(year=world.year).order_by("pk")[:4])
    obs[0].due_at, obs[0].first_submitted_at = due, due - timedelta(hours=1)
    obs[1].due_at, obs[1].first_submitted_at = due, due + timedelta(hours=1)
    obs[2].due_at, obs[2].first_submitted_at = due, None
    obs[3].due_at, obs[3].first_submitted_at = now + timedelta(days=2), None
    Obligation.objects.bulk_update(obs, ["due_at", "first_submitted_at"])
    qs = obligations_with_timeliness(Obligation.objects.filter(pk__in=[o.pk for o in obs]), now)
    got = {o.pk: o.timeliness for o in qs}
    for o in obs:
        assert got[o.pk] == timeliness(o.due_at, o.first_submitted_at, now)
    counts = timeliness_counts(Obligation.objects.filter(pk__in=[o.pk for o in obs]), now)
    assert (counts["on_time"], counts["late"], counts["missing"], counts["not_due"]) == (1, 1, 1, 1)


def test_event_creates_obligations(rec):
    world = rec
    doi = world.actor("doi")
    from datetime import date

    ev = actions.record_event_create(
        actor=doi, event="dai-hoi-lien-doi", occurred_on=date(2026, 10, 15)
    )
    ob = Obligation.objects.get(event=ev)
    assert ob.owner_staff == world.people["doi"] and ob.period_key == f"EV{ev.pk}"
    assert timezone.localtime(ob.due_at).date() == date(2026, 10, 17)
    with pytest.raises(DomainError) as exc:
        actions.record_event_create(actor=doi, event="khong-co", occurred_on=date(2026, 10, 15))
    assert exc.value.code == RecordsError.BAD_EVENT


def test_closed_year_refuses_submission(rec):
    world = rec
    ob = lesson_plan(world)
    world.year.is_closed = True
    world.year.save()
    with pytest.raises(DomainError) as exc:
        actions.submission_upload(actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf())
    assert exc.value.code == RecordsError.YEAR_CLOSED


def test_staff_changes_resync_after_commit(rec, django_capture_on_commit_callbacks):
    world = rec
    from hoso.testing.factories import make_staff

    with django_capture_on_commit_callbacks(execute=True):
        newcomer = make_staff(world.school, "Trịnh Văn Mới", username="moi.records")
    assert Obligation.objects.filter(
        owner_staff=newcomer, record_type__code="ke-hoach-bai-day"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.is_active = False
        newcomer.save()
    assert not Obligation.objects.filter(
        owner_staff=newcomer, is_active=True, due_at__gt=timezone.now()
    ).exists()


def test_teacher_without_department_head_goes_to_the_vice_principal(rec):
    world = rec
    dept = world.people["subject"].department
    dept.head = None
    dept.save()
    ob = lesson_plan(world)
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf(), submit=True
    )
    ob.refresh_from_db()
    assert ob.chain == ["vice_principal"] and ob.awaiting_role == "vice_principal"
    assert list(inbox(world.actor("vice"))) == [ob]
    actions.obligation_approve(actor=world.actor("vice"), obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.APPROVED


def test_sync_follows_a_renamed_teacher(rec):
    world = rec
    teacher = world.people["subject"]
    folder = lesson_plan(world).folder.parent.parent
    teacher.given_name = "Đạt"
    teacher.refresh_name_keys()
    teacher.save()
    result = obligations_sync(year=world.year)
    folder.refresh_from_db()
    assert folder.name == "Vũ Minh Đạt" and result["renamed"] == 1
    assert "renamed" not in obligations_sync(year=world.year)
