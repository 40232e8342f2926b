"""Unit services: recording the agencies, enterprises and social organizations located in an area."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import audit_entries_for
from dangjian.organizations import services
from dangjian.organizations.models import Sector, SocialOrgType, Unit
from dangjian.organizations.tests.factories import UnitFactory, valid_credit_code

pytestmark = pytest.mark.usefixtures("module_city")


def written():
    """What a refused write must leave untouched."""
    return Unit.objects.count(), AuditEntry.objects.count()


# ---------------------------------------------------------------- create


def test_street_admin_records_a_company_with_its_credit_code_as_typed(city, street_admin):
    # given the 梅园新村街道 administrator and a credit code typed in lower case with spaces
    code = valid_credit_code(901, region="320102")
    typed = f" {code[:8].lower()} {code[8:].lower()} "
    # when they record a company in 长江路社区
    unit = services.unit_create(actor=street_admin, name=" 南京长江路文化传媒有限公司 ",
                                sector=Sector.NON_PUBLIC_ENTERPRISE, credit_code=typed,
                                area=city.changjianglu, staff_count=12)
    # then it is stored with the normalised code, a trimmed name and its pinyin key, and audited
    unit.refresh_from_db()
    assert (unit.name, unit.credit_code, unit.area) == ("南京长江路文化传媒有限公司", code, city.changjianglu)
    assert unit.name_pinyin.startswith("nanjingchangjianglu")
    assert audit_entries_for(unit, AuditAction.CREATE).get().actor == street_admin


def test_credit_code_with_a_wrong_check_character_is_refused_and_nothing_written(city, street_admin):
    # given a credit code whose check character is wrong
    code = valid_credit_code(902, region="320102")
    typo = code[:-1] + ("1" if code[-1] != "1" else "2")
    before = written()
    # when a unit is recorded with it
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="南京错码有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             credit_code=typo, area=city.changjianglu)
    # then the credit code field explains the problem in Chinese and nothing is written
    assert refusal.value.message_dict == {"credit_code": ["统一社会信用代码校验位不正确，请核对。"]}
    assert written() == before


def test_credit_code_of_wrong_length_is_refused(city, street_admin):
    before = written()
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="南京短码有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             credit_code="9132010212345", area=city.changjianglu)
    assert refusal.value.message_dict == {"credit_code": ["统一社会信用代码应为18位（当前为13位）。"]}
    assert written() == before


def test_credit_code_already_recorded_is_refused(city, street_admin):
    # given the company recorded in 大行宫社区
    existing = city.unit(city.meiyuan)
    # when another unit is recorded with its code
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="南京重复有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             credit_code=existing.credit_code, area=city.changjianglu)
    # then the duplicate is refused on the credit code field, in Chinese
    assert list(refusal.value.message_dict) == ["credit_code"]
    assert "统一社会信用代码" in refusal.value.message_dict["credit_code"][0]


def test_units_without_credit_codes_can_be_recorded(city, street_admin):
    # given two small units with no credit code (e.g. not yet registered)
    # when both are recorded with an empty code
    first = services.unit_create(actor=street_admin, name="长江路便民服务点", sector=Sector.OTHER, credit_code="",
                                 area=city.changjianglu)
    second = services.unit_create(actor=street_admin, name="大行宫便民服务点", sector=Sector.OTHER,
                                  credit_code="  ", area=city.dahanggong)
    # then both are saved without a code
    assert (first.credit_code, second.credit_code) == (None, None)


def test_unit_in_an_area_outside_scope_is_refused(city, street_admin):
    # given the 梅园新村街道 administrator
    before = written()
    # when they record a unit in 华侨路社区 (新街口街道)
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="南京越界有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             credit_code=valid_credit_code(903), area=city.areas["320102003001"])
    # then the area is refused without saying whether it exists, and nothing is written
    assert refusal.value.message_dict == {"area": ["所选区域不存在或不在您的管辖范围内。"]}
    assert written() == before


def test_leader_cannot_record_units(city, leader):
    with pytest.raises(PermissionDenied, match="您没有权限新增单位。"):
        services.unit_create(actor=leader, name="南京只读有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             area=city.changjianglu)


def test_unit_without_an_area_is_refused(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="无处安放有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE)
    assert refusal.value.message_dict == {"area": ["请选择单位所在区域。"]}


def test_social_organization_is_recorded_with_its_type(city, street_admin):
    unit = services.unit_create(actor=street_admin, name="长江路社区志愿者协会", sector=Sector.SOCIAL_ORGANIZATION,
                                social_org_type=SocialOrgType.ASSOCIATION, area=city.changjianglu,
                                credit_code=valid_credit_code(904, kind="51"))
    assert unit.get_social_org_type_display() == "社会团体"


def test_social_organization_without_a_type_is_refused(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="长江路社区读书会", sector=Sector.SOCIAL_ORGANIZATION,
                             area=city.changjianglu)
    assert refusal.value.message_dict == {
        "social_org_type": ["社会组织须选择类型（社会团体、民办非企业单位或基金会）。"]}


def test_company_with_a_social_organization_type_is_refused(city, street_admin):
    with pytest.raises(ValidationError) as refusal:
        services.unit_create(actor=street_admin, name="南京类型错误有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                             social_org_type=SocialOrgType.FOUNDATION, area=city.changjianglu)
    assert refusal.value.message_dict == {"social_org_type": ["只有社会组织才有社会组织类型。"]}


# ---------------------------------------------------------------- update


def test_staff_count_change_is_saved_and_audited(city, street_admin):
    # given the company in 大行宫社区 with 30 staff
    unit = city.unit(city.meiyuan)
    # when the street administrator records 45 staff
    services.unit_update(actor=street_admin, unit=unit, staff_count=45)
    # then it is stored and the audit entry shows the change
    unit.refresh_from_db()
    assert unit.staff_count == 45
    assert audit_entries_for(unit, AuditAction.UPDATE).get().detail["changes"] == {"staff_count": ["30", "45"]}


def test_unit_cannot_be_moved_to_an_area_outside_scope(city, street_admin):
    unit = city.unit(city.meiyuan)
    with pytest.raises(ValidationError, match="管辖范围"):
        services.unit_update(actor=street_admin, unit=unit, area=city.fuzimiao)
    unit.refresh_from_db()
    assert unit.area == city.dahanggong


def test_unit_outside_scope_cannot_be_changed(city, street_admin, leader):
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=street_admin, unit=city.unit(city.xinjiekou), staff_count=1)
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=leader, unit=city.unit(city.meiyuan), staff_count=1)


def test_unknown_field_cannot_be_changed(city, street_admin):
    with pytest.raises(ValidationError, match="name_pinyin"):
        services.unit_update(actor=street_admin, unit=city.unit(city.meiyuan), name_pinyin="x")


# ---------------------------------------------------------------- delete


def test_unit_without_a_party_organization_is_deleted_and_audited(city, street_admin):
    unit = UnitFactory(area=city.changjianglu)
    pk = unit.pk
    services.unit_delete(actor=street_admin, unit=unit)
    assert not Unit.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="organizations.Unit",
                                     object_id=str(pk), actor=street_admin).exists()


def test_unit_with_its_own_party_organization_cannot_be_deleted(city, street_admin):
    before = written()
    with pytest.raises(ValidationError, match="该单位建有党组织，不能删除"):
        services.unit_delete(actor=street_admin, unit=city.unit(city.meiyuan))
    assert written() == before


def test_unit_outside_scope_cannot_be_deleted(city, street_admin):
    unit = city.uncovered_unit(city.xinjiekou)
    with pytest.raises(PermissionDenied):
        services.unit_delete(actor=street_admin, unit=unit)
    assert Unit.objects.filter(pk=unit.pk).exists()
