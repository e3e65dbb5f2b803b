"""Nobody promotes themselves: who may give or take which position (chức vụ). Roles follow from
positions (docs/adr/0002), so giving a position is giving power.

- Leader positions (Hiệu trưởng, Phó hiệu trưởng): the principal in person — not a vice
  principal acting by delegation — or the server command ``manage.py appoint_principal``.
- Administrative positions (Quản trị viên, Văn thư): the principal or a vice principal. The
  administrator and the clerk create accounts and see their one-time passwords: letting them
  give these powers would let them promote themselves through an account they opened.
- Other positions (Giáo viên, Kế toán, Nhân viên y tế, Nhân viên thư viện, Tổng phụ trách
  Đội): the register's keepers and the leaders (``Perm.ASSIGN_POSITIONS``).
- Never one's own positions, whatever they are; never the school's last principal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from django.db.models import Q

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, in_person_principal
from hoso.accounts.roles import Role
from hoso.core.errors import PermissionDeniedError
from hoso.organisation.models import Position, Staff, StaffPosition


class Tier(IntEnum):
    OTHER = 1
    ADMINISTRATIVE = 2
    LEADER = 3


LEADER_POSITIONS = frozenset({Position.PRINCIPAL, Position.VICE_PRINCIPAL})
ADMINISTRATIVE_POSITIONS = frozenset({Position.ADMINISTRATOR, Position.CLERK})
LABELS = dict(Position.choices)


def tier_of(position: str) -> Tier:
    if position in LEADER_POSITIONS:
        return Tier.LEADER
    if position in ADMINISTRATIVE_POSITIONS:
        return Tier.ADMINISTRATIVE
    return Tier.OTHER


class PositionError:
    """Codes (asserted by tests) of the refusals below."""

    SELF = "position_self"
    NEEDS_PRINCIPAL = "position_needs_principal"
    NEEDS_LEADER = "position_needs_leader"
    NOT_ALLOWED = "position_not_allowed"
    LAST_PRINCIPAL = "position_last_principal"
    UNKNOWN = "position_unknown"


@dataclass(frozen=True)
class PositionSet:
    """A person's main position and further positions (kiêm nhiệm)."""

    main: str
    extra: frozenset[str] = frozenset()

    @classmethod
    def of(cls, staff: Staff) -> PositionSet:
        if staff.pk is None:
            return cls(main="", extra=frozenset())
        return cls(
            main=staff.position,
            extra=frozenset(staff.extra_positions.values_list("position", flat=True)),
        )

    @classmethod
    def wanted(cls, main: str, extra: Iterable[str]) -> PositionSet:
        return cls(main=main, extra=frozenset(extra) - {main})

    @property
    def all(self) -> frozenset[str]:
        return (self.extra | {self.main}) - {""}

    def as_json(self) -> dict:
        return {"position": self.main, "extra": sorted(self.extra)}

    def label(self) -> str:
        names = [LABELS.get(self.main, self.main)] + sorted(LABELS.get(p, p) for p in self.extra)
        return ", ".join(n for n in names if n)


def changed_positions(before: PositionSet, after: PositionSet) -> frozenset[str]:
    """Positions given or taken; a position moved between main and extra counts as changed."""
    out = before.all ^ after.all
    if before.main != after.main:
        out |= {before.main, after.main} - {""}
    return frozenset(out)


def holds_leader_position(staff: Staff) -> bool:
    return staff.position in LEADER_POSITIONS or (
        staff.pk is not None
        and staff.extra_positions.filter(position__in=LEADER_POSITIONS).exists()
    )


def leader_positions_of(staff: Staff) -> list[str]:
    held = PositionSet.of(staff).all & LEADER_POSITIONS
    return [p for p in (Position.PRINCIPAL, Position.VICE_PRINCIPAL) if p in held]


def principals(school_id: int):
    """Staff of the school who hold the principal's position (main or further) and are not
    leaving (no end of employment recorded)."""
    extra = StaffPosition.objects.filter(position=Position.PRINCIPAL).values("staff_id")
    return Staff.objects.filter(
        Q(position=Position.PRINCIPAL) | Q(pk__in=extra),
        school_id=school_id,
        is_active=True,
        end_date__isnull=True,
    )


def may_assign(actor: Actor, tier: Tier) -> bool:
    if tier == Tier.LEADER:
        return actor.staff is not None and in_person_principal(actor)
    if tier == Tier.ADMINISTRATIVE:
        return actor.staff is not None and (
            in_person_principal(actor) or actor.has(Role.VICE_PRINCIPAL)
        )
    return can(actor, Perm.ASSIGN_POSITIONS)


def assignable_positions(actor: Actor, staff: Staff | None = None) -> list[str]:
    """The positions ``actor`` may give or take (for forms: the others are shown disabled)."""
    if staff is not None and is_self(actor, staff):
        return []
    return [p for p in Position.values if may_assign(actor, tier_of(p))]


def is_self(actor: Actor, staff: Staff) -> bool:
    own_user = getattr(actor.user, "pk", None)
    return bool(
        (actor.staff is not None and actor.staff.pk == staff.pk)
        or (own_user is not None and staff.user_id == own_user)
    )


def position_problem(
    actor: Actor, staff: Staff, before: PositionSet, after: PositionSet
) -> tuple[str, str] | None:
    """Why ``actor`` may not move ``staff`` from ``before`` to ``after`` (code, message), or
    None when it may. Pure but for the last-principal count."""
    unknown = after.all - set(Position.values)
    if unknown or not after.main:
        return PositionError.UNKNOWN, "Chức vụ không hợp lệ."
    changed = changed_positions(before, after)
    if not changed:
        return None
    if staff.pk is not None and is_self(actor, staff):
        return (
            PositionError.SELF,
            "Không ai tự đổi chức vụ của mình: việc này do người có thẩm quyền thực hiện.",
        )
    tier = max(tier_of(p) for p in changed)
    if not may_assign(actor, tier):
        names = ", ".join(LABELS[p] for p in sorted(changed) if tier_of(p) == tier)
        if tier == Tier.LEADER:
            return (
                PositionError.NEEDS_PRINCIPAL,
                f"Chỉ Hiệu trưởng (trực tiếp, không qua ủy quyền) mới bổ nhiệm hoặc miễn nhiệm "
                f"{names}. Hiệu trưởng mới do cơ quan quản lý bổ nhiệm: quản trị máy chủ ghi "
                f"bằng lệnh appoint_principal.",
            )
        if tier == Tier.ADMINISTRATIVE:
            return (
                PositionError.NEEDS_LEADER,
                f"Chức vụ {names} mang quyền quản trị: do Hiệu trưởng hoặc Phó hiệu trưởng "
                f"phân công.",
            )
        return PositionError.NOT_ALLOWED, "Bạn không có quyền phân công chức vụ."
    if (
        staff.pk is not None
        and Position.PRINCIPAL in before.all
        and Position.PRINCIPAL not in after.all
        and not principals(staff.school_id).exclude(pk=staff.pk).exists()
    ):
        return PositionError.LAST_PRINCIPAL, LAST_PRINCIPAL_MESSAGE
    return None


LAST_PRINCIPAL_MESSAGE = (
    "Trường phải luôn có Hiệu trưởng: hãy bổ nhiệm Hiệu trưởng mới trước "
    "(lệnh appoint_principal trên máy chủ, hoặc Hiệu trưởng bổ nhiệm người kế nhiệm)."
)


def refuse(
    actor: Actor, staff: Staff, before: PositionSet, after: PositionSet, problem: tuple[str, str]
) -> PermissionDeniedError:
    """Audit the refused attempt (what was asked, why) and return the error to raise."""
    from hoso.accounts.policies import log_refused

    code, message = problem
    log_refused(
        actor,
        event_type="staff.positions_refused",
        school_id=staff.school_id,
        target=staff if staff.pk else None,
        before=before.as_json() if staff.pk else None,
        after=after.as_json() | {"reason": code, "name": staff.full_name},
    )
    return PermissionDeniedError(code, message, field="position")
