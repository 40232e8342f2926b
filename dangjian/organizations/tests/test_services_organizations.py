"""Party organization services: founding, changing, re-attaching and dissolving organizations."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import audit_entries_for, user_with_role
from dangjian.organizations import selectors, services
from dangjian.organizations.models import Area, OrganizationKind, PartyOrganization
from dangjian.organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.usefixtures("module_city")

Kind = OrganizationKind


def written():
    """What a refused write must leave untouched."""
    return PartyOrganization.objects.count(), AuditEntry.objects.count()


def party_group(branch, name="第一党小组"):
    return OrganizationFactory(parent=branch, name=name, kind=Kind.PARTY_GROUP)


# ---------------------------------------------------------------- create


def test_street_admin_founds_a_branch_under_a_community_committee(city, street_admin):
    # given 长江路社区党委 in the 梅园新村街道 administrator's street
    committee = city.org(city.changjianglu)
    # when they found a branch under it, located in 长江路社区
    branch = services.organization_create(
        actor=street_admin, parent=committee, name=" 长江路社区第一党支部 ", kind=Kind.BRANCH,
        area=city.changjianglu, secretary_name="李强", founded_on=datetime.date(2020, 7, 1))
    # then it sits under the committee with a trimmed name and pinyin key, and is audited
    assert PartyOrganization.objects.get_parent(branch) == committee
    assert (branch.name, branch.name_pinyin) == ("长江路社区第一党支部", "changjianglushequdiyidangzhibu")
    assert audit_entries_for(branch, AuditAction.CREATE).get().actor == street_admin


def test_org_admin_founds_a_party_group_under_a_branch_in_their_subtree(city, org_admin):
    # given 石鼓路社区党支部 under the organization administrator's 新街口街道党工委
    branch = city.org(city.areas["320102003002"])
    # when they found a party group under it
    group = services.organization_create(actor=org_admin, parent=branch, name="第一党小组",
                                         kind=Kind.PARTY_GROUP, area=branch.area)
    # then it is saved under the branch and audited
    assert PartyOrganization.objects.get_parent(group) == branch
    assert audit_entries_for(group, AuditAction.CREATE).exists()


def test_party_group_cannot_sit_under_a_committee(city, street_admin):
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=city.org(city.changjianglu), name="党小组",
                                     kind=Kind.PARTY_GROUP, area=city.changjianglu)
    assert refusal.value.messages == ["党小组只能设在党支部之下。"]
    assert written() == before


def test_nothing_can_sit_under_a_party_group(city, street_admin):
    group = party_group(city.org(city.dahanggong))
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=group, name="党小组下的党小组",
                                     kind=Kind.PARTY_GROUP, area=city.dahanggong)
    assert refusal.value.messages == ["党小组之下不能再设党组织。"]
    assert written() == before


def test_branch_cannot_sit_under_a_branch(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=city.org(city.dahanggong), name="支部下的支部",
                                     kind=Kind.BRANCH, area=city.dahanggong)
    assert refusal.value.messages == ["党支部之下只能设党小组。"]


def test_top_level_organization_must_be_a_committee(city, superuser):
    # given the superuser
    # when they found a top-level branch and a top-level committee
    # then the branch is refused and the committee is founded
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=superuser, parent=None, name="孤立党支部", kind=Kind.BRANCH,
                                     area=city.qinhuai)
    assert refusal.value.messages == ["顶级党组织只能是党委或党工委。"]
    committee = services.organization_create(actor=superuser, parent=None, name="中共南京市鼓楼区委员会",
                                             kind=Kind.COMMITTEE, area=city.nanjing)
    assert committee.is_root()


def test_only_a_superuser_founds_a_top_level_organization(city, city_admin):
    with pytest.raises(PermissionDenied, match="只有系统管理员可以新建顶级党组织。"):
        services.organization_create(actor=city_admin, parent=None, name="中共南京市鼓楼区委员会",
                                     kind=Kind.COMMITTEE, area=city.nanjing)


def test_cannot_found_under_an_organization_outside_scope(city, street_admin):
    # given the 梅园新村街道 administrator and 新街口街道党工委 (not theirs)
    before = written()
    # when they found a branch under it
    # then they are refused and nothing is written
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=street_admin, parent=city.org(city.xinjiekou), name="越权党支部",
                                     kind=Kind.BRANCH, area=city.xinjiekou)
    assert written() == before


def test_cannot_place_an_organization_in_an_area_outside_scope(city, street_admin):
    # given the 梅园新村街道 administrator founding under their own working committee
    # when they locate the new branch in 夫子庙街道 (秦淮区)
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=city.org(city.meiyuan), name="错位党支部",
                                     kind=Kind.BRANCH, area=city.fuzimiao)
    # then the area field is refused without saying whether that area exists
    assert refusal.value.message_dict == {"area": ["所选区域不存在或不在您的管辖范围内。"]}


def test_leader_cannot_found_organizations(city, leader):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=leader, parent=city.org(city.meiyuan), name="党支部",
                                     kind=Kind.BRANCH, area=city.meiyuan)


def test_founding_date_cannot_be_in_the_future(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=city.org(city.meiyuan), name="未来党支部",
                                     kind=Kind.BRANCH, area=city.meiyuan,
                                     founded_on=datetime.date.today() + datetime.timedelta(days=2))
    assert refusal.value.message_dict == {"founded_on": ["成立日期不能晚于今天。"]}


def test_term_cannot_start_before_the_founding(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.organization_create(actor=street_admin, parent=city.org(city.meiyuan), name="新党支部",
                                     kind=Kind.BRANCH, area=city.meiyuan, founded_on=datetime.date(2021, 7, 1),
                                     term_started_on=datetime.date(2021, 6, 30))
    assert refusal.value.message_dict == {"term_started_on": ["本届任期开始日期不能早于成立日期。"]}


# ---------------------------------------------------------------- update


def test_rename_and_new_secretary_are_saved_and_audited(city, street_admin):
    # given 大行宫社区党支部
    branch = city.org(city.dahanggong)
    # when the street administrator renames it and records its secretary
    services.organization_update(actor=street_admin, organization=branch, name="大行宫社区第一党支部",
                                 secretary_name="王芳")
    # then both are stored and the audit entry lists the changes
    branch.refresh_from_db()
    assert (branch.name, branch.secretary_name) == ("大行宫社区第一党支部", "王芳")
    assert audit_entries_for(branch, AuditAction.UPDATE).get().detail["changes"] == {
        "name": ["大行宫社区党支部", "大行宫社区第一党支部"], "secretary_name": ["", "王芳"]}


def test_tree_fields_cannot_be_changed_by_update(city, street_admin):
    with pytest.raises(ValidationError, match="path"):
        services.organization_update(actor=street_admin, organization=city.org(city.dahanggong), path="0009")


def test_branch_with_party_groups_cannot_become_a_party_group(city, street_admin):
    branch = city.org(city.dahanggong)
    party_group(branch)
    with pytest.raises(ValidationError, match="党小组"):
        services.organization_update(actor=street_admin, organization=branch, kind=Kind.PARTY_GROUP)


def test_committee_with_branches_cannot_become_a_branch(city, street_admin):
    # given 长江路社区党委 with a branch under it
    committee = city.org(city.changjianglu)
    OrganizationFactory(parent=committee, name="长江路社区第一党支部", kind=Kind.BRANCH)
    before = written()
    # when it is turned into a branch
    # then it is refused: a branch may only have party groups under it
    with pytest.raises(ValidationError, match="党支部之下只能设党小组。"):
        services.organization_update(actor=street_admin, organization=committee, kind=Kind.BRANCH)
    assert written() == before


def test_branch_with_party_groups_cannot_become_a_committee(city, street_admin):
    branch = city.org(city.dahanggong)
    party_group(branch)
    with pytest.raises(ValidationError, match="党小组只能设在党支部之下。"):
        services.organization_update(actor=street_admin, organization=branch, kind=Kind.COMMITTEE)


def test_childless_branch_becomes_a_general_branch(city, street_admin):
    branch = city.org(city.dahanggong)
    services.organization_update(actor=street_admin, organization=branch, kind=Kind.GENERAL_BRANCH)
    branch.refresh_from_db()
    assert branch.kind == Kind.GENERAL_BRANCH


def test_organization_outside_scope_cannot_be_changed(city, street_admin, leader):
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=street_admin, organization=city.org(city.xinjiekou), name="改名")
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=leader, organization=city.org(city.meiyuan), name="改名")


# ---------------------------------------------------------------- move


def test_branch_moves_with_its_party_groups_to_another_working_committee(city, district_admin, org_admin):
    # given 大行宫社区党支部 (梅园新村街道党工委) with a party group
    branch = city.org(city.dahanggong)
    group = party_group(branch)
    # when the 玄武区 administrator attaches it to 新街口街道党工委
    moved = services.organization_move(actor=district_admin, organization=branch,
                                       new_parent=city.org(city.xinjiekou))
    # then the branch and its party group hang under 新街口街道党工委, and the move is audited
    group.refresh_from_db()
    assert PartyOrganization.objects.get_parent(moved) == city.org(city.xinjiekou)
    assert PartyOrganization.objects.get_parent(group) == moved
    assert audit_entries_for(moved, AuditAction.MOVE).get().detail == {
        "old_parent": "梅园新村街道党工委", "new_parent": "新街口街道党工委"}
    # and the 新街口街道党工委 administrator now sees both
    visible = set(selectors.organization_list_for(org_admin))
    assert {moved, group} <= visible


def test_organization_cannot_move_under_its_own_descendant(city, district_admin):
    # given 梅园新村街道党工委 and 长江路社区党委 below it
    before = written()
    # when the working committee is moved under the community committee
    with pytest.raises(ValidationError) as refusal:
        services.organization_move(actor=district_admin, organization=city.org(city.meiyuan),
                                   new_parent=city.org(city.changjianglu))
    # then it is refused in Chinese and nothing moved
    assert refusal.value.messages == ["不能把党组织移动到它自己或它的下级组织之下。"]
    assert written() == before


def test_branch_cannot_move_under_a_branch(city, street_admin):
    with pytest.raises(ValidationError, match="党支部之下只能设党小组。"):
        services.organization_move(actor=street_admin, organization=city.unit_branch(city.meiyuan),
                                   new_parent=city.org(city.dahanggong))


def test_cannot_move_to_a_target_outside_scope(city, street_admin):
    # given the 梅园新村街道 administrator and their 大行宫社区党支部
    before = written()
    # when they attach it to 新街口街道党工委, which is not theirs
    with pytest.raises(PermissionDenied, match="目标组织"):
        services.organization_move(actor=street_admin, organization=city.org(city.dahanggong),
                                   new_parent=city.org(city.xinjiekou))
    # then nothing moved
    assert written() == before


def test_org_admin_cannot_move_the_root_of_their_scope(city, org_admin):
    with pytest.raises(PermissionDenied, match="不能移动您自己管辖范围的根节点"):
        services.organization_move(actor=org_admin, organization=city.org(city.xinjiekou),
                                   new_parent=city.org(city.meiyuan))


def test_organization_whose_tree_path_equals_the_admins_area_path_can_be_moved(city):
    # given the 秦淮区 administrator, and the working committee in 秦淮区 whose path in the
    # organization tree happens to equal 秦淮区's path in the area tree
    qinhuai_admin = user_with_role(role="area_admin", area=city.qinhuai)
    organization = PartyOrganization.objects.get(path=city.qinhuai.path)
    other = next(o for o in (city.org(city.fuzimiao), city.org(city.qinhong)) if o != organization)
    assert organization.kind == Kind.WORKING_COMMITTEE
    assert Area.objects.get_parent(organization.area) == city.qinhuai
    # when they attach it to the district's other working committee
    moved = services.organization_move(actor=qinhuai_admin, organization=organization, new_parent=other)
    # then it moves: it is not the root of their scope, 秦淮区 is
    assert PartyOrganization.objects.get_parent(moved) == other


# ---------------------------------------------------------------- delete


def test_childless_organization_is_deleted_and_audited(city, street_admin):
    group = party_group(city.org(city.dahanggong))
    pk = group.pk
    services.organization_delete(actor=street_admin, organization=group)
    assert not PartyOrganization.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(pk),
                                     object_type="organizations.PartyOrganization").exists()


def test_organization_with_children_cannot_be_deleted(city, district_admin):
    before = written()
    with pytest.raises(ValidationError, match="该党组织还有下级组织，不能删除"):
        services.organization_delete(actor=district_admin, organization=city.org(city.meiyuan))
    assert written() == before


def test_org_admin_cannot_delete_the_root_of_their_scope(city, org_admin):
    with pytest.raises(PermissionDenied, match="不能删除您自己管辖范围的根节点。"):
        services.organization_delete(actor=org_admin, organization=city.org(city.xinjiekou))


def test_organization_outside_scope_cannot_be_deleted(city, street_admin):
    group = party_group(city.org(city.areas["320102003002"]))
    with pytest.raises(PermissionDenied):
        services.organization_delete(actor=street_admin, organization=group)
    assert PartyOrganization.objects.filter(pk=group.pk).exists()
