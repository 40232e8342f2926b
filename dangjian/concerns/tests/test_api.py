"""The concerns API: staff endpoints over the same services and selectors (scope: 404; refusals:
422 in Chinese; leaders: 403), and the public endpoints (no login, rate-limited, no enumeration)."""

import pytest
from django.test import Client

from dangjian.concerns.models import Concern, ConcernStatus
from dangjian.concerns.tests.factories import assigned, filed, resolved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_list_is_scoped_filtered_and_its_query_count_pinned(city, community_admin, superuser,
                                                               django_assert_max_num_queries):
    for index in range(8):
        assigned(actor=superuser, community=city.dahanggong, organization=city.org(city.dahanggong),
                 description=f"第{index}件：楼道堆物", resident_phone="13812345678")
    filed(community=city.changjianglu, description="长江路社区的诉求")
    client = _client(community_admin)
    client.get("/api/v1/concerns")
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/concerns?status=open").json()
    assert body["count"] == 8
    assert all(item["community"]["name"] == "大行宫社区" for item in body["items"])
    assert body["items"][0]["resident_phone"] == "138****5678"
    assert body["items"][0]["assignee"]["kind"] == "organization"
    assert client.get("/api/v1/concerns?unassigned=true").json()["count"] == 0


def test_staff_take_in_assign_note_and_resolve_through_the_api(city, community_admin):
    client = _client(community_admin)
    created = _post(client, "/api/v1/concerns", {
        "category": "security", "description": "夜间小区门口有人聚集喧哗。", "community": city.dahanggong.pk,
        "channel": "phone"})
    assert created.status_code == 201, created.content
    concern_id = created.json()["id"]
    assigned_ = _post(client, f"/api/v1/concerns/{concern_id}/assign", {"organization": city.org(city.dahanggong).pk})
    assert assigned_.json()["status"] == "assigned"
    note = _post(client, f"/api/v1/concerns/{concern_id}/notes", {"text": "已联系派出所", "public": True})
    assert note.status_code == 201 and note.json()["status"] == "in_progress"
    done = _post(client, f"/api/v1/concerns/{concern_id}/resolve", {"reply": "已加强夜间巡逻。"})
    assert done.json()["status"] == "resolved"
    assert [event["kind"] for event in done.json()["events"]] == ["received", "assigned", "reply", "resolved"]


def test_api_refusals_are_chinese_422_and_write_nothing(city, community_admin):
    client = _client(community_admin)
    concern = filed(community=city.dahanggong)
    unassigned = _post(client, f"/api/v1/concerns/{concern.pk}/resolve", {"reply": "已处理"})
    assert unassigned.status_code == 422 and "尚未交办" in unassigned.json()["detail"]
    both = _post(client, f"/api/v1/concerns/{concern.pk}/assign",
                 {"organization": city.org(city.dahanggong).pk, "unit": city.unit(city.meiyuan).pk})
    assert both.status_code == 422 and "只能交办给一个" in both.json()["detail"]
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.RECEIVED


def test_out_of_scope_concerns_and_assignees_answer_404(city, community_admin):
    client = _client(community_admin)
    other = filed(community=city.changjianglu, description="长江路社区的诉求")
    assert client.get(f"/api/v1/concerns/{other.pk}").status_code == 404
    mine = filed(community=city.dahanggong)
    response = _post(client, f"/api/v1/concerns/{mine.pk}/assign", {"organization": city.org(city.fuzimiao).pk})
    assert response.status_code == 404


def test_a_leader_gets_403_on_writes(city, leader):
    concern = filed(community=city.dahanggong)
    response = _post(_client(leader), f"/api/v1/concerns/{concern.pk}/assign",
                     {"organization": city.org(city.dahanggong).pk})
    assert response.status_code == 403


def test_a_resident_files_tracks_and_rates_without_logging_in(city, community_admin):
    client = Client()
    filed_ = _post(client, "/api/v1/public/concerns", {
        "category": "employment", "description": "下岗后想参加技能培训，不知道去哪报名。", "community": city.dahanggong.pk})
    assert filed_.status_code == 201, filed_.content
    code = filed_.json()["tracking_code"]
    concern = Concern.objects.get()
    from dangjian.concerns import services

    services.concern_assign(actor=community_admin, concern=concern, organization=city.org(city.dahanggong))
    services.concern_add_note(actor=community_admin, concern=concern, text="内部记录，不给居民看")
    services.concern_resolve(actor=community_admin, concern=concern, reply="已为您报名街道技能培训班。")
    tracked = _post(client, "/api/v1/public/concerns/track", {"code": code.lower().replace("-", " ")}).json()
    assert tracked["may_rate"] and tracked["reply"] == "已为您报名街道技能培训班。"
    assert "内部记录" not in str(tracked)
    rated = _post(client, "/api/v1/public/concerns/rate", {"code": code, "rating": "satisfied"})
    assert rated.json()["status"] == "evaluated"
    again = _post(client, "/api/v1/public/concerns/rate", {"code": code, "rating": "satisfied"})
    assert again.status_code == 422 and "已评价过" in again.json()["detail"]


def test_public_filing_without_a_community_is_refused(city):
    response = _post(Client(), "/api/v1/public/concerns", {
        "category": "employment", "description": "想参加技能培训。", "community": city.meiyuan.pk})
    assert response.status_code == 422 and "须为社区一级" in response.json()["detail"]
    assert not Concern.objects.exists()


def test_public_codes_answer_the_same_404_whether_malformed_or_unknown(city):
    client = Client()
    answers = [_post(client, "/api/v1/public/concerns/track", {"code": code}) for code in ("ABCD-EFGH-JKMN", "nope")]
    assert [a.status_code for a in answers] == [404, 404] and answers[0].json() == answers[1].json()
    rate = _post(client, "/api/v1/public/concerns/rate", {"code": "ABCD-EFGH-JKMN", "rating": "satisfied"})
    assert rate.status_code == 404 and rate.json() == answers[0].json()


def test_public_lookups_are_rate_limited(city, settings, community_admin):
    settings.CONCERN_RATE_LIMITS = {**settings.CONCERN_RATE_LIMITS, "lookup": {"count": 2, "seconds": 600}}
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(2):
        _post(client, "/api/v1/public/concerns/track", {"code": "ABCD-EFGH-JKMN"})
    limited = _post(client, "/api/v1/public/concerns/track", {"code": concern.tracking_code})
    assert limited.status_code == 429 and "查询过于频繁" in limited.json()["detail"]


def test_public_filing_is_rate_limited(city, settings):
    settings.CONCERN_RATE_LIMITS = {**settings.CONCERN_RATE_LIMITS, "file": {"count": 1, "seconds": 3600}}
    client = Client(REMOTE_ADDR="10.9.9.8")
    data = {"category": "other", "description": "建议增设便民座椅。", "community": city.dahanggong.pk}
    assert _post(client, "/api/v1/public/concerns", data).status_code == 201
    limited = _post(client, "/api/v1/public/concerns", data)
    assert limited.status_code == 429 and "提交过于频繁" in limited.json()["detail"]
    assert Concern.objects.count() == 1


def test_the_public_endpoints_are_documented_without_authentication(city):
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/public/concerns", "/api/v1/public/concerns/track", "/api/v1/public/concerns/rate"):
        assert not schema["paths"][path]["post"].get("security"), path
    assert schema["paths"]["/api/v1/concerns"]["get"].get("security")
