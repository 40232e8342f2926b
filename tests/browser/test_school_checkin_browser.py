"""The party school's QR check-in on a phone (issue 6, "Done when"): the school administrator
opens a class that starts soon and reads its check-in link; a member opens the link on a phone,
signs in, checks in once and sees the hours on their page; a second check-in is refused."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from dangjian.portal.tests.factories import PORTAL_PASSWORD, activated
from dangjian.school.models import Attendance
from dangjian.school.tests.factories import build_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_member_checks_in_once_by_qr_and_sees_the_hours(page, browser, live_server, city, superuser, school_admin,
                                                         browser_login, screenshot):
    # given a class of 梅园新村街道党校 starting in ten minutes and a member with a portal account
    from django.utils import timezone

    setup = build_school(actor=superuser, city=city)
    session = setup.schedule(actor=superuser, starts_at=timezone.now() + datetime.timedelta(minutes=10))
    account = activated(actor=superuser, member=setup.members["在职"])

    # when the school administrator opens the class page, the QR code and its link are there
    browser_login(school_admin)
    page.goto(f"{live_server.url}/school/classes/{session.pk}/")
    expect(page.get_by_test_id("qr").locator("svg")).to_be_visible()
    link = page.get_by_test_id("checkin-link").get_attribute("href")
    screenshot(page, "school-class-qr")

    # and the member opens the link on a phone: sign in first, then back to the class
    phone = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    phone.goto(link)
    phone.wait_for_url(re.compile(r".*/m/login/.*"))
    phone.get_by_label("手机号码").fill(account.member.phone)
    phone.get_by_label("密码").fill(PORTAL_PASSWORD)
    phone.get_by_test_id("login-form").get_by_role("button", name="登录").click()
    phone.wait_for_url(re.compile(r".*/m/school/checkin/.*"))
    expect(phone.get_by_test_id("checkin-class")).to_contain_text("学习党章")
    phone.get_by_test_id("checkin-button").click()

    # then the hours are on the member's page
    phone.wait_for_url(re.compile(r".*/m/school/$"))
    expect(phone.get_by_role("status")).to_contain_text("签到成功")
    expect(phone.get_by_test_id("hours")).to_have_text("2.0")
    expect(phone.get_by_test_id("my-classes")).to_contain_text("学习党章")
    screenshot(phone, "school-hours-phone")

    # and a second check-in with the same code is refused, nothing more written
    phone.goto(link)
    phone.get_by_test_id("checkin-button").click()
    expect(phone.get_by_test_id("checkin-error")).to_contain_text("您已签到")
    assert Attendance.objects.filter(member=account.member).count() == 1
    phone.goto(f"{live_server.url}/m/")
    expect(phone.locator("body")).to_contain_text("已学习2.0学时")
