"""The demo year of organizational life and activities: made through the services, with the gaps
the rules look for, nothing in the future marked held, and idempotent."""

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.activities import demo as activity_demo
from dangjian.activities.models import Activity, Registration
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules
from dangjian.members.tests.factories import member
from dangjian.orglife import demo
from dangjian.orglife.models import Attendance, MeetingStatus, OrgLifeMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_year_makes_the_rules_fire_and_runs_once(city, superuser):
    for index in range(8):
        member(actor=superuser, organization=city.org(city.dahanggong), name=f"演示党员{index}")
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_orglife(context)
    total = OrgLifeMeeting.objects.count()
    assert total > 50
    today = timezone.localdate()
    assert not OrgLifeMeeting.objects.filter(status=MeetingStatus.HELD, held_on__gt=today).exists()
    assert OrgLifeMeeting.objects.filter(status=MeetingStatus.PLANNED).exists()
    assert Attendance.objects.filter(status="leave").exists()
    fired = {code for code in ("LIFE-01", "LIFE-04", "LIFE-05", "LIFE-06", "LIFE-07")
             if list(rules.get(code).check(Scope(actor=superuser), today))}
    assert len(fired) >= 3
    demo.build_orglife(context)
    assert OrgLifeMeeting.objects.count() == total

    activity_demo.build_activities(context)
    activities = Activity.objects.count()
    assert activities >= 3 * len(city.communities)
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert Activity.objects.filter(starts_at__gt=timezone.now()).exists()
    activity_demo.build_activities(context)
    assert Activity.objects.count() == activities
