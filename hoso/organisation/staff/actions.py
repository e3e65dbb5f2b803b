"""Every write to the staff register. Keyword-only, policy-checked, row-locked, one transaction
with its change-log line (``StaffChange``) and its audit event.

``staff_create`` and ``staff_update`` take a plain mapping of field name → value (typed or
text), so a form and an importer call them alike; problems come back as ``StaffInvalid`` with
one ``FieldProblem`` (field, code, Vietnamese message) each, for a row + column report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.models import User
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import in_sentence, nfc
from hoso.organisation.models import (
    Department,
    School,
    Staff,
    StaffChange,
    StaffPosition,
    StaffRegisterEdition,
)
from hoso.organisation.staff import policies, positions
from hoso.organisation.staff.errors import (
    FieldProblem,
    StaffError,
    StaffInvalid,
    denied,
    fail,
)
from hoso.organisation.staff.fields import PERSONAL
from hoso.organisation.staff.positions import PositionSet
from hoso.organisation.staff.register import audit_view, diff, register_data, register_values
from hoso.organisation.staff.selectors import last_change_id, leaders_of, open_assignments
from hoso.organisation.staff.validation import MAX_AHEAD_DAYS, clean_fields, parse_date_field

K = StaffChange.Kind
SYSTEM_NAME = "Hệ thống"


@dataclass
class AccountRequest:
    """Create the person's account with them. ``username`` empty: the proposed one."""

    username: str = ""


@dataclass
class StaffCreated:
    staff: Staff
    change: StaffChange
    user: User | None = None
    temporary_password: str | None = None  # shown once to whoever created the person


@dataclass
class PositionsChanged:
    change: StaffChange | None
    # A leader appointed whose account still had a one-time password someone else saw gets a
    # new one, shown only to the principal who appointed them.
    temporary_password: str | None = None


@dataclass
class EmploymentEnded:
    change: StaffChange
    applied: bool  # False: the date is ahead; the account stops on that day
    flagged: list[str]  # what the leaders must give to someone else


# --- helpers --------------------------------------------------------------------------------


def _actor_name(actor: Actor | None) -> str:
    user = getattr(actor, "user", None)
    if user is None or not getattr(user, "pk", None):
        return SYSTEM_NAME
    return nfc(user.get_full_name() or user.get_username())


def _log(
    *,
    staff: Staff,
    kind: str,
    actor: Actor | None,
    changes: list[dict[str, Any]],
    effective_on: date | None = None,
    note: str = "",
    event_type: str,
    extra_audit: dict[str, Any] | None = None,
    audit_before_after: tuple[dict, dict] | None = None,
    server: str = "",
) -> StaffChange:
    """The change-log line and the audit event, in the caller's transaction. ``server``: what
    ran on the server when no person acted (a command), recorded as ``acting_as``."""
    user = getattr(actor, "user", None)
    user = user if getattr(user, "pk", None) else None
    change = StaffChange.objects.create(
        school_id=staff.school_id,
        staff=staff,
        kind=kind,
        effective_on=effective_on or clock.today(),
        at=clock.now(),
        actor=user,
        actor_name=f"Quản trị máy chủ ({server})" if server else _actor_name(actor),
        changes=changes,
        note=note,
    )
    before, after = audit_before_after or audit_view(changes)
    audit_record(
        event_type=event_type,
        actor=user,
        school_id=staff.school_id,
        target=staff,
        before=before or None,
        after=after | {"change": change.pk} | (extra_audit or {}),
        acting_as=server,
    )
    return change


def _check_personal(actor: Actor, staff: Staff | None, fields: Mapping[str, Any]) -> None:
    """Personal fields given by someone not entitled to them are refused, not dropped."""
    asked = {k for k, v in fields.items() if k in PERSONAL and v not in (None, "")}
    if staff is not None:
        asked = {k for k in fields if k in PERSONAL}
    if asked and not policies.can_see_personal(actor, None):
        from hoso.accounts.policies import log_denied

        log_denied(
            actor, kind="forbidden", what=f"dữ liệu cá nhân cán bộ: {', '.join(sorted(asked))}"
        )
        raise denied(StaffError.PERSONAL_NOT_ALLOWED)


def _assign(staff: Staff, clean: dict[str, Any]) -> None:
    for name, value in clean.items():
        if name == "department":
            staff.department_id = value
        else:
            setattr(staff, name, value)
    staff.refresh_name_keys()


def _same_school(actor: Actor, staff: Staff) -> None:
    """A person of another school is refused (and the attempt logged)."""
    if staff.school_id != actor.school_id:
        from hoso.accounts.policies import log_denied

        log_denied(actor, kind="forbidden", what=f"cán bộ #{staff.pk} của trường khác")
        raise denied()


def _lock(staff: Staff) -> Staff:
    return Staff.objects.select_for_update().get(pk=staff.pk)


def _lock_positions(school_id: int) -> None:
    """Position changes of one school queue on the school's row (they are rare): two principals
    relieving each other at once cannot both succeed and leave the school without one."""
    School.objects.select_for_update().filter(pk=school_id).first()


def _set_extra(staff: Staff, extra: frozenset[str]) -> None:
    staff.extra_positions.exclude(position__in=extra).delete()
    have = set(staff.extra_positions.values_list("position", flat=True))
    StaffPosition.objects.bulk_create(
        [StaffPosition(staff=staff, position=p) for p in sorted(extra - have)]
    )


def _duplicate_code(staff: Staff) -> StaffInvalid:
    return StaffInvalid(
        [
            FieldProblem(
                "code", StaffError.DUPLICATE_CODE, f"Mã cán bộ {staff.code} đã có trong trường."
            )
        ]
    )


def _notify(user, school, *, kind: str, text: str, key: str, url: str = "") -> None:
    if user is None:
        return
    from hoso.notifications.actions import notify

    notify(user=user, school=school, kind=kind, text=text, dedupe_key=key, url=url)


# --- create and edit ------------------------------------------------------------------------


def staff_create(
    *,
    actor: Actor,
    fields: Mapping[str, Any],
    extra_positions: Iterable[str] = (),
    account: AccountRequest | None = None,
) -> StaffCreated:
    """Enter a person in the register (and open their account when ``account`` is given: the
    one-time password comes back once, the person must change it at first login)."""
    from hoso.accounts.actions import check_username, open_staff_account, propose_username

    policies.require_register_keeper(actor, "thêm cán bộ")
    _check_personal(actor, None, fields)
    clean, problems = clean_fields(fields, school=actor.school)
    staff = Staff(school=actor.school)
    _assign(staff, clean)
    username = ""
    if account is not None and not problems:
        try:
            username = (
                check_username(account.username)
                if nfc(account.username)
                else propose_username(staff.full_name)
            )
        except DomainError as exc:
            code = (
                StaffError.ACCOUNT_TAKEN if exc.code == "USERNAME_TAKEN" else StaffError.BAD_VALUE
            )
            problems.append(FieldProblem("username", code, exc.message))
    if problems:
        raise StaffInvalid(problems)
    wanted = PositionSet.wanted(staff.position, extra_positions)
    problem = positions.position_problem(actor, staff, PositionSet(main=""), wanted)
    if problem:
        raise positions.refuse(actor, staff, PositionSet(main=""), wanted, problem)
    user = temporary = None
    try:
        with transaction.atomic():
            staff.save()
            _set_extra(staff, wanted.extra)
            if account is not None:
                user, temporary = open_staff_account(
                    by=actor.user, school_id=actor.school_id, staff=staff, username=username
                )
            change = _log(
                staff=staff,
                kind=K.CREATED,
                actor=actor,
                changes=diff({}, register_values(staff, wanted.extra)),
                event_type="staff.created",
                extra_audit={"account": user.username if user else None},
            )
    except IntegrityError:
        raise _duplicate_code(staff)
    return StaffCreated(staff=staff, change=change, user=user, temporary_password=temporary)


def staff_update(*, actor: Actor, staff: Staff, changes: Mapping[str, Any]) -> StaffChange | None:
    """Change register fields of ``staff`` (only the fields given). The main position goes
    through the positions rule; nothing is written when nothing changed."""
    policies.require_register_keeper(actor, f"sửa hồ sơ cán bộ {staff}")
    _same_school(actor, staff)
    _check_personal(actor, staff, changes)
    try:
        with transaction.atomic():
            if "position" in changes:
                _lock_positions(staff.school_id)
            staff = _lock(staff)
            clean, problems = clean_fields(changes, school=actor.school, current=staff)
            if problems:
                raise StaffInvalid(problems)
            before_positions = PositionSet.of(staff)
            before = register_values(staff, before_positions.extra)
            if "position" in clean and clean["position"] != staff.position:
                wanted = PositionSet.wanted(clean["position"], before_positions.extra)
                problem = positions.position_problem(actor, staff, before_positions, wanted)
                if problem:
                    raise _Refused(problem, before_positions, wanted)
                if wanted.extra != before_positions.extra:
                    _set_extra(staff, wanted.extra)
            _assign(staff, clean)
            after = register_values(staff)
            lines = diff(before, after)
            if not lines:
                return None
            staff.save()
            if staff.user_id and staff.user.display_name != staff.full_name:
                User.objects.filter(pk=staff.user_id).update(display_name=staff.full_name)
            change = _log(
                staff=staff, kind=K.UPDATED, actor=actor, changes=lines, event_type="staff.updated"
            )
            if positions.is_self(actor, staff):
                _tell_principals_of_own_edit(staff, change)
            return change
    except _Refused as refused:
        raise positions.refuse(actor, staff, refused.before, refused.after, refused.problem)
    except IntegrityError:
        raise _duplicate_code(staff)


def _move_positions(
    staff: Staff, before: PositionSet, after: PositionSet, *, actor: Actor | None, server: str = ""
) -> StaffChange:
    """Store ``after`` (the caller checked and holds the locks), with its change-log line and
    its audit event (before/after in the positions' own shape)."""
    values_before = register_values(staff, before.extra)
    staff.position = after.main
    staff.save(update_fields=["position"])
    _set_extra(staff, after.extra)
    return _log(
        staff=staff,
        kind=K.POSITIONS,
        actor=actor,
        changes=diff(values_before, register_values(staff, after.extra)),
        event_type="staff.positions_changed",
        audit_before_after=(before.as_json(), after.as_json()),
        server=server,
    )


def _tell_principals_of_own_edit(staff: Staff, change: StaffChange) -> None:
    """The register's keeper may correct its own record, but not silently: the principal is
    told what changed (salary, awards and discipline included)."""
    from hoso.organisation.staff.register import change_items, change_lines, departments_of

    items = change_items(change.changes, personal=True, departments=departments_of(staff.school))
    what = "; ".join(change_lines(items))
    url = reverse("organisation:staff_detail", args=[staff.pk])
    for leader in (
        positions.principals(staff.school_id).filter(user__isnull=False).select_related("user")
    ):
        if leader.pk != staff.pk:
            _notify(
                leader.user,
                staff.school,
                kind="staff.own_record",
                text=f"{staff.full_name} tự sửa hồ sơ cán bộ của mình: {what}"[:500],
                key=f"own_record:{change.pk}",
                url=url,
            )


class _Refused(Exception):
    """Leaves the transaction (its lock) before the refusal is audited on its own."""

    def __init__(self, problem, before: PositionSet, after: PositionSet):
        self.problem, self.before, self.after = problem, before, after


# --- positions ------------------------------------------------------------------------------


def staff_set_positions(
    *, actor: Actor, staff: Staff, position: str, extra: Iterable[str]
) -> PositionsChanged:
    """Give or take positions (roles follow from them), under the rule of ``positions.py``:
    nobody changes their own, leaders only by the principal in person, administrative ones by
    leaders, never the last principal. The person is told."""
    from hoso.accounts.actions import set_temporary_password

    _same_school(actor, staff)
    wanted = PositionSet.wanted(position, extra)
    try:
        with transaction.atomic():
            _lock_positions(staff.school_id)
            staff = _lock(staff)
            before = PositionSet.of(staff)
            problem = positions.position_problem(actor, staff, before, wanted)
            if problem:
                raise _Refused(problem, before, wanted)
            if not positions.changed_positions(before, wanted):
                return PositionsChanged(change=None)
            change = _move_positions(staff, before, wanted, actor=actor)
            temporary = None
            given_leader = (wanted.all - before.all) & positions.LEADER_POSITIONS
            if given_leader and staff.user_id and staff.user.must_change_password:
                temporary = set_temporary_password(
                    by=actor.user, school=actor.school, user=staff.user, reason="leader_appointed"
                )
            _notify(
                staff.user if staff.user_id else None,
                actor.school,
                kind="staff.positions",
                text=(
                    f"Chức vụ của bạn: {before.label()} → {wanted.label()} (do "
                    f"{_actor_name(actor)} cập nhật ngày {clock.today():%d/%m/%Y})."
                ),
                key=f"positions:{change.pk}",
            )
            return PositionsChanged(change=change, temporary_password=temporary)
    except _Refused as refused:
        raise positions.refuse(actor, staff, refused.before, refused.after, refused.problem)


@dataclass
class PrincipalAppointed:
    staff: Staff
    change: StaffChange | None  # None: already the principal
    user: User | None
    temporary_password: str | None  # printed once by the command


def principal_appoint(
    *, school: School, staff: Staff, operator: str, username: str = ""
) -> PrincipalAppointed:
    """Record ``staff`` as principal of ``school`` — the appointment decided by the superior
    body, or the first principal of a new school — run on the server by
    ``manage.py appoint_principal`` (nobody in the school can make a principal but the
    principal). The account is opened when missing, or given a new one-time password when its
    present one was never changed (someone else saw it); the password is printed once. The
    person (and the other principals) are told. Former principals keep their position until the
    new principal relieves them (``staff_set_positions``): the school is never left without one.
    """
    from hoso.accounts.actions import (
        check_username,
        open_staff_account,
        propose_username,
        set_temporary_password,
    )
    from hoso.organisation.models import Position

    server = f"lệnh appoint_principal, {operator}"
    with transaction.atomic():
        _lock_positions(school.pk)
        staff = Staff.objects.select_for_update().get(pk=staff.pk, school=school)
        if not staff.is_active or staff.end_date is not None:
            raise fail(
                StaffError.ALREADY_ENDED,
                name=staff.full_name,
                date=f"{staff.end_date or clock.today():%d/%m/%Y}",
            )
        before = PositionSet.of(staff)
        after = PositionSet(
            main=Position.PRINCIPAL,
            extra=before.extra - {Position.PRINCIPAL, Position.VICE_PRINCIPAL},
        )
        change = None
        if positions.changed_positions(before, after):
            change = _move_positions(staff, before, after, actor=None, server=server)
        user = staff.user if staff.user_id else None
        temporary = None
        if user is None:
            name = check_username(username) if username else propose_username(staff.full_name)
            user, temporary = open_staff_account(
                by=None, school_id=school.pk, staff=staff, username=name
            )
        elif user.must_change_password or not user.is_active:
            if not user.is_active:
                user.is_active = True
                user.save(update_fields=["is_active"])
                audit_record(
                    event_type="account.enabled",
                    school_id=school.pk,
                    target=user,
                    before={"is_active": False},
                    after={"is_active": True},
                    acting_as=server,
                )
            temporary = set_temporary_password(
                by=None, school=school, user=user, reason="principal_appointed"
            )
        text = f"{staff.full_name} được ghi là Hiệu trưởng từ ngày {clock.today():%d/%m/%Y}."
        _notify(
            user,
            school,
            kind="staff.positions",
            text=text,
            key=f"principal:{staff.pk}:{change.pk if change else 0}",
        )
        for other in positions.principals(school.pk).exclude(pk=staff.pk).select_related("user"):
            _notify(
                other.user if other.user_id else None,
                school,
                kind="staff.positions",
                text=text + " Hãy cập nhật chức vụ của mình nếu bạn thôi giữ chức vụ này.",
                key=f"principal:{staff.pk}:{change.pk if change else 0}",
            )
    return PrincipalAppointed(staff=staff, change=change, user=user, temporary_password=temporary)


def leader_password_reset_by_server(*, school: School, staff: Staff, operator: str) -> str:
    """A new one-time password for a leader (the principal above all, whose password nobody in
    the school may reset), run by ``manage.py reset_principal_password``; printed once, the
    person told."""
    from hoso.accounts.actions import set_temporary_password

    if (
        not staff.user_id
        or not positions.holds_leader_position(staff)
        or staff.school_id != school.pk
    ):
        raise DomainError(
            StaffError.NOT_ALLOWED,
            "Lệnh này chỉ dành cho tài khoản của Hiệu trưởng hoặc Phó hiệu trưởng của trường.",
        )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=staff.user_id)
        return set_temporary_password(
            by=None,
            school=school,
            user=user,
            reason=f"server: reset_principal_password, {operator}",
        )


# --- end of employment and re-hire ----------------------------------------------------------


def staff_end(
    *, actor: Actor, staff: Staff, end_date: date | str, reason: str, note: str = ""
) -> EmploymentEnded:
    """Record that ``staff`` stops working at the school from ``end_date`` (ngày thôi công tác),
    for ``reason``. Nothing is deleted: the person stays in the register with the date and
    reason. From that date the account no longer opens the school; on it (at once when the date
    is today or past, otherwise by ``staff_apply_due_ends``) the further positions and
    department headships are given up and the account is disabled unless it serves elsewhere.
    Teaching and homerooms from that date are flagged to the leaders, not removed. A leader is
    first relieved by the principal (``staff_set_positions``)."""
    policies.require_register_keeper(actor, f"thôi công tác {staff}")
    _same_school(actor, staff)
    if positions.is_self(actor, staff):
        raise _end_problem(
            "end_date",
            StaffError.NOT_ALLOWED,
            "Việc thôi công tác của chính mình do người khác ghi.",
        )
    end_date = parse_date_field("end_date", end_date)
    if reason not in Staff.EndReason.values:
        raise _end_problem("end_reason", StaffError.REQUIRED, "Hãy chọn lý do thôi công tác.")
    if end_date is None:
        raise _end_problem("end_date", StaffError.REQUIRED, "Hãy ghi ngày thôi công tác.")
    note = _clean_note(note)
    today = clock.today()
    with transaction.atomic():
        _lock_positions(staff.school_id)
        staff = _lock(staff)
        if staff.end_date is not None:
            raise fail(
                StaffError.ALREADY_ENDED, name=staff.full_name, date=f"{staff.end_date:%d/%m/%Y}"
            )
        held = positions.leader_positions_of(staff)
        if not held:
            problem = _end_date_problem(staff, end_date, today)
            if problem is not None:
                raise problem
            before = register_values(staff)
            staff.end_date = end_date
            staff.end_reason = reason
            staff.save(update_fields=["end_date", "end_reason"])
            applied = end_date <= today
            headships = _apply_end(staff) if applied else []
            flagged = open_assignments(staff, end_date).lines() + headships
            change = _log(
                staff=staff,
                kind=K.ENDED if applied else K.END_SCHEDULED,
                actor=actor,
                changes=diff(before, register_values(staff)),
                effective_on=end_date,
                note=note,
                event_type="staff.ended" if applied else "staff.end_scheduled",
                extra_audit={"flagged": flagged},
            )
            _tell_leaders(staff, end_date=end_date, flagged=flagged, change=change)
            return EmploymentEnded(change=change, applied=applied, flagged=flagged)
    # A leader is relieved by the principal first; the refused attempt is audited on its own.
    from hoso.accounts.policies import log_refused

    log_refused(
        actor,
        event_type="staff.end_refused",
        target=staff,
        after={"reason": str(StaffError.HOLDS_LEADER_POSITION), "positions": held},
    )
    raise fail(
        StaffError.HOLDS_LEADER_POSITION,
        name=staff.full_name,
        position=positions.LABELS[held[0]],
    )


def _clean_note(note: str) -> str:
    note = nfc(note)
    limit = StaffChange._meta.get_field("note").max_length
    if len(note) > limit:
        raise _end_problem(
            "note", StaffError.TOO_LONG, f"Ghi chú dài {len(note)} ký tự, tối đa {limit}."
        )
    return note


def _end_problem(field: str, code: StaffError, message: str) -> StaffInvalid:
    return StaffInvalid([FieldProblem(field, code, message)])


def _end_date_problem(staff: Staff, end_date: date, today: date) -> StaffInvalid | None:
    starts = [d for d in (staff.school_start_date, staff.start_date) if d]
    if starts and end_date <= max(starts):
        return _end_problem(
            "end_date",
            StaffError.BAD_DATE,
            f"Ngày thôi công tác phải sau ngày về trường ({max(starts):%d/%m/%Y}).",
        )
    if (end_date - today).days > MAX_AHEAD_DAYS:
        return _end_problem(
            "end_date", StaffError.BAD_DATE, "Ngày thôi công tác xa quá một năm tới: kiểm tra lại."
        )
    return None


def _apply_end(staff: Staff) -> list[str]:
    """The end taking effect (caller holds the lock): out of service, further positions and
    department headships given up, the account disabled unless it serves elsewhere."""
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    staff.extra_positions.all().delete()
    lines = []
    for d in Department.objects.select_for_update().filter(Q(head=staff) | Q(deputy=staff)):
        role = "Tổ trưởng" if d.head_id == staff.pk else "Tổ phó"
        lines.append(f"{role} {d.name}: cần người thay")
        Department.objects.filter(pk=d.pk, head=staff).update(head=None)
        Department.objects.filter(pk=d.pk, deputy=staff).update(deputy=None)
        audit_record(
            event_type="department.head_removed",
            school_id=staff.school_id,
            target=d,
            before={"head": d.head_id, "deputy": d.deputy_id},
            after={"removed": staff.pk, "reason": "staff.ended"},
        )
    if staff.user_id:
        _disable_account_if_unused(staff)
    return lines


def _disable_account_if_unused(staff: Staff) -> None:
    from hoso.accounts.actions import api_tokens_revoke_all

    user = User.objects.select_for_update().get(pk=staff.user_id)
    if not user.is_active:
        return
    elsewhere = (
        Staff.objects.filter(user=user, is_active=True).exclude(pk=staff.pk).exists()
        or user.guardian_profiles.exists()
        or user.inspector_grants.filter(revoked_at__isnull=True, ends_at__gt=clock.now()).exists()
        or user.is_superuser
    )
    if elsewhere:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        event_type="account.disabled",
        school_id=staff.school_id,
        target=user,
        before={"is_active": True},
        after={"is_active": False, "reason": "staff.ended", "staff": staff.pk},
    )
    api_tokens_revoke_all(user=user, school_id=staff.school_id, reason="account_disabled")


def _tell_leaders(staff: Staff, *, end_date: date, flagged: list[str], change: StaffChange) -> None:
    if not flagged:
        return
    url = reverse("organisation:staff_detail", args=[staff.pk])
    text = (
        f"{staff.full_name} thôi công tác từ {end_date:%d/%m/%Y}; cần giao lại: "
        + "; ".join(flagged[:5])
        + (f" và {len(flagged) - 5} việc khác." if len(flagged) > 5 else ".")
    )
    for leader in leaders_of(staff.school):
        _notify(
            leader.user,
            staff.school,
            kind="staff.ended",
            text=text,
            key=f"staff_end:{change.pk}",
            url=url,
        )


def staff_apply_due_ends(*, today: date | None = None) -> list[StaffChange]:
    """Ends whose date has come (the daily ``manage.py staff_apply_ends``): the same bookkeeping
    as an end recorded on the day, by the system, audited."""
    today = today or clock.today()
    done = []
    for pk in Staff.objects.filter(is_active=True, end_date__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            staff = Staff.objects.select_for_update().filter(pk=pk, is_active=True).first()
            if staff is None or staff.end_date is None or staff.end_date > today:
                continue
            before = register_values(staff)
            headships = _apply_end(staff)
            flagged = open_assignments(staff, staff.end_date).lines() + headships
            change = _log(
                staff=staff,
                kind=K.ENDED,
                actor=None,
                changes=diff(before, register_values(staff)),
                effective_on=staff.end_date,
                note="Đến ngày thôi công tác đã ghi.",
                event_type="staff.ended",
                extra_audit={"flagged": flagged},
            )
            _tell_leaders(staff, end_date=staff.end_date, flagged=flagged, change=change)
            done.append(change)
    return done


def staff_rehire(
    *, actor: Actor, staff: Staff, start_date: date | str, position: str, note: str = ""
) -> StaffChange:
    """Bring back a person who ended (or cancel an end not yet reached): in service again from
    ``start_date`` (the new ngày về trường) with ``position``, which is given anew under the
    positions rule. The former end stays in the change log. The account, if disabled, is
    reopened by the administrator (accounts are theirs)."""
    policies.require_register_keeper(actor, f"trở lại công tác {staff}")
    _same_school(actor, staff)
    wanted = PositionSet.wanted(position, ())
    note = _clean_note(note)
    start_date = parse_date_field("start_date", start_date)
    try:
        with transaction.atomic():
            _lock_positions(staff.school_id)
            staff = _lock(staff)
            if staff.end_date is None:
                raise fail(StaffError.NOT_ENDED, name=staff.full_name)
            problem = positions.position_problem(actor, staff, PositionSet(main=""), wanted)
            if problem:
                raise _Refused(problem, PositionSet(main=""), wanted)
            if start_date is None:
                raise _end_problem(
                    "start_date", StaffError.REQUIRED, "Hãy ghi ngày trở lại công tác."
                )
            if staff.is_active is False and start_date < staff.end_date:
                raise _end_problem(
                    "start_date",
                    StaffError.BAD_DATE,
                    f"Ngày trở lại phải từ ngày thôi công tác ({staff.end_date:%d/%m/%Y}) trở đi.",
                )
            if (start_date - clock.today()).days > MAX_AHEAD_DAYS:
                raise _end_problem(
                    "start_date", StaffError.BAD_DATE, "Ngày trở lại xa quá một năm tới."
                )
            before = register_values(staff)
            cancelled = staff.is_active  # an end announced but not reached
            staff.is_active = True
            staff.end_date = None
            staff.end_reason = ""
            staff.position = wanted.main
            if not cancelled:
                staff.school_start_date = start_date
            staff.save()
            return _log(
                staff=staff,
                kind=K.REHIRED,
                actor=actor,
                changes=diff(before, register_values(staff)),
                effective_on=start_date,
                note=note or ("Hủy ngày thôi công tác đã ghi." if cancelled else ""),
                event_type="staff.rehired",
            )
    except _Refused as refused:
        raise positions.refuse(actor, staff, refused.before, refused.after, refused.problem)


# --- editions -------------------------------------------------------------------------------


def edition_take(*, actor: Actor, kind: str, note: str = "") -> StaffRegisterEdition:
    """Freeze the register of the actor's school year as it stands (bản sổ đầu năm, giữa năm,
    cuối năm, or after a change), with the change-log lines since the previous edition and the
    people who left during the year. One edition per cycle point and year."""
    try:
        return _edition_take(actor=actor, kind=kind, note=note)
    except IntegrityError:  # taken in between (the school's row lock makes this a backstop)
        existing = StaffRegisterEdition.objects.filter(year=actor.year, kind=kind).first()
        raise fail(
            StaffError.EDITION_EXISTS,
            kind=in_sentence(StaffRegisterEdition.Kind(kind).label),
            year=actor.year.name,
            date=f"{existing.taken_at.astimezone(clock.VN_TZ):%d/%m/%Y}" if existing else "",
        )


def _edition_take(*, actor: Actor, kind: str, note: str) -> StaffRegisterEdition:
    policies.require_edition_keeper(actor)
    year = actor.year
    if year is None:
        raise fail(StaffError.NO_YEAR)
    if year.is_closed:
        raise fail(StaffError.YEAR_CLOSED, year=year.name)
    if kind not in StaffRegisterEdition.Kind.values:
        raise DomainError(StaffError.BAD_VALUE, "Loại bản sổ không hợp lệ.", field="kind")
    note = nfc(note)
    if len(note) > 300:
        raise DomainError(
            StaffError.TOO_LONG, f"Ghi chú dài {len(note)} ký tự, tối đa 300.", field="note"
        )
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=actor.school_id).first()  # one at a time
        if kind != StaffRegisterEdition.Kind.CHANGE:
            existing = StaffRegisterEdition.objects.filter(year=year, kind=kind).first()
            if existing is not None:
                raise fail(
                    StaffError.EDITION_EXISTS,
                    kind=in_sentence(existing.get_kind_display()),
                    year=year.name,
                    date=f"{existing.taken_at.astimezone(clock.VN_TZ):%d/%m/%Y}",
                )
        editions = StaffRegisterEdition.objects.filter(school=actor.school)
        previous = editions.order_by("-number").first()
        since = previous.last_change_id if previous else 0
        until = last_change_id(actor.school)
        data = register_data(
            school=actor.school, year=year, since_change_id=since, until_change_id=until
        )
        taken_at = clock.now()
        data |= {
            "kind": kind,
            "kind_label": StaffRegisterEdition.Kind(kind).label,
            "taken_at": f"{taken_at.astimezone(clock.VN_TZ):%H:%M %d/%m/%Y}",
            "taken_on": f"{taken_at.astimezone(clock.VN_TZ):%d/%m/%Y}",
            "taken_by": _actor_name(actor),
            "previous": ({"number": previous.number, "label": str(previous)} if previous else None),
            "note": note,
        }
        number = (editions.aggregate(m=Max("number"))["m"] or 0) + 1
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        edition = StaffRegisterEdition.objects.create(
            school=actor.school,
            year=year,
            kind=kind,
            number=number,
            taken_at=taken_at,
            taken_by=actor.user,
            taken_by_name=_actor_name(actor),
            note=note,
            last_change_id=until,
            data=data,
            sha256=digest,
        )
        audit_record(
            event_type="staff_register.edition_taken",
            actor=actor.user,
            school_id=actor.school_id,
            target=edition,
            after={
                "number": number,
                "kind": kind,
                "year": year.name,
                "people": len(data["active"]),
                "ended": len(data["ended"]),
                "changes": len(data["changes"]),
                "sha256": digest,
            },
        )
    return edition
