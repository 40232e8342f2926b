"""A street administrator sees only its own street, in the trees and on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_admin_sees_only_its_street(page, live_server, city, street_admin, browser_login, screenshot):
    # given the street administrator of 梅园新村街道 signs in
    browser_login(street_admin)

    # then the dashboard is about the street, compares its communities and no other street
    board = page.locator("#dashboard")
    expect(board.get_by_test_id("breadcrumbs")).to_contain_text("梅园新村街道")
    comparison = board.get_by_test_id("comparison")
    expect(comparison).to_contain_text("长江路社区")
    expect(comparison).to_contain_text("大行宫社区")
    expect(board).not_to_contain_text("新街口街道")
    expect(board).not_to_contain_text("秦淮区")
    screenshot(page, "street-admin-dashboard")

    # when it opens the area tree, the top of the tree is its street
    page.goto(f"{live_server.url}/admin/organizations/area/")
    results = page.locator("#result_list")
    expect(results).to_contain_text("梅园新村街道")
    expect(results).not_to_contain_text("玄武区")
    expect(results).not_to_contain_text("新街口街道")

    # and expanding the street shows its communities, and only those
    page.locator("#result_list a.treebeard-collapse").first.click()
    expect(results).to_contain_text("长江路社区")
    expect(results).to_contain_text("大行宫社区")
    expect(results).not_to_contain_text("新街口街道")
    screenshot(page, "street-admin-area-tree")

    # the organization tree starts at the street's working committee
    page.goto(f"{live_server.url}/admin/organizations/partyorganization/")
    results = page.locator("#result_list")
    expect(results).to_contain_text(re.compile("梅园新村街道党工委"))
    expect(results).not_to_contain_text("新街口街道党工委")
    expect(results).not_to_contain_text("玄武区委员会")
    screenshot(page, "street-admin-organization-tree")

    # and another street's page is not there at all
    other = city.org(city.xinjiekou)
    page.goto(f"{live_server.url}/admin/organizations/partyorganization/{other.pk}/change/")
    expect(page.locator("body")).not_to_contain_text("新街口街道党工委")
