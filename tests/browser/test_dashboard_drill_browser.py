"""The city administrator drills from the city into a district (clicking its bar in a comparison
chart) and a street (its link), opens the list behind a figure, and the numbers agree at every
level with counts computed here independently."""

import re

import pytest
from playwright.sync_api import expect

from dangjian.organizations.models import PartyOrganization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _organizations_under(area) -> int:
    return PartyOrganization.objects.filter(area__path__startswith=area.path, is_active=True).count()


def _headline(page, key: str) -> str:
    text = page.locator(f'#dashboard [data-metric="{key}"] .text-3xl').inner_text()
    return re.match(r"\s*([\d.]+)", text).group(1)


def test_city_admin_drills_down_and_the_numbers_agree(page, live_server, city, city_admin, browser_login, screenshot):
    # given the city administrator on the city's dashboard
    browser_login(city_admin)
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("南京市")
    assert _headline(page, "organizations.total") == str(_organizations_under(city.nanjing))

    # when it clicks the first district's bar in the first comparison chart
    chart = page.locator('[data-testid="comparison-charts"] canvas').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.wait_for_timeout(300)  # Chart.js draws after load
    chart.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
    page.wait_for_url(re.compile(rf".*area={city.xuanwu.pk}.*"))
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("玄武区")
    assert _headline(page, "organizations.total") == str(_organizations_under(city.xuanwu))
    screenshot(page, "city-admin-district-dashboard")

    # and then the street's link in the comparison table
    page.get_by_test_id("comparison").get_by_role("link", name="梅园新村街道").click()
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("梅园新村街道")
    street_total = _organizations_under(city.meiyuan)
    assert _headline(page, "organizations.total") == str(street_total)

    # the list behind the figure holds exactly those organizations
    page.locator('#dashboard [data-metric="organizations.total"]').click()
    page.wait_for_url(re.compile(r".*/admin/organizations/partyorganization/.*"))
    expect(page.locator("#result_list tbody tr")).to_have_count(street_total)
    screenshot(page, "city-admin-organizations-behind-figure")
