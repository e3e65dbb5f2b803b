"""What the school holds about a child (quyền được biết, quyền truy cập dữ liệu): every category
of personal data, with the values themselves, for the guardian's page and its download.

The categories kept below ``privacy`` (the profile, guardians, enrolments, consents, requests)
are read here; those of higher packages come from their ``<package>/privacy_data.py`` module,
each with ``sections(student) -> list[Section]`` — loaded by name, like the audit labels, so a
lower package never imports a higher one. A new package holding data about students adds its
module and its name to ``PROVIDERS``."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

PROVIDERS = ("gradebook", "attendance", "transcripts")


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "note": self.note,
            "rows": [dict(zip(self.columns, row, strict=False)) for row in self.rows],
        }


def _d(value) -> str:
    if value is None or value == "":
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def profile(student) -> Section:
    rows = [
        ["Mã học sinh", student.student_code],
        ["Mã định danh cá nhân", student.personal_id],
        ["Họ và tên", student.full_name],
        ["Giới tính", student.get_gender_display()],
        ["Ngày sinh", _d(student.birth_date)],
        ["Nơi sinh", student.birth_place],
        ["Dân tộc", student.ethnicity],
        ["Quốc tịch", student.nationality],
        ["Nơi ở hiện nay", student.address],
        ["Khuyết tật (dữ liệu sức khỏe, nhạy cảm)", "Có" if student.has_disability else "Không"],
        ["Dạng khuyết tật", student.disability_note],
    ]
    return Section("profile", "Sơ yếu lý lịch", ["Thông tin", "Giá trị"], rows)


def guardians(student) -> Section:
    rows = [
        [
            link.guardian.full_name,
            link.get_relation_display(),
            link.guardian.phone,
            link.guardian.occupation,
            "Có" if link.guardian.user_id else "Chưa",
        ]
        for link in student.guardian_links.select_related("guardian").order_by("pk")
    ]
    return Section(
        "guardians",
        "Cha mẹ, người giám hộ",
        ["Họ và tên", "Quan hệ", "Điện thoại", "Nghề nghiệp", "Tài khoản HoSo"],
        rows,
    )


def enrolments(student) -> Section:
    from hoso.students.selectors import student_history

    rows = [
        [
            e.year.name,
            e.school_class.name,
            e.get_status_display(),
            _d(e.start_date),
            _d(e.end_date),
        ]
        for e in student_history(student)
    ]
    return Section(
        "enrolments",
        "Quá trình học tập tại trường",
        ["Năm học", "Lớp", "Tình trạng", "Từ ngày", "Đến ngày"],
        rows,
    )


def consents(student, *, user_ids: list[int]) -> Section:
    from django.db.models import Q

    from hoso.privacy.models import Consent

    rows = [
        [
            c.get_purpose_display(),
            c.user.get_full_name(),
            f"phiên bản {c.notice.version}",
            c.get_source_display(),
            _d(c.given_at),
            _d(c.withdrawn_at) or "đang hiệu lực",
        ]
        for c in Consent.objects.filter(school_id=student.school_id)
        .filter(Q(student=student) | Q(student__isnull=True, user_id__in=user_ids))
        .select_related("notice", "user")
        .order_by("-given_at")
    ]
    return Section(
        "consents",
        "Sự đồng ý đã ghi nhận",
        ["Mục đích", "Người đồng ý", "Thông báo", "Cách ghi nhận", "Ngày", "Rút lại / hết"],
        rows,
    )


def requests(student) -> Section:
    from hoso.privacy.models import DataRequest

    rows = [
        [
            _d(r.received_at),
            r.get_kind_display(),
            r.field,
            r.get_state_display(),
            _d(r.due_at),
            r.answer,
        ]
        for r in DataRequest.objects.filter(student=student).order_by("-received_at")
    ]
    return Section(
        "requests",
        "Yêu cầu về dữ liệu",
        ["Ngày gửi", "Loại", "Thông tin", "Trạng thái", "Hạn trả lời", "Trả lời"],
        rows,
    )


def outsiders(student) -> Section:
    """Who outside the school's staff read the child's data (from the audit trail)."""
    from django.db.models import Q

    from hoso.audit.models import AuditEvent

    class_ids = [str(pk) for pk in student.enrolments.values_list("school_class_id", flat=True)]
    events = (
        AuditEvent.objects.filter(school_id=student.school_id)
        .filter(
            Q(
                # the contact book's child page logs its own views (parents.child_viewed)
                event_type__in=["privacy.child_data_viewed", "parents.child_viewed"],
                target_type="students.student",
                target_id=str(student.pk),
            )
            | Q(
                event_type="privacy.class_data_viewed",
                target_type="organisation.schoolclass",
                target_id__in=class_ids,
            )
        )
        .order_by("-at")
        .values_list("at", "actor_name", "after", "target_repr", "event_type")[:500]
    )
    labels = {"parent": "Phụ huynh", "inspector": "Thanh tra / Phòng, Sở GD&ĐT", "other": "Khác"}
    rows = [
        [
            at.astimezone(_vn()).strftime("%H:%M %d/%m/%Y"),
            name,
            labels.get((after or {}).get("as"), "")
            or (labels["parent"] if kind == "parents.child_viewed" else ""),
            (after or {}).get("what", "")
            + (
                f" (cả {target[:1].lower()}{target[1:]})"
                if kind == "privacy.class_data_viewed"
                else ""
            ),
        ]
        for at, name, after, target, kind in events
    ]
    return Section(
        "access",
        "Ai ngoài cán bộ nhà trường đã xem dữ liệu của con",
        ["Lúc", "Người xem", "Tư cách", "Trang"],
        rows,
        note="500 lần xem gần nhất, theo nhật ký hệ thống.",
    )


def _vn():
    from hoso.core.clock import VN_TZ

    return VN_TZ


def child_data(student, *, user_ids: list[int]) -> list[Section]:
    """Every section, in reading order. ``user_ids``: whose consents that are not about one
    child are shown (the reader's own: a co-parent's choices are theirs, not the child's)."""
    sections = [profile(student), guardians(student), enrolments(student)]
    for name in PROVIDERS:
        sections += import_module(f"hoso.{name}.privacy_data").sections(student)
    sections += [consents(student, user_ids=user_ids), requests(student), outsiders(student)]
    return sections


def child_data_json(student, *, user_ids: list[int], generated_at) -> dict:
    return {
        "school": student.school.name,
        "student": student.full_name,
        "generated_at": generated_at.isoformat(),
        "sections": {s.key: s.as_dict() for s in child_data(student, user_ids=user_ids)},
    }
