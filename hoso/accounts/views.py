"""Login, logout, password change, school/year switch, account administration, delegation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoso.accounts import actions
from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.forms import DelegationForm, LoginForm, PasswordChangeForm
from hoso.accounts.middleware import SESSION_SCHOOL, SESSION_YEAR
from hoso.accounts.models import ApiToken, Delegation
from hoso.accounts.policies import Perm, require
from hoso.accounts.roles import Role
from hoso.core.errors import DomainError
from hoso.organisation.models import Position, SchoolYear, Staff


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home:index")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("home:index")
            return redirect(target or "home:index")
        locked = getattr(request, "hoso_locked_until", None)
        if locked:
            from django.utils import timezone

            error = (
                "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Thử lại sau "
                f"{timezone.localtime(locked):%H:%M} hoặc liên hệ quản trị viên."
            )
        else:
            error = "Tên đăng nhập hoặc mật khẩu không đúng."
    return render(request, "accounts/login.html", {"form": form, "error": error})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            field = "old_password" if exc.code == "WRONG_PASSWORD" else "new_password"
            form.add_error(field, exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Đã đổi mật khẩu.")
            return redirect("home:index")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@login_required
@errors_return_to("accounts:profile", refusals=True)
def profile_view(request):
    actor = request.actor
    new_token = None
    if request.method == "POST" and request.POST.get("action") == "token":
        _row, new_token = actions.api_token_create(
            user=request.user, name=request.POST.get("name", "API")
        )
    elif request.method == "POST" and request.POST.get("revoke", "").isdigit():
        actions.api_token_revoke(user=request.user, token_id=int(request.POST["revoke"]))
        messages.success(request, "Đã thu hồi khóa API.")
        return redirect("accounts:profile")
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "accounts/profile.html",
        {"roles": actor.role_labels(), "tokens": tokens, "new_token": new_token},
    )


@login_required
@require_POST
def switch_view(request):
    actor = request.actor
    school_id = int(request.POST.get("school") or 0)
    if any(s.pk == school_id for s in actor.schools):
        if request.session.get(SESSION_SCHOOL) != school_id:
            request.session[SESSION_SCHOOL] = school_id
            request.session.pop(SESSION_YEAR, None)
        year_id = int(request.POST.get("year") or 0)
        if SchoolYear.objects.filter(pk=year_id, school_id=school_id).exists():
            request.session[SESSION_YEAR] = year_id
    return redirect("home:index")


# --- account administration -----------------------------------------------------------------


@login_required
def admin_accounts_view(request):
    actor = request.actor
    require(actor, Perm.MANAGE_ACCOUNTS, what="màn hình quản trị tài khoản")
    staff = (
        Staff.objects.filter(school=actor.school)
        .select_related("user", "department")
        .prefetch_related("extra_positions")
        .order_by("sort_name")
    )
    q = request.GET.get("q", "")
    if q:
        from hoso.core.text import fold

        for word in fold(q).split(" "):
            staff = staff.filter(search_name__contains=word)
    from hoso.organisation.staff.positions import LEADER_POSITIONS

    staff = list(staff)
    for s in staff:  # a leader's account is the principal's to handle (no reset here)
        s.is_leader = s.position in LEADER_POSITIONS or any(
            p.position in LEADER_POSITIONS for p in s.extra_positions.all()
        )
    return render(
        request,
        "accounts/admin_accounts.html",
        {"staff": staff, "q": q, "temporary": request.session.pop("hoso_temp_pw", None)},
    )


@login_required
def admin_parents_view(request):
    """Parents' accounts: search by name or phone (the list is long), create, reset, disable."""
    from django.core.paginator import Paginator

    from hoso.core.text import fold
    from hoso.students.models import Guardian

    actor = request.actor
    require(actor, Perm.MANAGE_ACCOUNTS, what="tài khoản phụ huynh")
    guardians = (
        Guardian.objects.filter(school=actor.school)
        .select_related("user")
        .prefetch_related("student_links__student")
        .order_by("search_name", "pk")
    )
    q = request.GET.get("q", "")
    for word in fold(q).split(" ") if q else []:
        if word.isdigit():
            guardians = guardians.filter(phone__contains=word)
        else:
            guardians = guardians.filter(search_name__contains=word)
    page = Paginator(guardians, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/admin_parents.html",
        {"page": page, "q": q, "temporary": request.session.pop("hoso_temp_pw", None)},
    )


@login_required
@require_POST
def admin_parent_action_view(request, guardian_id: int, action: str):
    from hoso.students.models import Guardian

    actor = request.actor
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"tài khoản phụ huynh #{guardian_id}")
    guardian = get_object_or_404(Guardian, pk=guardian_id, school=actor.school)
    back = reverse("accounts:admin_parents")
    if request.POST.get("q"):
        from urllib.parse import urlencode

        back += "?" + urlencode({"q": request.POST["q"]})
    return_on_error(request, back, refusals=True)
    if action == "create":
        user, temporary = actions.account_create_for_guardian(actor=actor, guardian=guardian)
        request.session["hoso_temp_pw"] = [user.username, temporary]
        messages.success(request, f"Đã tạo tài khoản {user.username}.")
    elif action == "reset" and guardian.user:
        temporary = actions.account_reset_password(actor=actor, user=guardian.user)
        request.session["hoso_temp_pw"] = [guardian.user.username, temporary]
        messages.success(request, f"Đã đặt lại mật khẩu cho {guardian.user.username}.")
    elif action in ("disable", "enable") and guardian.user:
        actions.account_set_active(actor=actor, user=guardian.user, active=action == "enable")
        messages.success(request, "Đã cập nhật tài khoản.")
    else:
        messages.error(request, "Thao tác không hợp lệ.")
    return redirect(back)


@login_required
@errors_return_to("accounts:inspectors", refusals=True)
def inspectors_view(request):
    """The principal gives inspectors read-only access for a time (seed 001 Đ14.5)."""
    from datetime import datetime, time

    from django import forms

    from hoso.accounts.models import InspectorGrant

    actor = request.actor
    require(actor, Perm.GRANT_INSPECTOR, what="cấp quyền thanh tra")

    class GrantForm(forms.Form):
        username = forms.CharField(label="Tên đăng nhập", max_length=80)
        display_name = forms.CharField(
            label="Họ và tên (khi tạo tài khoản mới)", max_length=200, required=False
        )
        organisation = forms.CharField(
            label="Đơn vị (Phòng/Sở GD&ĐT, đoàn thanh tra)", max_length=200
        )
        ends_on = forms.DateField(
            label="Đến hết ngày", widget=forms.DateInput(attrs={"type": "date"})
        )

    form = GrantForm(request.POST or None)
    temporary = None
    if request.method == "POST" and request.POST.get("revoke", "").isdigit():
        grant = get_object_or_404(InspectorGrant, pk=request.POST["revoke"], school=actor.school)
        actions.inspector_revoke(actor=actor, grant=grant)
        messages.success(request, "Đã thu hồi quyền.")
        return redirect("accounts:inspectors")
    if request.method == "POST" and form.is_valid():
        from django.utils import timezone

        ends_at = datetime.combine(
            form.cleaned_data["ends_on"], time.max, tzinfo=timezone.get_current_timezone()
        )
        try:
            grant, temporary = actions.inspector_account_grant(
                actor=actor,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                organisation=form.cleaned_data["organisation"],
                ends_at=ends_at,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã cấp quyền xem cho {grant.user.display_name}.")
            if temporary is None:
                return redirect("accounts:inspectors")
            form = GrantForm()
    grants = InspectorGrant.objects.filter(school=actor.school).select_related("user", "granted_by")
    return render(
        request,
        "accounts/inspectors.html",
        {"form": form, "grants": grants, "temporary": temporary},
    )


def _admin_staff(request, staff_id: int) -> Staff:
    return get_object_or_404(Staff, pk=staff_id, school=request.actor.school)


@login_required
@require_POST
@errors_return_to("accounts:admin", refusals=True)
def admin_account_action_view(request, staff_id: int, action: str):
    actor = request.actor
    require(actor, Perm.MANAGE_ACCOUNTS, what=f"tài khoản cán bộ #{staff_id}")
    staff = _admin_staff(request, staff_id)
    if action == "create":
        user, temporary = actions.account_create_for_staff(actor=actor, staff=staff)
        request.session["hoso_temp_pw"] = [user.username, temporary]
        messages.success(request, f"Đã tạo tài khoản {user.username}.")
    elif action == "reset" and staff.user:
        temporary = actions.account_reset_password(actor=actor, user=staff.user)
        request.session["hoso_temp_pw"] = [staff.user.username, temporary]
        messages.success(request, f"Đã đặt lại mật khẩu cho {staff.user.username}.")
    elif action in ("disable", "enable") and staff.user:
        actions.account_set_active(actor=actor, user=staff.user, active=action == "enable")
        messages.success(
            request,
            f"Đã {'mở' if action == 'enable' else 'vô hiệu hóa'} tài khoản {staff.user.username}.",
        )
    else:
        messages.error(request, "Thao tác không hợp lệ.")
    return redirect("accounts:admin")


# --- delegation -----------------------------------------------------------------------------


@login_required
@errors_return_to("accounts:delegations", refusals=True)
def delegations_view(request):
    actor = request.actor
    if not actor.has(Role.DEPARTMENT_HEAD, Role.PRINCIPAL) or actor.staff is None:
        require(actor, Perm.DELEGATE_DEPARTMENT, what="ủy quyền")
    if Role.PRINCIPAL in actor.roles and Role.PRINCIPAL not in actor.delegated:
        kind = Delegation.Kind.PRINCIPAL
        grantees = Staff.objects.filter(school=actor.school, is_active=True).filter(
            position=Position.VICE_PRINCIPAL
        )
    else:
        kind = Delegation.Kind.DEPARTMENT_HEAD
        grantees = Staff.objects.filter(
            school=actor.school, deputies__head=actor.staff, is_active=True
        ).distinct()
    form = DelegationForm(request.POST or None, grantees=grantees)
    if request.method == "POST" and request.POST.get("revoke"):
        delegation = get_object_or_404(
            Delegation, pk=request.POST["revoke"], school=actor.school, grantor=actor.staff
        )
        actions.delegation_revoke(actor=actor, delegation=delegation)
        messages.success(request, "Đã thu hồi ủy quyền.")
        return redirect("accounts:delegations")
    if request.method == "POST" and form.is_valid():
        grantee = get_object_or_404(grantees, pk=form.cleaned_data["grantee"])
        try:
            actions.delegation_create(
                actor=actor,
                grantee=grantee,
                kind=kind,
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã ủy quyền cho {grantee.full_name}.")
            return redirect("accounts:delegations")
    given = Delegation.objects.filter(school=actor.school, grantor=actor.staff).select_related(
        "grantee"
    )
    received = Delegation.objects.filter(school=actor.school, grantee=actor.staff).select_related(
        "grantor"
    )
    return render(
        request,
        "accounts/delegations.html",
        {"form": form, "given": given, "received": received, "kind": kind},
    )
