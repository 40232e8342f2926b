"""The demo year of dues: through the services, with the gaps the rules look for, idempotent."""

import pytest
from django.db.models import F
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules
from dangjian.dues import demo
from dangjian.dues.models import DuesDeclaration, DuesExemption, DuesPayment
from dangjian.members.tests.factories import member

pytestmark = pytest.mark.django_db


def test_a_year_of_dues_with_gaps_and_run_once(city, superuser):
    branch = city.org(city.dahanggong)
    for index in range(60):
        member(actor=superuser, organization=branch, name=f"党员{index}",
               employment=("employed", "retired", "laid_off", "other")[index % 4])
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_dues(context)
    payments = DuesPayment.objects.count()
    assert payments > 400
    assert DuesDeclaration.objects.values("member").distinct().count() < 60  # some never declared
    assert DuesExemption.objects.exists()
    assert DuesPayment.objects.filter(paid_on__gt=timezone.localdate()).count() == 0
    timing = {(p.paid_on.year, p.paid_on.month) > (p.month.year, p.month.month) for p in DuesPayment.objects.all()}
    assert timing == {True, False}  # some back-paid, the rest in (or ahead of) their month
    assert DuesPayment.objects.filter(paid_on__lt=F("month")).exists()  # a quarter paid ahead
    assert rules.get("DUES-10").count(Scope(actor=superuser), timezone.localdate()) > 0
    demo.build_dues(context)
    assert DuesPayment.objects.count() == payments
