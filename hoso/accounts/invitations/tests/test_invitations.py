"""Parents' slips: who prints them, the code's life (expiry, single use, lockout), redemption
(a new account, a linked existing one across schools, a new password), phone as login."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from hoso.accounts.backends import login_user
from hoso.accounts.errors import AccountError
from hoso.accounts.invitations import actions
from hoso.accounts.invitations.policies import invitable_guardians
from hoso.accounts.models import ParentInvitation, User
from hoso.accounts.phones import normalise_phone
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.students.models import Guardian, StudentGuardian
from hoso.testing.factories import PASSWORD, make_student, small_school

NEW_PASSWORD = "hoa-sen-nho-2027"


def _guardian(world, name="Lê Thị Mơ", phone="0987 654 321", student=None):
    guardian = Guardian.objects.create(
        school=world.school, full_name=name, phone=phone, search_name=name.lower()
    )
    StudentGuardian.objects.create(
        student=student or world.student_a, guardian=guardian, relation="mother"
    )
    return guardian


def _issue(world, role, guardian):
    return actions.invitation_issue(actor=world.actor(role), guardian_ids=[guardian.pk])[0]


def test_phone_numbers_are_normalised():
    """GIVEN the ways people type one mobile number, THEN they are one number; others are not."""
    for typed in ("0987654321", "+84 987 654 321", "84987654321", "0987.654.321", "(0987)654-321"):
        assert normalise_phone(typed) == "0987654321"
    for typed in ("", "12345", "0287654321", "+1 987 654 3210", "098765432"):
        assert normalise_phone(typed) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed",
    [
        ("clerk", True),
        ("admin", True),
        ("principal", True),
        ("vice", True),
        ("homeroom", True),  # 6A1, where the child studies
        ("subject", False),
        ("accountant", False),
        ("medical", False),
        ("parent", False),
        ("inspector", False),
        ("outsider", False),
    ],
)
def test_who_may_print_a_slip(world, role, allowed):
    """GIVEN a guardian of a 6A1 student, WHEN each role prints a slip, THEN only the clerk,
    the administrator, the leaders and 6A1's homeroom teacher may (the others: 404, logged)."""
    guardian = _guardian(world)
    if allowed:
        slip = _issue(world, role, guardian)
        assert slip.invitation.kind == ParentInvitation.Kind.INVITE
        assert AuditEvent.objects.filter(event_type="account.invited").count() == 1
    else:
        from django.http import Http404

        with pytest.raises(Http404):
            _issue(world, role, guardian)
        assert not ParentInvitation.objects.exists()


@pytest.mark.django_db
def test_a_homeroom_teacher_prints_only_for_their_class(world):
    """GIVEN a guardian of a 6A2 student, THEN 6A1's homeroom teacher cannot print their slip."""
    other = _guardian(world, "Phan Văn Tú", "0977000111", student=world.student_b)
    mine = _guardian(world)
    ids = set(invitable_guardians(world.actor("homeroom")).values_list("pk", flat=True))
    assert mine.pk in ids and other.pk not in ids
    assert other.pk in set(invitable_guardians(world.actor("clerk")).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_code_is_stored_hashed_and_audited_without_it(world):
    """GIVEN a slip, THEN the database and the audit trail never hold the code itself."""
    slip = _issue(world, "clerk", _guardian(world))
    assert len(slip.code) == 8 and not set(slip.code) & set("ILO01")
    inv = ParentInvitation.objects.get()
    assert inv.digest == actions.code_digest(slip.code) and slip.code not in inv.digest
    event = AuditEvent.objects.get(event_type="account.invited")
    assert slip.code not in str(event.after)


@pytest.mark.django_db
def test_redeeming_opens_the_account_signs_in_and_counts_once(world):
    """GIVEN a slip, WHEN the parent types the code (lower case, with the dash), confirms the
    phone and chooses a password, THEN they are signed in on the home page, the guardian is
    linked, the code is used up, and they can sign in with the phone later."""
    guardian = _guardian(world)
    slip = _issue(world, "homeroom", guardian)
    client = Client()
    response = client.post(reverse("accounts:redeem"), {"code": slip.shown.lower()})
    assert response.status_code == 302 and response.url == reverse("accounts:redeem_finish")
    page = client.get(reverse("accounts:redeem_finish")).content.decode()
    assert "Lê Thị Mơ" in page and world.student_a.full_name in page
    response = client.post(
        reverse("accounts:redeem_finish"),
        {"phone": "+84 987 654 321", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response.url == reverse("home:index")
    guardian.refresh_from_db()
    user = guardian.user
    assert user is not None and user.phone == "0987654321" and not user.must_change_password
    assert client.get(reverse("home:index")).status_code == 200
    assert AuditEvent.objects.filter(
        event_type="account.invitation_redeemed", actor=user, after__created=True
    ).exists()
    # single use
    with pytest.raises(DomainError) as exc:
        actions.invitation_find(code=slip.code, address="10.0.0.1")
    assert exc.value.code == AccountError.INVITE_CODE and "đã được dùng" in exc.value.message
    # phone login, however it is typed
    for typed in ("0987654321", "+84987654321", "84 987 654 321", user.username):
        c = Client()
        response = c.post(reverse("accounts:login"), {"username": typed, "password": NEW_PASSWORD})
        assert response.status_code == 302, typed


@pytest.mark.django_db
def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(world):
    """GIVEN a slip, WHEN the parent types a bad phone or two different passwords, THEN the page
    says so in Vietnamese, keeps the phone, and the code still works."""
    slip = _issue(world, "clerk", _guardian(world))
    client = Client()
    client.post(reverse("accounts:redeem"), {"code": slip.code})
    page = client.post(
        reverse("accounts:redeem_finish"),
        {"phone": "12345", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ).content.decode()
    assert "Số điện thoại di động không hợp lệ" in page and 'value="12345"' in page
    page = client.post(
        reverse("accounts:redeem_finish"),
        {"phone": "0987654321", "password": NEW_PASSWORD, "password2": "khac-han-2027"},
    ).content.decode()
    assert "không khớp" in page
    assert ParentInvitation.objects.get().redeemed_at is None


@pytest.mark.django_db
def test_the_code_expires(world, _fixed_clock):
    """GIVEN a slip, WHEN HOSO_PARENT_INVITE_DAYS have passed, THEN the code is refused."""
    slip = _issue(world, "clerk", _guardian(world))
    _fixed_clock.shift(timedelta(days=settings.HOSO_PARENT_INVITE_DAYS, seconds=1))
    with pytest.raises(DomainError) as exc:
        actions.invitation_find(code=slip.code, address="10.0.0.1")
    assert "hết hạn" in exc.value.message


@pytest.mark.django_db
def test_a_new_slip_replaces_the_old_one(world):
    """GIVEN a slip, WHEN another is printed for the same guardian, THEN the first stops."""
    guardian = _guardian(world)
    first = _issue(world, "clerk", guardian)
    second = _issue(world, "homeroom", guardian)
    with pytest.raises(DomainError):
        actions.invitation_find(code=first.code, address="10.0.0.1")
    assert actions.invitation_find(code=second.code, address="10.0.0.1").pk == second.invitation.pk


@pytest.mark.django_db
def test_wrong_codes_lock_the_address_out(world):
    """GIVEN an address typing wrong codes, WHEN it reaches HOSO_INVITE_CODE_FAILURES, THEN even
    the right code is refused for HOSO_LOCKOUT_MINUTES from there (not from elsewhere)."""
    slip = _issue(world, "clerk", _guardian(world))
    for _ in range(settings.HOSO_INVITE_CODE_FAILURES):
        with pytest.raises(DomainError) as exc:
            actions.invitation_find(code="AAAAAAAA", address="10.0.0.9")
    assert "quá nhiều lần" in exc.value.message
    with pytest.raises(DomainError) as exc:
        actions.invitation_find(code=slip.code, address="10.0.0.9")
    assert exc.value.code == AccountError.INVITE_THROTTLED
    assert actions.invitation_find(code=slip.code, address="10.0.0.10").pk
    assert AuditEvent.objects.filter(event_type="account.invitation_refused").count() == 5


@pytest.mark.django_db
def test_one_account_for_two_children_in_two_schools(world):
    """GIVEN a parent with an account (child in school 1) and a slip from school 2 for the same
    person, WHEN they type the code while signed in, THEN school 2's guardian is linked to the
    same account: one account, both children; a second account with the phone is refused."""
    parent = world.users["parent"]
    User.objects.filter(pk=parent.pk).update(phone="0912345678")
    other = small_school("T2")
    child2 = make_student(other.school, other.class_a, "Nguyễn Thị Hai")
    g2 = Guardian.objects.create(
        school=other.school, full_name="Nguyễn Văn Cường", phone="0912 345 678", search_name="x"
    )
    StudentGuardian.objects.create(student=child2, guardian=g2, relation="father")
    slip = actions.invitation_issue(actor=other.actor("clerk"), guardian_ids=[g2.pk])[0]
    # not signed in: the phone belongs to an account already
    anonymous = Client()
    anonymous.post(reverse("accounts:redeem"), {"code": slip.code})
    page = anonymous.post(
        reverse("accounts:redeem_finish"),
        {"phone": "0912345678", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ).content.decode()
    assert "đã dùng để đăng nhập một tài khoản phụ huynh khác" in page
    # signed in: linked
    client = Client()
    client.post(reverse("accounts:login"), {"username": "+84912345678", "password": PASSWORD})
    client.post(reverse("accounts:redeem"), {"code": slip.code})
    response = client.post(reverse("accounts:redeem_finish"))
    assert response.status_code == 302
    g2.refresh_from_db()
    assert g2.user_id == parent.pk
    assert set(parent.guardian_profiles.values_list("school_id", flat=True)) == {
        world.school.pk,
        other.school.pk,
    }
    assert User.objects.filter(phone__endswith="912345678").count() == 1


@pytest.mark.django_db
def test_two_guardians_sharing_a_phone_are_refused_a_second_account(world):
    """GIVEN a mother who opened an account with a phone, WHEN the father redeems his own slip
    with the same phone, THEN he is refused with a clear message (one phone, one parent login)."""
    mother = _guardian(world, "Lê Thị Mơ", "0987654321")
    father = _guardian(world, "Trần Văn Ba", "0987654321")
    s1, s2 = actions.invitation_issue(
        actor=world.actor("clerk"), guardian_ids=[mother.pk, father.pk]
    )
    actions.invitation_redeem(
        invitation_id=s1.invitation.pk,
        password=NEW_PASSWORD,
        password2=NEW_PASSWORD,
        phone="0987654321",
    )
    with pytest.raises(DomainError) as exc:
        actions.invitation_redeem(
            invitation_id=s2.invitation.pk,
            password=NEW_PASSWORD,
            password2=NEW_PASSWORD,
            phone="+84987654321",
        )
    assert exc.value.code == AccountError.PHONE_TAKEN
    mother.refresh_from_db()
    assert login_user("0987654321").pk == mother.user_id


@pytest.mark.django_db
def test_the_homeroom_teacher_prints_a_reset_code_without_seeing_the_password(world):
    """GIVEN a parent with an account who forgot the password, WHEN the homeroom teacher prints
    a slip, THEN it is a reset code; the parent sets a new password with it; the teacher's
    audit event holds no password; the old password no longer works."""
    parent = world.users["parent"]
    guardian = parent.guardian_profiles.get()
    slip = _issue(world, "homeroom", guardian)
    assert slip.invitation.kind == ParentInvitation.Kind.RESET
    assert AuditEvent.objects.filter(
        event_type="account.reset_code_issued", actor=world.users["homeroom"]
    ).exists()
    client = Client()
    client.post(reverse("accounts:redeem"), {"code": slip.code})
    response = client.post(
        reverse("accounts:redeem_finish"), {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    parent.refresh_from_db()
    assert parent.check_password(NEW_PASSWORD) and not parent.check_password(PASSWORD)
    assert AuditEvent.objects.filter(
        event_type="account.password_reset_by_code", actor=parent
    ).exists()


@pytest.mark.django_db
def test_the_slip_page_prints_the_codes_once_for_whoever_made_them(client, world):
    """GIVEN the clerk ticks two guardians, WHEN she prints, THEN the slips page shows the two
    codes with the school, the child and the link; the homeroom teacher sees only their
    class on the list page (a bounded number of queries)."""
    g1 = _guardian(world)
    g2 = _guardian(world, "Phan Văn Tú", "0977000111", student=world.student_b)
    client.post(
        reverse("accounts:login"), {"username": world.users["clerk"].username, "password": PASSWORD}
    )
    response = client.post(reverse("accounts:invitations_issue"), {"guardian": [g1.pk, g2.pk]})
    assert response.url == reverse("accounts:invitation_slips")
    page = client.get(response.url).content.decode()
    assert page.count('class="slip"') == 2 and world.school.name in page
    assert world.student_b.full_name in page and "/tai-khoan/kich-hoat/" in page
    teacher = Client()
    teacher.post(
        reverse("accounts:login"),
        {"username": world.users["homeroom"].username, "password": PASSWORD},
    )
    page = teacher.get(reverse("accounts:parent_invitations")).content.decode()
    assert "Lê Thị Mơ" in page and "Phan Văn Tú" not in page
    assert teacher.get(reverse("accounts:invitation_slips")).status_code == 302  # nothing made


@pytest.mark.django_db
def test_the_list_page_has_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    """GIVEN 30 guardians, THEN the slips list is read in a fixed number of queries."""
    for n in range(30):
        _guardian(world, f"Phụ huynh {n}", f"09870000{n:02d}")
    client.post(
        reverse("accounts:login"), {"username": world.users["clerk"].username, "password": PASSWORD}
    )
    with django_assert_max_num_queries(25):
        page = client.get(reverse("accounts:parent_invitations")).content.decode()
    assert page.count('name="guardian"') == 31


@pytest.mark.django_db
def test_a_parent_asks_a_reset_link_with_the_phone(
    client, world, django_capture_on_commit_callbacks
):
    """GIVEN a parent account with an e-mail and a phone, WHEN "Quên mật khẩu" is asked with the
    phone typed as +84…, THEN the link goes to the parent's e-mail (Django's reset flow)."""
    from django.core import mail

    parent = world.users["parent"]
    User.objects.filter(pk=parent.pk).update(email="cuong@example.vn", phone="0912345678")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"identifier": "+84 912 345 678"})
    assert [m.to for m in mail.outbox] == [["cuong@example.vn"]]
    assert "/tai-khoan/dat-lai-mat-khau/" in mail.outbox[0].body
