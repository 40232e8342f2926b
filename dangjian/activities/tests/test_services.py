"""Sign-up with capacity and a waiting list (promotion when a place frees up), QR check-in with
volunteer hours credited from it, the report afterwards; refusals write nothing."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.activities import services
from dangjian.activities.models import Activity, Registration
from dangjian.activities.tests.factories import announced
from dangjian.members.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


@pytest.fixture
def people(superuser, city):
    branch = city.org(city.dahanggong)
    return [member(actor=superuser, organization=branch, name=name) for name in ("甲", "乙", "丙", "丁")]


def _statuses(activity):
    return dict(Registration.objects.filter(activity=activity).values_list("member__name", "status"))


def test_places_then_waiting_list_then_promotion_in_order(superuser, city, people):
    activity = announced(actor=superuser, city=city, capacity=2)
    for person in people[:4]:
        services.registration_sign_up(member=person, activity=activity)
    assert _statuses(activity) == {"甲": "registered", "乙": "registered", "丙": "waitlisted", "丁": "waitlisted"}
    services.registration_cancel(member=people[0], activity=activity)
    assert _statuses(activity) == {"甲": "cancelled", "乙": "registered", "丙": "registered", "丁": "waitlisted"}
    services.activity_set_capacity(actor=superuser, activity=activity, capacity=3)
    assert _statuses(activity)["丁"] == "registered"


def test_over_capacity_without_a_waiting_list_is_refused(superuser, city, people):
    activity = announced(actor=superuser, city=city, capacity=1, keeps_waitlist=False)
    services.registration_sign_up(member=people[0], activity=activity)
    with pytest.raises(ValidationError) as error:
        services.registration_sign_up(member=people[1], activity=activity)
    assert "名额已满" in str(error.value)
    assert Registration.objects.filter(activity=activity).count() == 1


def test_capacity_cannot_drop_below_those_registered(superuser, city, people):
    activity = announced(actor=superuser, city=city, capacity=3)
    for person in people[:3]:
        services.registration_sign_up(member=person, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_set_capacity(actor=superuser, activity=activity, capacity=2)
    assert Activity.objects.get(pk=activity.pk).capacity == 3


def test_signing_up_twice_or_after_the_start_is_refused(superuser, city, people):
    activity = announced(actor=superuser, city=city)
    services.registration_sign_up(member=people[0], activity=activity)
    with pytest.raises(ValidationError):
        services.registration_sign_up(member=people[0], activity=activity)
    later = timezone.now() + datetime.timedelta(days=4)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(ValidationError) as error:
        services.registration_sign_up(member=people[1], activity=activity)
    assert "报名已截止" in str(error.value)


def test_check_in_credits_volunteer_hours_once_and_only_with_a_place(superuser, city, people):
    activity = announced(actor=superuser, city=city, capacity=1, hours=3)
    services.registration_sign_up(member=people[0], activity=activity)
    services.registration_sign_up(member=people[1], activity=activity)  # waiting list
    token = services.checkin_token(activity)
    during = activity.starts_at + datetime.timedelta(minutes=10)
    with mock.patch("django.utils.timezone.now", return_value=during):
        registration = services.registration_check_in(member=people[0], token=token)
        assert registration.volunteer_hours == Decimal("3.0")
        with pytest.raises(ValidationError, match="已签到"):
            services.registration_check_in(member=people[0], token=token)
        with pytest.raises(ValidationError, match="候补"):
            services.registration_check_in(member=people[1], token=token)
        with pytest.raises(ValidationError, match="没有报名"):
            services.registration_check_in(member=people[2], token=token)
        with pytest.raises(ValidationError, match="签到码无效"):
            services.registration_check_in(member=people[0], token=token + "x")
    with pytest.raises(ValidationError, match="签到尚未开始"):
        services.registration_check_in(member=people[0], token=token)


def test_other_kinds_credit_no_volunteer_hours(superuser, city, people):
    activity = announced(actor=superuser, city=city, kind="education", title="党课进社区")
    services.registration_sign_up(member=people[0], activity=activity)
    with mock.patch("django.utils.timezone.now", return_value=activity.starts_at):
        registration = services.registration_check_in(member=people[0], token=services.checkin_token(activity))
    assert registration.checked_in_at is not None and registration.volunteer_hours is None


def test_an_activity_needs_one_organizer_a_community_in_scope_and_a_sane_time(superuser, city, community_admin,
                                                                              leader):
    with pytest.raises(ValidationError):
        announced(actor=community_admin, city=city, community=city.changjianglu)
    with pytest.raises(ValidationError):
        announced(actor=superuser, city=city, hours=0)
    with pytest.raises(ValidationError):
        services.activity_create(actor=superuser, title="无主办", kind="activity", community=city.dahanggong,
                                 starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(hours=1),
                                 place="x", capacity=5)
    with pytest.raises(ValidationError):
        announced(actor=leader, city=city)
    unit_run = announced(actor=superuser, city=city, organizer=city.unit(city.meiyuan), title="企业开放日")
    assert unit_run.organizer_unit == city.unit(city.meiyuan)
    assert Activity.objects.count() == 1


def test_the_report_and_photos_come_after_the_end_and_are_optional(superuser, city, leader, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = announced(actor=superuser, city=city)
    with pytest.raises(ValidationError, match="活动结束后"):
        services.activity_report(actor=superuser, activity=activity, report="顺利举行")
    after = activity.ends_at + datetime.timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=after):
        services.activity_report(actor=superuser, activity=activity, report="清理楼道杂物12处。")
        with pytest.raises(PermissionDenied):
            services.activity_report(actor=leader, activity=activity, report="改写")
    services.photo_add(actor=superuser, activity=activity,
                       upload=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0data", "image/jpeg"))
    with pytest.raises(ValidationError):
        services.photo_add(actor=superuser, activity=activity, upload=SimpleUploadedFile("a.gif", b"GIF89a"))
    assert Activity.objects.get(pk=activity.pk).report == "清理楼道杂物12处。" and activity.photos.count() == 1
