"""在职党员到社区报到 on a phone: an in-service member signs in to the portal, follows the home
card to the residence community's posts, registers on one, records service; the community
confirms it in the back office and the member sees the confirmed hours. axe-core checks the
member's page (no serious or critical violation)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.coverage import services_cobuild
from dangjian.coverage.models import CommunityService
from dangjian.members.tests.factories import member
from dangjian.portal.tests.factories import PORTAL_PASSWORD, activated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _accessible(page, name: str) -> None:
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


def test_member_registers_records_and_the_community_confirms(browser, live_server, city, superuser, street_admin,
                                                              sign_in_on, screenshot):
    # given 长江路社区's posts (one already full) and an in-service member who lives there
    full = services_cobuild.service_post_create(actor=superuser, community=city.changjianglu, name="助老服务",
                                                capacity=1)
    services_cobuild.service_post_create(actor=superuser, community=city.changjianglu, name="文明劝导", capacity=3,
                                         description="周末路口劝导")
    first = member(actor=superuser, organization=city.org(city.changjianglu), name="吴先到", phone="13900002222",
                   employment="employed", residence_area=city.changjianglu)
    services_cobuild.service_register(actor=superuser, member=first, post=full)
    worker = member(actor=superuser, organization=city.unit_branch(city.meiyuan), name="周在职", phone="13900001111",
                    employment="employed", residence_area=city.changjianglu)
    activated(actor=superuser, member=worker)

    # when the member signs in on the phone and follows the home card
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    phone.goto(f"{live_server.url}/m/login/")
    phone.get_by_label("手机号码").fill("13900001111")
    phone.get_by_label("密码").fill(PORTAL_PASSWORD)
    phone.get_by_test_id("login-form").get_by_role("button", name="登录").click()
    phone.wait_for_url(re.compile(r".*/m/$"))
    card = phone.get_by_test_id("card-coverage.service")
    expect(card).to_contain_text("可以到居住的社区报到")
    card.get_by_role("link", name="查看详情").click()
    posts = phone.get_by_test_id("posts")
    expect(posts).to_contain_text("长江路社区的服务岗位")
    expect(posts).to_contain_text("剩余 0 个名额")
    expect(posts.get_by_role("button", name="名额已满")).to_be_disabled()
    _accessible(phone, "service posts")
    screenshot(phone, "coverage-member-posts")
    # and picks the post with places left, then records two and a half hours of service
    posts.locator("li", has_text="文明劝导").get_by_role("button", name="选择此岗位报到").click()
    expect(phone.get_by_test_id("my-registration")).to_contain_text("文明劝导")
    form = phone.get_by_test_id("record-form")
    form.get_by_label("服务日期").fill(timezone.localdate().isoformat())
    form.get_by_label("时长（小时）").fill("2.5")
    form.get_by_label("服务内容").fill("周末路口文明劝导")
    form.get_by_role("button", name="登记").click()
    expect(phone.get_by_test_id("my-records")).to_contain_text("待社区确认")
    _accessible(phone, "registered")
    screenshot(phone, "coverage-member-registered")
    assert CommunityService.objects.get(member=worker, ended_on=None).post.name == "文明劝导"

    # then the community confirms it in the back office
    office = browser.new_context(locale="zh-CN").new_page()
    sign_in_on(office, street_admin)
    office.goto(f"{live_server.url}/coverage/services/")
    pending = office.get_by_test_id("unconfirmed").locator("li", has_text="周末路口文明劝导")
    pending.get_by_role("button", name="确认").click()
    expect(office.get_by_test_id("unconfirmed")).not_to_contain_text("周末路口文明劝导")

    # and the member sees the confirmed hours
    phone.reload()
    expect(phone.get_by_test_id("confirmed-hours")).to_contain_text("今年社区已确认服务 2.5 小时")
    expect(phone.get_by_test_id("my-records")).to_contain_text("社区已确认")
