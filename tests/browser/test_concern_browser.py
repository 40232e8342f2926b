"""A resident's concern from the phone page to the rating, on a phone-sized screen (390×844):
the resident files and gets a tracking code; the community worker assigns it to a party
organization; that organization's administrator resolves it; the resident reads the reply
through the code and rates it."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.accounts.models import Role
from dangjian.accounts.tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def phone(browser):
    """``phone()``: a new phone-sized browser (its own cookies); all closed after the test, so no
    connection to the live server outlives it."""
    contexts = []

    def open_phone():
        contexts.append(browser.new_context(**PHONE))
        return contexts[-1].new_page()

    yield open_phone
    for context in contexts:
        context.close()


def test_a_concern_from_the_phone_page_to_the_rating(phone, live_server, city, screenshot, test_password,
                                                     sign_in_on):
    community = city.areas["320102003001"]  # 华侨路社区 (新街口街道)
    organization = city.org(community)  # 华侨路社区党委
    worker = user_with_role(role=Role.AREA_ADMIN, area=community, username="huaqiaolu", display_name="华侨路社区工作人员")
    secretary = user_with_role(role=Role.ORG_ADMIN, organization=organization, username="huaqiaolu-dangwei",
                               display_name="华侨路社区党委管理员")

    # given a resident on a phone, not signed in
    resident = phone()
    resident.goto(f"{live_server.url}/c/")
    expect(resident.get_by_role("heading", name="反映问题")).to_be_visible()
    # when they choose a category, their community, describe the problem and submit
    resident.get_by_text("养老服务", exact=True).click()
    resident.get_by_label("所在社区").select_option(label=community.name)
    resident.get_by_label("反映的问题").fill("小区独居老人多，希望社区开设老年助餐点。")
    resident.get_by_label("联系电话（可不填）").fill("13912345678")
    screenshot(resident, "concern-phone-file")
    resident.get_by_role("button", name="提交").click()
    # then they get a tracking code, big and clear, with a note to keep it
    code_box = resident.get_by_test_id("tracking-code")
    expect(code_box).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    expect(resident.get_by_text("请保存好查询码")).to_be_visible()
    code = code_box.inner_text()
    box = code_box.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 48  # fits the screen, easy to read and tap
    screenshot(resident, "concern-phone-code")

    # when the community worker signs in on their phone and assigns it to the community's party committee
    staff = phone()
    sign_in_on(staff, worker, password=test_password)
    staff.goto(f"{live_server.url}/concerns/?unassigned=on")
    listing = staff.get_by_test_id("concern-list")
    expect(listing).to_contain_text("老年助餐点")
    expect(listing).to_contain_text("139****5678")
    screenshot(staff, "concern-phone-list")
    listing.get_by_role("link", name=re.compile("第.*号")).first.click()
    assign = staff.get_by_test_id("assign-form")
    assign.get_by_label("党组织").select_option(label=organization.name)
    assign.get_by_label("交办意见（仅工作人员可见）").fill("请一周内研究助餐点选址。")
    screenshot(staff, "concern-phone-assign")
    assign.get_by_role("button", name="交办").click()
    expect(staff.get_by_test_id("assignee")).to_have_text(organization.name)
    expect(staff.get_by_test_id("status")).to_contain_text("已交办")

    # and the organization's administrator notes progress and resolves it with a reply
    handler = phone()
    sign_in_on(handler, secretary, password=test_password)
    handler.goto(f"{live_server.url}/concerns/")
    handler.get_by_test_id("concern-list").get_by_role("link", name=re.compile("第.*号")).first.click()
    resolve = handler.get_by_test_id("resolve-form")
    resolve.get_by_label("给居民的答复（办理结果）").fill("社区老年助餐点已在活动中心开放，60岁以上老人凭卡就餐。")
    resolve.get_by_role("button", name="办结并答复居民").click()
    expect(handler.get_by_test_id("status")).to_contain_text("已办结")
    screenshot(handler, "concern-phone-resolved")

    # then the resident enters the code, reads the reply and rates it
    resident.goto(f"{live_server.url}/c/track/")
    resident.get_by_label("查询码").fill(code.lower().replace("-", " "))
    resident.get_by_role("button", name="查询").click()
    expect(resident.get_by_test_id("status")).to_have_text("已办结")
    expect(resident.get_by_test_id("reply")).to_contain_text("老年助餐点已在活动中心开放")
    expect(resident.get_by_test_id("timeline")).to_contain_text(f"已交由{organization.name}办理")
    expect(resident.get_by_test_id("timeline")).not_to_contain_text("请一周内研究助餐点选址")
    screenshot(resident, "concern-phone-track")
    rate = resident.get_by_test_id("rate-form")
    rate.get_by_text("满意", exact=True).click()
    rate.get_by_role("button", name="提交评价").click()
    expect(resident.get_by_test_id("notice")).to_contain_text("感谢您的评价")
    expect(resident.get_by_test_id("status")).to_have_text("已评价")
    expect(resident.get_by_test_id("rate-form")).to_have_count(0)
    screenshot(resident, "concern-phone-rated")
