"""Nobody promotes themselves (issue 10 item 6): who may give or take which position, leaders'
accounts handled by the principal only, the principal by a server command; every refusal is
audited and the person concerned is told."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hoso.accounts import actions as account_actions
from hoso.accounts.actor import build_actor
from hoso.accounts.models import Delegation, User
from hoso.accounts.roles import Role
from hoso.accounts.tests.test_policy_matrix import PEOPLE
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.notifications.models import Notification
from hoso.organisation.models import Position, Staff, StaffPosition
from hoso.organisation.staff import actions
from hoso.organisation.staff.positions import PositionSet, Tier, position_problem
from hoso.testing.factories import make_school, make_staff, make_year

# The dates in these tests are of term I of 2026-2027: they run on that day whatever the suite's.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


# Who may move the outsider (a teacher) to each tier of position.
MAY_GIVE = {
    Tier.OTHER: {"principal", "vice", "admin", "clerk"},  # + librarian as a further position
    Tier.ADMINISTRATIVE: {"principal", "vice"},  # clerk
    Tier.LEADER: {"principal"},  # vice principal
}
WANTED = {
    Tier.OTHER: PositionSet(main="teacher", extra=frozenset({"librarian"})),
    Tier.ADMINISTRATIVE: PositionSet(main="clerk"),
    Tier.LEADER: PositionSet(main="vice_principal"),
}


@pytest.mark.parametrize("tier", list(Tier))
def test_permission_matrix_of_positions(world, tier):
    target = world.people["outsider"]
    before = PositionSet.of(target)
    allowed = {
        who
        for who in PEOPLE
        if position_problem(world.actor(who), target, before, WANTED[tier]) is None
    }
    assert allowed == MAY_GIVE[tier]


@pytest.mark.parametrize(
    "who,main,extra",
    [
        ("vice", "principal", []),  # a vice principal cannot make itself principal
        ("admin", "administrator", ["vice_principal"]),  # nor the administrator vice principal
        ("clerk", "clerk", ["accountant"]),  # nor anyone add a position to themselves
        ("principal", "teacher", []),  # nor the principal drop its own
    ],
)
def test_nobody_changes_their_own_positions(world, who, main, extra):
    me = world.people[who]
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_set_positions(actor=world.actor(who), staff=me, position=main, extra=extra)
    assert caught.value.code == "position_self"
    me.refresh_from_db()
    assert PositionSet.of(me) != PositionSet.wanted(main, extra)
    refused = AuditEvent.objects.get(event_type="staff.positions_refused")
    assert refused.actor == world.users[who] and refused.after["reason"] == "position_self"
    assert refused.after["position"] == main


def test_a_vice_principal_acting_for_the_principal_cannot_appoint_leaders(world):
    now = clock.now()
    Delegation.objects.create(
        school=world.school,
        kind="principal",
        grantor=world.people["principal"],
        grantee=world.people["vice"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
    )
    acting = world.actor("vice")
    assert Role.PRINCIPAL in acting.roles
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_set_positions(
            actor=acting, staff=world.people["outsider"], position="vice_principal", extra=[]
        )
    assert caught.value.code == "position_needs_principal"


def test_the_principal_appoints_a_vice_principal_who_is_told(world):
    target = world.people["outsider"]
    result = actions.staff_set_positions(
        actor=world.actor("principal"), staff=target, position="vice_principal", extra=[]
    )
    assert Role.VICE_PRINCIPAL in world.actor("outsider").roles
    note = Notification.objects.get(user=target.user, kind="staff.positions")
    assert "Giáo viên → Phó hiệu trưởng" in note.text and "Nguyễn Văn Hùng" in note.text
    assert result.change.kind == "positions" and result.temporary_password is None


def test_an_appointed_leader_never_keeps_a_password_someone_else_saw(world):
    # GIVEN a teacher whose account the administrator opened (it saw the one-time password)
    newcomer = make_staff(world.school, "Trịnh Thị Quỳnh")
    user, seen = account_actions.account_create_for_staff(
        actor=world.actor("admin"), staff=newcomer
    )
    # WHEN the principal appoints her vice principal before she changed it
    result = actions.staff_set_positions(
        actor=world.actor("principal"), staff=newcomer, position="vice_principal", extra=[]
    )
    # THEN the password the administrator saw no longer works; the new one goes to the principal
    user.refresh_from_db()
    assert not user.check_password(seen) and user.check_password(result.temporary_password)
    assert user.must_change_password


def test_the_last_principal_cannot_be_relieved_by_one_on_the_way_out(world):
    # Two principals, the actor recorded as leaving: relieving the other would leave none.
    leaving = world.people["principal"]
    staying = make_staff(
        world.school, "Mạc Văn Trụ", Position.PRINCIPAL, username="tru", gender="M"
    )
    Staff.objects.filter(pk=leaving.pk).update(
        end_date=clock.today() + timedelta(days=30), end_reason="retired"
    )
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_set_positions(
            actor=world.actor("principal"), staff=staying, position="teacher", extra=[]
        )
    assert caught.value.code == "position_last_principal"
    # The one staying may relieve the one leaving
    actions.staff_set_positions(
        actor=build_actor(staying.user, world.school, world.year),
        staff=leaving,
        position="teacher",
        extra=[],
    )
    leaving.refresh_from_db()
    assert leaving.position == "teacher"


def test_the_clerk_cannot_end_a_leader_nor_set_the_position_by_editing(world):
    with pytest.raises(PermissionDeniedError) as caught:
        actions.staff_update(
            actor=world.actor("clerk"),
            staff=world.people["outsider"],
            changes={"position": "principal"},
        )
    assert caught.value.code == "position_needs_principal"
    assert Staff.objects.get(pk=world.people["outsider"].pk).position == "teacher"


# --- leaders' accounts ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "vice"])
def test_only_the_principal_resets_a_leaders_password(world, who):
    leader = (
        world.people["vice"]
        if who == "admin"
        else make_staff(world.school, "Lương Thị Vân", Position.VICE_PRINCIPAL, username="van")
    )
    before = leader.user.password
    with pytest.raises(PermissionDeniedError) as caught:
        account_actions.account_reset_password(actor=world.actor(who), user=leader.user)
    assert caught.value.code == "LEADER_ACCOUNT"
    leader.user.refresh_from_db()
    assert leader.user.password == before
    refused = AuditEvent.objects.get(event_type="account.leader_action_refused")
    assert refused.after == {
        "action": "reset",
        "reason": "needs_principal",
        "name": leader.full_name,
    }


def test_the_administrator_cannot_disable_or_open_a_leaders_account(world):
    with pytest.raises(PermissionDeniedError):
        account_actions.account_set_active(
            actor=world.actor("admin"), user=world.users["principal"], active=False
        )
    newcomer = make_staff(world.school, "Trịnh Văn Quý", Position.TEACHER, gender="M")
    actions.staff_set_positions(
        actor=world.actor("principal"), staff=newcomer, position="vice_principal", extra=[]
    )
    with pytest.raises(PermissionDeniedError):
        account_actions.account_create_for_staff(actor=world.actor("admin"), staff=newcomer)
    assert Staff.objects.get(pk=newcomer.pk).user is None


def test_the_principal_resets_a_vice_principals_password_and_only_the_principal_sees_it(
    client, world
):
    vice = world.people["vice"]
    client.force_login(world.users["principal"])
    response = client.post(reverse("organisation:staff_leader_account", args=[vice.pk, "reset"]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    temporary = response.context["temporary"]
    vice.user.refresh_from_db()
    assert vice.user.check_password(temporary) and vice.user.must_change_password
    assert Notification.objects.filter(user=vice.user, kind="account.password_reset").exists()
    # nothing is left for the administrator to read
    client.force_login(world.users["admin"])
    page = client.get(reverse("accounts:admin")).content.decode()
    assert temporary not in page and "Tài khoản lãnh đạo: do Hiệu trưởng quản lý" in page
    assert client.post(reverse("accounts:admin_action", args=[vice.pk, "reset"])).status_code == 302
    vice.user.refresh_from_db()
    assert vice.user.check_password(temporary)  # the administrator's attempt changed nothing


def test_the_principal_cannot_reset_its_own_password_here(world):
    with pytest.raises(PermissionDeniedError) as caught:
        account_actions.account_reset_password(
            actor=world.actor("principal"), user=world.users["principal"]
        )
    assert "reset_principal_password" in caught.value.message


def test_the_administrator_still_resets_a_teachers_password(world):
    temporary = account_actions.account_reset_password(
        actor=world.actor("admin"), user=world.users["subject"]
    )
    assert (
        world.users["subject"]
        .__class__.objects.get(pk=world.users["subject"].pk)
        .check_password(temporary)
    )
    assert Notification.objects.filter(
        user=world.users["subject"], kind="account.password_reset"
    ).exists()


# --- the server commands --------------------------------------------------------------------


def test_appoint_the_first_principal_of_a_new_school():
    school = make_school("THCS-MOI")
    make_year(school)
    person = make_staff(school, "Đinh Thị Ngọc")
    out = StringIO()
    call_command("appoint_principal", "--school", "THCS-MOI", "--staff", person.code, stdout=out)
    person.refresh_from_db()
    assert person.position == "principal" and person.user.username == "ngocdt"
    text = out.getvalue()
    assert "Đã ghi Đinh Thị Ngọc là Hiệu trưởng" in text and "Mật khẩu dùng một lần:" in text
    password = text.split("Mật khẩu dùng một lần: ")[1].split("\n")[0]
    assert person.user.check_password(password) and person.user.must_change_password
    event = AuditEvent.objects.get(event_type="staff.positions_changed", target_id=str(person.pk))
    assert event.actor is None and event.acting_as.startswith("lệnh appoint_principal")
    assert Notification.objects.filter(user=person.user, kind="staff.positions").exists()


def test_appoint_a_new_principal_the_former_is_told_and_stays_until_relieved(world):
    vice = world.people["vice"]
    out = StringIO()
    call_command(
        "appoint_principal",
        "--school",
        world.school.code,
        "--username",
        vice.user.username,
        stdout=out,
    )
    vice.refresh_from_db()
    assert PositionSet.of(vice) == PositionSet(main="principal")
    assert "mật khẩu giữ nguyên" in out.getvalue()
    assert Notification.objects.filter(
        user=world.users["principal"], kind="staff.positions"
    ).exists()
    # the new principal relieves the former one
    actions.staff_set_positions(
        actor=world.actor("vice"), staff=world.people["principal"], position="teacher", extra=[]
    )
    assert Role.PRINCIPAL not in world.actor("principal").roles


def test_appoint_principal_refuses_unknown_people(world):
    with pytest.raises(CommandError, match="không có cán bộ"):
        call_command("appoint_principal", "--school", world.school.code, "--staff", "KHONG-CO")
    with pytest.raises(CommandError, match="Không có trường"):
        call_command("appoint_principal", "--school", "KHONG", "--staff", "X")


def test_reset_principal_password_on_the_server(world):
    out = StringIO()
    call_command(
        "reset_principal_password",
        "--school",
        world.school.code,
        "--username",
        world.users["principal"].username,
        stdout=out,
    )
    password = out.getvalue().split("Mật khẩu dùng một lần: ")[1].split("\n")[0]
    user = User.objects.get(pk=world.users["principal"].pk)
    assert user.check_password(password) and user.must_change_password
    assert Notification.objects.filter(user=user, kind="account.password_reset").exists()
    with pytest.raises(CommandError, match="chỉ dành cho"):
        call_command(
            "reset_principal_password",
            "--school",
            world.school.code,
            "--username",
            world.users["subject"].username,
        )


def test_positions_page_per_role(client, world):
    target = world.people["outsider"]
    url = reverse("organisation:staff_positions", args=[target.pk])
    client.force_login(world.users["clerk"])
    page = client.get(url).content.decode()
    assert '<option value="principal" disabled' in page and '<option value="clerk" disabled' in page
    assert '<option value="accountant">' in page
    client.force_login(world.users["inspector"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["homeroom"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["vice"])
    own = client.get(reverse("organisation:staff_positions", args=[world.people["vice"].pk]))
    assert "Đây là hồ sơ của chính bạn" in own.content.decode()
    response = client.post(
        reverse("organisation:staff_positions", args=[world.people["vice"].pk]),
        {"position": "principal"},
    )
    assert (
        response.status_code == 200
        and "Không ai tự đổi chức vụ của mình" in response.content.decode()
    )
    assert not StaffPosition.objects.filter(staff=world.people["vice"]).exists()
    assert Staff.objects.get(pk=world.people["vice"].pk).position == "vice_principal"


def test_the_clerk_adds_a_position_beside_a_leaders_without_touching_it(client, world):
    # GIVEN a teacher who is also vice principal (a further position the clerk cannot change)
    target = world.people["outsider"]
    StaffPosition.objects.create(staff=target, position="vice_principal")
    client.force_login(world.users["clerk"])
    url = reverse("organisation:staff_positions", args=[target.pk])
    assert 'value="vice_principal" disabled' in client.get(url).content.decode()
    # WHEN the clerk adds "librarian" (the browser does not send the disabled, checked box)
    response = client.post(url, {"position": "teacher", "extra": ["librarian"]})
    # THEN the leader position stays and the new one is added
    assert response.status_code == 302
    assert PositionSet.of(target) == PositionSet(
        main="teacher", extra=frozenset({"vice_principal", "librarian"})
    )


def test_refused_attempts_change_nothing(world):
    with pytest.raises(DomainError):
        actions.staff_set_positions(
            actor=world.actor("admin"), staff=world.people["outsider"], position="clerk", extra=[]
        )
    assert Staff.objects.get(pk=world.people["outsider"].pk).position == "teacher"
