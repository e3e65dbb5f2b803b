"""Pages of the staff register. Thin: parse → access/policy → action/selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hoso.accounts import actions as account_actions
from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import Perm, can
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import full_name
from hoso.organisation.models import Department, Position
from hoso.organisation.staff import actions, policies, positions, selectors
from hoso.organisation.staff.errors import StaffInvalid
from hoso.organisation.staff.fields import FIELDS, SECTIONS, display, stored_value
from hoso.organisation.staff.forms import (
    EditionForm,
    EndForm,
    PositionsForm,
    RehireForm,
    StaffForm,
    initial_of,
)
from hoso.organisation.staff.register import change_log, departments_of


def no_store(response: HttpResponse) -> HttpResponse:
    """A page holding a one-time password is never cached."""
    response["Cache-Control"] = "private, no-store"
    return response


def _show(form, exc: DomainError) -> None:
    """Each problem beside its field when the form has it, above the form otherwise; what was
    typed stays in the form."""
    problems = exc.problems if isinstance(exc, StaffInvalid) else [exc]
    for p in problems:
        form.add_error(p.field if p.field in form.fields else None, p.message)


def _one_time_password(request, staff, temporary: str) -> HttpResponse:
    """A leader's new one-time password, shown once to the principal who asked for it."""
    return no_store(
        render(
            request,
            "organisation/staff/leader_password.html",
            {"staff": staff, "temporary": temporary},
        )
    )


@login_required
def staff_list(request):
    actor = request.actor
    policies.require_register_reader(actor)
    status = request.GET.get("tinh-trang", selectors.Status.ACTIVE)
    department = request.GET.get("to", "")
    wanted = selectors.StaffFilter(
        q=request.GET.get("q", ""),
        status=status,
        department_id=int(department) if department.isdigit() else None,
        position=request.GET.get("chuc-vu", ""),
    )
    staff = list(selectors.staff_search(actor, wanted))
    return render(
        request,
        "organisation/staff/list.html",
        {
            "staff": staff,
            "filter": wanted,
            "statuses": selectors.Status.CHOICES,
            "departments": Department.objects.filter(school=actor.school),
            "positions": Position.choices,
            "can_edit": policies.can_edit_register(actor),
            "can_print": policies.can_print_register(actor),
            "can_editions": policies.can_keep_editions(actor) or policies.can_print_register(actor),
            "today": clock.today(),
        },
    )


@login_required
def staff_detail(request, staff_id: int):
    actor = request.actor
    staff = policies.access_person(actor, staff_id)
    personal = policies.can_see_personal(actor, staff)
    departments = departments_of(actor.school)
    sections = []
    for key, label in SECTIONS:
        rows = [
            (f.label, display(f.name, stored_value(staff, f.name), departments=departments))
            for f in FIELDS
            if f.section == key and (personal or not f.personal)
        ]
        sections.append((label, rows))
    keeper = policies.can_edit_register(actor)
    flagged = []
    if staff.end_date and (keeper or actor.is_leader):
        flagged = selectors.open_assignments(staff, staff.end_date).lines()
    may_assign = bool(positions.assignable_positions(actor, staff))
    leader = positions.holds_leader_position(staff)
    return render(
        request,
        "organisation/staff/detail.html",
        {
            "staff": staff,
            "sections": sections,
            "extra": staff.extra_positions.all(),
            "changes": change_log(
                selectors.person_changes(staff)[:50], personal=personal, departments=departments
            ),
            "flagged": flagged,
            "can_edit": keeper,
            "can_positions": may_assign,
            "leader_account": leader
            and positions.may_assign(actor, positions.Tier.LEADER)
            and not positions.is_self(actor, staff),
            "admin_account": not leader and can(actor, Perm.MANAGE_ACCOUNTS),
            "today": clock.today(),
        },
    )


def _positions_enabled(actor, staff=None) -> list[str]:
    return positions.assignable_positions(actor, staff)


@login_required
def staff_create(request):
    actor = request.actor
    policies.require_register_keeper(actor, "thêm cán bộ")
    personal = policies.can_see_personal(actor)
    enabled = _positions_enabled(actor)
    form = StaffForm(
        request.POST or None,
        school=actor.school,
        personal=personal,
        positions_enabled=enabled,
        with_account=True,
        initial={"position": Position.TEACHER, "employment": "permanent", "ethnicity": "Kinh"},
    )
    if request.method == "POST" and form.is_valid():
        account = None
        if form.cleaned_data.get("create_account"):
            account = actions.AccountRequest(username=form.cleaned_data.get("username", ""))
        try:
            created = actions.staff_create(
                actor=actor, fields=form.register_values(), account=account
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            if created.temporary_password:
                return no_store(
                    render(
                        request,
                        "organisation/staff/created.html",
                        {"created": created},
                    )
                )
            messages.success(request, f"Đã vào sổ {created.staff.full_name}.")
            return redirect("organisation:staff_detail", staff_id=created.staff.pk)
    return render(
        request,
        "organisation/staff/form.html",
        {"form": form, "creating": True, "personal": personal, "enabled": enabled},
    )


@login_required
@require_GET
def username_proposal(request):
    """The user name an account would get for the name being typed (htmx; writes nothing)."""
    policies.require_register_keeper(request.actor, "đề xuất tên đăng nhập")
    name = full_name(
        request.GET.get("family_name", ""),
        request.GET.get("middle_name", ""),
        request.GET.get("given_name", ""),
    )
    proposal = account_actions.propose_username(name) if name else ""
    return render(request, "organisation/staff/_username.html", {"proposal": proposal})


@login_required
def staff_edit(request, staff_id: int):
    actor = request.actor
    staff = policies.access_staff_for_edit(actor, staff_id)
    personal = policies.can_see_personal(actor, staff)
    form = StaffForm(
        request.POST or None,
        school=actor.school,
        personal=personal,
        with_position=False,
        initial=initial_of(staff),
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = actions.staff_update(actor=actor, staff=staff, changes=form.register_values())
        except DomainError as exc:
            _show(form, exc)
        else:
            messages.success(
                request,
                f"Đã lưu hồ sơ {staff.full_name}." if change else "Không có gì thay đổi.",
            )
            return redirect("organisation:staff_detail", staff_id=staff.pk)
    return render(
        request,
        "organisation/staff/form.html",
        {"form": form, "staff": staff, "creating": False, "personal": personal},
    )


@login_required
def staff_end(request, staff_id: int):
    actor = request.actor
    staff = policies.access_staff_for_edit(actor, staff_id)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.staff_end(
                actor=actor,
                staff=staff,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["end_reason"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            when = f"{result.change.effective_on:%d/%m/%Y}"
            messages.success(
                request,
                f"Đã ghi {staff.full_name} thôi công tác từ {when}."
                if result.applied
                else f"Đã ghi ngày thôi công tác {when}: đến ngày đó tài khoản ngừng hoạt động.",
            )
            if result.flagged:
                messages.warning(
                    request, "Đã báo lãnh đạo các việc cần giao lại: " + "; ".join(result.flagged)
                )
            return redirect("organisation:staff_detail", staff_id=staff.pk)
    return render(
        request,
        "organisation/staff/end.html",
        {
            "form": form,
            "staff": staff,
            "open": selectors.open_assignments(staff).lines(),
            "leader": positions.leader_positions_of(staff),
        },
    )


@login_required
def staff_rehire(request, staff_id: int):
    actor = request.actor
    staff = policies.access_staff_for_edit(actor, staff_id)
    enabled = _positions_enabled(actor, staff)
    form = RehireForm(
        request.POST or None,
        positions_enabled=enabled,
        initial={"position": staff.position if staff.position in enabled else Position.TEACHER},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.staff_rehire(
                actor=actor,
                staff=staff,
                start_date=form.cleaned_data["start_date"],
                position=form.cleaned_data["position"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            messages.success(request, f"{staff.full_name} đã trở lại công tác.")
            return redirect("organisation:staff_detail", staff_id=staff.pk)
    return render(request, "organisation/staff/rehire.html", {"form": form, "staff": staff})


@login_required
def staff_positions(request, staff_id: int):
    """Give or take positions: only those the actor may (the others are shown, disabled)."""
    actor = request.actor
    staff = policies.access_staff(actor, staff_id)
    enabled = _positions_enabled(actor, staff)
    if not enabled and not positions.is_self(actor, staff):
        policies.require_position_assigner(actor)
    before = positions.PositionSet.of(staff)
    data = None
    if request.method == "POST":
        # A browser does not send disabled options: what the actor may not change stays.
        data = request.POST.copy()
        if before.main not in enabled and not data.get("position"):
            data["position"] = before.main
    form = PositionsForm(
        data,
        positions_enabled=enabled,
        initial={"position": before.main, "extra": sorted(before.extra)},
    )
    if request.method == "POST" and form.is_valid():
        kept = before.extra - set(enabled)
        try:
            result = actions.staff_set_positions(
                actor=actor,
                staff=staff,
                position=form.cleaned_data["position"],
                extra=set(form.cleaned_data["extra"]) | kept,
            )
        except DomainError as exc:
            _show(form, exc)
        else:
            if result.temporary_password:
                return _one_time_password(request, staff, result.temporary_password)
            messages.success(request, f"Đã cập nhật chức vụ của {staff.full_name}.")
            return redirect("organisation:staff_detail", staff_id=staff.pk)
    return render(
        request,
        "organisation/staff/positions.html",
        {
            "form": form,
            "staff": staff,
            "enabled": enabled,
            "self": positions.is_self(actor, staff),
        },
    )


@login_required
@require_POST
@errors_return_to("organisation:staff_detail", "staff_id", refusals=True)
def leader_account(request, staff_id: int, action: str):
    """The principal handles a leader's account (create, reset, disable, enable): a one-time
    password is shown here, once, to the principal only — never to the administrator. The
    actions refuse (and audit) anybody else."""
    actor = request.actor
    staff = policies.access_staff(actor, staff_id)
    temporary = None
    if action == "create":
        _user, temporary = account_actions.account_create_for_staff(actor=actor, staff=staff)
    elif action == "reset" and staff.user:
        temporary = account_actions.account_reset_password(actor=actor, user=staff.user)
    elif action in ("disable", "enable") and staff.user:
        account_actions.account_set_active(actor=actor, user=staff.user, active=action == "enable")
        messages.success(request, "Đã cập nhật tài khoản.")
    elif action == "two_factor" and staff.user:
        account_actions.account_two_factor_reset(actor=actor, user=staff.user)
        messages.success(request, "Đã tắt xác thực hai bước; người dùng có thể bật lại.")
    else:
        messages.error(request, "Thao tác không hợp lệ.")
    if temporary is None:
        return redirect("organisation:staff_detail", staff_id=staff.pk)
    staff.refresh_from_db()
    return _one_time_password(request, staff, temporary)


@login_required
def editions(request):
    """The register's editions (start, middle, end of the year, on change) and the change log
    since the last one; the clerk takes a new edition here."""
    actor = request.actor
    if not (policies.can_keep_editions(actor) or policies.can_print_register(actor)):
        policies.require_edition_keeper(actor)
    keeper = policies.can_keep_editions(actor)
    form = EditionForm(request.POST or None) if keeper else None
    if request.method == "POST":
        policies.require_edition_keeper(actor)
        if form.is_valid():
            try:
                edition = actions.edition_take(
                    actor=actor, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                _show(form, exc)
            else:
                messages.success(request, f"Đã lập bản sổ số {edition.number}: {edition}.")
                return redirect("organisation:staff_editions")
    latest = selectors.latest_edition(actor.school)
    pending = change_log(
        selectors.changes_since(actor.school, latest.last_change_id if latest else 0),
        personal=True,
        departments=departments_of(actor.school),
    )
    return render(
        request,
        "organisation/staff/editions.html",
        {
            "editions": selectors.editions(actor.school),
            "form": form,
            "pending": pending,
            "latest": latest,
        },
    )
