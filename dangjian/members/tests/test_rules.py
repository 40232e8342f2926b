"""The member rules (RULES.md ORG-03, ORG-04, MEM-01, MEM-03, MEM-04, MEM-06, MEM-08), each at
its boundaries: the day before a threshold nothing is flagged, on it (or the day after, as the
regulation reads) it is. A rule only reports; it never changes a record."""

import datetime

import pytest

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import add_months
from dangjian.core.registry import Severity, rules
from dangjian.members import services
from dangjian.members.models import Employment, Member
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = datetime.date.today()
ONE_DAY = datetime.timedelta(days=1)


def _findings(code, actor, on_date=TODAY, focus=None):
    return list(rules.get(code).check(Scope(actor=actor, focus_area=focus), on_date))


def _subjects(code, actor, on_date=TODAY, focus=None):
    return [finding.subject.pk for finding in _findings(code, actor, on_date, focus)]


def _severity(finding):
    return finding.detail.get("severity", rules.get(finding.rule_code).severity)


def _members(actor, organization, count, **fields):
    return [member(actor=actor, organization=organization, name=f"党员{i}", **fields) for i in range(count)]


def test_every_member_rule_is_registered_with_a_citation_and_an_action():
    for code in ("ORG-03", "ORG-04", "MEM-01", "MEM-03", "MEM-04", "MEM-06", "MEM-08"):
        rule = rules.get(code)
        assert "RULES.md" in rule.citation and rule.action and rule.title


# ---------------------------------------------------------------- ORG-03


def test_org03_branch_above_the_limit_is_flagged_and_leavers_do_not_count(city, superuser, street_admin,
                                                                           settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "BRANCH_MAX_MEMBERS": 3}
    branch = city.org(city.dahanggong)
    people = _members(superuser, branch, 3)
    # at the limit: nothing
    assert _findings("ORG-03", street_admin) == []
    # one more: flagged, with the count and the limit
    fourth = member(actor=superuser, organization=branch, name="第四人")
    [finding] = _findings("ORG-03", street_admin)
    assert finding.subject.pk == branch.pk and "有党员4名" in finding.message and "3名" in finding.message
    # a member who died no longer counts
    services.member_close(actor=superuser, member=fourth, standing="deceased", left_on=TODAY)
    assert _findings("ORG-03", street_admin) == []
    assert Member.objects.filter(pk__in=[p.pk for p in people]).count() == 3


def test_org03_counts_only_branches_and_respects_scope(city, superuser, street_admin, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "BRANCH_MAX_MEMBERS": 1}
    _members(superuser, city.org(city.changjianglu), 2)  # a community 党委: not a branch
    other_district = city.unit_branch(city.fuzimiao)
    _members(superuser, other_district, 2)
    assert _findings("ORG-03", street_admin) == []
    assert _subjects("ORG-03", superuser) == [other_district.pk]


def test_org03_at_the_default_limit_of_fifty(city, superuser, street_admin):
    branch = city.unit_branch(city.meiyuan)
    _members(superuser, branch, 50)
    assert _findings("ORG-03", street_admin) == []
    member(actor=superuser, organization=branch, name="第五十一人")
    assert _subjects("ORG-03", street_admin) == [branch.pk]


# ---------------------------------------------------------------- ORG-04


def test_org04_seven_full_members_and_no_secretary_asks_for_a_committee(city, superuser, street_admin):
    branch = city.org(city.dahanggong)  # built without a secretary
    _members(superuser, branch, 6)
    member(actor=superuser, organization=branch, name="预备", joined_on=TODAY - 30 * ONE_DAY,
           full_member_on=None)  # probationary members do not count
    [finding] = _findings("ORG-04", street_admin)
    assert "正式党员6名" in finding.message and "应设书记" in finding.message
    assert finding.detail["needs_committee"] is False
    member(actor=superuser, organization=branch, name="第七人")
    [finding] = _findings("ORG-04", street_admin)
    assert "正式党员7名" in finding.message and "支部委员会" in finding.message
    # once a secretary is recorded the approximation has nothing to say
    organization_services.organization_update(actor=superuser, organization=branch, secretary_name="王建国")
    assert _findings("ORG-04", street_admin) == []


def test_org04_ignores_branches_without_full_members(city, street_admin):
    assert _findings("ORG-04", street_admin) == []


# ---------------------------------------------------------------- MEM-01


def test_mem01_probation_boundaries_and_extension(city, superuser, street_admin):
    joined = add_months(TODAY, -3)
    probationary = member(actor=superuser, organization=city.org(city.dahanggong), name="李预备",
                          joined_on=joined, full_member_on=None)
    ends = add_months(joined, 12)
    assert _findings("MEM-01", street_admin, ends) == []  # the last day of probation
    [finding] = _findings("MEM-01", street_admin, ends + ONE_DAY)
    assert finding.subject.pk == probationary.pk and _severity(finding) == Severity.WARNING
    assert "预备期已于" in finding.message
    last_day = add_months(joined, 24)  # probation plus the longest extension (1 year)
    assert _severity(_findings("MEM-01", street_admin, last_day)[0]) == Severity.WARNING
    assert _severity(_findings("MEM-01", street_admin, last_day + ONE_DAY)[0]) == Severity.SERIOUS
    # once made full, nothing (and the rule itself changed nothing)
    assert Member.objects.get(pk=probationary.pk).status == "probationary"
    services.member_make_full(actor=superuser, member=probationary, full_member_on=TODAY)
    assert _findings("MEM-01", street_admin, last_day + ONE_DAY) == []


def test_mem01_extension_is_configurable(city, superuser, street_admin, settings):
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "PROBATION_MAX_EXTENSION_MONTHS": 6}
    joined = add_months(TODAY, -1)
    member(actor=superuser, organization=city.org(city.dahanggong), joined_on=joined, full_member_on=None)
    day = add_months(joined, 18)
    assert _severity(_findings("MEM-01", street_admin, day)[0]) == Severity.WARNING
    assert _severity(_findings("MEM-01", street_admin, day + ONE_DAY)[0]) == Severity.SERIOUS


# ---------------------------------------------------------------- MEM-03


def test_mem03_lost_contact_severity_rises(city, superuser, street_admin):
    since = TODAY - 10 * ONE_DAY
    lost = member(actor=superuser, organization=city.org(city.dahanggong), name="张失联")
    services.member_mark_lost_contact(actor=superuser, member=lost, since=since)
    assert _findings("MEM-03", street_admin, since - ONE_DAY) == []
    six_months = add_months(since, 6)
    assert _severity(_findings("MEM-03", street_admin, six_months - ONE_DAY)[0]) == Severity.INFO
    [finding] = _findings("MEM-03", street_admin, six_months)
    assert _severity(finding) == Severity.WARNING and "停止其党籍" in finding.message
    removal = add_months(six_months, 24)
    assert _severity(_findings("MEM-03", street_admin, removal - ONE_DAY)[0]) == Severity.WARNING
    [finding] = _findings("MEM-03", street_admin, removal)
    assert _severity(finding) == Severity.SERIOUS and "除名" in finding.message
    # the rule changed nothing: the member is still on the roll
    assert Member.objects.get(pk=lost.pk).standing == "active"
    services.member_restore_contact(actor=superuser, member=lost, restored_on=TODAY)
    assert _findings("MEM-03", street_admin, removal) == []


def test_mem03_is_scoped(city, superuser, street_admin):
    lost = member(actor=superuser, organization=city.unit_branch(city.fuzimiao), name="秦失联")
    services.member_mark_lost_contact(actor=superuser, member=lost, since=TODAY)
    assert _findings("MEM-03", street_admin) == []
    assert _subjects("MEM-03", superuser) == [lost.pk]


# ---------------------------------------------------------------- MEM-04


def test_mem04_floating_member_six_months_without_contact(city, superuser, street_admin):
    floating = member(actor=superuser, organization=city.org(city.dahanggong), name="赵流动")
    started = TODAY - 20 * ONE_DAY
    record = services.member_float_out(actor=superuser, member=floating, place="广东省深圳市", started_on=started)
    six_months = add_months(started, 6)
    assert _findings("MEM-04", street_admin, six_months - ONE_DAY) == []
    [finding] = _findings("MEM-04", street_admin, six_months)
    assert finding.subject.pk == record.pk and "深圳" in finding.message
    # a contact restarts the clock
    services.floating_record_contact(actor=superuser, record=record, contacted_on=TODAY)
    assert _findings("MEM-04", street_admin, six_months) == []
    assert len(_findings("MEM-04", street_admin, add_months(TODAY, 6))) == 1
    # an ended record is never flagged
    services.floating_end(actor=superuser, record=record, ended_on=TODAY)
    assert _findings("MEM-04", street_admin, add_months(TODAY, 12)) == []


def test_mem04_inflow_from_outside_is_seen_by_the_host_only(city, superuser, street_admin, district_admin):
    host = city.org(city.dahanggong)
    started = TODAY - 5 * ONE_DAY
    services.member_float_in(actor=superuser, host_organization=host, origin="安徽省合肥市", started_on=started,
                             outside_name="孙外来")
    later = add_months(started, 6)
    [finding] = _findings("MEM-04", street_admin, later)
    assert "孙外来" in finding.message and "协助管理" in finding.message
    assert _findings("MEM-04", street_admin, later, focus=city.changjianglu) == []
    assert len(_findings("MEM-04", district_admin, later, focus=city.dahanggong)) == 1


# ---------------------------------------------------------------- MEM-06


def test_mem06_letter_expired_without_being_received(city, superuser, street_admin):
    mover = member(actor=superuser, organization=city.org(city.dahanggong), name="钱转接")
    issued = TODAY - 40 * ONE_DAY
    letter = services.member_transfer_issue(actor=superuser, member=mover, letter_number="宁组转2026-001",
                                            issued_on=issued, to_organization=city.unit_branch(city.fuzimiao),
                                            valid_days=30)
    expires = issued + 30 * ONE_DAY
    assert _findings("MEM-06", street_admin, expires) == []  # the last valid day
    [finding] = _findings("MEM-06", street_admin, expires + ONE_DAY)
    assert finding.subject.pk == letter.pk and "已过期未接收" in finding.message
    # the receiving side sees it too; after the daily expiry job it is still a finding
    assert len(_findings("MEM-06", superuser, TODAY, focus=city.fuzimiao)) == 1
    services.transfers_expire_due(on_date=TODAY)
    [finding] = _findings("MEM-06", street_admin)
    # a new letter for the member settles it
    services.member_transfer_issue(actor=superuser, member=mover, letter_number="宁组转2026-002",
                                   issued_on=TODAY, to_organization=city.unit_branch(city.fuzimiao))
    assert _findings("MEM-06", street_admin) == []


def test_mem06_received_letter_is_not_flagged(city, superuser, street_admin):
    mover = member(actor=superuser, organization=city.org(city.dahanggong), name="孙报到")
    letter = services.member_transfer_issue(actor=superuser, member=mover, letter_number="L-1",
                                            issued_on=TODAY - 5 * ONE_DAY, to_organization=city.org(city.changjianglu),
                                            valid_days=10)
    services.member_transfer_receive(actor=superuser, transfer=letter, received_on=TODAY)
    assert _findings("MEM-06", street_admin, TODAY + 60 * ONE_DAY) == []


# ---------------------------------------------------------------- MEM-08


def test_mem08_retired_member_is_due_six_months_after_the_last_visit(city, superuser, street_admin):
    retired = member(actor=superuser, organization=city.org(city.dahanggong), name="周退休",
                     employment=Employment.RETIRED)
    member(actor=superuser, organization=city.org(city.dahanggong), name="吴在职")  # not in a care group
    # never visited: due at once
    [finding] = _findings("MEM-08", street_admin)
    assert finding.subject.pk == retired.pk and "尚无走访记录" in finding.message
    visited = TODAY - 3 * ONE_DAY
    services.care_visit_record(actor=superuser, member=retired, visited_on=visited, visitor="社区书记")
    due = add_months(visited, 6)
    assert _findings("MEM-08", street_admin, due - ONE_DAY) == []
    [finding] = _findings("MEM-08", street_admin, due)
    assert "离退休党员" in finding.message and "每6个月" in finding.message
    assert _severity(finding) == Severity.INFO
    # overdue by more than a whole cadence: a warning
    assert _severity(_findings("MEM-08", street_admin, add_months(due, 7))[0]) == Severity.WARNING


def test_mem08_community_cadence_applies(city, superuser, street_admin):
    difficult = member(actor=superuser, organization=city.org(city.dahanggong), name="郑困难",
                       has_difficulty=True, difficulty_reason="重病")
    services.care_cadence_set(actor=superuser, area=city.dahanggong, group="difficulty", every_months=1)
    visited = TODAY - 2 * ONE_DAY
    services.care_visit_record(actor=superuser, member=difficult, visited_on=visited, visitor="网格员")
    due = add_months(visited, 1)
    assert _findings("MEM-08", street_admin, due - ONE_DAY) == []
    assert _subjects("MEM-08", street_admin, due) == [difficult.pk]


def test_findings_link_to_the_page_where_a_person_acts(city, superuser):
    floating = member(actor=superuser, organization=city.org(city.dahanggong), name="冯外出")
    record = services.member_float_out(actor=superuser, member=floating, place="上海市", started_on=TODAY)
    [finding] = _findings("MEM-04", superuser, add_months(TODAY, 6))
    assert finding.records_url == f"/members/floating/{record.pk}/contact/"
    [finding] = [f for f in _findings("MEM-08", superuser) if f.subject.pk == floating.pk]
    assert finding.records_url == f"/admin/members/member/{floating.pk}/change/"
