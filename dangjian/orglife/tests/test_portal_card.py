"""The member's home page shows the coming meetings of their branch — and nothing of another branch."""

import datetime

import pytest
from django.test import Client

from dangjian.members.tests.factories import member
from dangjian.orglife import services
from dangjian.orglife.models import MeetingStatus
from dangjian.portal.tests.factories import activated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def test_the_card_lists_planned_meetings_of_the_members_branch(superuser, city):
    branch = city.org(city.dahanggong)
    person = member(actor=superuser, organization=branch, name="卡片党员", phone="13900000009")
    soon = datetime.date.today() + datetime.timedelta(days=5)
    services.meeting_record(actor=superuser, organization=branch, kind="theme_day", status=MeetingStatus.PLANNED,
                            held_on=soon, topic="重温入党誓词", host="书记", location="党群服务中心")
    services.meeting_record(actor=superuser, organization=city.unit_branch(city.meiyuan), kind="theme_day",
                            status=MeetingStatus.PLANNED, held_on=soon, topic="别的支部的会", host="书记")
    client = Client()
    client.force_login(activated(actor=superuser, member=person).user)
    html = client.get("/m/").content.decode()
    assert 'data-testid="card-orglife.upcoming"' in html
    assert "主题党日：重温入党誓词（党群服务中心）" in html and "别的支部的会" not in html
