"""Issue 9 §1: every figure on the dashboard links to the list of records behind it."""

import pytest
from django.test import Client

from dangjian.accounts.scoping import Scope
from dangjian.core.registry import metrics

pytestmark = pytest.mark.django_db


def test_every_metric_links_to_a_page_that_opens(city, city_admin):
    client = Client()
    client.force_login(city_admin)
    scope = Scope(city_admin, city.xuanwu)
    missing = [metric.key for metric in metrics.all() if metric.records_url is None]
    assert not missing, f"metrics without a link to their records: {missing}"
    for metric in metrics.all():
        url = metric.records_url(scope)
        assert url, metric.key
        assert client.get(url).status_code == 200, (metric.key, url)
