"""The national code tables arrive with the database (data migration 0002_code_tables)."""

import pytest

from dangjian.core.models import Code, CodeTable

pytestmark = pytest.mark.django_db


def codes(table: str) -> dict[str, str]:
    return dict(Code.objects.of(table).values_list("code", "name"))


def test_all_56_ethnicities_with_codes_01_to_56():
    # given a fresh database
    # when the ethnicity table (GB 3304) is read
    ethnicities = codes(CodeTable.ETHNICITY)
    # then it holds the 56 ethnic groups, coded 01–56, 汉族 first and 基诺族 last
    assert sorted(ethnicities) == [f"{n:02d}" for n in range(1, 57)]
    assert ethnicities["01"] == "汉族"
    assert ethnicities["05"] == "维吾尔族"
    assert ethnicities["56"] == "基诺族"
    assert len(set(ethnicities.values())) == 56


def test_ethnicities_list_in_code_order():
    names = list(Code.objects.of(CodeTable.ETHNICITY).values_list("name", flat=True))
    assert names[:3] == ["汉族", "蒙古族", "回族"]


def test_sex_codes_follow_gb_t_2261_1():
    assert codes(CodeTable.SEX) == {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}


def test_education_levels_a_roster_uses():
    education = codes(CodeTable.EDUCATION)
    assert education["11"] == "博士研究生"
    assert education["21"] == "大学本科"
    assert education["31"] == "大学专科"
    assert education["61"] == "普通高中"


def test_nanjing_and_its_districts_are_in_the_division_table():
    # given the division table (GB/T 2260)
    divisions = Code.objects.of(CodeTable.DIVISION)
    # when Nanjing's districts are looked up by their parent code
    districts = dict(divisions.filter(parent_code="320100").values_list("code", "name"))
    # then all eleven current districts are there, 玄武区 and 秦淮区 among them
    assert divisions.get(code="320100").name == "南京市"
    assert districts["320102"] == "玄武区"
    assert districts["320104"] == "秦淮区"
    assert districts["320115"] == "江宁区"
    assert len(districts) == 11


def test_inactive_codes_are_not_offered():
    # given an ethnicity code switched off
    Code.objects.filter(table=CodeTable.ETHNICITY, code="56").update(is_active=False)
    # when the table is read for a form
    # then that code is not offered, the others are
    assert "56" not in codes(CodeTable.ETHNICITY)
    assert len(codes(CodeTable.ETHNICITY)) == 55


def test_code_reads_as_code_and_name():
    assert str(Code.objects.get(table=CodeTable.ETHNICITY, code="01")) == "01 汉族"
