"""The big demo cities' trees, written in bulk: valid treebeard trees, the very paths the
services' sorted inserts give the same nodes, codes that follow codes.py, and idempotent."""

import datetime
import random

import pytest

from dangjian.core.demo import DemoContext, DemoSize
from dangjian.organizations import demo, demo_city, services
from dangjian.organizations.codes import validate_area_code
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
SMALL = DemoSize("small", districts=2, streets_per_district=2, communities_per_street=3, units_per_community=12,
                 bulk=True)
NO_PROBLEMS = ([], [], [], [], [])


def _plan(size=SMALL):
    return demo_city.plan_city(size, random.Random(7), today=TODAY)  # noqa: S311


def _snapshot():
    areas = {area.code: (area.path, area.depth, area.numchild, area.level, area.name)
             for area in Area.objects.all()}
    organizations = {
        (organization.name, organization.area.code): (
            organization.path, organization.depth, organization.numchild, organization.kind,
            organization.unit.credit_code if organization.unit else None, organization.term_started_on)
        for organization in PartyOrganization.objects.select_related("area", "unit")}
    units = set(Unit.objects.values_list("credit_code", "name", "sector", "area__code", "name_pinyin"))
    return areas, organizations, units


def _write_through_services(plan, actor):
    for item in plan.areas:
        parent = Area.objects.get(code=item.parent_code) if item.parent_code else None
        services.area_create(actor=actor, parent=parent, name=item.name, code=item.code)
    for item in plan.units:
        services.unit_create(actor=actor, name=item.name, sector=item.sector, social_org_type=item.social_org_type,
                             credit_code=item.credit_code, address=item.address,
                             area=Area.objects.get(code=item.area_code), staff_count=item.staff_count)
    for item in plan.organizations:
        parent = (PartyOrganization.objects.get(name=item.parent[0], area__code=item.parent[1])
                  if item.parent else None)
        services.organization_create(
            actor=actor, parent=parent, name=item.name, kind=item.kind, area=Area.objects.get(code=item.area_code),
            unit=Unit.objects.get(credit_code=item.unit_credit_code) if item.unit_credit_code else None,
            secretary_name=item.secretary_name, founded_on=item.founded_on, term_started_on=item.term_started_on)


def _assert_valid_sorted_trees():
    assert Area.objects.find_problems() == NO_PROBLEMS
    assert PartyOrganization.objects.find_problems() == NO_PROBLEMS
    for model, key in ((Area, "code"), (PartyOrganization, "name_pinyin")):
        for node in model.objects.filter(numchild__gt=0):
            keys = [getattr(child, key) for child in model.objects.get_children(node)]
            assert keys == sorted(keys), node
        roots = [getattr(root, key) for root in model.objects.get_root_nodes()]
        assert roots == sorted(roots)


def test_bulk_trees_are_the_trees_the_services_build(superuser):
    plan = _plan()
    _write_through_services(plan, superuser)
    through_services = _snapshot()
    PartyOrganization.objects.all().delete()
    Unit.objects.all().delete()
    Area.objects.all().delete()

    added = demo_city.write_plan(plan, log=lambda text: None)
    assert added == {"areas": len(plan.areas), "units": len(plan.units), "organizations": len(plan.organizations)}
    assert _snapshot() == through_services  # same code, level, parent (the path), order and fields
    _assert_valid_sorted_trees()


def test_bulk_city_is_valid_realistic_and_follows_the_code_rules(superuser):
    demo_city.write_plan(_plan(), log=lambda text: None)
    _assert_valid_sorted_trees()
    city = Area.objects.get(code="320100")
    assert Area.objects.get_descendants(city).count() == Area.objects.count() - 1
    assert Area.objects.filter(level=AreaLevel.COMMUNITY).count() == 2 * 2 * 3
    for area in Area.objects.exclude(pk=city.pk):
        parent = Area.objects.get_parent(area)
        assert validate_area_code(code=area.code, level=area.level, parent=parent) == area.code
        assert area.code.startswith(parent.code[: {"district": 4, "street": 6, "community": 9}[area.level]])
    for unit in Unit.objects.all()[:50]:
        unit.full_clean()  # valid credit code (stdnum check digit), sector and social type agree
    # Every covered community: a committee or general branch leading 3–8 branches.
    community_organizations = PartyOrganization.objects.filter(
        area__level=AreaLevel.COMMUNITY, unit=None,
        kind__in=[OrganizationKind.COMMITTEE, OrganizationKind.GENERAL_BRANCH]).select_related("area")
    assert community_organizations.count() == 2 * 2 * 3 - 2  # one community per district is uncovered (ORG-08)
    for organization in community_organizations:
        children = PartyOrganization.objects.get_children(organization)
        assert 3 <= children.count() <= 8
        assert all(child.kind == OrganizationKind.BRANCH and child.area_id == organization.area_id
                   for child in children)
        working_committee = PartyOrganization.objects.get_parent(organization)
        assert working_committee.kind == OrganizationKind.WORKING_COMMITTEE
        assert organization.area.code.startswith(working_committee.area.code[:9])
    unit_branches = PartyOrganization.objects.exclude(unit=None).select_related("unit")
    assert unit_branches.exists()
    assert all(branch.unit.area_id == branch.area_id for branch in unit_branches)


def test_bulk_is_idempotent_and_extends_an_existing_tree(city, superuser):
    """The small city built through the services is kept; new siblings that sort before existing
    ones shift them, as treebeard's sorted insert would."""
    before = {area.code: area.pk for area in Area.objects.all()}
    demo_city.write_plan(_plan(), log=lambda text: None)
    _assert_valid_sorted_trees()
    assert {code: pk for code, pk in Area.objects.values_list("code", "pk") if code in before} == before
    counts = (Area.objects.count(), PartyOrganization.objects.count(), Unit.objects.count())
    assert demo_city.write_plan(_plan(), log=lambda text: None) == {"areas": 0, "units": 0, "organizations": 0}
    assert (Area.objects.count(), PartyOrganization.objects.count(), Unit.objects.count()) == counts


def test_the_builder_takes_the_bulk_path_for_big_sizes_only(superuser, monkeypatch):
    calls = []
    monkeypatch.setattr(demo, "build_through_services", lambda ctx: calls.append("services"))
    demo.build_areas_and_organizations(DemoContext(size=SMALL, actor=superuser, log=lambda text: None))
    assert calls == [] and Area.objects.filter(level=AreaLevel.COMMUNITY).count() == 12
    demo.build_areas_and_organizations(DemoContext(size=DemoSize("demo", 2, 3, 4, 3), actor=superuser,
                                                   log=lambda text: None))
    assert calls == ["services"]
