"""Optimistic locking on the member: an edit made on a version someone else has changed since is
refused with a Chinese message naming who changed what — in the service, on the admin's edit
page (the version travels in a hidden field) and in the API (409, ``version`` or ``If-Match``)."""

import pytest
from django.test import Client

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members import services
from dangjian.members.models import Member
from dangjian.members.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


@pytest.fixture
def target(city, superuser):
    return member(actor=superuser, organization=city.org(city.dahanggong), name="王建国", phone="13900000000")


def test_an_edit_on_a_stale_version_is_refused_naming_who_changed_what(target, street_admin, district_admin):
    # given: the street administrator opened version 1; the district administrator then saved a change
    services.member_update(actor=district_admin, member=target, expected_version=1, phone="13911112222",
                           workplace_text="玄武区图书馆")

    # when: the street administrator saves their edit of version 1
    with pytest.raises(services.MemberEditConflict) as refused:
        services.member_update(actor=street_admin, member=target, expected_version=1, notes="新备注")

    # then: nothing of theirs is saved, and the message says who changed which fields
    message = refused.value.messages[0]
    assert str(district_admin) in message
    assert "联系电话" in message and "工作单位（系统外）" in message and "备注" not in message
    assert refused.value.current_version == 2
    target.refresh_from_db()
    assert (target.notes, target.phone, target.version) == ("", "13911112222", 2)


def test_an_edit_on_the_current_version_is_saved_and_bumps_it(target, street_admin):
    saved = services.member_update(actor=street_admin, member=target, expected_version=1, phone="13911112222")
    assert saved.version == 2
    # internal callers that apply a decision (portal corrections, transfers in) pass no version
    assert services.member_update(actor=street_admin, member=target, notes="备注").version == 3


def test_lifecycle_steps_count_as_changes_too(target, street_admin):
    """An edit page opened before someone recorded lost contact is stale afterwards."""
    import datetime

    services.member_mark_lost_contact(actor=street_admin, member=target, since=datetime.date(2024, 1, 1))
    with pytest.raises(services.MemberEditConflict):
        services.member_update(actor=street_admin, member=target, expected_version=1, phone="13911112222")


# ---------------------------------------------------------------- the edit page


def test_the_edit_page_carries_the_version_and_shows_the_conflict(target, street_admin, district_admin):
    client = Client()
    client.force_login(street_admin)
    url = f"/admin/members/member/{target.pk}/change/"
    page = client.get(url).content.decode()
    assert 'type="hidden" name="expected_version" value="1"' in page

    # someone else saves meanwhile
    services.member_update(actor=district_admin, member=target, expected_version=1, phone="13911112222")
    form = {"name": "王建国", "id_number": "", "ethnicity": target.ethnicity_id, "phone": "13700000000",
            "status": target.status, "joined_on": "2005-07-01", "full_member_on": "2006-07-01",
            "employment": target.employment, "workplace_text": "", "difficulty_reason": "", "notes": "",
            "expected_version": "1", "_save": "保存"}
    response = client.post(url, form)

    assert response.status_code == 200  # the form again, with the refusal
    assert "保存失败：您打开页面之后，该党员的信息已被" in response.content.decode()
    target.refresh_from_db()
    assert target.phone == "13911112222"


# ---------------------------------------------------------------- the API


@pytest.fixture
def api(street_admin):
    client = Client()
    client.force_login(street_admin)
    return client


def test_the_api_reports_the_version_and_answers_409_on_a_stale_one(api, target, district_admin):
    url = f"/api/v1/members/{target.pk}"
    assert api.get(url).json()["version"] == 1
    services.member_update(actor=district_admin, member=target, expected_version=1, phone="13911112222")
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE).count()

    by_field = api.patch(url, {"phone": "13700000000", "version": 1}, content_type="application/json")
    by_header = api.patch(url, {"phone": "13700000000"}, content_type="application/json", HTTP_IF_MATCH='"1"')

    for response in (by_field, by_header):
        assert response.status_code == 409
        assert response.json()["version"] == 2
        assert "联系电话" in response.json()["detail"]
    assert Member.objects.get(pk=target.pk).phone == "13911112222"
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == updates


def test_the_api_saves_with_the_current_version(api, target):
    url = f"/api/v1/members/{target.pk}"
    response = api.patch(url, {"phone": "13700000000"}, content_type="application/json", HTTP_IF_MATCH='W/"1"')
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert api.patch(url, {"notes": "x"}, content_type="application/json", HTTP_IF_MATCH="abc").status_code == 422
