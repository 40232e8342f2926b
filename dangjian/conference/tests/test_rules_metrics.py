"""The conference's rules at their boundaries (SVC-03 against the charter's figure, CONF-01
attendance threshold, CONF-02 overdue tasks, CONF-03 terms run out) and its metrics."""

import datetime

import pytest

from dangjian.accounts.scoping import Scope
from dangjian.conference import services, services_lists, services_meetings
from dangjian.conference.tests.factories import meeting, street_conference, task
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
ON = datetime.date(2026, 3, 1)


def _findings(code, actor, on_date=ON):
    rule = rules.get(code)
    found = list(rule.check(Scope(actor=actor), on_date))
    assert rule.count(Scope(actor=actor), on_date) == len(found)
    return found


def test_svc03_follows_the_charters_number_of_meetings(city, street_admin):
    street = street_conference(city, actor=street_admin)
    for day in (datetime.date(2025, 4, 1), datetime.date(2025, 10, 1)):
        meeting(street, actor=street_admin, held_on=day, title=f"全体成员大会{day}")
    for month in (3, 6, 9, 12):
        meeting(street, actor=street_admin, held_on=datetime.date(2025, month, 15), kind="research",
                title=f"研讨{month}")
    assert _findings("SVC-03", street_admin) == []  # the default 2 and 4 are met
    services.document_create(actor=street_admin, conference=street.conference, kind="charter", title="章程",
                             issuer="党工委", effective_on=datetime.date(2025, 1, 1), text="每年三次。",
                             plenary_per_year=3)
    found = _findings("SVC-03", street_admin)
    assert [f.detail for f in found] == [{"short": [{"kind": "全体成员大会", "held": 2, "required": 3}]}]


def test_conf01_flags_a_seat_below_the_attendance_threshold(city, street_admin, settings):
    street = street_conference(city, actor=street_admin)
    for day, status in ((5, "present"), (6, "delegate"), (7, "absent"), (8, "present")):
        held = meeting(street, actor=street_admin, held_on=datetime.date(2025, 6, day), title=f"会议{day}")
        services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.tech,
                                                    status=status, reason="出差", delegate_name="副总")
    assert _findings("CONF-01", street_admin) == []  # 3 of 4 = 75%: at the threshold, not below
    settings.DANGJIAN_RULES = {**settings.DANGJIAN_RULES, "CONFERENCE_ATTENDANCE_MIN_RATE": 80}
    found = _findings("CONF-01", street_admin)
    assert [(f.subject.pk, f.detail) for f in found] == [(street.tech.pk, {"attended": 3, "expected": 4})]


def test_conf02_and_conf03_flag_overdue_tasks_and_terms_run_out(city, street_admin, leader, liaison):
    street = street_conference(city, actor=street_admin)
    late = task(street, street.tech, actor=street_admin, deadline=datetime.date(2026, 2, 28))
    task(street, street.care, actor=street_admin, deadline=datetime.date(2026, 3, 1), title="当天到期")
    assert [f.subject.pk for f in _findings("CONF-02", street_admin)] == [late.pk]
    assert [f.subject.pk for f in _findings("CONF-02", leader)] == [late.pk]
    services.seat_handover(actor=street_admin, seat=street.tech, holder_name="周总", on_date=datetime.date(2025, 5, 1),
                           term_ends_on=datetime.date(2026, 2, 28))
    assert [f.subject.holder_name for f in _findings("CONF-03", street_admin)] == ["周总"]
    assert _findings("CONF-03", street_admin, on_date=datetime.date(2026, 2, 28)) == []


def test_metrics_count_meetings_attendance_tasks_needs_and_projects(city, street_admin):
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin, held_on=datetime.date(2025, 3, 5))
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.chair, status="present")
    services_meetings.meeting_record_attendance(actor=street_admin, meeting=held, seat=street.tech, status="absent",
                                                reason="出差")
    on_time = task(street, street.tech, actor=street_admin, meeting_=held, deadline=datetime.date(2025, 6, 30))
    task(street, street.care, actor=street_admin, meeting_=held, deadline=datetime.date(2025, 6, 30), title="未完成")
    services_meetings.task_report_progress(actor=street_admin, task=on_time, text="完成", done=True,
                                           reported_on=datetime.date(2025, 6, 1))
    demand = services_lists.demand_create(actor=street_admin, conference=street.conference, community=city.dahanggong,
                                          kind="venue", title="活动场地", description="需要场地",
                                          listed_on=datetime.date(2025, 3, 1))
    project = services_lists.project_create(actor=street_admin, demand=demand, title="共享会议室",
                                            owner_unit=street.chair.unit, starts_on=datetime.date(2025, 3, 10))
    services_lists.project_set_status(actor=street_admin, project=project, status="completed", outcome="每月开放四次",
                                      on_date=datetime.date(2025, 5, 1))
    scope, year = Scope(actor=street_admin, focus_area=city.meiyuan), Period.containing(datetime.date(2025, 5, 1))
    values = {key: metrics.get(key).compute(scope, year) for key in (
        "conference.meetings_held", "conference.attendance_rate", "conference.task_completion_rate",
        "conference.task_on_time_rate", "conference.tasks_overdue", "conference.needs_met",
        "conference.projects_completed")}
    assert values == {"conference.meetings_held": 1, "conference.attendance_rate": 50.0,
                      "conference.task_completion_rate": 50.0, "conference.task_on_time_rate": 100.0,
                      "conference.tasks_overdue": 1, "conference.needs_met": 1, "conference.projects_completed": 1}


def test_tasks_due_soon_are_counted_for_the_dashboards_reminder(city, street_admin):
    """Open tasks due within CONFERENCE_TASK_DUE_SOON_DAYS (14) of today; not done ones, not later ones."""
    today = datetime.date.today()
    street = street_conference(city, actor=street_admin)
    held = meeting(street, actor=street_admin, held_on=today - datetime.timedelta(days=3), title="近期会议")
    soon = task(street, street.tech, actor=street_admin, meeting_=held, deadline=today + datetime.timedelta(days=5))
    task(street, street.care, actor=street_admin, meeting_=held, deadline=today + datetime.timedelta(days=14))
    task(street, street.care, actor=street_admin, meeting_=held, deadline=today + datetime.timedelta(days=30))
    done = task(street, street.tech, actor=street_admin, meeting_=held, deadline=today + datetime.timedelta(days=2))
    services_meetings.task_report_progress(actor=street_admin, task=done, text="完成", done=True)
    scope = Scope(actor=street_admin, focus_area=city.meiyuan)
    assert metrics.get("conference.tasks_due_soon").compute(scope, Period.containing(held.held_on)) == 2
    assert soon.status == "open"
