"""在职党员到社区报到 by the member themself, on the phone pages (/m/service/) and the portal API
(/api/v1/portal/community-service): the residence community's posts with the places left, one
registration, service recorded unconfirmed until the community confirms it, the confirmed hours.
Every refusal reads in Chinese and writes nothing; the staff pages keep working alongside."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.factories import superuser
from dangjian.coverage import services_cobuild
from dangjian.coverage.models import CommunityService, ServiceRecord
from dangjian.members.tests.factories import member
from dangjian.portal.cards import cards_for
from dangjian.portal.services import api_token_issue
from dangjian.portal.tests.factories import activated

pytestmark = [pytest.mark.usefixtures("module_city"), pytest.mark.django_db]
DAY = datetime.timedelta(days=1)
API = "/api/v1/portal/community-service"


def _worker(city, *, name="周在职", phone="13900001111", lives_in=None, **fields):
    fields.setdefault("employment", "employed")
    person = member(actor=superuser(), organization=city.unit_branch(city.meiyuan), name=name, phone=phone,
                    residence_area=lives_in or city.changjianglu, **fields)
    return activated(actor=superuser(), member=person)


def _session(account) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


def _posts(city):
    make = services_cobuild.service_post_create
    return {"full": make(actor=superuser(), community=city.changjianglu, name="助老服务", capacity=1),
            "open": make(actor=superuser(), community=city.changjianglu, name="文明劝导", capacity=3,
                         description="周末路口劝导"),
            "elsewhere": make(actor=superuser(), community=city.dahanggong, name="大行宫巡逻", capacity=5)}


def _unchanged(before):
    assert (CommunityService.objects.count(), ServiceRecord.objects.count(), AuditEntry.objects.count()) == before


def _counts():
    return CommunityService.objects.count(), ServiceRecord.objects.count(), AuditEntry.objects.count()


def test_member_registers_records_and_sees_confirmed_hours_on_the_phone(city, street_admin,
                                                                       django_assert_max_num_queries):
    posts = _posts(city)
    taken = _worker(city, name="吴先到", phone="13900002222")
    services_cobuild.service_self_register(actor=taken.user, member=taken.member, post=posts["full"])
    account = _worker(city)
    client = _session(account)

    card = next(c for c in cards_for(account.member, today=timezone.localdate()) if c.key == "coverage.service")
    assert "可以到居住的社区报到" in card.lines[0] and card.link == "/m/service/"
    with django_assert_max_num_queries(12):
        page = client.get("/m/service/")
    body = page.content.decode()
    assert page.status_code == 200 and "长江路社区的服务岗位" in body
    assert "文明劝导" in body and "剩余 3 个名额" in body and "剩余 0 个名额" in body and "名额已满" in body
    assert "大行宫巡逻" not in body  # another community's post is not offered

    # Refusals: the full post, another community's post (404 from the lookup: it is not offered).
    before = _counts()
    refused = client.post("/m/service/register/", {"post": posts["full"].pk})
    assert refused.status_code == 400 and "该服务岗位已满（上限1人）" in refused.content.decode()
    assert client.post("/m/service/register/", {"post": posts["elsewhere"].pk}).status_code == 404
    _unchanged(before)

    assert client.post("/m/service/register/", {"post": posts["open"].pk}).status_code == 302
    registration = CommunityService.objects.get(member=account.member, ended_on=None)
    assert registration.post == posts["open"] and registration.community == city.changjianglu
    entry = AuditEntry.objects.filter(object_type="coverage.CommunityService").latest("pk")
    assert entry.actor == account.user and entry.actor_label == "党员周在职"

    before = _counts()
    again = client.post("/m/service/register/", {"post": posts["open"].pk})
    assert again.status_code == 400 and "您已在长江路社区报到（文明劝导）" in again.content.decode()
    for hours, message in (("0", "服务时长应大于0、不超过24小时"), ("25", "服务时长应大于0、不超过24小时")):
        refused = client.post("/m/service/record/", {"served_on": timezone.localdate().isoformat(), "hours": hours,
                                                     "content": "路口劝导"})
        assert refused.status_code == 400 and message in refused.content.decode()
    future = client.post("/m/service/record/", {"served_on": (timezone.localdate() + DAY).isoformat(), "hours": "2",
                                                "content": "路口劝导"})
    assert future.status_code == 400 and "服务日期不能晚于今天" in future.content.decode()
    _unchanged(before)

    assert client.post("/m/service/record/", {"served_on": timezone.localdate().isoformat(), "hours": "2.5",
                                              "content": "路口劝导"}).status_code == 302
    record = ServiceRecord.objects.get(registration=registration)
    assert record.confirmed_on is None
    body = client.get("/m/service/").content.decode()
    assert "待社区确认" in body and "今年社区已确认服务 <strong>0</strong> 小时" in body

    # The community confirms it on the staff page; the member then sees the hours.
    staff = Client()
    staff.force_login(street_admin)
    services_page = staff.get("/coverage/services/").content.decode()
    assert "周在职" in services_page and "路口劝导" in services_page
    assert staff.post(f"/coverage/services/records/{record.pk}/confirm/").status_code == 302
    body = client.get("/m/service/").content.decode()
    assert "社区已确认" in body and "今年社区已确认服务 <strong>2.5</strong> 小时" in body
    card = next(c for c in cards_for(account.member, today=timezone.localdate()) if c.key == "coverage.service")
    assert "2.5 小时" in card.lines[1]


def test_not_in_service_or_without_residence_is_refused(city):
    posts = _posts(city)
    retired = _worker(city, name="郑退休", phone="13900003333", employment="retired")
    client = _session(retired)
    body = client.get("/m/service/").content.decode()
    assert "面向在职党员" in body and "文明劝导" not in body
    assert not [c for c in cards_for(retired.member, today=timezone.localdate()) if c.key == "coverage.service"]
    before = _counts()
    # The post is one of their community's, so it is found; the service refuses the member.
    refused = client.post("/m/service/register/", {"post": posts["open"].pk})
    assert refused.status_code == 400 and "面向在职党员" in refused.content.decode()
    no_registration = client.post("/m/service/record/", {"served_on": timezone.localdate().isoformat(),
                                                         "hours": "1", "content": "助老"})
    assert no_registration.status_code == 400 and "尚未到居住社区报到" in no_registration.content.decode()
    _unchanged(before)


def test_member_api_registers_and_records_own_service_only(city, street_admin):
    posts = _posts(city)
    account = _worker(city)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=account.user)[1]}"}
    api = Client()
    overview = api.get(API, **bearer).json()
    assert overview["registration"] is None
    assert {post["name"]: post["places_left"] for post in overview["posts"]} == {"助老服务": 1, "文明劝导": 3}

    before = _counts()
    refused = api.post(f"{API}/register", {"post": posts["elsewhere"].pk}, content_type="application/json", **bearer)
    assert refused.status_code == 404
    refused = api.post(f"{API}/records", {"served_on": timezone.localdate().isoformat(), "hours": "1",
                                          "content": "助老"}, content_type="application/json", **bearer)
    assert refused.status_code == 422 and "尚未到居住社区报到" in refused.json()["detail"]
    _unchanged(before)

    done = api.post(f"{API}/register", {"post": posts["full"].pk}, content_type="application/json", **bearer)
    assert done.status_code == 201 and done.json()["registration"]["post"]["name"] == "助老服务"
    again = api.post(f"{API}/register", {"post": posts["open"].pk}, content_type="application/json", **bearer)
    assert again.status_code == 422 and "您已在长江路社区报到" in again.json()["detail"]
    before = _counts()
    future = api.post(f"{API}/records", {"served_on": (timezone.localdate() + DAY).isoformat(), "hours": "1",
                                         "content": "助老"}, content_type="application/json", **bearer)
    assert future.status_code == 422 and "不能晚于今天" in future.json()["detail"]
    too_long = api.post(f"{API}/records", {"served_on": timezone.localdate().isoformat(), "hours": "30",
                                           "content": "助老"}, content_type="application/json", **bearer)
    assert too_long.status_code == 422 and "不超过24小时" in too_long.json()["detail"]
    _unchanged(before)
    recorded = api.post(f"{API}/records", {"served_on": timezone.localdate().isoformat(), "hours": "3",
                                           "content": "陪老人就医"}, content_type="application/json", **bearer)
    assert recorded.status_code == 201
    assert recorded.json()["records"][0]["confirmed_on"] is None
    services_cobuild.service_confirm(actor=street_admin, record=ServiceRecord.objects.get(content="陪老人就医"))
    overview = api.get(API, **bearer).json()
    assert Decimal(overview["confirmed_hours_this_year"]) == Decimal("3.0")

    # Staff sessions and staff tokens get nothing from the member's endpoints.
    staff = Client()
    staff.force_login(street_admin)
    assert staff.get(API).status_code == 401 and staff.get("/m/service/").status_code == 404
    # Another member sees only their own (nothing here).
    other = _worker(city, name="冯邻居", phone="13900004444")
    theirs = Client().get(API, HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=other.user)[1]}").json()
    assert theirs["registration"] is None and theirs["records"] == []


def test_self_service_refuses_another_members_record(city):
    posts = _posts(city)
    mine, theirs = _worker(city), _worker(city, name="褚别人", phone="13900005555")
    before = _counts()
    with pytest.raises(Exception, match="只能办理本人"):
        services_cobuild.service_self_register(actor=mine.user, member=theirs.member, post=posts["open"])
    _unchanged(before)


def test_community_ends_a_registration_and_the_member_may_pick_again(city, street_admin, leader):
    posts = _posts(city)
    account = _worker(city)
    registration = services_cobuild.service_self_register(actor=account.user, member=account.member,
                                                          post=posts["full"])
    services_cobuild.service_self_record(actor=account.user, member=account.member, served_on=timezone.localdate(),
                                         hours=1, content="助老")
    staff = Client()
    staff.force_login(street_admin)
    assert 'data-testid="registration-end-form"' in staff.get("/coverage/services/").content.decode()
    url = f"/coverage/services/{registration.pk}/end/"
    prefix = f"end{registration.pk}"
    reader = Client()
    reader.force_login(leader)
    assert reader.post(url, {f"{prefix}-ended_on": timezone.localdate().isoformat(),
                             f"{prefix}-confirm": "on"}).status_code == 403
    unconfirmed = staff.post(url, {f"{prefix}-ended_on": timezone.localdate().isoformat()}, follow=True)
    assert "请勾选确认后再提交" in unconfirmed.content.decode()
    assert CommunityService.objects.get(pk=registration.pk).ended_on is None
    staff.post(url, {f"{prefix}-ended_on": timezone.localdate().isoformat(), f"{prefix}-confirm": "on"})
    assert CommunityService.objects.get(pk=registration.pk).ended_on == timezone.localdate()
    again = staff.post(f"/api/v1/coverage/registrations/{registration.pk}/end",
                       {"ended_on": timezone.localdate().isoformat()}, content_type="application/json")
    assert again.status_code == 422 and "该报到已结束" in again.json()["detail"]

    # The place is free again and the member picks a post anew; the old record is kept.
    body = _session(account).get("/m/service/").content.decode()
    assert "助老服务" in body and "剩余 1 个名额" in body and "助老 · 1.0 小时" in body
    assert _session(account).post("/m/service/register/", {"post": posts["open"].pk}).status_code == 302


def test_the_members_own_organization_sees_the_service_and_other_communities_do_not(city, org_admin,
                                                                                  community_admin):
    """A member of 新街口街道党工委's organization lives in 长江路社区 (梅园新村街道) and reports there:
    the organization sees the report and hours; 大行宫社区 (neither side) sees nothing."""
    posts = _posts(city)
    person = member(actor=superuser(), organization=city.org(city.xinjiekou), name="蒋外街道", phone="13900006666",
                    employment="employed", residence_area=city.changjianglu)
    account = activated(actor=superuser(), member=person)
    services_cobuild.service_self_register(actor=account.user, member=person, post=posts["open"])
    services_cobuild.service_self_record(actor=account.user, member=person, served_on=timezone.localdate(),
                                         hours=4, content="社区义诊引导")
    organization = Client()
    organization.force_login(org_admin)
    body = organization.get("/coverage/services/").content.decode()
    assert "蒋外街道" in body and "社区义诊引导" in body
    assert [row["member"]["name"] for row in organization.get("/api/v1/coverage/registrations").json()["items"]] \
        == ["蒋外街道"]
    neither = Client()
    neither.force_login(community_admin)
    assert "蒋外街道" not in neither.get("/coverage/services/").content.decode()
