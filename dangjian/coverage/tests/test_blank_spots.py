"""Done when: a community where each blank-spot rule fires; each fixed by the recommended action
through the services; the findings resolve, their history says when and how, coverage rises."""

import pytest
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.core.registry import rules
from dangjian.coverage import blank_spots, selectors, services
from dangjian.coverage.models import BlankSpotRecord, CoverageStatus
from dangjian.coverage.tests.factories import gap_community, instructor
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import OrganizationKind

RULE_CODES = ("COV-01", "COV-01J", "COV-02", "ORG-08")


def _findings(actor, community):
    scope = scoping.Scope(actor=actor, focus_area=community)
    today = timezone.localdate()
    return {code: list(rules.get(code).check(scope, today)) for code in RULE_CODES}


@pytest.mark.django_db
def test_each_blank_spot_fires_is_fixed_and_resolves(city, street_admin):
    gap = gap_community(city)
    services.blank_spots_sync()  # the daily task
    found = _findings(street_admin, gap.community)
    assert [f.subject for f in found["COV-01"]] == [gap.own]
    assert {f.subject for f in found["COV-01J"]} == {gap.small, gap.neighbour}
    small = next(f for f in found["COV-01J"] if f.subject == gap.small)
    assert small.detail["candidates"] == [gap.neighbour.name]  # the neighbour in the same community
    assert [f.subject for f in found["COV-02"]] == [gap.empty]
    assert [f.subject for f in found["ORG-08"]] == [gap.community]
    for code in RULE_CODES:
        assert rules.get(code).citation and rules.get(code).action
        assert rules.get(code).count(scoping.Scope(actor=street_admin, focus_area=gap.community),
                                     timezone.localdate()) == len(found[code])
    assert BlankSpotRecord.objects.filter(area=gap.community, resolved_on=None).count() == 5
    before = selectors.board(street_admin, gap.community)["totals"]
    assert before["organization_rate"] == 0.0 and before["work_rate"] == 0.0

    # COV-01: form the unit's own branch (the registry's service); ORG-08 goes with it.
    organization_services.organization_create(
        actor=street_admin, parent=city.org(city.meiyuan), name="南京玄武新村甲有限公司党支部",
        kind=OrganizationKind.BRANCH, area=gap.community, unit=gap.own)
    # COV-01J: a joint branch in the community, both small units brought into it.
    joint = organization_services.organization_create(
        actor=street_admin, parent=city.org(city.meiyuan), name="玄武新村社区非公企业联合党支部",
        kind=OrganizationKind.JOINT_BRANCH, area=gap.community)
    services.joint_branch_add_unit(actor=street_admin, organization=joint, unit=gap.small)
    services.joint_branch_add_unit(actor=street_admin, organization=joint, unit=gap.neighbour)
    # COV-02: an instructor assigned to the unit with no members.
    services.instructor_assign(actor=street_admin, instructor=instructor(city), unit=gap.empty)

    assert all(not findings for findings in _findings(street_admin, gap.community).values())
    history = {(r.rule_code, r.unit_id): r for r in BlankSpotRecord.objects.filter(area=gap.community)}
    assert all(r.resolved_on == timezone.localdate() for r in history.values())
    assert history[("COV-01", gap.own.pk)].resolution == "已单独建立党组织"
    assert history[("COV-01J", gap.small.pk)].resolution == "已纳入联合党支部"
    assert history[("COV-02", gap.empty.pk)].resolution == "已选派党建工作指导员"
    assert history[("ORG-08", None)].resolution == "社区已建立党组织"
    after = selectors.board(street_admin, gap.community)["totals"]
    assert after["organization_rate"] == 75.0 and after["work_rate"] == 100.0
    statuses = {u.pk: u.coverage for u in selectors.units_for(street_admin).filter(area=gap.community)}
    assert statuses == {gap.own.pk: CoverageStatus.OWN, gap.small.pk: CoverageStatus.JOINT,
                        gap.neighbour.pk: CoverageStatus.JOINT, gap.empty.pk: CoverageStatus.INSTRUCTOR}


@pytest.mark.django_db
def test_a_spot_that_comes_back_opens_a_new_record(city, street_admin):
    gap = gap_community(city)
    services.blank_spots_sync()
    assignment = services.instructor_assign(actor=street_admin, instructor=instructor(city), unit=gap.empty)
    services.assignment_end(actor=street_admin, assignment=assignment)
    records = BlankSpotRecord.objects.filter(rule_code=blank_spots.INSTRUCTOR, unit=gap.empty).order_by("pk")
    assert [r.resolved_on is None for r in records] == [False, True]
    assert services.blank_spots_sync() == {"opened": 0, "resolved": 0}  # idempotent


@pytest.mark.django_db
def test_manual_member_count_counts_members_registered_elsewhere(city, street_admin):
    gap = gap_community(city)
    services.unit_profile_update(actor=street_admin, unit=gap.small, members_registered_elsewhere=2)
    found = _findings(street_admin, gap.community)
    assert gap.small in [f.subject for f in found["COV-01"]]
    assert gap.small not in [f.subject for f in found["COV-01J"]]
