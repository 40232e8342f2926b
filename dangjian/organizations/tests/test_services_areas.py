"""Area services: creating, renaming, moving and deleting places in the area tree."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import audit_entries_for
from dangjian.organizations import selectors, services
from dangjian.organizations.models import Area, AreaLevel
from dangjian.organizations.tests.factories import AreaFactory

pytestmark = pytest.mark.usefixtures("module_city")


def written():
    """What a refused write must leave untouched."""
    return Area.objects.count(), AuditEntry.objects.count()


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ---------------------------------------------------------------- create


def test_district_admin_adds_a_street_whose_level_follows_from_the_district(city, district_admin):
    # given the 玄武区 administrator
    # when they add 玄武门街道 under 玄武区
    street = services.area_create(actor=district_admin, parent=city.xuanwu, name=" 玄武门街道 ",
                                  code="320102005000")
    # then it is a street under 玄武区, its name trimmed and its pinyin key set, and the write is audited
    assert street.level == AreaLevel.STREET
    assert Area.objects.get_parent(street) == city.xuanwu
    assert (street.name, street.name_pinyin) == ("玄武门街道", "xuanwumenjiedao")
    entry = audit_entries_for(street, AuditAction.CREATE).get()
    assert entry.actor == district_admin


def test_street_admin_adds_a_community_and_a_grid(city, street_admin):
    # given the 梅园新村街道 administrator
    # when they add a community and a grid inside it
    community = services.area_create(actor=street_admin, parent=city.meiyuan, name="梅园社区",
                                     code="320102002003")
    grid = services.area_create(actor=street_admin, parent=community, name="第一网格", code="320102002003001")
    # then each takes the level below its parent
    assert (community.level, grid.level) == (AreaLevel.COMMUNITY, AreaLevel.GRID)
    assert Area.objects.get_parent(grid) == community


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("32010200500A", "区划代码只能由数字组成。"),
        ("320102005", "街道的统计用区划代码应为12位数字、以000结尾。"),
        ("320102005001", "街道的统计用区划代码应为12位数字、以000结尾。"),
    ],
)
def test_malformed_street_code_is_refused_in_chinese_and_nothing_is_written(city, district_admin, code, message):
    # given the 玄武区 administrator and the state of the tree
    before = written()
    # when they add a street with a malformed code
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=district_admin, parent=city.xuanwu, name="玄武门街道", code=code)
    # then the code field carries a Chinese explanation and nothing was written
    assert refusal.value.message_dict == {"code": [message]}
    assert written() == before


def test_street_code_of_another_district_is_refused(city, district_admin):
    # given 玄武区 (320102)
    before = written()
    # when a street with 秦淮区's prefix 320104 is added under it
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=district_admin, parent=city.xuanwu, name="错位街道", code="320104009000")
    # then the expected prefix is named
    assert refusal.value.message_dict == {"code": ["街道代码应以所属区的代码 320102 开头。"]}
    assert written() == before


def test_community_code_outside_its_street_is_refused(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=street_admin, parent=city.meiyuan, name="错位社区", code="320102003009")
    assert refusal.value.message_dict == {"code": ["社区代码应以所属街道代码的前9位 320102002 开头。"]}


def test_unknown_district_code_is_refused(city, city_admin):
    # given 南京市 and a 6-digit code with the right prefix that GB/T 2260 does not know
    before = written()
    # when the city administrator adds a district with it
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=city_admin, parent=city.nanjing, name="虚构区", code="320199")
    # then the code table is named
    assert refusal.value.message_dict == {"code": ["区划代码 320199 不在 GB/T 2260 行政区划代码表中。"]}
    assert written() == before


def test_district_code_of_another_city_is_refused(city, city_admin):
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=city_admin, parent=city.nanjing, name="锡山区", code="320205")
    assert refusal.value.message_dict == {"code": ["区的区划代码应以所属市的代码前4位 3201 开头。"]}


def test_known_district_is_added_by_the_city_admin(city, city_admin):
    district = services.area_create(actor=city_admin, parent=city.nanjing, name="鼓楼区", code="320106")
    assert district.level == AreaLevel.DISTRICT
    assert audit_entries_for(district, AuditAction.CREATE).exists()


def test_duplicate_code_is_refused_in_chinese(city, district_admin):
    # given 梅园新村街道 (320102002000) exists
    # when another street is added with the same code
    with pytest.raises(ValidationError) as refusal:
        services.area_create(actor=district_admin, parent=city.xuanwu, name="重复街道", code="320102002000")
    # then the duplicate code is refused, in Chinese
    assert "区划代码" in error_text(refusal.value)


def test_nothing_can_be_added_under_a_grid(city, street_admin):
    grid = AreaFactory(parent=city.changjianglu)
    with pytest.raises(ValidationError, match="该层级下不能再设下级区域。"):
        services.area_create(actor=street_admin, parent=grid, name="子网格", code=grid.code + "001")


def test_street_admin_cannot_add_a_community_to_another_street(city, street_admin):
    # given the 梅园新村街道 administrator
    before = written()
    # when they add a community under 新街口街道
    # then they are refused and nothing is written
    with pytest.raises(PermissionDenied):
        services.area_create(actor=street_admin, parent=city.xinjiekou, name="越权社区", code="320102003009")
    assert written() == before


def test_leader_cannot_add_areas(city, leader):
    with pytest.raises(PermissionDenied):
        services.area_create(actor=leader, parent=city.meiyuan, name="梅园社区", code="320102002003")


def test_only_a_superuser_adds_a_city(city, city_admin, superuser):
    # given the city administrator and the superuser
    # when each adds 无锡市 as a new top-level area
    # then the city administrator is refused and the superuser succeeds
    with pytest.raises(PermissionDenied, match="只有系统管理员可以新建顶级区域。"):
        services.area_create(actor=city_admin, parent=None, name="无锡市", code="320200")
    wuxi = services.area_create(actor=superuser, parent=None, name="无锡市", code="320200")
    assert wuxi.level == AreaLevel.CITY and wuxi.is_root()


# ---------------------------------------------------------------- update


def test_rename_is_saved_and_audited_with_the_change(city, street_admin):
    # given 大行宫社区
    community = city.dahanggong
    # when the street administrator renames it
    services.area_update(actor=street_admin, area=community, name="大行宫社区居委会", code=community.code)
    # then the new name and pinyin are stored and the audit entry shows old and new name
    community.refresh_from_db()
    assert (community.name, community.name_pinyin) == ("大行宫社区居委会", "daxinggongshequjuweihui")
    entry = audit_entries_for(community, AuditAction.UPDATE).get()
    assert entry.detail["changes"] == {"name": ["大行宫社区", "大行宫社区居委会"]}


def test_saving_without_changes_writes_no_audit_entry(city, street_admin):
    before = written()
    services.area_update(actor=street_admin, area=city.dahanggong, name="大行宫社区", code="320102002002")
    assert written() == before


def test_childless_community_takes_a_new_code(city, street_admin):
    community = AreaFactory(parent=city.meiyuan, name="新建社区")
    services.area_update(actor=street_admin, area=community, name="新建社区", code="320102002099")
    community.refresh_from_db()
    assert community.code == "320102002099"


def test_code_of_an_area_with_children_carries_down_to_them(city, district_admin):
    # given 梅园新村街道, which has communities
    # when its code is changed
    services.area_update(actor=district_admin, area=city.meiyuan, name="梅园新村街道", code="320102009000")
    # then the communities' codes, which embed the street's, follow it
    assert sorted(Area.objects.filter(code__startswith="320102009").values_list("code", flat=True)) == [
        "320102009000", "320102009001", "320102009002"]
    assert not Area.objects.filter(code__startswith="320102002").exists()


def test_code_change_that_would_clash_below_is_refused(city, district_admin):
    # given 新街口街道's communities hold 320102003001/002
    before = written()
    # when 梅园新村街道 takes 新街口's prefix … it clashes with the street itself first
    with pytest.raises(ValidationError):
        services.area_update(actor=district_admin, area=city.meiyuan, name="梅园新村街道", code="320102003000")
    assert written() == before


def test_new_code_must_still_match_the_parent(city, street_admin):
    with pytest.raises(ValidationError, match="320102002"):
        services.area_update(actor=street_admin, area=city.dahanggong, name="大行宫社区", code="320102003002")


def test_area_outside_scope_cannot_be_renamed(city, street_admin, leader):
    # given a street administrator and a leader
    # when one renames a community of another street and the other one inside their district
    # then both are refused
    with pytest.raises(PermissionDenied):
        services.area_update(actor=street_admin, area=city.areas["320102003001"], name="改名",
                             code="320102003001")
    with pytest.raises(PermissionDenied):
        services.area_update(actor=leader, area=city.dahanggong, name="改名", code="320102002002")


# ---------------------------------------------------------------- move


def test_community_moves_to_another_street_with_its_organizations_and_units(city, district_admin, street_admin):
    # given 大行宫社区 in 梅园新村街道, with a community branch and a company located in it
    community = city.dahanggong
    company = city.unit(city.meiyuan)
    assert company.area == community
    # when the 玄武区 administrator moves it to 新街口街道 with the code it takes there
    moved = services.area_move(actor=district_admin, area=community, new_parent=city.xinjiekou,
                               code="320102003003")
    # then it sits under 新街口街道 with its new code, keeps its level, and the move is audited
    assert Area.objects.get_parent(moved) == city.xinjiekou
    assert (moved.code, moved.level) == ("320102003003", AreaLevel.COMMUNITY)
    entry = audit_entries_for(moved, AuditAction.MOVE).get()
    assert entry.detail == {"old_parent": "梅园新村街道", "new_parent": "新街口街道"}
    # and what is located in it moved out of the 梅园新村街道 administrator's reach
    assert company not in selectors.unit_list_for(street_admin)
    assert community.pk not in selectors.area_list_for(street_admin).values_list("pk", flat=True)


def test_moved_community_is_listed_in_code_order_under_its_new_street(city, district_admin):
    # given 新街口街道 with communities 320102003001 and 320102003002
    # when 大行宫社区 (320102002002) moves there as 320102003003
    services.area_move(actor=district_admin, area=city.dahanggong, new_parent=city.xinjiekou,
                       code="320102003003")
    # then the street's communities list in code order, the newcomer last
    communities = selectors.area_list_for(district_admin, level=AreaLevel.COMMUNITY, under=city.xinjiekou)
    assert [area.code for area in communities] == ["320102003001", "320102003002", "320102003003"]


def test_street_cannot_move_under_its_own_community(city, district_admin):
    # given 梅园新村街道 and its community 长江路社区
    before = written()
    # when the street is moved under that community
    with pytest.raises(ValidationError) as refusal:
        services.area_move(actor=district_admin, area=city.meiyuan, new_parent=city.changjianglu)
    # then it is refused in Chinese and the tree is unchanged
    assert refusal.value.messages == ["不能把区域移动到它自己或它的下级区域之下。"]
    assert written() == before
    assert Area.objects.get_parent(city.meiyuan) == city.xuanwu


def test_community_cannot_move_directly_under_a_district(city, district_admin):
    with pytest.raises(ValidationError) as refusal:
        services.area_move(actor=district_admin, area=city.dahanggong, new_parent=city.xuanwu)
    assert refusal.value.messages == ["社区只能放在街道之下，不能放在区之下。"]


def test_move_without_a_code_that_fits_the_new_street_is_refused(city, district_admin):
    # given 大行宫社区 moved to 新街口街道 keeping its old code 320102002002
    # then the code is refused: it must start with the new street's 320102003
    with pytest.raises(ValidationError, match="320102003"):
        services.area_move(actor=district_admin, area=city.dahanggong, new_parent=city.xinjiekou)


def test_street_admin_cannot_move_a_community_out_of_their_street(city, street_admin):
    # given the 梅园新村街道 administrator
    before = written()
    # when they move their 大行宫社区 to 新街口街道, which is not theirs
    with pytest.raises(PermissionDenied, match="目标区域"):
        services.area_move(actor=street_admin, area=city.dahanggong, new_parent=city.xinjiekou,
                           code="320102003003")
    # then nothing moved
    assert written() == before


def test_nobody_moves_the_root_of_their_own_scope(city, street_admin):
    # given the 梅园新村街道 administrator
    # when they move 梅园新村街道 itself to 秦淮区
    # then they are told to ask the level above
    with pytest.raises(PermissionDenied, match="不能移动您自己管辖范围的根节点"):
        services.area_move(actor=street_admin, area=city.meiyuan, new_parent=city.qinhuai, code="320104009000")


def test_leader_cannot_move_areas(city, leader):
    with pytest.raises(PermissionDenied):
        services.area_move(actor=leader, area=city.dahanggong, new_parent=city.xinjiekou, code="320102003003")


# ---------------------------------------------------------------- delete


def test_empty_community_is_deleted_and_the_deletion_audited(city, street_admin):
    # given an empty community just added to 梅园新村街道
    community = AreaFactory(parent=city.meiyuan, name="临时社区")
    pk = community.pk
    # when the street administrator deletes it
    services.area_delete(actor=street_admin, area=community)
    # then it is gone, and the audit entry remains
    assert not Area.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="organizations.Area", object_id=str(pk))
    assert (entry.actor, entry.object_repr) == (street_admin, "临时社区")


def test_area_with_children_cannot_be_deleted(city, district_admin):
    before = written()
    with pytest.raises(ValidationError, match="该区域还有下级区域，不能删除。"):
        services.area_delete(actor=district_admin, area=city.meiyuan)
    assert written() == before


def test_area_with_organizations_or_units_cannot_be_deleted(city, street_admin):
    # given 大行宫社区 (a community branch and a company) and 长江路社区 (a community committee)
    # when each is deleted
    # then both are refused, and nothing is written
    before = written()
    for community in (city.dahanggong, city.changjianglu):
        with pytest.raises(ValidationError, match="该区域内还有党组织或驻区单位，不能删除。"):
            services.area_delete(actor=street_admin, area=community)
    assert written() == before


def test_area_with_only_a_unit_cannot_be_deleted(city, street_admin):
    from dangjian.organizations.tests.factories import UnitFactory

    community = AreaFactory(parent=city.meiyuan)
    UnitFactory(area=community)
    with pytest.raises(ValidationError, match="驻区单位"):
        services.area_delete(actor=street_admin, area=community)


def test_nobody_deletes_the_root_of_their_own_scope(city, community_admin):
    with pytest.raises(PermissionDenied, match="不能删除您自己管辖范围的根节点。"):
        services.area_delete(actor=community_admin, area=city.dahanggong)


def test_area_outside_scope_cannot_be_deleted(city, street_admin):
    community = AreaFactory(parent=city.xinjiekou)
    with pytest.raises(PermissionDenied):
        services.area_delete(actor=street_admin, area=community)
    assert Area.objects.filter(pk=community.pk).exists()
