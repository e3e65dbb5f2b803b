"""Demo data of the document register (văn bản đi, đến): the month before the reference day
``today`` (working days of the same calendar year, from the first day of school at the
earliest), written through the package's actions (numbers, audit) and then dated on their day.

- an incoming document each working day (Phòng/Sở GDĐT, UBND, Công đoàn...), one Hỏa tốc a week;
  those older than three working days directed by the principal (a vice principal leads, a
  teacher supports), signed for; those older than ten working days answered and done, except
  two left late (on the overdue board); today's still to be presented;
- an outgoing document every other working day, signed, numbered, kept and issued; the last one
  signed today and waiting for its number (the clerk's next step).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

AUTHORS = (
    ("Phòng Giáo dục và Đào tạo", "PGDĐT", "Công văn", "V/v tổ chức thi học sinh giỏi cấp huyện"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", "Kế hoạch", "Kế hoạch kiểm tra nội bộ trường học"),
    ("Ủy ban nhân dân phường", "UBND", "Thông báo", "Thông báo lịch tiếp công dân tháng"),
    ("Công đoàn giáo dục", "CĐGD", "Công văn", "V/v tổ chức hội thi giáo viên dạy giỏi"),
    ("Phòng Giáo dục và Đào tạo", "PGDĐT", "Quyết định", "Quyết định thành lập đoàn kiểm tra"),
    ("Trung tâm Y tế", "TTYT", "Hướng dẫn", "Hướng dẫn phòng chống dịch bệnh mùa đông"),
)
OUTGOING = (
    ("Kế hoạch", "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp trường"),
    ("Báo cáo", "Báo cáo sơ kết hoạt động chuyên môn tháng"),
    ("Thông báo", "Thông báo lịch họp phụ huynh học sinh"),
    ("Công văn", "V/v cử giáo viên tham dự tập huấn"),
    ("Quyết định", "Quyết định thành lập đội tuyển học sinh giỏi"),
    ("Giấy mời", "Giấy mời dự lễ kỷ niệm ngày Nhà giáo Việt Nam"),
)


def _staff_actor(school, year, position: str):
    from hoso.accounts.actor import build_actor
    from hoso.organisation.models import Staff

    staff = (
        Staff.objects.filter(school=school, position=position, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return build_actor(staff.user, school, year) if staff else None


def _days(school_id: int, year, today: date) -> list[date]:
    from hoso.organisation.workdays import is_working_day

    start = max(today - timedelta(days=30), date(today.year, 1, 1), year.start_date)
    out, day = [], start
    while day <= today:
        if is_working_day(school_id, day):
            out.append(day)
        day += timedelta(days=1)
    return out


def seed_demo(school, year, *, today: date) -> None:
    from hoso.organisation.models import Position

    if not year.start_date <= today <= year.end_date:
        return
    clerk = _staff_actor(school, year, Position.CLERK)
    principal = _staff_actor(school, year, Position.PRINCIPAL)
    vice = _staff_actor(school, year, Position.VICE_PRINCIPAL)
    teacher = _staff_actor(school, year, Position.TEACHER)
    if None in (clerk, principal, vice, teacher):
        return
    days = _days(school.pk, year, today)
    if not days:
        return
    with transaction.atomic():
        _seed(school, clerk, principal, vice, teacher, days, today)


def _seed(school, clerk, principal, vice, teacher, days: list[date], today: date) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoso.archive.testing import pdf_bytes
    from hoso.core import clock
    from hoso.correspondence import actions
    from hoso.correspondence.models import (
        DocumentType,
        IncomingAssignee,
        IncomingDocument,
        IncomingProgress,
        OutgoingDocument,
    )
    from hoso.organisation.workdays import add_working_days

    actions.office_setup(school=school)
    types = {t.name: t for t in DocumentType.objects.filter(school=school)}
    last_out = None
    late_left = 0
    for i, day in enumerate(days):
        age = len(days) - 1 - i  # working days before today
        moment = clock.at(day, 8, 30)
        # outgoing, every other working day
        if i % 2 == 0:
            type_name, summary = OUTGOING[(i // 2) % len(OUTGOING)]
            doc = actions.outgoing_create(
                actor=clerk,
                doc_type_id=types[type_name].pk,
                summary=summary,
                recipients="- Phòng GDĐT (để b/c);\n- Các tổ chuyên môn;",
            )
            actions.outgoing_sign(actor=principal, document_id=doc.pk)
            if age > 0:
                actions.outgoing_number(actor=clerk, document_id=doc.pk)
                content = pdf_bytes(f"{type_name}: {summary}", "Nơi nhận: Lưu: VT.")
                actions.outgoing_attach(
                    actor=clerk,
                    document_id=doc.pk,
                    upload=SimpleUploadedFile(f"van-ban-{i}.pdf", content),
                )
                actions.outgoing_issue(actor=clerk, document_id=doc.pk)
                OutgoingDocument.objects.filter(pk=doc.pk).update(
                    drafted_at=moment,
                    signed_at=clock.at(day, 10),
                    numbered_at=clock.at(day, 14),
                    issued_at=clock.at(day, 15),
                    org_signed_at=clock.at(day, 15),
                    document_date=day,
                    issue_due=add_working_days(school.pk, day, 1),
                )
                last_out = doc
            else:
                OutgoingDocument.objects.filter(pk=doc.pk).update(
                    drafted_at=moment, issue_due=add_working_days(school.pk, day, 1)
                )
        # incoming, every working day
        author, code, type_name, summary = AUTHORS[i % len(AUTHORS)]
        number = 300 + i * 7
        incoming = actions.incoming_register(
            actor=clerk,
            author=author,
            their_symbol=f"{number}/{code}",
            type_name=type_name,
            summary=summary,
            urgency="flash" if i % 5 == 4 else "normal",
            upload=SimpleUploadedFile(
                f"cv-{number}.pdf", pdf_bytes(f"{author}", f"{type_name} số {number}: {summary}")
            ),
        )
        present_due = day if incoming.urgency != "normal" else add_working_days(school.pk, day, 1)
        IncomingDocument.objects.filter(pk=incoming.pk).update(
            received_on=day,
            their_date=day - timedelta(days=2),
            registered_at=moment,
            present_due=present_due,
        )
        if age < 3:
            continue
        actions.incoming_present(actor=clerk, document_id=incoming.pk)
        actions.incoming_direct(
            actor=principal,
            document_id=incoming.pk,
            lead_user_id=vice.user.pk,
            support_user_ids=[teacher.user.pk],
            directive="Đ/c Phó hiệu trưởng chủ trì, phối hợp tổ chuyên môn triển khai.",
        )
        deadline = add_working_days(school.pk, day, 7)
        IncomingDocument.objects.filter(pk=incoming.pk).update(
            presented_at=clock.at(day, 10),
            directed_at=clock.at(present_due, 9),
            deadline=deadline,
        )
        actions.incoming_acknowledge(actor=vice, document_id=incoming.pk)
        IncomingAssignee.objects.filter(document=incoming.pk).update(
            acknowledged_at=clock.at(present_due, 11)
        )
        if deadline < today:
            if late_left < 2:
                late_left += 1  # left late: the overdue board and the reminders show it
                continue
            actions.incoming_progress_add(
                actor=vice, document_id=incoming.pk, text="Đã triển khai đến các tổ."
            )
            if last_out is not None:
                actions.incoming_reply_link(
                    actor=vice, document_id=incoming.pk, outgoing_id=last_out.pk
                )
            actions.incoming_done(actor=vice, document_id=incoming.pk)
            IncomingProgress.objects.filter(document=incoming.pk).update(at=clock.at(deadline, 9))
            IncomingDocument.objects.filter(pk=incoming.pk).update(done_at=clock.at(deadline, 16))
