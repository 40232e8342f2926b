"""The dashboard shows each rule's count (one SQL aggregate); the health check lists the findings.
The two must never disagree: on a city holding findings of every rule, around month ends and
leap days, for several roles and focuses, every rule's count equals the length of its list."""

import datetime

import pytest
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.concerns import services as concern_services
from dangjian.concerns.tests.factories import taken_in
from dangjian.conference import services as conference_services
from dangjian.core.registry import rules
from dangjian.coverage.tests.factories import coverage_troubles
from dangjian.members import services
from dangjian.members.models import Employment, Member
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
# Month ends, a leap day and the days around them, where "six months after" is clamped.
ON_DATES = [TODAY, TODAY + 200 * DAY, datetime.date(2026, 2, 27), datetime.date(2026, 2, 28),
            datetime.date(2026, 3, 1), datetime.date(2028, 2, 29), datetime.date(2026, 8, 31),
            datetime.date(2026, 9, 30)]


@pytest.fixture
def troubled_city(city, superuser, settings):
    """The small city with findings of every rule, several of them on clamped dates."""
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "BRANCH_MAX_MEMBERS": 2}
    community_branch = city.org(city.dahanggong)
    unit_branch = city.unit_branch(city.meiyuan)
    other_district = city.unit_branch(city.fuzimiao)

    def person(name, organization=community_branch, **fields):
        return member(actor=superuser, organization=organization, name=name, **fields)

    # ORG-03 / ORG-04: branches above the limit, without a secretary
    for index in range(3):
        person(f"支部党员{index}", unit_branch)
        person(f"外区党员{index}", other_district)
    # MEM-01: probation ended, with and without the longest extension past
    person("李预备", joined_on=datetime.date(2025, 2, 28), full_member_on=None)
    person("王预备", joined_on=datetime.date(2023, 8, 31), full_member_on=None)
    # MEM-03: lost contact for a month, a year and three years
    for name, since in (("失联甲", TODAY - 30 * DAY), ("失联乙", datetime.date(2025, 8, 31)),
                        ("失联丙", datetime.date(2022, 2, 28))):
        services.member_mark_lost_contact(actor=superuser, member=person(name), since=since)
    # MEM-04: out of contact outflow and inflow; MEM-08: the outflow is a care group too
    away = person("赵流动", unit_branch)
    services.member_float_out(actor=superuser, member=away, place="广东省深圳市", started_on=datetime.date(2025, 8, 31))
    services.member_float_in(actor=superuser, host_organization=community_branch, origin="安徽省合肥市",
                             started_on=datetime.date(2025, 2, 28), outside_name="孙外来")
    # MEM-06: an expired letter, a letter still valid, a received one
    services.member_transfer_issue(actor=superuser, member=person("钱转接"), letter_number="宁组转-1",
                                   issued_on=TODAY - 40 * DAY, to_organization=other_district, valid_days=30)
    services.member_transfer_issue(actor=superuser, member=person("周转接"), letter_number="宁组转-2",
                                   issued_on=datetime.date(2026, 1, 31), to_organization=other_district,
                                   valid_days=28)
    received = services.member_transfer_issue(actor=superuser, member=person("吴报到"), letter_number="宁组转-3",
                                              issued_on=TODAY - 5 * DAY, to_organization=other_district)
    services.member_transfer_receive(actor=superuser, transfer=received, received_on=TODAY)
    # MEM-08: never visited, visited on month ends, a community's own cadence, not in a group
    person("周退休", employment=Employment.RETIRED)
    for index, visited_on in enumerate((datetime.date(2025, 8, 31), datetime.date(2025, 8, 28),
                                        datetime.date(2025, 8, 29), datetime.date(2026, 2, 28),
                                        datetime.date(2025, 9, 30), TODAY - 3 * DAY)):
        retired = person(f"退休{index}", employment=Employment.RETIRED)
        services.care_visit_record(actor=superuser, member=retired, visited_on=visited_on, visitor="社区书记")
    laid_off = person("下岗甲", unit_branch, employment=Employment.LAID_OFF)
    services.care_visit_record(actor=superuser, member=laid_off, visited_on=datetime.date(2025, 11, 30), visitor="网格员")
    services.care_cadence_set(actor=superuser, area=city.dahanggong, group="difficulty", every_months=1)
    for index, visited_on in enumerate((datetime.date(2026, 1, 31), datetime.date(2026, 1, 28), TODAY - DAY)):
        difficult = person(f"困难{index}", has_difficulty=True, difficulty_reason="重病",
                           employment=Employment.RETIRED if index else Employment.EMPLOYED)
        services.care_visit_record(actor=superuser, member=difficult, visited_on=visited_on, visitor="网格员")
    person("吴在职")
    # ORG-06: terms started on a leap day and on month ends; ORG-08: a community without any
    organization_services.organization_update(actor=superuser, organization=community_branch,
                                              term_started_on=datetime.date(2020, 2, 29))
    organization_services.organization_update(actor=superuser, organization=unit_branch,
                                              term_started_on=datetime.date(2023, 8, 31))
    organization_services.organization_update(actor=superuser, organization=city.org(city.changjianglu),
                                              term_started_on=datetime.date(2021, 9, 30))
    organization_services.area_create(actor=superuser, parent=city.meiyuan, name="无组织社区", code="320102002008")
    # LIFE-01…07: no meetings held anywhere; LIFE-03 needs a branch with a party group
    organization_services.organization_create(actor=superuser, parent=community_branch, name="第一党小组",
                                              kind="party_group", area=community_branch.area)
    # CON-01 / CON-02: concerns taken in two months ago, one never assigned, one assigned
    long_ago = timezone.now() - 60 * DAY
    taken_in(actor=superuser, community=city.dahanggong, at=long_ago)
    concern_services.concern_assign(actor=superuser, concern=taken_in(actor=superuser, community=city.dahanggong,
                                                                      at=long_ago),
                                    organization=community_branch)
    # DUES-10: declared two years ago and never paid; another paid until recently
    from dangjian.dues import services as dues_services

    for name in ("党费未交", "党费近交"):
        dues_services.dues_declare(actor=superuser, member=person(name), category="in_service", income_base=3000,
                                   effective_from=datetime.date(2024, 1, 1))
    dues_services.dues_pay(actor=superuser, member=Member.objects.get(name="党费近交"),
                           months=[TODAY.replace(day=1)], paid_on=TODAY)
    # SVC-03 / CONF-01..03: 梅园新村街道's conference short of meetings, a member unit absent, a
    # task past its deadline, a holder's term run out
    from dangjian.conference import services_meetings
    from dangjian.conference.tests.factories import meeting, street_conference, task

    street = street_conference(city, actor=superuser)
    held = meeting(street, actor=superuser, held_on=TODAY - 30 * DAY)
    services_meetings.meeting_record_attendance(actor=superuser, meeting=held, seat=street.tech, status="absent",
                                                reason="出差")
    task(street, street.tech, actor=superuser, meeting_=held, deadline=TODAY - 10 * DAY)
    conference_services.seat_handover(actor=superuser, seat=street.care, holder_name="新主任",
                                      on_date=datetime.date(2025, 3, 1), term_ends_on=TODAY - 5 * DAY)
    # EDU-01 / SCH-01 / SCH-02: a school whose plan has a class planned in January and never held,
    # members without hours, and a teacher who never taught (a year on, SCH-02 flags them)
    from dangjian.school import services as school_services
    from dangjian.school.tests.factories import school_of

    school = school_of(city.meiyuan)
    teacher = school_services.teacher_save(actor=superuser, school=school, name="闲教员")
    course = school_services.course_save(actor=superuser, school=school, title="党史", hours="2", teacher=teacher)
    for year in (2026, TODAY.year, 2028):
        if not school.plans.filter(year=year).exists():
            plan = school_services.plan_create(actor=superuser, school=school, year=year, title="计划")
            school_services.plan_add_class(actor=superuser, plan=plan, month=1, course=course)
    # EDU-02: the community branch's recorded secretary has no training hours (EDU-03: 李预备's
    # probation, above, went by without a class)
    organization_services.organization_update(actor=superuser, organization=community_branch,
                                              secretary_name="吴在职")
    # COV-01, COV-01J, COV-04, SVC-01, SVC-02 (coverage and co-construction)
    coverage_troubles(city)
    return city


def test_every_rule_counts_in_sql():
    """Each registered rule has its own aggregate (the dashboard never builds findings)."""
    assert [rule.code for rule in rules.all() if rule.counter is None] == []


def test_each_rules_count_equals_its_findings(troubled_city, superuser, district_admin, street_admin):
    scopes = [Scope(actor=superuser), Scope(actor=district_admin, focus_area=troubled_city.xuanwu),
              Scope(actor=street_admin, focus_area=troubled_city.meiyuan),
              Scope(actor=superuser, focus_area=troubled_city.dahanggong)]
    found_any = set()
    for scope in scopes:
        for on_date in ON_DATES:
            for rule in rules.all():
                findings = list(rule.check(scope, on_date))
                assert rule.count(scope, on_date) == len(findings), (rule.code, scope.focus_area, on_date)
                if findings:
                    found_any.add(rule.code)
    # the city is troubled enough that no rule is checked only at zero
    assert found_any == {rule.code for rule in rules.all()}
