"""Role services: who may give whom which role over which part of the city (and create accounts)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts import scoping, services
from dangjian.accounts.models import AuditAction, AuditEntry, Role, RoleAssignment, User
from dangjian.accounts.tests.factories import UserFactory, audit_entries_for

pytestmark = pytest.mark.usefixtures("module_city")

ONE_SCOPE = "角色必须指定且只能指定一个管辖范围：一个区域、党组织、单位或党校。"


def written():
    """What a refused write must leave untouched."""
    return RoleAssignment.objects.count(), AuditEntry.objects.count(), User.objects.filter(is_staff=True).count()


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


# ---------------------------------------------------------------- grant


def test_district_admin_makes_someone_a_street_admin(city, district_admin):
    # given the 玄武区 administrator and a new colleague without roles
    colleague = UserFactory(display_name="周婷")
    # when they make the colleague administrator of 梅园新村街道
    assignment = services.role_grant(actor=district_admin, user=colleague, role=Role.AREA_ADMIN,
                                     area=city.meiyuan)
    # then the role is recorded with who granted it, the colleague may use the back office and
    # sees the street, and the grant is audited
    assert (assignment.role, assignment.scope, assignment.granted_by) == (Role.AREA_ADMIN, city.meiyuan,
                                                                          district_admin)
    assert fresh(colleague).is_staff
    assert scoping.can_write(colleague, city.meiyuan)
    entry = audit_entries_for(assignment, AuditAction.ROLE_GRANTED).get()
    assert entry.actor == district_admin
    assert entry.detail == {"user": colleague.username, "role": "area_admin", "scope": "梅园新村街道"}


def test_area_admin_makes_someone_admin_of_an_organization_in_their_area(city, district_admin):
    colleague = UserFactory()
    assignment = services.role_grant(actor=district_admin, user=colleague, role=Role.ORG_ADMIN,
                                     organization=city.org(city.meiyuan))
    assert assignment.scope == city.org(city.meiyuan)


def test_city_admin_makes_another_city_admin(city, city_admin):
    colleague = UserFactory()
    services.role_grant(actor=city_admin, user=colleague, role=Role.CITY_ADMIN, area=city.nanjing)
    assert scoping.is_city_admin(colleague)


def test_role_without_a_scope_is_refused_in_plain_chinese_and_nothing_written(city, district_admin):
    # given a colleague without roles
    colleague = UserFactory()
    before = written()
    # when a role is granted without saying over what
    with pytest.raises(ValidationError) as refusal:
        services.role_grant(actor=district_admin, user=colleague, role=Role.AREA_ADMIN)
    # then one plain Chinese message says why, and nothing is written
    assert refusal.value.messages == [ONE_SCOPE]
    assert written() == before


def test_role_over_an_area_and_an_organization_at_once_is_refused(city, district_admin):
    with pytest.raises(ValidationError) as refusal:
        services.role_grant(actor=district_admin, user=UserFactory(), role=Role.LEADER, area=city.meiyuan,
                            organization=city.org(city.meiyuan))
    assert refusal.value.messages == [ONE_SCOPE]


@pytest.mark.parametrize(("role", "scope", "message"), [
    (Role.CITY_ADMIN, "district", "市级管理员的管辖范围必须是市。"),
    (Role.AREA_ADMIN, "organization", "区域管理员的管辖范围必须是区域（区、街道或社区）。"),
    (Role.ORG_ADMIN, "district", "党组织管理员的管辖范围必须是党组织。"),
])
def test_role_over_the_wrong_kind_of_scope_is_refused(city, superuser, role, scope, message):
    # given the superuser, who may grant anything anywhere
    target = {"district": {"area": city.xuanwu}, "organization": {"organization": city.org(city.xuanwu)}}[scope]
    before = written()
    # when a role is granted over a scope of the wrong kind (e.g. a city administrator over a district)
    with pytest.raises(ValidationError) as refusal:
        services.role_grant(actor=superuser, user=UserFactory(), role=role, **target)
    # then it is refused with the rule in Chinese
    assert refusal.value.messages == [message]
    assert written() == before


def test_unknown_role_is_refused(city, superuser):
    with pytest.raises(ValidationError) as refusal:
        services.role_grant(actor=superuser, user=UserFactory(), role="emperor", area=city.nanjing)
    assert refusal.value.message_dict == {"role": ["未知的角色。"]}


def test_street_admin_cannot_grant_a_role_over_their_district(city, street_admin):
    # given the 梅园新村街道 administrator
    before = written()
    # when they make someone administrator of the whole 玄武区
    # then they are refused: nobody grants wider than their own scope
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=street_admin, user=UserFactory(), role=Role.AREA_ADMIN, area=city.xuanwu)
    assert written() == before


def test_district_admin_cannot_make_a_city_admin(city, district_admin):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=district_admin, user=UserFactory(), role=Role.CITY_ADMIN, area=city.nanjing)


def test_org_admin_cannot_grant_roles_even_inside_their_organization(city, org_admin):
    with pytest.raises(PermissionDenied, match="只有市级或区域管理员可以授予角色。"):
        services.role_grant(actor=org_admin, user=UserFactory(), role=Role.ORG_ADMIN,
                            organization=city.org(city.areas["320102003002"]))


def test_leader_cannot_grant_roles(city, leader):
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=leader, user=UserFactory(), role=Role.LEADER, area=city.meiyuan)


def test_same_role_twice_is_refused(city, district_admin, street_admin):
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.role_grant(actor=district_admin, user=street_admin, role=Role.AREA_ADMIN, area=city.meiyuan)
    assert refusal.value.messages == ["该用户已有相同的角色和管辖范围。"]
    assert written() == before


# ---------------------------------------------------------------- revoke


def test_district_admin_revokes_a_street_admins_role(city, district_admin, street_admin):
    # given the 梅园新村街道 administrator's role
    assignment = RoleAssignment.objects.get(user=street_admin)
    pk = assignment.pk
    # when the 玄武区 administrator revokes it
    services.role_revoke(actor=district_admin, assignment=assignment)
    # then the role is gone, its holder sees nothing any more, and the revocation is audited
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    assert not scoping.can_see(fresh(street_admin), city.meiyuan)
    entry = AuditEntry.objects.get(action=AuditAction.ROLE_REVOKED, object_id=str(pk))
    assert (entry.actor, entry.detail["user"], entry.detail["scope"]) == (district_admin, "street_admin",
                                                                          "梅园新村街道")


def test_nobody_revokes_their_own_role(city, district_admin):
    assignment = RoleAssignment.objects.get(user=district_admin)
    with pytest.raises(PermissionDenied, match="不能撤销自己的角色"):
        services.role_revoke(actor=district_admin, assignment=assignment)
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_street_admin_cannot_revoke_the_district_admins_role(city, street_admin, district_admin):
    assignment = RoleAssignment.objects.get(user=district_admin)
    before = written()
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=street_admin, assignment=assignment)
    assert written() == before


# ---------------------------------------------------------------- accounts


def test_district_admin_creates_an_account_that_can_sign_in(city, district_admin):
    # given the 玄武区 administrator
    # when they create an account for a new colleague
    user = services.user_create(actor=district_admin, username=" zhouting ", password="Meiyuan-2026-xyz",
                                display_name=" 周婷 ", phone="13800001111")
    # then it exists with a usable password, may use the back office, and its creation is audited
    user = fresh(user)
    assert (user.username, user.display_name, user.is_staff) == ("zhouting", "周婷", True)
    assert user.check_password("Meiyuan-2026-xyz")
    assert audit_entries_for(user, AuditAction.CREATE).get().actor == district_admin


def test_username_already_taken_is_refused(city, district_admin):
    with pytest.raises(ValidationError) as refusal:
        services.user_create(actor=district_admin, username="street_admin", password="Meiyuan-2026-xyz")
    assert refusal.value.message_dict == {"username": ["该用户名已被使用。"]}


def test_weak_password_is_refused_in_chinese(city, district_admin):
    before = User.objects.count()
    with pytest.raises(ValidationError) as refusal:
        services.user_create(actor=district_admin, username="zhouting", password="12345678")
    assert refusal.value.messages
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in refusal.value.messages)
    assert User.objects.count() == before


@pytest.mark.parametrize("role", ["org_admin", "leader"])
def test_only_city_and_area_admins_create_accounts(request, city, role):
    with pytest.raises(PermissionDenied, match="只有安全管理员、市级或区域管理员可以新建用户。"):
        services.user_create(actor=request.getfixturevalue(role), username="zhouting",
                             password="Meiyuan-2026-xyz")
