"""The residents' phone pages at /c/: file → code, track → public timeline, rate; no login,
rate-limited, no hint whether a code exists, everything escaped."""

import re
import time

import pytest
from django.test import Client

from dangjian.concerns import services
from dangjian.concerns.models import Concern, ConcernStatus, Rating
from dangjian.concerns.tests.factories import assigned, filed, resolved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

SCRIPT = "<script>alert('x')</script>路灯坏了"


def _file(client, city, **overrides):
    data = {"category": "environment", "community": city.dahanggong.pk, "description": "小区路灯坏了一个月了。",
            "location": "", "grid": "", "resident_name": "", "resident_phone": "", **overrides}
    return client.post("/c/", data)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_filing_page_groups_communities_by_street_and_needs_no_login(city):
    response = Client().get("/c/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="玄武区 梅园新村街道">' in html and "大行宫社区" in html
    assert 'name="csrfmiddlewaretoken"' in html and "https://" not in html and "<script" not in html


def test_a_resident_files_and_sees_the_tracking_code(city):
    client = Client()
    response = _file(client, city, resident_phone="13812345678")
    assert response.status_code == 302 and response["Location"] == "/c/filed/"
    concern = Concern.objects.get()
    page = client.get("/c/filed/").content.decode()
    assert concern.display_code in page and "请保存好查询码" in page
    assert concern.tracking_code not in response["Location"]


def test_filing_without_a_category_shows_the_message_and_writes_nothing(city):
    response = _file(Client(), city, category="")
    assert "请选择诉求类别" in response.content.decode() and not Concern.objects.exists()


def test_filing_with_a_bad_phone_shows_the_message_and_writes_nothing(city):
    response = _file(Client(), city, resident_phone="12")
    assert "联系电话格式不正确" in response.content.decode() and not Concern.objects.exists()


def test_the_filed_page_without_a_filing_goes_back_to_the_form(city):
    assert Client().get("/c/filed/")["Location"] == "/c/"


def test_the_code_leaves_the_browser_session_after_half_an_hour(city, monkeypatch):
    client = Client()
    _file(client, city)
    assert client.get("/c/filed/").status_code == 200
    later = time.time() + 31 * 60
    monkeypatch.setattr("dangjian.concerns.views_public.time.time", lambda: later)
    assert client.get("/c/filed/")["Location"] == "/c/"


def test_tracking_shows_status_and_only_the_public_timeline(city, community_admin):
    concern = assigned(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong))
    services.concern_add_note(actor=community_admin, concern=concern, text="内部：书记电话联系物业")
    services.concern_add_note(actor=community_admin, concern=concern, text="已联系物业，本周内维修", public=True)
    html = Client().post("/c/track/", {"code": concern.display_code.lower()}).content.decode()
    assert "办理中" in html and "已联系物业，本周内维修" in html and "已交由大行宫社区党支部办理" in html
    assert "内部：书记电话联系物业" not in html
    assert "rate-form" not in html  # no rating before resolution


def test_an_unknown_and_a_malformed_code_get_the_same_answer(city):
    filed(community=city.dahanggong)
    client = Client()
    unknown = client.post("/c/track/", {"code": "QRST-UVWX-YZ23"})
    malformed = client.post("/c/track/", {"code": "QRST-UVWX-YZ20"})
    assert unknown.status_code == malformed.status_code == 200
    for response in (unknown, malformed):
        assert "未找到该查询码对应的诉求" in response.content.decode()
    # the page differs only in the code echoed back in the field
    assert _without_csrf(unknown.content.decode()).replace("QRST-UVWX-YZ23", "CODE") == _without_csrf(
        malformed.content.decode()).replace("QRST-UVWX-YZ20", "CODE")


def test_rating_an_unknown_code_gets_the_same_answer_as_tracking_it(city):
    response = Client().post("/c/track/rate/", {"code": "ABCD-EFGH-JKMN", "rating": "satisfied"})
    assert "未找到该查询码对应的诉求" in response.content.decode()


def test_lookups_are_limited_per_address_with_a_chinese_message(city, settings):
    settings.CONCERN_RATE_LIMITS = {**settings.CONCERN_RATE_LIMITS, "lookup": {"count": 3, "seconds": 600}}
    concern = filed(community=city.dahanggong)
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):
        assert client.post("/c/track/", {"code": "ABCD-EFGH-JKMN"}).status_code == 200
    # even the right code is refused once the address has used its attempts
    refused = client.post("/c/track/", {"code": concern.tracking_code})
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()
    assert concern.description not in refused.content.decode()
    # the rating form counts too; another address is not affected
    assert client.post("/c/track/rate/", {"code": concern.tracking_code, "rating": "satisfied"}).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.8").post("/c/track/", {"code": concern.tracking_code}).status_code == 200


def test_filing_is_limited_per_address(city, settings):
    settings.CONCERN_RATE_LIMITS = {**settings.CONCERN_RATE_LIMITS, "file": {"count": 2, "seconds": 3600}}
    client = Client(REMOTE_ADDR="10.0.0.9")
    # a refused form does not use up an attempt
    _file(client, city, description="")
    assert _file(client, city).status_code == 302 and _file(client, city).status_code == 302
    refused = _file(client, city)
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert Concern.objects.count() == 2


def test_the_public_pages_escape_what_residents_wrote(city, community_admin):
    client = Client()
    _file(client, city, description=SCRIPT, location="<b>3栋</b>")
    concern = Concern.objects.get()
    html = client.post("/c/track/", {"code": concern.tracking_code}).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    staff = Client()
    staff.force_login(community_admin)
    detail = staff.get(f"/concerns/{concern.pk}/").content.decode()
    assert "<script>alert" not in detail and "&lt;b&gt;3栋&lt;/b&gt;" in detail


def test_a_resident_reads_the_reply_and_rates(city, community_admin):
    concern = resolved(actor=community_admin, community=city.dahanggong, organization=city.org(city.dahanggong),
                       reply="已更换路灯灯泡。")
    client = Client()
    html = client.post("/c/track/", {"code": concern.tracking_code}).content.decode()
    assert "已更换路灯灯泡。" in html and "rate-form" in html
    # 不满意 needs a reason: refused on the page, nothing changes
    refused = client.post("/c/track/rate/", {"code": concern.tracking_code, "rating": Rating.UNSATISFIED})
    assert "请说明不满意的原因" in refused.content.decode()
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.RESOLVED
    done = client.post("/c/track/rate/", {"code": concern.tracking_code, "rating": Rating.SATISFIED})
    assert "感谢您的评价" in done.content.decode()
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.EVALUATED
    # rating twice: the form is gone and a replayed post is refused
    again = client.post("/c/track/rate/", {"code": concern.tracking_code, "rating": Rating.UNSATISFIED,
                                           "comment": "再评一次"})
    assert "已评价过" in again.content.decode()
