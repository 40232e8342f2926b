"""Project milestones: planned with the project or one by one, edited and moved by the office,
marked done by the office or the lead unit's liaison; refusals in Chinese with nothing written.
Also the resource availability switch and the data migration's line splitting."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import AuditEntry
from dangjian.conference import selectors, services_lists
from dangjian.conference.models import Project, ProjectMilestone, Resource
from dangjian.conference.tests.factories import START, project, qinhuai_conference, street_conference

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
DAY = datetime.timedelta(days=1)


def _message(error) -> str:
    return "；".join(error.value.messages)


def test_a_project_is_set_up_with_its_milestones_in_order(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin,
                   milestones=[("确定场地", START + 10 * DAY), ("招募志愿者",), ("开班", START + 60 * DAY)])
    assert [(m.position, m.title, m.due_on) for m in made.milestones.all()] == [
        (1, "确定场地", START + 10 * DAY), (2, "招募志愿者", None), (3, "开班", START + 60 * DAY)]


def test_a_milestone_due_before_the_project_starts_refuses_the_whole_project(city, street_admin):
    street = street_conference(city, actor=street_admin)
    with pytest.raises(ValidationError) as error:
        project(street, street.tech, actor=street_admin, milestones=[("确定场地", START - DAY)])
    assert "“确定场地”的计划完成日期不能早于项目开始日期（2025-01-10）" in _message(error)
    assert not Project.objects.exists() and not ProjectMilestone.objects.exists()
    with pytest.raises(ValidationError) as error:
        project(street, street.tech, actor=street_admin, milestones=[("   ",)])
    assert "请填写进度节点的名称" in _message(error)
    assert not Project.objects.exists()


def test_the_office_adds_edits_and_moves_milestones(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("甲",), ("乙",)])
    third = services_lists.milestone_add(actor=street_admin, project=made, title="丙", due_on=START + 30 * DAY)
    assert third.position == 3 and AuditEntry.objects.filter(object_type="conference.ProjectMilestone").exists()
    services_lists.milestone_update(actor=street_admin, milestone=third, title="丙（提前）", due_on=START + 20 * DAY,
                                    position=1)
    assert [(m.position, m.title) for m in made.milestones.all()] == [(1, "丙（提前）"), (2, "甲"), (3, "乙")]
    with pytest.raises(ValidationError) as error:
        services_lists.milestone_update(actor=street_admin, milestone=third, title="丙", due_on=None, position=9)
    assert "序号须在1到3之间" in _message(error)
    assert made.milestones.get(pk=third.pk).title == "丙（提前）"


def test_leaders_and_liaisons_do_not_plan_milestones(city, street_admin, leader, liaison):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("甲",)])
    for actor in (leader, liaison):
        with pytest.raises(PermissionDenied):
            services_lists.milestone_add(actor=actor, project=made, title="越权")
        with pytest.raises(PermissionDenied):
            services_lists.milestone_update(actor=actor, milestone=made.milestones.get(), title="越权", due_on=None)
    assert [m.title for m in made.milestones.all()] == ["甲"]


def test_the_lead_units_liaison_marks_its_milestone_done_and_not_another_units(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    mine = project(street, street.tech, actor=street_admin, title="本单位项目", milestones=[("甲",)])
    theirs = project(street, street.care, actor=street_admin, title="他单位项目", milestones=[("乙",)])
    step = mine.milestones.get()
    services_lists.milestone_set_done(actor=liaison, milestone=step, done_on=START + 5 * DAY)
    assert mine.milestones.get().done_on == START + 5 * DAY
    with pytest.raises(PermissionDenied) as error:
        services_lists.milestone_set_done(actor=liaison, milestone=theirs.milestones.get(), done_on=START)
    assert str(error.value) == "您只能填报本单位牵头项目的进度。"
    assert theirs.milestones.get().done_on is None


def test_done_dates_are_checked_and_a_milestone_reopens(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("甲",)])
    step = made.milestones.get()
    for done_on, message in ((START - DAY, "完成日期不能早于项目开始日期"),
                             (datetime.date.today() + DAY, "完成日期不能晚于今天")):
        with pytest.raises(ValidationError) as error:
            services_lists.milestone_set_done(actor=street_admin, milestone=step, done_on=done_on)
        assert message in _message(error)
    with pytest.raises(ValidationError) as error:
        services_lists.milestone_set_done(actor=street_admin, milestone=step, done_on=None)
    assert "该进度节点尚未完成" in _message(error)
    assert made.milestones.get().done_on is None
    services_lists.milestone_set_done(actor=street_admin, milestone=step, done_on=START)
    with pytest.raises(ValidationError) as error:
        services_lists.milestone_set_done(actor=street_admin, milestone=step, done_on=START + DAY)
    assert "该进度节点已于2025-01-10完成" in _message(error)
    services_lists.milestone_set_done(actor=street_admin, milestone=step, done_on=None)
    assert made.milestones.get().done_on is None


def test_a_closed_projects_milestones_no_longer_change(city, street_admin):
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin, milestones=[("甲",)])
    services_lists.project_set_status(actor=street_admin, project=made, status="completed", outcome="已完成",
                                      on_date=START + DAY)
    with pytest.raises(ValidationError) as error:
        services_lists.milestone_add(actor=street_admin, project=made, title="补充")
    assert "项目已完成或已终止" in _message(error)
    with pytest.raises(ValidationError):
        services_lists.milestone_set_done(actor=street_admin, milestone=made.milestones.get(), done_on=START)
    assert made.milestones.count() == 1 and made.milestones.get().done_on is None


def test_overdue_milestones_are_those_of_running_projects_past_their_date(city, street_admin, liaison):
    street = street_conference(city, actor=street_admin)
    today = datetime.date.today()
    mine = project(street, street.tech, actor=street_admin, title="本单位项目", starts_on=today - 90 * DAY,
                   milestones=[("已过期", today - 10 * DAY), ("未到期", today + 10 * DAY), ("已完成", today - 20 * DAY)])
    services_lists.milestone_set_done(actor=street_admin, milestone=mine.milestones.get(title="已完成"),
                                      done_on=today - 21 * DAY)
    project(street, street.care, actor=street_admin, title="他单位项目", starts_on=today - 90 * DAY,
            milestones=[("他单位过期", today - 5 * DAY)])
    other = qinhuai_conference(city)
    project(other, other.chair, title="外区项目", starts_on=today - 90 * DAY, milestones=[("外区过期", today - 5 * DAY)])
    assert [m.title for m in selectors.milestones_overdue(selectors.milestone_list_for(liaison))] == ["已过期"]
    assert [m.title for m in selectors.milestones_overdue(selectors.milestone_list_for(street_admin))] == [
        "已过期", "他单位过期"]


def test_a_resource_is_taken_off_the_list_and_put_back(city, street_admin, leader):
    street = street_conference(city, actor=street_admin)
    room = services_lists.resource_create(actor=street_admin, conference=street.conference, unit=street.tech.unit,
                                          kind="venue", title="会议室")
    with pytest.raises(ValidationError) as error:
        services_lists.resource_set_available(actor=street_admin, resource=room, available=True)
    assert "该资源已是“可提供”状态" in _message(error)
    with pytest.raises(PermissionDenied):
        services_lists.resource_set_available(actor=leader, resource=room, available=False)
    assert Resource.objects.get(pk=room.pk).is_available
    services_lists.resource_set_available(actor=street_admin, resource=room, available=False)
    services_lists.resource_set_available(actor=street_admin, resource=room, available=True)
    assert Resource.objects.get(pk=room.pk).is_available


def test_the_data_migration_turns_lines_into_milestones_and_back(city, street_admin):
    """0003's functions, run against stand-ins for the historical models."""
    import importlib

    migration = importlib.import_module("dangjian.conference.migrations.0003_milestone_lines_to_rows")
    street = street_conference(city, actor=street_admin)
    made = project(street, street.tech, actor=street_admin)
    lines = {made.pk: "组建志愿服务队\n\n  建立探访台账  \n半年总结"}

    class Projects:
        class objects:  # noqa: N801 - the manager's name
            @staticmethod
            def exclude(**_):
                rows = [type("Row", (), {"pk": pk, "milestone_lines": text}) for pk, text in lines.items()]
                return type("Rows", (), {"only": lambda self, *a: type("It", (), {
                    "iterator": lambda self: iter(rows)})()})()

            @staticmethod
            def filter(pk):
                return type("One", (), {"update": lambda self, milestone_lines: lines.__setitem__(pk, milestone_lines)})()

    class Apps:
        @staticmethod
        def get_model(app, name):
            return Projects if name == "Project" else ProjectMilestone

    migration.lines_to_rows(Apps, None)
    assert [(m.position, m.title) for m in made.milestones.all()] == [
        (1, "组建志愿服务队"), (2, "建立探访台账"), (3, "半年总结")]
    lines[made.pk] = ""
    migration.rows_to_lines(Apps, None)
    assert lines[made.pk] == "组建志愿服务队\n建立探访台账\n半年总结"
