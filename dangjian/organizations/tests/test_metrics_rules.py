"""The first registered metrics and rules, computed for a scope."""

import datetime

import pytest

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.organizations import services
from dangjian.organizations.models import OrganizationKind


def _metric(key, actor, focus=None):
    return metrics.get(key).compute(Scope(actor=actor, focus_area=focus), Period.current())


def _findings(code, actor, on_date=None):
    return list(rules.get(code).check(Scope(actor=actor), on_date or datetime.date.today()))


@pytest.mark.django_db
def test_coverage_rate_counts_communities_with_an_organization(city, street_admin, superuser):
    # given every community of the street has an organization
    assert _metric("organizations.community_coverage_rate", street_admin) == 100.0
    # when a new community without one is added
    services.area_create(actor=superuser, parent=city.meiyuan, name="新建社区", code="320102002009")
    # then the rate drops to two of three, and the community is a finding (ORG-08)
    assert _metric("organizations.community_coverage_rate", street_admin) == pytest.approx(66.7)
    findings = _findings("ORG-08", street_admin)
    assert [finding.subject.name for finding in findings] == ["新建社区"]
    assert rules.get("ORG-08").citation


@pytest.mark.django_db
def test_org08_is_scoped(city, superuser, street_admin):
    services.area_create(actor=superuser, parent=city.fuzimiao, name="秦淮新社区", code="320104001009")
    assert _findings("ORG-08", street_admin) == []
    assert [f.subject.name for f in _findings("ORG-08", superuser)] == ["秦淮新社区"]


@pytest.mark.django_db
def test_organizations_by_kind_counts_only_the_scope(city, street_admin):
    counts = _metric("organizations.by_kind", street_admin)
    assert counts["党工委"] == 1
    assert counts["党委"] + counts["党支部"] == 3  # the two communities and the unit branch


@pytest.mark.django_db
def test_org06_flags_expired_and_soon_ending_terms(city, superuser, street_admin):
    today = datetime.date(2026, 11, 25)
    community_org = city.org(city.dahanggong)  # a community organization: 5-year term
    services.organization_update(actor=superuser, organization=community_org,
                                 term_started_on=datetime.date(2021, 6, 1))
    unit_branch = city.unit_branch(city.meiyuan)  # a unit branch: 3-year term
    services.organization_update(actor=superuser, organization=unit_branch,
                                 term_started_on=datetime.date(2023, 12, 1))
    findings = {f.subject.pk: f for f in _findings("ORG-06", street_admin, today)}
    assert "已于2026年06月01日届满" in findings[community_org.pk].message
    assert "将于2026年12月01日届满" in findings[unit_branch.pk].message
    # a term that ends in more than six months is not flagged
    services.organization_update(actor=superuser, organization=unit_branch,
                                 term_started_on=datetime.date(2024, 12, 1))
    flagged = {f.subject.pk for f in _findings("ORG-06", street_admin, today)}
    assert unit_branch.pk not in flagged
    # the street's working committee has no term start recorded: never flagged
    assert city.org(city.meiyuan).kind == OrganizationKind.WORKING_COMMITTEE
    assert city.org(city.meiyuan).pk not in flagged


@pytest.mark.django_db
def test_moving_a_street_carries_its_communities_codes(city, superuser):
    """A street moved to another district takes its communities along, recoded."""
    from dangjian.organizations.models import Area

    # when 梅园新村街道 moves from 玄武区 to 秦淮区 with a new code
    services.area_move(actor=superuser, area=city.meiyuan, new_parent=city.qinhuai, code="320104009000")
    # then its communities keep their serials under the new prefix
    street = Area.objects.get(code="320104009000")
    communities = sorted(Area.objects.filter(path__startswith=street.path, level="community")
                         .values_list("code", flat=True))
    assert communities == ["320104009001", "320104009002"]
    assert not Area.objects.filter(code__startswith="320102002").exists()


@pytest.mark.django_db
def test_moving_a_street_refuses_a_code_that_would_clash(city, superuser):
    from django.core.exceptions import ValidationError

    from dangjian.organizations.models import Area

    # 夫子庙街道 (320104001000) already has communities 320104001001/002
    with pytest.raises(ValidationError):
        services.area_move(actor=superuser, area=city.meiyuan, new_parent=city.qinhuai, code="320104001000")
    assert Area.objects.get(pk=city.meiyuan.pk).code == "320102002000"
