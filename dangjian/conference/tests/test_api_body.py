"""/api/v1/conferences seats and library: add a seat, hand it over, change its post, let it leave;
register a document (form with attachment), revise it (versions kept), retire it. Each with its
refusal (422, Chinese, nothing written), 404 for another district's administrator, 403 for
read-only roles and liaisons."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.conference import services
from dangjian.conference.models import Document, DocumentVersion, Seat, SeatTerm
from dangjian.conference.tests.factories import START, pdf, qinhuai_conference, street_conference
from dangjian.organizations.tests.factories import UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]
JSON = "application/json"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_seat_is_added_through_the_api_and_bad_seats_are_refused(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    url = f"/api/v1/conferences/{street.conference.pk}/seats"
    newcomer = UnitFactory(area=city.dahanggong, name="南京大行宫文化有限公司")
    seat = {"unit": newcomer.pk, "post": "chair", "holder_name": "陈经理", "starts_on": "2025-03-01"}
    response = client.post(url, seat, content_type=JSON)
    assert response.status_code == 422 and "同一时间只能有一位会长" in response.json()["detail"]
    outside = city.unit(city.fuzimiao)  # another district's unit: not the street administrator's to see
    response = client.post(url, {**seat, "unit": outside.pk, "post": "member"}, content_type=JSON)
    assert response.status_code == 422 and "不在您的管辖范围内" in response.json()["detail"]
    assert not Seat.objects.filter(unit__in=[newcomer, outside]).exists()
    response = client.post(url, {**seat, "post": "member", "term_ends_on": "2028-02-29"}, content_type=JSON)
    assert response.status_code == 201
    added = next(s for s in response.json()["seats"] if s["unit"]["name"] == "南京大行宫文化有限公司")
    assert added["current"]["holder_name"] == "陈经理" and added["current"]["term_ends_on"] == "2028-02-29"


def test_a_unit_outside_the_conferences_area_is_refused_in_words(city, city_admin):
    street = street_conference(city, actor=city_admin)
    response = _client(city_admin).post(f"/api/v1/conferences/{street.conference.pk}/seats", {
        "unit": city.unit(city.fuzimiao).pk, "post": "member", "holder_name": "某", "starts_on": "2025-03-01"},
        content_type=JSON)
    assert response.status_code == 422 and "不在梅园新村街道范围内" in response.json()["detail"]
    assert street.conference.seats.count() == 3


def test_handover_post_and_leaving_through_the_api(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    seat_api = f"/api/v1/conferences/seats/{street.tech.pk}"
    response = client.post(f"{seat_api}/handover", {"holder_name": "周总", "on_date": "2025-01-01"}, content_type=JSON)
    assert response.status_code == 422 and "交接日期须晚于" in response.json()["detail"]
    assert SeatTerm.objects.filter(seat=street.tech).count() == 1
    response = client.post(f"{seat_api}/handover", {"holder_name": "周总", "on_date": "2025-09-01"}, content_type=JSON)
    tech = next(s for s in response.json()["seats"] if s["id"] == street.tech.pk)
    assert tech["current"]["holder_name"] == "周总" and tech["past"][0]["holder_name"] == "李总"
    response = client.post(f"{seat_api}/post", {"post": "chair"}, content_type=JSON)
    assert response.status_code == 422 and "本联席会已有会长" in response.json()["detail"]
    response = client.post(f"{seat_api}/post", {"post": "secretary_general"}, content_type=JSON)
    assert response.status_code == 200 and Seat.objects.get(pk=street.tech.pk).post == "secretary_general"
    response = client.post(f"{seat_api}/leave", {"on_date": "2024-12-31"}, content_type=JSON)
    assert response.status_code == 422 and "退出日期不能早于加入日期" in response.json()["detail"]
    response = client.post(f"{seat_api}/leave", {"on_date": "2025-12-31"}, content_type=JSON)
    assert response.status_code == 200 and street.tech.pk not in [s["id"] for s in response.json()["seats"]]
    assert SeatTerm.objects.filter(seat=street.tech).count() == 2  # the history stays


def test_a_document_is_registered_revised_and_retired_through_the_api(city, street_admin):
    street = street_conference(city, actor=street_admin)
    client = _client(street_admin)
    url = f"/api/v1/conferences/{street.conference.pk}/documents"
    form = {"kind": "charter", "title": "联席会章程", "issuer": "街道党工委", "effective_on": "2025-01-01",
            "text": "第一条 本会每年召开全体成员大会三次。", "plenary_per_year": "3"}
    big = pdf("章程.pdf", size=11 * 1024 * 1024)
    response = client.post(url, {**form, "attachment": big})
    assert response.status_code == 422 and "附件" in response.json()["detail"]
    response = client.post(url, {**form, "attachment": SimpleUploadedFile("章程.pdf", b"not a pdf", "application/pdf")})
    assert response.status_code == 422 and not Document.objects.exists()
    response = client.post(url, {**form, "attachment": pdf("章程.pdf")})
    assert response.status_code == 201
    body = response.json()
    assert body["plenary_per_year"] == 3 and body["attachment"].endswith(".pdf") and len(body["versions"]) == 1
    document_api = f"/api/v1/conferences/documents/{body['id']}"
    revision = {"title": "联席会章程", "effective_on": "2025-07-01", "text": "第一条 本会每年召开全体成员大会两次。",
                "note": "会议次数调整"}
    response = client.post(f"{document_api}/revise", {**revision, "note": ""})
    assert response.status_code == 422 and "请填写修订说明" in response.json()["detail"]
    response = client.post(f"{document_api}/revise", revision)
    assert response.status_code == 200
    assert [(v["version"], v["note"]) for v in response.json()["versions"]] == [(2, "会议次数调整"), (1, "首次登记")]
    assert DocumentVersion.objects.get(version=1).text == "第一条 本会每年召开全体成员大会三次。"
    response = client.post(f"{document_api}/status", {"status": "gone"}, content_type=JSON)
    assert response.status_code == 422 and "请选择文件状态" in response.json()["detail"]
    response = client.post(f"{document_api}/status", {"status": "superseded"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "superseded"
    assert client.get(document_api).json()["version"] == 2


def test_read_only_roles_and_liaisons_are_refused_the_writes(city, street_admin, leader, liaison):
    street = street_conference(city, actor=street_admin)
    rule = services.document_create(actor=street_admin, conference=street.conference, kind="rule", title="办法",
                                    issuer="党工委", effective_on=START, text="正文")
    newcomer = UnitFactory(area=city.dahanggong, name="南京大行宫文化有限公司")
    for user in (leader, liaison):
        client = _client(user)
        assert client.get(f"/api/v1/conferences/documents/{rule.pk}").status_code == 200
        for url, body in (
                (f"/api/v1/conferences/{street.conference.pk}/seats",
                 {"unit": newcomer.pk, "post": "member", "holder_name": "某", "starts_on": "2025-03-01"}),
                (f"/api/v1/conferences/seats/{street.tech.pk}/handover", {"holder_name": "某", "on_date": "2025-09-01"}),
                (f"/api/v1/conferences/seats/{street.tech.pk}/post", {"post": "member"}),
                (f"/api/v1/conferences/seats/{street.tech.pk}/leave", {"on_date": "2025-09-01"}),
                (f"/api/v1/conferences/documents/{rule.pk}/status", {"status": "repealed"})):
            assert client.post(url, body, content_type=JSON).status_code == 403, (user, url)
        response = client.post(f"/api/v1/conferences/documents/{rule.pk}/revise", {
            "title": "办法", "effective_on": "2025-02-01", "text": "新正文", "note": "修订"})
        assert response.status_code == 403
    rule.refresh_from_db()
    assert (rule.version, rule.status) == (1, "in_force") and street.conference.seats.count() == 3
    assert Seat.objects.get(pk=street.tech.pk).post == "vice_chair" and street.tech.terms.count() == 1


def test_another_districts_seats_and_documents_are_not_there(city, district_admin):
    other = qinhuai_conference(city)
    from dangjian.accounts.tests.factories import superuser

    rule = services.document_create(actor=superuser(), conference=other.conference, kind="rule", title="夫子庙办法",
                                    issuer="党工委", effective_on=START, text="正文")
    client = _client(district_admin)
    assert client.get(f"/api/v1/conferences/documents/{rule.pk}").status_code == 404
    for url, body in ((f"/api/v1/conferences/{other.conference.pk}/seats",
                       {"unit": other.tech.unit_id, "post": "member", "holder_name": "某", "starts_on": "2025-03-01"}),
                      (f"/api/v1/conferences/seats/{other.tech.pk}/post", {"post": "member"}),
                      (f"/api/v1/conferences/seats/{other.tech.pk}/leave", {"on_date": "2025-09-01"}),
                      (f"/api/v1/conferences/documents/{rule.pk}/status", {"status": "repealed"})):
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 404 and "夫子庙" not in response.content.decode(), url
    assert client.post(f"/api/v1/conferences/documents/{rule.pk}/revise", {
        "title": "改", "effective_on": "2025-02-01", "text": "改", "note": "改"}).status_code == 404
    assert Document.objects.get(pk=rule.pk).version == 1 and Seat.objects.get(pk=other.tech.pk).left_on is None


def test_the_document_list_keeps_its_query_count(city, street_admin, django_assert_max_num_queries):
    street = street_conference(city, actor=street_admin)
    for index in range(6):
        services.document_create(actor=street_admin, conference=street.conference, kind="rule", title=f"制度{index}",
                                 issuer="党工委", effective_on=datetime.date(2025, 1, index + 1), text="正文")
    client = _client(street_admin)
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/conferences/{street.conference.pk}/documents").json()["count"] == 6
