"""Coverage journey: the street administrator follows the coverage board from the district down
to an uncovered unit and assigns an instructor; the instructor signs in and records a visit."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accounts.tests.factories import UserFactory, superuser
from dangjian.coverage import services
from dangjian.coverage.models import InstructorVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_admin_assigns_an_instructor_who_records_a_visit(browser, live_server, city, street_admin,
                                                                 sign_in_on, screenshot):
    unit = city.uncovered_unit(city.meiyuan)  # a social organization in 长江路社区, not covered
    account = UserFactory(username="zhou_zhidao", display_name="周指导", is_staff=True)
    services.instructor_appoint(actor=superuser(), name="周指导", area=city.meiyuan, appointed_by="梅园新村街道党工委",
                                appointed_on=timezone.localdate() - datetime.timedelta(days=10), user=account)

    # given the street administrator signed in, on the coverage board
    admin_page = browser.new_context(locale="zh-CN").new_page()
    sign_in_on(admin_page, street_admin)
    admin_page.goto(f"{live_server.url}/coverage/")
    # when they go up to the district and follow it down: street, community, the uncovered unit
    admin_page.get_by_test_id("breadcrumbs").get_by_role("link", name="玄武区").click()
    expect(admin_page.get_by_test_id("coverage-page").get_by_role("heading", name="玄武区覆盖情况")).to_be_visible()
    expect(admin_page.get_by_test_id("children")).not_to_contain_text("新街口街道")
    admin_page.get_by_test_id("children").get_by_role("link", name="梅园新村街道").click()
    admin_page.get_by_test_id("children").get_by_role("link", name="长江路社区").click()
    units = admin_page.get_by_test_id("units")
    expect(units.locator(f'[data-unit="{unit.pk}"]')).to_contain_text("未覆盖")
    screenshot(admin_page, "coverage-community-board")
    units.get_by_role("link", name=unit.name).click()
    expect(admin_page.get_by_test_id("coverage-status")).to_contain_text("未覆盖")
    # and assign the instructor
    form = admin_page.get_by_test_id("assign-form")
    form.get_by_label("指导员").select_option(label="周指导（梅园新村街道党工委）")
    form.get_by_role("button", name="指派").click()
    # then the unit is covered by work (instructor only)
    expect(admin_page.get_by_test_id("coverage-status")).to_contain_text("仅选派指导员")
    expect(admin_page.get_by_test_id("assignments")).to_contain_text("周指导")

    # when the instructor signs in and opens their units
    instructor_page = browser.new_context(locale="zh-CN").new_page()
    sign_in_on(instructor_page, account)
    instructor_page.goto(f"{live_server.url}/coverage/mine/")
    expect(instructor_page.get_by_test_id("my-units")).to_contain_text(unit.name)
    # and records a visit
    visit = instructor_page.get_by_test_id("visit-form")
    visit.get_by_label("指导事项").fill("宣讲社会组织党建政策，指导确定党建联络员")
    visit.get_by_label("成效").fill("已确定联络员一名")
    visit.get_by_role("button", name="登记走访").click()
    # then the visit is listed, and the street sees it on the unit's page
    expect(instructor_page.get_by_test_id("my-visits")).to_contain_text("宣讲社会组织党建政策")
    screenshot(instructor_page, "coverage-instructor-visit")
    assert InstructorVisit.objects.filter(unit=unit, instructor__user=account).count() == 1
    admin_page.reload()
    expect(admin_page.get_by_test_id("visits")).to_contain_text("宣讲社会组织党建政策")
