"""The demo conferences: one per street, through the services, with the seed's four rule
documents, a year of meetings and tasks, the three lists, gaps that make every rule fire, the
``liaison`` account, and idempotent."""

import pytest
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role, User
from dangjian.accounts.scoping import Scope
from dangjian.conference import demo, selectors
from dangjian.conference.models import (
    ConferenceMeeting,
    ConferenceTask,
    Document,
    JointConference,
    Project,
    ProjectMilestone,
    SeatTerm,
    TaskStatus,
)
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.registry import rules

pytestmark = pytest.mark.django_db


def test_the_demo_builds_every_street_a_conference_and_the_rules_fire(city, superuser):
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_conferences(context)
    assert set(JointConference.objects.values_list("area_id", flat=True)) == {s.pk for s in city.streets}
    titles = set(Document.objects.values_list("title", flat=True))
    assert {"关于加强社区党的建设工作的意见", "结对共建工作办法", "离岗党员教育管理办法",
            "非公有制企业党建工作指导员工作制度"} <= titles
    assert Document.objects.filter(kind="charter", version=2).count() == len(city.streets)
    assert ConferenceMeeting.objects.filter(kind="research").exists()
    assert {TaskStatus.DONE, TaskStatus.IN_PROGRESS} <= set(ConferenceTask.objects.values_list("status", flat=True))
    assert SeatTerm.objects.filter(ends_on__isnull=False).exists()
    assert Project.objects.filter(status="completed").exists()
    scope, today = Scope(actor=superuser), timezone.localdate()
    for code in ("SVC-03", "CONF-01", "CONF-02", "CONF-03"):
        assert list(rules.get(code).check(scope, today)), code
    liaison = User.objects.get(username="liaison")
    assert [grant.role for grant in scoping.grants_for(liaison)] == [Role.LIAISON]
    assert scoping.narrow(liaison, ConferenceTask.objects.all()).exists()
    # projects carry structured milestones; the liaison's unit has one past due on its home page
    assert ProjectMilestone.objects.filter(done_on__isnull=False).exists()
    overdue = selectors.milestones_overdue(selectors.milestone_list_for(liaison))
    assert [milestone.title for milestone in overdue] == ["开班"]
    # a second run changes nothing
    counts = (JointConference.objects.count(), ConferenceTask.objects.count(), Document.objects.count())
    demo.build_conferences(context)
    assert (JointConference.objects.count(), ConferenceTask.objects.count(), Document.objects.count()) == counts
