"""A community administrator finds a member by pinyin initials and issues a transfer; the
street administrator on the receiving side sees the letter in transit and receives it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members.models import Member, Transfer, TransferStatus
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_roster_search_and_transfer_received_by_the_street(page, live_server, city, superuser, community_admin,
                                                           street_admin, browser_login, screenshot):
    # given members of 大行宫社区, two of them with similar initials
    branch = city.org(city.dahanggong)
    target = city.org(city.changjianglu)
    wang_number = valid_id_number(birth=datetime.date(1948, 9, 1))
    wang = member(actor=superuser, organization=branch, name="王建国", phone="13912345678", id_number=wang_number,
                  birth=datetime.date(1948, 9, 1), joined_on=datetime.date(1970, 7, 1),
                  full_member_on=datetime.date(1971, 7, 1), employment="retired")
    member(actor=superuser, organization=branch, name="汪洁", birth=datetime.date(1990, 1, 1),
           joined_on=datetime.date(2015, 7, 1), full_member_on=datetime.date(2016, 7, 1))
    member(actor=superuser, organization=branch, name="李晓梅")

    # when the community administrator opens the roster and searches by pinyin initials
    browser_login(community_admin)
    page.goto(f"{live_server.url}/admin/members/member/")
    results = page.locator("#result_list")
    expect(results).to_contain_text("汪洁")
    search = page.locator("#searchbar")
    search.fill("wjg")
    search.press("Enter")
    # then only 王建国 is listed, with the ID number and phone masked
    expect(results).to_contain_text("王建国")
    expect(results).not_to_contain_text("汪洁")
    expect(results).not_to_contain_text("李晓梅")
    expect(results).to_contain_text("139****5678")
    expect(results).to_contain_text("光荣在党50年")
    screenshot(page, "member-roster-search")
    # and on a phone each row is a card whose cells are led by their column's name (roster.css)
    page.set_viewport_size({"width": 390, "height": 844})
    phone_cell = results.locator("td.field-sex_display").first
    assert phone_cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"性别"'
    assert phone_cell.evaluate("cell => getComputedStyle(cell).display") == "flex"
    screenshot(page, "member-roster-search-phone")
    page.set_viewport_size({"width": 1440, "height": 900})
    assert phone_cell.evaluate("cell => getComputedStyle(cell).display") == "table-cell"

    # when it opens the member and issues an introduction letter to 长江路社区 (outside its community)
    results.get_by_role("link", name="王建国").click()
    expect(page.get_by_test_id("member-actions")).to_contain_text(wang.id_number_masked)
    screenshot(page, "member-change-page")
    # the full ID number is shown on request (htmx, CSRF-protected POST), and the reveal is audited
    page.get_by_test_id("reveal-id").click()
    expect(page.get_by_test_id("id-number")).to_have_text(wang_number)
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(wang.pk)).count() == 1
    page.get_by_test_id("issue-transfer").click()
    form = page.get_by_test_id("step-form")
    form.locator("input[name=to_organization_name]").fill(target.name)
    form.locator("input[name=letter_number]").fill("玄组转〔2026〕018号")
    form.locator("input[name=reason]").fill("居住地变更")
    screenshot(page, "member-transfer-form")
    form.get_by_role("button", name="确认办理").click()

    # then the member page says the letter is in transit
    expect(page.get_by_test_id("lifecycle-buttons")).to_contain_text("玄组转〔2026〕018号在途")
    expect(page.get_by_test_id("member-transfers")).to_contain_text(target.name)
    screenshot(page, "member-transfer-issued")

    # when the street administrator signs in and opens the transfer board
    page.context.clear_cookies()
    browser_login(street_admin)
    page.goto(f"{live_server.url}/members/transfers/")
    incoming = page.get_by_test_id("incoming")
    expect(incoming).to_contain_text("玄组转〔2026〕018号")
    expect(incoming).to_contain_text("王建国")
    screenshot(page, "transfer-board-incoming")

    # and receives the letter
    incoming.get_by_test_id("receive").click()
    expect(page.get_by_test_id("transfer-card")).to_contain_text(target.name)
    page.get_by_role("button", name="确认办理").click()
    page.wait_for_url(re.compile(r".*/members/transfers/$"))
    expect(page.get_by_text("已接收组织关系。")).to_be_visible()
    expect(page.get_by_test_id("incoming")).to_contain_text("没有待接收的介绍信")
    expect(page.get_by_test_id("closed")).to_contain_text("已接收")
    screenshot(page, "transfer-board-received")

    # then 王建国 now belongs to 长江路社区's organization
    assert Member.objects.get(pk=wang.pk).organization_id == target.pk
    assert Transfer.objects.get(member=wang).status == TransferStatus.RECEIVED


def test_care_visit_recorded_on_a_phone(page, live_server, city, superuser, community_admin, browser_login,
                                        screenshot):
    # given a retired member of 大行宫社区 who was never visited
    branch = city.org(city.dahanggong)
    retired = member(actor=superuser, organization=branch, name="周秀兰", employment="retired",
                     birth=datetime.date(1950, 4, 4), joined_on=datetime.date(1975, 7, 1),
                     full_member_on=datetime.date(1976, 7, 1), phone="13511112222")
    # when the community administrator opens the visit reminders on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(community_admin)
    page.goto(f"{live_server.url}/members/care/due/")
    due = page.get_by_test_id("visits-due")
    expect(due).to_contain_text("周秀兰")
    expect(due).to_contain_text("离退休党员")
    screenshot(page, "care-visits-due-phone")
    # and records a visit with a sum of money and goods
    due.get_by_role("link", name="登记走访").click()
    form = page.get_by_test_id("step-form")
    form.locator("input[name=visitor]").fill("社区书记 张红")
    form.locator("textarea[name=findings]").fill("独居，血压偏高，子女在外地")
    form.get_by_role("checkbox", name="慰问金").check()
    form.get_by_role("checkbox", name="慰问品").check()
    screenshot(page, "care-visit-form-phone")
    form.get_by_role("button", name="确认办理").click()
    # then a money visit without an amount is refused in Chinese and nothing is written
    expect(page.get_by_text("发放慰问金请填写金额。")).to_be_visible()
    assert not retired.care_visits.exists()
    page.get_by_test_id("step-form").locator("input[name=amount]").fill("500")
    page.get_by_role("button", name="确认办理").click()
    expect(page.get_by_text("已登记对周秀兰的走访。")).to_be_visible()
    expect(page.get_by_test_id("member-visits")).to_contain_text("独居，血压偏高")
    # and the member is no longer due
    page.goto(f"{live_server.url}/members/care/due/")
    expect(page.get_by_test_id("visits-due")).not_to_contain_text("周秀兰")
    page.goto(f"{live_server.url}/members/care/?group=off_post")
    expect(page.get_by_test_id("care-list")).to_contain_text("135****2222")
    screenshot(page, "care-list-phone")


def test_a_long_roster_shows_its_rows_first_and_its_total_after(page, live_server, city, superuser, community_admin,
                                                                browser_login, monkeypatch, screenshot):
    # given three members and a roster page of two rows (a list longer than its page)
    from dangjian.members.admin import MemberAdmin

    monkeypatch.setattr(MemberAdmin, "list_per_page", 2)
    branch = city.org(city.dahanggong)
    for name in ("王建国", "汪洁", "李晓梅"):
        member(actor=superuser, organization=branch, name=name)
    # when the community administrator opens the roster
    browser_login(community_admin)
    page.goto(f"{live_server.url}/admin/members/member/")
    # then the rows are shown, and the total arrives by its own request, with the numbered pages
    expect(page.locator("#result_list .roster-link")).to_have_count(2)
    expect(page.get_by_test_id("roster-total")).to_have_text("共 3 名党员")
    pages = page.locator("#roster-pagination")
    expect(pages).to_contain_text("3 党员")
    screenshot(page, "member-roster-total-after")
    # and the second page (a numbered link, brought with the total) lists the third member
    pages.get_by_role("link", name="2").click()
    page.wait_for_url(re.compile(r".*\?p=2$"))
    expect(page.locator("#result_list .roster-link")).to_have_count(1)
    expect(page.get_by_test_id("roster-total")).to_have_text("共 3 名党员")
