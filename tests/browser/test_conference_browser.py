"""The joint conference's journey (issue 5): the street administrator holds a plenary meeting,
records attendance and a resolution with two tasks for two member units; each unit's liaison
signs in, sees only its own task and reports progress; the street's dashboard shows the task
completion rate and the overdue task."""

import datetime

import pytest
from playwright.sync_api import expect

from dangjian.accounts.models import Role
from dangjian.accounts.tests.factories import user_with_role
from dangjian.conference.tests.factories import street_conference

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(browser):
    """``people()``: a new browser context (its own cookies) per person; all closed afterwards."""
    contexts = []

    def open_person():
        contexts.append(browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}))
        return contexts[-1].new_page()

    yield open_person
    for context in contexts:
        context.close()


def _attendance(page, unit: str, status: str, reason: str = ""):
    row = page.locator(f'tr[data-seat="{unit}"]')
    row.get_by_label("出席情况").select_option(label=status)
    if reason:
        row.get_by_label("请假事由").fill(reason)
    row.get_by_role("button", name="保存").click()
    expect(page.locator(f'tr[data-seat="{unit}"] [data-testid="attendance-status"]')).to_contain_text(status)


def test_a_plenary_meeting_to_tasks_reported_by_the_liaisons(people, live_server, city, street_admin, liaison,
                                                             screenshot, test_password, sign_in_on):
    street = street_conference(city, actor=street_admin)
    care_liaison = user_with_role(role=Role.LIAISON, unit=street.care.unit, username="care-liaison",
                                  display_name="养老服务中心联络员")
    today = datetime.date.today()
    held_on = today - datetime.timedelta(days=10)

    # given the street administrator on the conference's home page
    office = people()
    sign_in_on(office, street_admin, password=test_password)
    office.goto(f"{live_server.url}/conference/{street.conference.pk}/")
    expect(office.get_by_test_id("seats")).to_contain_text("南京梅园新村科技有限公司")
    # when they put a plenary meeting on the record
    form = office.get_by_test_id("meeting-form")
    form.get_by_label("会议类型").select_option(label="全体成员大会")
    form.get_by_label("会议名称").fill("2026年第二次全体成员大会")
    form.get_by_label("会议日期").fill(held_on.isoformat())
    form.get_by_label("地点").fill("街道党群服务中心")
    form.get_by_label("议程（每行一项；全体成员大会自动加入未完成任务的落实情况）").fill("听取工作报告\n研究助老服务")
    form.get_by_role("button", name="安排会议").click()
    expect(office.get_by_test_id("agenda")).to_contain_text("研究助老服务")
    # and records the attendance seat by seat
    _attendance(office, "梅园新村街道办事处", "出席")
    _attendance(office, "南京梅园新村科技有限公司", "请假", "外出参加培训")
    _attendance(office, "长江路社区梅园新村养老服务中心", "出席")
    # and a resolution with two tasks for two units, one already past its deadline
    office.get_by_test_id("resolution-form").get_by_label("决议内容").fill("成员单位共同开展助老服务。")
    office.get_by_role("button", name="记录决议").click()
    for unit, title, deadline in (("南京梅园新村科技有限公司", "组建青年志愿服务队结对独居老人", today + datetime.timedelta(days=30)),
                                  ("长江路社区梅园新村养老服务中心", "开放日间照料中心活动室",
                                   held_on + datetime.timedelta(days=5))):
        task_form = office.get_by_test_id("task-form")
        task_form.get_by_label("负责单位（席位）").select_option(label=unit)
        task_form.get_by_label("任务").fill(title)
        task_form.get_by_label("完成时限").fill(deadline.isoformat())
        task_form.get_by_role("button", name="交办").click()
        expect(office.get_by_test_id("resolutions")).to_contain_text(title)
    expect(office.get_by_test_id("attendance")).to_contain_text("请假：外出参加培训")
    screenshot(office, "conference-meeting")

    # when each unit's liaison signs in, it sees only its own task and reports progress
    for user, mine, theirs, text, done in (
            (liaison, "组建青年志愿服务队结对独居老人", "开放日间照料中心活动室", "已组建20人志愿服务队，结对12户。", True),
            (care_liaison, "开放日间照料中心活动室", "组建青年志愿服务队结对独居老人", "已确定开放时间，正在改造。", False)):
        page = people()
        sign_in_on(page, user, password=test_password)
        page.goto(f"{live_server.url}/conference/liaison/")
        tasks = page.get_by_test_id("my-tasks")
        expect(tasks).to_contain_text(mine)
        expect(tasks).not_to_contain_text(theirs)
        screenshot(page, f"conference-liaison-{user.username}")
        tasks.get_by_role("link", name=mine).click()
        progress = page.get_by_test_id("progress-form")
        progress.get_by_label("进展情况").fill(text)
        if done:
            progress.get_by_label("任务已完成").check()
        progress.get_by_role("button", name="提交").click()
        expect(page.get_by_test_id("progress")).to_contain_text(text)
        expect(page.get_by_test_id("task-status")).to_have_text("已完成" if done else "已超期")

    # then the street's dashboard shows the completion rate and the overdue task
    office.goto(f"{live_server.url}/admin/?area={city.meiyuan.pk}")
    expect(office.locator('[data-metric="conference.task_completion_rate"]')).to_contain_text("50.0")
    expect(office.locator('[data-metric="conference.tasks_overdue"]')).to_contain_text("1")
    expect(office.locator('[data-testid="findings"] [data-rule="CONF-02"]')).to_contain_text("1")
    screenshot(office, "conference-dashboard")
    office.goto(f"{live_server.url}/conference/{street.conference.pk}/tasks/")
    expect(office.locator('[data-column="已超期"]')).to_contain_text("开放日间照料中心活动室")
    expect(office.locator('[data-column="已完成"]')).to_contain_text("组建青年志愿服务队结对独居老人")
