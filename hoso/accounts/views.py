"""Login, logout, password change, school/year switch, account administration, delegation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoso.accounts import actions, throttle, two_factor
from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.errors import AccountError
from hoso.accounts.forms import (
    DelegationForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SetPasswordForm,
)
from hoso.accounts.middleware import SESSION_SCHOOL, SESSION_YEAR
from hoso.accounts.models import ApiToken, Delegation, TwoFactor, User
from hoso.accounts.policies import Perm, require
from hoso.accounts.roles import Role
from hoso.core import clock
from hoso.core.context import client_ip
from hoso.core.errors import DomainError
from hoso.organisation.models import Position, SchoolYear, Staff

PENDING_SECOND_STEP = "hoso_2fa_pending"
SECOND_STEP_SECONDS = 300
SECOND_STEP_TRIES = 5


def _safe_next(request) -> str:
    target = request.GET.get("next", "") or request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return reverse("home:index")
    return target


def sign_in(request, user, *, username: str, backend: str, target: str):
    """The full sign-in: session, the throttle's keys cleared, this browser remembered."""
    device = throttle.device_for(request, username)
    login(request, user, backend=backend)
    throttle.register_success(username=username, address=client_ip(request), device=device)
    response = redirect(target)
    throttle.remember_device(response, user)
    return response


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home:index")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is not None:
            if two_factor.is_on(user):  # second step: the password alone is not enough
                request.session[PENDING_SECOND_STEP] = {
                    "user": user.pk,
                    "backend": user.backend,
                    "username": username,
                    "at": clock.now().timestamp(),
                    "tries": 0,
                    "next": _safe_next(request),
                }
                return redirect("accounts:login_code")
            return sign_in(
                request, user, username=username, backend=user.backend, target=_safe_next(request)
            )
        wait = getattr(request, "hoso_login_wait", 0)
        error = "Tên đăng nhập hoặc mật khẩu không đúng."
        if getattr(request, "hoso_login_disabled", False):
            error = (
                "Tài khoản này đã ngừng hoạt động. Nếu thầy/cô vẫn công tác tại trường, hãy nhờ "
                "quản trị của trường mở lại tài khoản."
            )
        elif wait:
            error = throttle.wait_message(wait)
    return render(request, "accounts/login.html", {"form": form, "error": error})


def login_code_view(request):
    """Second step of signing in: the 6-digit code of the person's app, or a recovery code."""
    pending = request.session.get(PENDING_SECOND_STEP)
    if request.user.is_authenticated:
        return redirect("home:index")
    if not pending or clock.now().timestamp() - pending["at"] > SECOND_STEP_SECONDS:
        request.session.pop(PENDING_SECOND_STEP, None)
        if pending:
            messages.error(request, "Đã quá 5 phút: hãy đăng nhập lại.")
        return redirect("accounts:login")
    error = ""
    if request.method == "POST":
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        username = pending["username"]
        keys = throttle.keys_for(
            username=username,
            address=client_ip(request),
            device=throttle.device_for(request, username),
        )
        wait = throttle.wait_seconds(keys)
        if user is None:
            request.session.pop(PENDING_SECOND_STEP, None)
            return redirect("accounts:login")
        if wait:
            actions.login_throttled(user=user, username=username, wait=wait)
            error = throttle.wait_message(wait)
        elif two_factor.verify(user=user, code=request.POST.get("code", "")):
            request.session.pop(PENDING_SECOND_STEP, None)
            return sign_in(
                request, user, username=username, backend=pending["backend"], target=pending["next"]
            )
        else:
            counts, wait = throttle.register_failure(keys)
            actions.login_failed(
                user=user, username=username, counts=counts, wait=wait, step="code"
            )
            pending["tries"] += 1
            if pending["tries"] >= SECOND_STEP_TRIES:
                request.session.pop(PENDING_SECOND_STEP, None)
                messages.error(request, "Nhập sai mã nhiều lần: hãy đăng nhập lại.")
                return redirect("accounts:login")
            request.session[PENDING_SECOND_STEP] = pending
            error = throttle.wait_message(wait) if wait else "Mã không đúng hoặc đã dùng."
    return render(request, "accounts/login_code.html", {"error": error})


RESET_SENT = (
    "Nếu tài khoản tồn tại và có e-mail, một liên kết đặt lại mật khẩu đã được gửi tới e-mail đó "
    "(hiệu lực {minutes} phút, dùng một lần). Nếu tài khoản của bạn không có e-mail, hãy liên hệ "
    "quản trị viên của trường để được cấp mật khẩu tạm."
)
RESET_SESSION = "hoso_reset_token"


def password_reset_request_view(request):
    """ "Quên mật khẩu?": the same answer whether the account exists, has an e-mail, or not."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        base_url = settings.HOSO_PUBLIC_URL or f"{request.scheme}://{request.get_host()}"
        outcome = actions.password_reset_request(
            identifier=form.cleaned_data["identifier"],
            address=client_ip(request),
            base_url=base_url,
        )
        if outcome == "address_limit":  # about this address only: says nothing of accounts
            messages.error(request, "Quá nhiều yêu cầu từ địa chỉ này: hãy thử lại sau một giờ.")
        else:
            minutes = settings.PASSWORD_RESET_TIMEOUT // 60
            messages.info(request, RESET_SENT.format(minutes=minutes))
        return redirect("accounts:password_reset")
    return render(request, "accounts/password_reset_request.html", {"form": form})


def password_reset_confirm_view(request, uidb64: str, token: str):
    """The e-mailed link. The token moves into the session and out of the address bar (so that
    it leaks in no Referer), as Django's own view does."""
    from django.utils.http import urlsafe_base64_decode

    from hoso.accounts.tokens import reset_tokens

    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64).decode())).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        user = None
    if token != "dat":
        request.session[RESET_SESSION] = token
        return redirect("accounts:password_reset_confirm", uidb64=uidb64, token="dat")
    token = request.session.get(RESET_SESSION, "")
    valid = user is not None and user.is_active and reset_tokens.check_token(user, token)
    form = SetPasswordForm(request.POST or None) if valid else None
    if valid and request.method == "POST" and form.is_valid():
        try:
            actions.password_reset_complete(
                user=user, token=token, new_password=form.cleaned_data["new_password"]
            )
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            request.session.pop(RESET_SESSION, None)
            messages.success(request, "Đã đặt mật khẩu mới. Hãy đăng nhập.")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "valid": valid})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def _password_rechecked(request, check) -> str:
    """Run ``check`` (an action that asks the signed-in person's password again) under the same
    throttle as signing in, so a borrowed session cannot guess the password: '' when it went
    through, else the message (a wrong password counts as a failed sign-in)."""
    username = request.user.username
    keys = throttle.keys_for(
        username=username,
        address=client_ip(request),
        device=throttle.device_for(request, username),
    )
    wait = throttle.wait_seconds(keys)
    if wait:
        actions.login_throttled(user=request.user, username=username, wait=wait)
        return throttle.wait_message(wait)
    try:
        check()
    except DomainError as exc:
        if exc.code != AccountError.WRONG_PASSWORD:
            raise
        counts, wait = throttle.register_failure(keys)
        actions.login_failed(
            user=request.user, username=username, counts=counts, wait=wait, step="recheck"
        )
        return throttle.wait_message(wait) if wait else exc.message
    return ""


@login_required
def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refused = _password_rechecked(
                request,
                lambda: actions.password_change(
                    user=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                ),
            )
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            if refused:
                form.add_error("old_password", refused)
        if not form.errors:
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
    context = {"roles": actor.role_labels(), "tokens": tokens, "new_token": new_token}
    context.update(_two_factor_section(request))
    if isinstance(context.get("redirect"), str):
        return redirect(context["redirect"])
    return render(request, "accounts/profile.html", context)


def _two_factor_section(request) -> dict:
    """The profile's "Xác thực hai bước" part: begin (QR code and secret), confirm with a code
    (recovery codes shown once), turn off with the password. Only for those who may use it."""
    actor = request.actor
    if not two_factor.eligible(actor):
        return {"two_factor_eligible": False}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    recovery_codes, error = None, ""
    if action == "2fa_begin":
        two_factor.two_factor_begin(actor=actor)
    elif action == "2fa_confirm":
        try:
            recovery_codes = two_factor.two_factor_confirm(
                actor=actor, code=request.POST.get("code", "")
            )
        except DomainError as exc:
            error = exc.message
    elif action == "2fa_disable":
        error = _password_rechecked(
            request,
            lambda: two_factor.two_factor_disable(
                actor=actor, password=request.POST.get("password", "")
            ),
        )
        if not error:
            messages.success(request, "Đã tắt xác thực hai bước.")
            return {"redirect": reverse("accounts:profile")}
    row = TwoFactor.objects.filter(user=request.user).first()
    pending = row is not None and not row.is_on
    return {
        "two_factor_eligible": True,
        "two_factor_on": row is not None and row.is_on,
        "two_factor_pending": pending,
        "two_factor_qr": two_factor.qr_svg(row) if pending else "",
        "two_factor_secret": row.secret if pending else "",
        "two_factor_secret_grouped": _grouped(row.secret) if pending else "",
        "two_factor_uri": two_factor.provisioning_uri(row) if pending else "",
        "two_factor_error": error,
        "recovery_codes": recovery_codes,
        "recovery_left": two_factor.recovery_codes_left(request.user),
    }


def _grouped(secret: str) -> str:
    """The secret in groups of four, easier to copy by hand (the apps ignore the spaces)."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


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

    staff = list(staff.select_related("user__two_factor"))
    much_failed = throttle.much_failed_usernames(s.user.username for s in staff if s.user)
    for s in staff:  # a leader's account is the principal's to handle (no reset here)
        s.is_leader = s.position in LEADER_POSITIONS or any(
            p.position in LEADER_POSITIONS for p in s.extra_positions.all()
        )
        s.much_failed = s.user is not None and s.user.username.lower() in much_failed
    return render(
        request,
        "accounts/admin_accounts.html",
        {
            "staff": staff,
            "q": q,
            "temporary": request.session.pop("hoso_temp_pw", None),
            "free_failures": settings.HOSO_LOCKOUT_FAILURES,
        },
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
    elif action == "two_factor" and staff.user:
        actions.account_two_factor_reset(actor=actor, user=staff.user)
        messages.success(request, f"Đã tắt xác thực hai bước của {staff.user.username}.")
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
