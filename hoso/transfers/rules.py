"""The transfer procedure of each school level, as data (chuyển trường).

Primary — TT 28/2020/TT-BGDĐT Điều 36: the receiving principal answers the application within
3 working days; the sending principal hands the records over within 3 working days; the
receiving principal places the student in a class within 3 working days of receiving them.

Lower and upper secondary — QĐ 51/2002/QĐ-BGDĐT as amended by TT 50/2021/TT-BGDĐT (Đ5 k1): the
dossier (application, original học bạ, the sending principal's referral letter; for a move from
another province the referral of the sending locality: the Chairman of the commune People's
Committee for THCS, the Director of the Sở for THPT). The regulation gives no deadline for the
receiving principal; the draft charter (2025-26) says 5 working days (same province) / 8 (other
province) and 3 for the sending school — UNCONFIRMED, so those numbers are school settings
(``TransferSettings``) with these defaults.

Nothing outside this module asks "which circular?": callers ask ``procedure_for(level)`` and read
its steps and checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoso.organisation.models import Level, SuperiorKind

# Step codes (stable: stored in TransferStep.code).
DECIDE = "decide"  # receiving principal answers the application
PLACE = "place"  # receiving principal places the student in a class
LEAVE = "leave"  # sending school: the enrolment ends at the leaving date
EXTRACT = "extract"  # sending school: the signed học bạ extract is issued
HANDOVER = "handover"  # sending school: the records go to the parent / receiving school

# Who acts (role codes of hoso.accounts.roles.Role).
PRINCIPAL = "principal"
CLERK = "clerk"


@dataclass(frozen=True)
class StepRule:
    code: str
    label: str
    actor: str  # a Role value: who is reminded when late
    actor_label: str
    days: int | None  # the limit in working days; None: no limit in the regulation
    counted_from: str  # what the limit counts from (Vietnamese, shown on the page)
    basis: str  # the regulation (shown on the page)
    confirmed: bool = True


@dataclass(frozen=True)
class DocumentRule:
    code: str
    label: str
    required: bool
    other_province_only: bool = False


@dataclass(frozen=True)
class Procedure:
    key: str
    label: str
    basis: str
    incoming: tuple[StepRule, ...]
    outgoing: tuple[StepRule, ...]
    documents: tuple[DocumentRule, ...]

    def step(self, direction: str, code: str) -> StepRule:
        for rule in self.incoming if direction == "in" else self.outgoing:
            if rule.code == code:
                return rule
        raise LookupError(code)

    def documents_for(self, *, other_province: bool) -> tuple[DocumentRule, ...]:
        return tuple(d for d in self.documents if other_province or not d.other_province_only)


PRIMARY_BASIS = "Thông tư 28/2020/TT-BGDĐT, Điều 36"
SECONDARY_BASIS = "Quyết định 51/2002/QĐ-BGDĐT, sửa đổi bởi Thông tư 50/2021/TT-BGDĐT"
DRAFT_CHARTER = "Dự thảo Điều lệ trường trung học (2025) — CHƯA XÁC NHẬN, là thiết lập của trường"


def _outgoing(days: int, basis: str, confirmed: bool) -> tuple[StepRule, ...]:
    return (
        StepRule(
            LEAVE, "Kết thúc học tại trường (chốt điểm danh, kết quả)", CLERK, "Văn thư",
            0, "ngày chuyển đi", basis,
        ),
        StepRule(
            EXTRACT, "Học bạ năm học hiện tại ký số và cấp (trích đến ngày chuyển)", CLERK,
            "Văn thư", days, "ngày nhận đơn", basis, confirmed,
        ),
        StepRule(
            HANDOVER, "Bàn giao hồ sơ cho cha mẹ học sinh / trường nhận", PRINCIPAL,
            "Hiệu trưởng", days, "ngày nhận đơn", basis, confirmed,
        ),
    )  # fmt: skip


PRIMARY = Procedure(
    key="primary",
    label="Tiểu học",
    basis=PRIMARY_BASIS,
    incoming=(
        StepRule(
            DECIDE, "Hiệu trưởng trường nhận trả lời đơn (đồng ý / từ chối nêu lý do)",
            PRINCIPAL, "Hiệu trưởng", 3, "ngày nhận đơn", PRIMARY_BASIS,
        ),
        StepRule(
            PLACE, "Tiếp nhận hồ sơ và xếp lớp", PRINCIPAL, "Hiệu trưởng", 3,
            "ngày đồng ý tiếp nhận", PRIMARY_BASIS,
        ),
    ),
    outgoing=_outgoing(3, PRIMARY_BASIS, True),
    documents=(
        DocumentRule("application", "Đơn xin chuyển trường của cha mẹ học sinh", True),
        DocumentRule("transcript", "Học bạ", True),
        DocumentRule("results", "Kết quả học tập năm học đang học (chuyển giữa năm)", False),
        DocumentRule("birth_certificate", "Bản sao giấy khai sinh", False),
    ),
)  # fmt: skip


def _secondary(key: str, label: str, locality: str) -> Procedure:
    return Procedure(
        key=key,
        label=label,
        basis=SECONDARY_BASIS,
        incoming=(
            StepRule(
                DECIDE, "Hiệu trưởng trường nhận quyết định tiếp nhận (đồng ý / từ chối)",
                PRINCIPAL, "Hiệu trưởng", None, "ngày nhận hồ sơ", DRAFT_CHARTER, False,
            ),
            StepRule(
                PLACE, "Xếp lớp", PRINCIPAL, "Hiệu trưởng", 3, "ngày đồng ý tiếp nhận",
                DRAFT_CHARTER, False,
            ),
        ),
        outgoing=_outgoing(3, DRAFT_CHARTER, False),
        documents=(
            DocumentRule("application", "Đơn xin chuyển trường do cha mẹ (người giám hộ) ký", True),
            DocumentRule("transcript", "Học bạ (bản chính)", True),
            DocumentRule(
                "referral", "Giấy giới thiệu chuyển trường của hiệu trưởng trường đi", True
            ),
            DocumentRule(
                "locality_referral", f"Giấy giới thiệu của {locality} (chuyển từ tỉnh khác)",
                True, other_province_only=True,
            ),
        )
        + (
            (DocumentRule("admission", "Giấy xác nhận trúng tuyển vào lớp 10", True),)
            if key == "upper_secondary"
            else ()
        ),
    )  # fmt: skip


LOWER_SECONDARY = _secondary(
    "lower_secondary", "Trung học cơ sở", "Chủ tịch Ủy ban nhân dân cấp xã nơi đi"
)
UPPER_SECONDARY = _secondary(
    "upper_secondary", "Trung học phổ thông", "Giám đốc Sở Giáo dục và Đào tạo nơi đi"
)

PROCEDURES = {
    Level.PRIMARY: PRIMARY,
    Level.LOWER_SECONDARY: LOWER_SECONDARY,
    Level.UPPER_SECONDARY: UPPER_SECONDARY,
    Level.CONTINUING: UPPER_SECONDARY,
}


def procedure_for(level: str) -> Procedure:
    return PROCEDURES.get(level, LOWER_SECONDARY)


def referral_authority(school) -> str:
    """Who signs the referral of a move from another province for ``school``'s students: its
    own superior body, by kind and name (never a hard-coded "Phòng")."""
    if school.superior_kind == SuperiorKind.PROVINCE:
        return f"Giám đốc {school.office_name}"
    return f"Chủ tịch {school.office_name}"


def decision_days(procedure: Procedure, settings, *, other_province: bool) -> int | None:
    """The receiving principal's limit: the regulation's when it has one (primary: 3), else the
    school's setting (draft charter 5 / 8 by default)."""
    rule = procedure.step("in", DECIDE)
    if rule.days is not None:
        return rule.days
    if settings is None:
        return 8 if other_province else 5
    return settings.decision_days_other_province if other_province else settings.decision_days
