"""Posting notices to a scope or a care group, and who they reach."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dangjian.members import services as member_services
from dangjian.notices import selectors, services
from dangjian.notices.models import Audience, Notice, NoticeRead
from dangjian.organizations.models import Area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)
TODAY = datetime.date.today()


def _post(actor, **target):
    return services.notice_post(actor=actor, title="主题党日通知", body="本周六上午九点在社区党群服务中心。", **target)


def test_a_notice_to_an_organization_reaches_its_members_only(branch, wang, li, outsider, community_admin):
    notice = _post(community_admin, organization=branch)
    assert set(selectors.notice_audience(notice)) == {wang, li}
    assert list(selectors.notices_for_member(wang)) == [notice]
    assert not selectors.notices_for_member(outsider).exists()


def test_a_street_notice_to_a_care_group(city, wang, li, outsider, street_admin, superuser):
    street = Area.objects.get(pk=city.meiyuan.pk)
    notice = _post(street_admin, area=street, audience=Audience.OFF_POST)
    assert list(selectors.notice_audience(notice)) == [wang]  # retired; 李晓梅 works
    assert selectors.notices_for_member(wang).exists() and not selectors.notices_for_member(li).exists()
    probationary = _post(street_admin, area=street, audience=Audience.PROBATIONARY)
    assert list(selectors.notices_for_member(li)) == [probationary]


def test_a_floating_notice_follows_the_floating_record(branch, wang, community_admin, superuser):
    notice = _post(community_admin, organization=branch, audience=Audience.FLOATING)
    assert not selectors.notices_for_member(wang).exists()
    member_services.member_float_out(actor=superuser, member=wang, place="深圳", started_on=TODAY)
    assert list(selectors.notices_for_member(wang)) == [notice]


def test_a_scope_the_author_does_not_hold_is_refused(city, outsider, community_admin, leader, branch):
    with pytest.raises(ValidationError) as refused:
        _post(community_admin, organization=outsider.organization)
    assert "管辖范围" in refused.value.message_dict["organization"][0]
    with pytest.raises(ValidationError):
        _post(leader, organization=branch)  # a leader reads only
    assert not Notice.objects.exists()


def test_a_notice_needs_exactly_one_target_and_a_title(branch, community_admin, city):
    with pytest.raises(ValidationError):
        _post(community_admin)
    with pytest.raises(ValidationError):
        services.notice_post(actor=community_admin, title=" ", body="x", organization=branch)
    assert not Notice.objects.exists()


def test_reading_counts_once_and_the_author_sees_who_has_not_read(branch, wang, li, community_admin):
    notice = _post(community_admin, organization=branch)
    assert selectors.unread_count_for_member(wang) == 1
    services.notice_mark_read(member=wang, notice=notice)
    services.notice_mark_read(member=wang, notice=notice)
    assert NoticeRead.objects.count() == 1
    assert selectors.unread_count_for_member(wang) == 0
    assert [read.member for read in selectors.notice_readers(notice)] == [wang]
    assert list(selectors.notice_non_readers(notice)) == [li]


def test_a_members_notices_cost_a_fixed_number_of_queries(branch, wang, community_admin, street_admin,
                                                          django_assert_max_num_queries):
    for serial in range(12):
        _post(community_admin if serial % 2 else street_admin, organization=branch)
    wang.refresh_from_db()
    # the member's organization and its area, whether they float, then the notices themselves
    with django_assert_max_num_queries(4):
        notices = list(selectors.notices_for_member(wang))
    assert len(notices) == 12
