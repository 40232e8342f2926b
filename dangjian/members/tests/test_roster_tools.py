"""The roster offers export of exactly what is filtered, and the import."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_roster_links_export_with_the_current_filters(city, street_admin):
    client = Client()
    client.force_login(street_admin)
    html = client.get("/admin/members/member/?status=full&q=wjg").content.decode()
    assert "/members/import/export/?status=full&amp;q=wjg" in html
    assert "/members/import/" in html
