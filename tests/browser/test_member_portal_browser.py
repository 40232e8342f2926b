"""The member portal journey on a phone (issue 4, "Done when"): an administrator issues an
activation code; the member activates, signs in, reads a notice (the administrator sees it
read) and asks for a correction, which the administrator approves and finds in the member's
history. axe-core checks every portal page on the way (no serious or critical violation)."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dangjian.members.models import Member
from dangjian.members.tests.factories import member
from dangjian.notices.services import notice_post
from dangjian.portal.models import MemberAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MEMBER_PASSWORD = "hongqi-piaopiao-2026"


def _accessible(page, name: str) -> None:
    """No serious or critical axe-core violation on the page."""
    violations = Axe().run(page).response["violations"]
    bad = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3]) for v in violations
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: {bad}"


def test_member_activates_reads_a_notice_and_gets_a_correction_approved(
        page, browser, live_server, city, superuser, community_admin, browser_login, screenshot):
    # given a retired member of 大行宫社区 and a notice to the community's organization
    branch = city.org(city.dahanggong)
    wang = member(actor=superuser, organization=branch, name="王建国", phone="13912345678",
                  birth=datetime.date(1950, 9, 1), joined_on=datetime.date(1975, 7, 1),
                  full_member_on=datetime.date(1976, 7, 1), employment="retired")
    notice = notice_post(actor=community_admin, title="七一主题党日活动通知", organization=branch,
                         body="7月1日上午9点在大行宫社区党群服务中心集合，请准时参加。")

    # when the community administrator issues an activation code to him (on a phone, too)
    page.set_viewport_size(PHONE)
    browser_login(community_admin)
    page.goto(f"{live_server.url}/admin/portal/memberaccount/issue/?member={wang.pk}")
    expect(page.get_by_test_id("issue-preview")).to_contain_text("王建国")
    page.get_by_test_id("issue-codes").click()
    page.wait_for_url(re.compile(r".*/slips/.*"))
    slip = page.get_by_test_id("slip")
    expect(slip).to_contain_text("王建国")
    code = page.get_by_test_id("slip-code").inner_text().strip()
    screenshot(page, "portal-activation-slip")

    # then the member activates on his phone with the phone number and the code
    member_context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    phone = member_context.new_page()
    phone.goto(f"{live_server.url}/m/activate/")
    _accessible(phone, "activate")
    form = phone.get_by_test_id("activate-form")
    form.get_by_label("手机号码").fill("13912345678")
    form.get_by_label("激活码").fill("00000000" if code != "00000000" else "11111111")
    form.get_by_label("设置密码").fill(MEMBER_PASSWORD)
    form.get_by_label("再次输入密码").fill(MEMBER_PASSWORD)
    form.get_by_role("button", name="激活").click()
    # a wrong code: one generic Chinese sentence, nothing written
    expect(phone.get_by_test_id("form-errors")).to_contain_text("手机号或激活码不正确")
    assert not MemberAccount.objects.exists()
    form = phone.get_by_test_id("activate-form")
    form.get_by_label("激活码").fill(code)
    form.get_by_label("设置密码").fill(MEMBER_PASSWORD)
    form.get_by_label("再次输入密码").fill(MEMBER_PASSWORD)
    form.get_by_role("button", name="激活").click()
    phone.wait_for_url(re.compile(r".*/m/$"))
    expect(phone.get_by_test_id("profile")).to_contain_text(wang.id_number_masked)
    expect(phone.get_by_test_id("profile")).to_contain_text("50年")
    expect(phone.get_by_test_id("unread-count")).to_have_text("1")
    _accessible(phone, "home")
    screenshot(phone, "portal-home-phone")

    # and signs out and in again with his password
    phone.get_by_role("button", name="退出").click()
    phone.wait_for_url(re.compile(r".*/m/login/$"))
    _accessible(phone, "login")
    phone.get_by_label("手机号码").fill("13912345678")
    phone.get_by_label("密码").fill(MEMBER_PASSWORD)
    phone.get_by_test_id("login-form").get_by_role("button", name="登录").click()
    phone.wait_for_url(re.compile(r".*/m/$"))

    # and reads the notice
    phone.get_by_test_id("notice-list").get_by_role("link", name=re.compile("七一主题党日")).click()
    expect(phone.get_by_test_id("notice")).to_contain_text("请准时参加")
    _accessible(phone, "notice")
    screenshot(phone, "portal-notice-phone")
    phone.goto(f"{live_server.url}/m/notices/")
    _accessible(phone, "notices")

    # then the administrator sees that he has read it
    page.goto(f"{live_server.url}/admin/notices/notice/{notice.pk}/change/")
    expect(page.get_by_test_id("readers")).to_contain_text("王建国")
    expect(page.get_by_test_id("non-readers")).to_contain_text("全部已读")
    screenshot(page, "portal-notice-readers")

    # when the member asks to correct his phone number (an invalid ID number is refused first)
    phone.goto(f"{live_server.url}/m/correction/")
    _accessible(phone, "correction")
    form = phone.get_by_test_id("correction-form")
    form.get_by_label("身份证号码").fill("320102195009010010")
    form.get_by_role("button", name="提交更正申请").click()
    expect(phone.get_by_test_id("correction-form")).to_contain_text("身份证")
    form = phone.get_by_test_id("correction-form")
    form.get_by_label("身份证号码").fill("")
    form.get_by_label("联系电话").fill("13900009999")
    form.get_by_role("button", name="提交更正申请").click()
    expect(phone.get_by_role("status")).to_contain_text("更正申请已提交")
    expect(phone.get_by_test_id("my-corrections")).to_contain_text("待审核")
    screenshot(phone, "portal-correction-sent-phone")

    # then the administrator sees it side by side and approves it
    page.goto(f"{live_server.url}/admin/portal/correctionrequest/")
    page.get_by_role("link", name=re.compile("王建国")).first.click()
    compare = page.get_by_test_id("correction-compare")
    expect(compare).to_contain_text("13912345678")
    expect(compare).to_contain_text("13900009999")
    screenshot(page, "portal-correction-compare")
    page.get_by_role("button", name="同意并更新党员信息").click()
    expect(page.get_by_text("已同意并更新王建国的信息。")).to_be_visible()
    assert Member.objects.get(pk=wang.pk).phone == "13900009999"

    # and finds the change in the member's history
    page.get_by_test_id("member-history-link").click()
    expect(page.locator("#content, main").first).to_contain_text("13900009999")
    screenshot(page, "portal-member-history")

    # and the member now signs in with the new number and sees it, masked
    phone.goto(f"{live_server.url}/m/")
    expect(phone.get_by_test_id("profile")).to_contain_text("139****9999")
    expect(phone.get_by_test_id("my-corrections")).to_contain_text("已同意")
    member_context.close()


def test_floating_member_reports_from_the_phone(page, live_server, city, superuser, screenshot):
    from dangjian.members import services as member_services
    from dangjian.portal.tests.factories import activated

    branch = city.org(city.dahanggong)
    liu = member(actor=superuser, organization=branch, name="刘远行", phone="13622223333",
                 birth=datetime.date(1988, 8, 8), joined_on=datetime.date(2012, 7, 1),
                 full_member_on=datetime.date(2013, 7, 1))
    member_services.member_float_out(actor=superuser, member=liu, place="深圳", started_on=datetime.date(2025, 2, 1))
    member_services.member_mark_lost_contact(actor=superuser, member=liu, since=datetime.date(2025, 6, 1))
    activated(actor=superuser, member=liu, password=MEMBER_PASSWORD)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/m/login/")
    page.get_by_label("手机号码").fill("13622223333")
    page.get_by_label("密码").fill(MEMBER_PASSWORD)
    page.get_by_test_id("login-form").get_by_role("button", name="登录").click()
    card = page.get_by_test_id("card-members.floating")
    expect(card).to_contain_text("深圳")
    _accessible(page, "home-floating")
    card.get_by_label("我现在在（城市）").fill("东莞")
    card.get_by_label("联系方式").fill("微信 liuyx88")
    card.get_by_role("button", name="我一切都好，报平安").click()
    expect(page.get_by_role("status")).to_contain_text("已收到您的平安报告")
    screenshot(page, "portal-floating-reported-phone")
    liu.refresh_from_db()
    assert liu.lost_contact_since is None
    assert liu.floating_records.get().place == "东莞"
    page.goto(f"{live_server.url}/m/floating/")
    _accessible(page, "floating")
    # 200% zoom on this phone is a 195-pixel-wide CSS viewport: the page reflows, nothing scrolls sideways
    page.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})
    for path in ("/m/", "/m/notices/", "/m/correction/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), path
    screenshot(page, "portal-home-zoom-200")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/m/password/")
    _accessible(page, "password")
