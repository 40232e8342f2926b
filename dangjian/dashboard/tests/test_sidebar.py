"""The back-office sidebar built once and rendered once per distinct content (core/admin_site.py,
dashboard/navigation.py, dashboard/templatetags/back_office_sidebar.py): whatever is remembered
across requests, each user still sees exactly their own items, and the page marks its own."""

import re

import pytest
from django.test import Client

from dangjian.dashboard.templatetags import back_office_sidebar

pytestmark = pytest.mark.django_db

ROSTER = "/admin/members/member/"


def _sidebar(user, path=ROSTER) -> tuple[list[str], list[str]]:
    """(the sidebar's item titles, the active ones) on ``path`` as ``user``."""
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    block = html[html.index('id="nav-sidebar-apps"'):]
    block = block[:block.index("</nav>")]
    items = re.findall(r'<a href="[^"]*" class="([^"]*)">.*?<span>([^<]+)</span>', block, flags=re.S)
    return [title.strip() for _classes, title in items], [title.strip() for classes, title in items
                                                          if "active" in classes.split()]


def test_users_of_different_roles_keep_their_own_sidebar_across_the_cache(community_admin, leader, liaison):
    back_office_sidebar._RENDERED.clear()
    writer, _active = _sidebar(community_admin)
    reader, _active = _sidebar(leader)
    member_unit, _active = _sidebar(liaison, "/conference/liaison/")
    again, _active = _sidebar(community_admin)  # served from the cache filled by the first request
    assert "导入" in writer and "签发激活码" in writer  # a writing role
    assert "党员名册" in reader and "导入" not in reader and "签发激活码" not in reader  # read-only
    assert "党员名册" not in member_unit and "联席会工作（成员单位）" in member_unit  # a function role only
    assert "联席会工作（成员单位）" not in writer and "联席会工作（成员单位）" not in reader
    assert again == writer
    assert len(back_office_sidebar._RENDERED) == 3  # one rendering per distinct content, none shared


def test_each_page_marks_its_own_item(community_admin):
    assert _sidebar(community_admin)[1] == ["党员名册"]
    assert _sidebar(community_admin, "/members/care/")[1] == ["关爱台账/走访"]
    # the floating members' link is the care page with a query: active only with that query
    assert set(_sidebar(community_admin, "/members/care/?group=floating_out")[1]) == {"流动党员", "关爱台账/走访"}


def test_application_pages_still_list_their_models(community_admin):
    """Django's application list is built only where a page shows it."""
    client = Client()
    client.force_login(community_admin)
    response = client.get("/admin/organizations/")
    assert response.status_code == 200
    assert {model["object_name"] for model in response.context["app_list"][0]["models"]} == {
        "Area", "PartyOrganization", "Unit"}
