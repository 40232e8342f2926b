"""The demo's coverage and co-construction: every coverage rule fires somewhere, the blank-spot
history holds resolved spots, the demo instructor can sign in to their units; idempotent."""

import pytest
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role, User
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules
from dangjian.coverage import demo
from dangjian.coverage.models import BlankSpotRecord, Instructor, Pairing, ServiceRecord
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind
from dangjian.organizations.tests.factories import AreaFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_like_city(city, superuser):
    """The small city grown to four communities a street, two open companies in each, a second
    unit branch per street, and employed members living in the first community."""
    for street in city.streets:
        for number in (3, 4):
            AreaFactory(parent=street, name=f"{street.name[:2]}第{number}社区")
        communities = list(Area.objects.filter(path__startswith=street.path, level=AreaLevel.COMMUNITY))
        for community in communities:
            for letter in "甲乙":
                UnitFactory(area=community, name=f"南京{community.name}{letter}公司", staff_count=15)
        unit = UnitFactory(area=communities[1], name=f"南京{street.name}国泰公司", staff_count=50)
        organization_services.organization_create(actor=superuser, parent=city.org(street), name=f"{unit.name}党支部",
                                                  kind=OrganizationKind.BRANCH, area=communities[1], unit=unit)
        for index in range(3):
            member(actor=superuser, organization=city.org(communities[0]), name=f"在职{index}",
                   employment="employed", residence_area=communities[0])
    return city


def test_demo_makes_every_coverage_rule_fire_and_runs_once(demo_like_city, superuser):
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_coverage(context)
    scope = scoping.Scope(actor=superuser)
    today = timezone.localdate()
    for code in ("COV-01", "COV-01J", "COV-02", "COV-04", "SVC-01", "SVC-02"):
        assert rules.get(code).count(scope, today), code
    assert BlankSpotRecord.objects.filter(resolved_on__isnull=False, resolution="已纳入联合党支部").exists()
    assert ServiceRecord.objects.filter(confirmed_on__isnull=False).exists()
    account = User.objects.get(username="instructor")
    assert scoping.holds_role(account, Role.INSTRUCTOR)
    assert next(iter(scoping.grants_for(account))).unit_ids
    counts = (Instructor.objects.count(), Pairing.objects.count())
    demo.build_coverage(context)
    assert (Instructor.objects.count(), Pairing.objects.count()) == counts
