"""The demo schools: realistic, through the services, with the cases the rules look for, idempotent."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role, User
from dangjian.accounts.scoping import Scope
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules
from dangjian.members.models import Employment
from dangjian.members.tests.factories import member
from dangjian.school import demo
from dangjian.school.models import Attendance, ClassSession, PartySchool

pytestmark = pytest.mark.django_db


def test_demo_schools_fire_the_rules_and_run_once(city, superuser):
    organization = city.org(city.dahanggong)
    for index in range(12):
        member(actor=superuser, organization=organization, name=f"党员{index}", phone=f"1360000{index:04d}",
               employment=Employment.RETIRED if index % 3 == 0 else Employment.EMPLOYED)
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_schools(context)
    assert PartySchool.objects.count() == len(city.streets)
    sessions = ClassSession.objects.count()
    today = timezone.localdate()
    if today.month > 2:
        assert Attendance.objects.exists()
        assert list(rules.get("SCH-01").check(Scope(actor=superuser), today))
    assert list(rules.get("EDU-01").check(Scope(actor=superuser), today))
    assert list(rules.get("SCH-02").check(Scope(actor=superuser), today))
    assert list(rules.get("EDU-02").check(Scope(actor=superuser), today))
    account = User.objects.get(username="school")
    assert scoping.holds_role(account, Role.SCHOOL_ADMIN)
    demo.build_schools(context)
    assert ClassSession.objects.count() == sessions
    assert not Attendance.objects.filter(credited_on__gt=today + datetime.timedelta(days=1)).exists()
