"""The demo year of concerns: realistic, spread over the communities, made through the services,
with the cases the rules look for, and idempotent."""

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.concerns import demo
from dangjian.concerns.models import Concern, ConcernEvent, ConcernStatus, EventKind
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules

pytestmark = pytest.mark.django_db


def test_the_demo_year_makes_the_rules_fire_and_runs_once(city, superuser):
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_concerns(context)
    total = Concern.objects.count()
    assert total >= 10 * len(city.communities)
    assert set(Concern.objects.values_list("community_id", flat=True)) == {area.pk for area in city.communities}
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert {ConcernStatus.RECEIVED, ConcernStatus.EVALUATED} <= statuses
    assert Concern.objects.filter(reopen_count__gt=0).exists()
    assert ConcernEvent.objects.filter(kind=EventKind.REOPENED).exists()
    assert not ConcernEvent.objects.filter(at__gt=timezone.now()).exists()
    today = timezone.localdate()
    scope = Scope(actor=superuser)
    assert list(rules.get("CON-01").check(scope, today))
    assert list(rules.get("CON-02").check(scope, today))
    # a second run changes nothing
    demo.build_concerns(context)
    assert Concern.objects.count() == total
