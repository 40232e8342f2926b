"""Class notices go through the notices app: scheduling, moving and cancelling a class still ahead
tell its audience (and only it); a class recorded after the fact, or a refused change, posts nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.notices import selectors as notice_selectors
from dangjian.notices import services as notice_services
from dangjian.notices.models import Notice
from dangjian.school import services, services_updates
from dangjian.school.models import Audience
from dangjian.school.tests.factories import at, school_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def _titles(member):
    return [notice.title for notice in notice_selectors.notices_for_member(member)]


def test_scheduling_a_class_ahead_notifies_its_audience_only(setup, school_admin):
    # when the school's administrator (who holds no area) schedules a class for the retired
    session = setup.schedule(actor=school_admin, starts_at=at(TOMORROW, 9), audience=Audience.OFF_POST,
                             notice="请携带党章")
    # then one notice to the school's area and the off-post group, read by them only
    notice = Notice.objects.get()
    assert notice.area == setup.school.area and notice.audience == "off_post" and notice.author == school_admin
    assert "开课通知" in notice.title and "学习党章" in notice.title
    assert f"{TOMORROW:%Y年%m月%d日} 09:00" in notice.body and "请携带党章" in notice.body
    assert _titles(setup.members["退休"]) == [notice.title]
    assert _titles(setup.members["在职"]) == [] and _titles(setup.members["外区"]) == []
    # cancelling it tells the same members
    services.session_cancel(actor=school_admin, session=session)
    assert len(_titles(setup.members["退休"])) == 2 and "停课通知" in Notice.objects.order_by("-pk")[0].title


def test_a_class_already_over_and_a_refused_change_post_nothing(setup, superuser):
    yesterday = TODAY - datetime.timedelta(days=1)
    setup.schedule(actor=superuser, starts_at=at(yesterday, 9))
    assert not Notice.objects.exists()
    ahead = setup.schedule(actor=superuser, starts_at=at(TOMORROW, 9))
    with pytest.raises(ValidationError, match="该场所在此时段已安排"):
        setup.schedule(actor=superuser, starts_at=at(TOMORROW, 10))
    with pytest.raises(ValidationError, match="不能超过课程时长"):
        services_updates.session_reschedule(actor=superuser, session=ahead, venue=setup.venue,
                                            starts_at=at(TOMORROW, 13), ends_at=at(TOMORROW, 14))
    assert Notice.objects.count() == 1
    # moving it only in its notice text tells nobody again; moving its time does
    services_updates.session_reschedule(actor=superuser, session=ahead, venue=setup.venue, teacher=setup.teacher,
                                        starts_at=ahead.starts_at, ends_at=ahead.ends_at, notice="改在二楼")
    assert Notice.objects.count() == 1
    services_updates.session_reschedule(actor=superuser, session=ahead, venue=setup.venue, teacher=setup.teacher,
                                        starts_at=at(TOMORROW, 14), ends_at=at(TOMORROW, 16))
    moved = Notice.objects.order_by("-pk")[0]
    assert "改期通知" in moved.title and "09:00" in moved.body and "14:00" in moved.body
    assert moved.title in _titles(setup.members["在职"])


def test_a_school_speaks_only_for_its_own_area(setup, school_admin, city, superuser):
    other = school_of(city.fuzimiao)
    with pytest.raises(ValidationError, match="您不能向该范围发布通知"):
        notice_services.notice_post(actor=school_admin, title="x", body="y", area=other.area, authority=other)
    with pytest.raises(ValidationError, match="您不能向该范围发布通知"):
        notice_services.notice_post(actor=school_admin, title="x", body="y", area=city.fuzimiao,
                                    authority=setup.school)
    assert not Notice.objects.exists()
