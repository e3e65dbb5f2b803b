"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist.

Seeds the catalogue, generates the current year's folders and obligations, and gives the
obligations already due a realistic, deterministic spread: approved on time, approved late,
awaiting approval, returned with a comment, drafts, and missing ones — so the compliance board
has something to show. Bulk inserts only; each demo file is a tiny generated PDF.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from hoso.core import clock
from hoso.organisation.models import Department, Position, Staff
from hoso.records.actions import obligations_sync, record_types_seed
from hoso.records.models import (
    Decision,
    DecisionKind,
    Obligation,
    ObligationState,
    Submission,
    submission_upload_to,
)

S = ObligationState
RETURN_COMMENTS = [
    "Bổ sung mục tiêu và yêu cầu cần đạt của bài học.",
    "Thiếu chữ ký của tổ trưởng, đề nghị bổ sung.",
    "Điều chỉnh thời lượng hoạt động luyện tập cho phù hợp.",
    "Tệp scan mờ, đề nghị scan lại.",
]


def _pdf(text: str) -> bytes:
    body = text.encode("ascii", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"% " + body + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def seed_demo(school, year, *, today: date) -> None:
    """Hand-ins as of the reference day ``today``: every obligation due before it is approved,
    late, awaiting approval, returned, a draft or missing; a quarter of those due in the next
    week are handed in early; nothing is dated after ``today``."""
    # The demo seed writes one audit event per school itself (hoso.demo.actions).
    record_types_seed(school=school, audit=False)
    obligations_sync(year=year, audit=False)
    now = clock.now_on(today)
    rng = random.Random(f"records:{school.code}:{year.name}")
    staff = {s.pk: s for s in Staff.objects.filter(school=school).select_related("user")}
    heads = {d.pk: d.head_id for d in Department.objects.filter(school=school)}
    principal = next((s for s in staff.values() if s.position == Position.PRINCIPAL), None)
    vice = next((s for s in staff.values() if s.position == Position.VICE_PRINCIPAL), None)
    clerk = next((s for s in staff.values() if s.position == Position.CLERK), None)

    def user_of(staff_id):
        person = staff.get(staff_id)
        return person.user if person is not None and person.user_id else None

    def approver(ob, role):
        if role in ("department_head", "office_head"):
            dept = staff[ob.owner_staff_id].department_id if ob.owner_staff_id else None
            person = heads.get(dept)
            if person and person != ob.owner_staff_id:
                return user_of(person)
            role = "vice_principal"
        if role == "vice_principal" and vice and vice.pk != ob.owner_staff_id:
            return vice.user
        return principal.user if principal and principal.user_id else None

    def uploader(ob):
        if ob.owner_staff_id:
            return user_of(ob.owner_staff_id)
        if ob.owner_department_id:
            return user_of(heads.get(ob.owner_department_id))
        return (clerk or principal).user if (clerk or principal) else None

    obligations = list(
        Obligation.objects.filter(year=year, is_active=True, due_at__lt=now + timedelta(days=7))
        .select_related("record_type")
        .order_by("pk")
    )
    subs, decisions, changed = [], [], []
    for ob in obligations:
        user = uploader(ob)
        if user is None:
            continue
        overdue = ob.due_at < now
        roll = rng.random()
        if not overdue:
            if roll > 0.25:
                continue  # still open: most people hand in near the deadline
            outcome = "submitted"
        elif roll < 0.55:
            outcome = "approved"
        elif roll < 0.65:
            outcome = "late_approved"
        elif roll < 0.72:
            outcome = "submitted"
        elif roll < 0.78:
            outcome = "returned"
        elif roll < 0.82:
            outcome = "draft"
        else:
            continue  # missing
        late = outcome == "late_approved" or (overdue and rng.random() < 0.12)
        if late:
            first = ob.due_at + timedelta(hours=rng.randint(2, 96))
            if first > now:
                first = now - timedelta(minutes=rng.randint(5, 600))
        else:
            first = ob.due_at - timedelta(hours=rng.randint(1, 120))
        first = min(first, now - timedelta(minutes=1))
        content = _pdf(f"HoSo demo {school.code} obligation {ob.pk}")
        digest = hashlib.sha256(content).hexdigest()
        sub = Submission(
            obligation=ob,
            version=1,
            original_name=f"{ob.record_type.code}-{ob.period_key}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=digest,
            uploaded_by=user,
            uploaded_at=first - timedelta(minutes=3),
        )
        sub.file = default_storage.save(submission_upload_to(sub, "demo.pdf"), ContentFile(content))
        subs.append(sub)
        chain = list(ob.record_type.chain)
        ob.chain = chain
        if outcome == "draft":
            ob.state = S.DRAFT
            changed.append(ob)
            continue
        ob.first_submitted_at = ob.submitted_at = first
        decisions.append(
            Decision(obligation=ob, submission=sub, step=0, actor=user, kind="submit", at=first)
        )
        if outcome == "submitted" or not chain:
            ob.state = S.SUBMITTED if chain else S.APPROVED
            ob.awaiting_role = chain[0] if chain else ""
            ob.approved_at = None if chain else first
        elif outcome == "returned":
            at = min(first + timedelta(hours=rng.randint(3, 48)), now)
            who = approver(ob, chain[0])
            if who is None:
                continue
            ob.state, ob.returned_count = S.RETURNED, 1
            decisions.append(
                Decision(
                    obligation=ob,
                    submission=sub,
                    step=0,
                    actor=who,
                    acting_as=chain[0],
                    kind=DecisionKind.RETURN,
                    comment=rng.choice(RETURN_COMMENTS),
                    at=at,
                )
            )
        else:
            at = first
            for step, role in enumerate(chain):
                who = approver(ob, role)
                if who is None or who.pk == user.pk:
                    continue
                at = min(at + timedelta(hours=rng.randint(2, 40)), now)
                decisions.append(
                    Decision(
                        obligation=ob,
                        submission=sub,
                        step=step,
                        actor=who,
                        acting_as=role,
                        kind=DecisionKind.APPROVE,
                        at=at,
                    )
                )
            ob.state, ob.current_step, ob.approved_at = S.APPROVED, len(chain), at
        changed.append(ob)
    Submission.objects.bulk_create(subs, batch_size=500)
    for d in decisions:
        d.submission_id = d.submission.pk
    Decision.objects.bulk_create(decisions, batch_size=500)
    # One executemany instead of bulk_update's CASE WHEN per field (10× faster here).
    ops = connection.ops

    def ts(value):
        return ops.adapt_datetimefield_value(value) if value is not None else None

    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Obligation._meta.db_table} SET state = %s, chain = %s, current_step = %s, "
            "awaiting_role = %s, first_submitted_at = %s, submitted_at = %s, approved_at = %s, "
            "returned_count = %s WHERE id = %s",
            [
                (
                    ob.state,
                    json.dumps(ob.chain),
                    ob.current_step,
                    ob.awaiting_role,
                    ts(ob.first_submitted_at),
                    ts(ob.submitted_at),
                    ts(ob.approved_at),
                    ob.returned_count,
                    ob.pk,
                )
                for ob in changed
            ],
        )
