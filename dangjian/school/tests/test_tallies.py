"""EDU-01 and the school metrics read many plans in a constant number of queries, and agree with
the plain per-plan computation (selectors.audience_with_hours for each plan, summed in Python)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.members.models import Employment
from dangjian.members.tests.factories import member
from dangjian.school import selectors, services
from dangjian.school.models import Audience, EducationPlan
from dangjian.school.tests.factories import at, school_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
# as many queries as the figures take with any number of plans (plans, one per year and care
# group, the held classes, their attendance, the planned classes, and the actor's grants)
MOST = 10


def _plans_everywhere(city, actor, *, audiences):
    """A school in every street and in two communities, each with plans of this and last year."""
    schools = [school_of(street) for street in city.streets] + [school_of(area) for area in city.communities[:2]]
    for index, school in enumerate(schools):
        for year in (TODAY.year, TODAY.year - 1):
            for audience in audiences:
                services.plan_create(actor=actor, school=school, year=year, title="计划", audience=audience,
                                     target_hours=str(4 + index % 3))
    return schools


def _members_with_hours(city, actor, schools):
    """Members in every community, some retired; attendance of 2 to 6 hours for some of them."""
    people = []
    for index, community in enumerate(city.communities):
        for serial in range(3):
            people.append(member(actor=actor, organization=city.org(community), name=f"学员{index}{serial}",
                                 phone=f"1350{index:03d}{serial:04d}",
                                 employment=Employment.RETIRED if serial == 1 else Employment.EMPLOYED))
    for index, school in enumerate(schools[:3]):
        venue = services.venue_save(actor=actor, school=school, name="教室", capacity=50)
        course = services.course_save(actor=actor, school=school, title="党课", hours="3")
        session = services.session_schedule(actor=actor, school=school, course=course, venue=venue,
                                            starts_at=at(YESTERDAY, 8 + 3 * index),
                                            ends_at=at(YESTERDAY, 11 + 3 * index), expected_attendees=10)
        audience = list(selectors.audience_members(school, Audience.ALL)[: 4 + index])
        services.attendance_mark(actor=actor, session=session, members=audience)
    return people


def _by_plan(plans, on_date=None):
    """The independent figures: each plan's audience read on its own."""
    shares, below = {}, 0
    for plan in plans:
        hours = list(selectors.audience_with_hours(plan.school, plan.audience, plan.year)
                     .values_list("study_hours", flat=True))
        meeting, members, total = shares.get(plan.audience, (0, 0, Decimal("0")))
        shares[plan.audience] = (meeting + sum(1 for h in hours if h >= plan.target_hours), members + len(hours),
                                 total + sum(hours, Decimal("0")))
        if on_date is not None:
            last_year = plan.year < on_date.year
            below += (selectors.below_target(plan) if last_year else selectors.below_target(plan, on_date=on_date)
                      ).count()
    return shares, below


@pytest.fixture
def schooled_city(city, superuser):
    schools = _plans_everywhere(city, superuser, audiences=(Audience.ALL, Audience.OFF_POST))
    _members_with_hours(city, superuser, schools)
    return city


@pytest.mark.parametrize("on_date", [TODAY, datetime.date(TODAY.year, 12, 31), datetime.date(TODAY.year, 1, 1)])
def test_edu01_counts_and_lists_like_the_per_plan_computation(schooled_city, superuser, street_admin, on_date,
                                                              django_assert_max_num_queries):
    for scope in (Scope(actor=superuser), Scope(actor=street_admin),
                  Scope(actor=superuser, focus_area=schooled_city.meiyuan)):
        plans = list(scope.narrow(EducationPlan.objects.filter(year__in=(on_date.year, on_date.year - 1)),
                                  "school__area__").select_related("school__area"))
        assert len(plans) >= 4
        _shares, expected = _by_plan(plans, on_date)
        rule = rules.get("EDU-01")
        with django_assert_max_num_queries(MOST):
            counted = rule.count(scope, on_date)
        with django_assert_max_num_queries(MOST):
            findings = list(rule.check(scope, on_date))
        assert counted == len(findings) == expected and expected > 0
        assert len({(f.subject.pk, f.detail["plan"]) for f in findings}) == len(findings)


def test_metrics_equal_the_per_plan_computation_in_constant_queries(schooled_city, superuser, city,
                                                                   django_assert_max_num_queries):
    period = Period.containing(YESTERDAY, "year")
    keys = ("school.hours_per_member", "school.target_share", "school.target_share_by_group",
            "school.attendance_rate", "school.teacher_feedback", "school.classes")

    def computed():
        scope = Scope(actor=superuser)  # a fresh scope: its memo of figures starts empty
        with django_assert_max_num_queries(MOST):
            return {key: metrics.get(key).compute(scope, period) for key in keys}

    values = computed()
    shares, _below = _by_plan(list(EducationPlan.objects.filter(year=period.end.year).select_related("school__area")))
    meeting, members = sum(v[0] for v in shares.values()), sum(v[1] for v in shares.values())
    assert values["school.target_share"] == round(100 * meeting / members, 1)
    assert values["school.hours_per_member"] == round(float(shares[Audience.ALL][2]) / shares[Audience.ALL][1], 1)
    assert values["school.target_share_by_group"] == {
        str(label): round(100 * shares[value][0] / shares[value][1], 1) for value, label in Audience.choices
        if value in shares}
    # twice the plans (for groups nobody here is in): the same bound, the same figures
    _plans_everywhere(city, superuser, audiences=(Audience.PROBATIONARY, Audience.DIFFICULTY))
    assert computed() == values
