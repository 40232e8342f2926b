"""The back office's concern pages: the scoped list and its filters (query count pinned), the
detail page with its actions, staff intake; 404 outside scope, 403 for read-only leaders."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.concerns.models import Concern, ConcernEvent, ConcernStatus
from dangjian.concerns.tests.factories import assigned, filed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_the_scope_only_with_masked_phones(city, community_admin):
    mine = filed(community=city.dahanggong, resident_phone="13812345678", description="大行宫社区：楼道灯不亮。")
    filed(community=city.changjianglu, description="长江路社区：垃圾清运不及时。")
    html = _client(community_admin).get("/concerns/").content.decode()
    assert "大行宫社区：楼道灯不亮" in html and "长江路社区：垃圾清运不及时" not in html
    assert "138****5678" in html and "13812345678" not in html
    assert f'data-concern="{mine.pk}"' in html


def test_the_list_filters_overdue_unassigned_category_and_area(city, street_admin):
    old = filed(community=city.dahanggong, description="早先反映的噪音问题", category="security",
                at=timezone.now() - datetime.timedelta(days=30))
    fresh = filed(community=city.changjianglu, description="刚反映的就业问题", category="employment")
    client = _client(street_admin)
    overdue = client.get("/concerns/?overdue=on").content.decode()
    assert old.description in overdue and fresh.description not in overdue
    by_category = client.get("/concerns/?category=employment").content.decode()
    assert fresh.description in by_category and old.description not in by_category
    by_area = client.get(f"/concerns/?area={city.changjianglu.pk}").content.decode()
    assert fresh.description in by_area and old.description not in by_area
    assert old.description in client.get("/concerns/?unassigned=on&status=open").content.decode()


def test_the_list_page_query_count_does_not_grow_with_rows(city, street_admin, superuser,
                                                          django_assert_max_num_queries):
    for index in range(12):
        concern = assigned(actor=superuser, community=city.dahanggong, organization=city.org(city.dahanggong),
                           description=f"第{index}件：小区道路破损。")
    assert concern
    client = _client(street_admin)
    client.get("/concerns/")  # warm the session and the sidebar
    with django_assert_max_num_queries(8):
        response = client.get("/concerns/?status=open")
    assert response.content.decode().count("data-concern=") == 12


def test_a_community_worker_assigns_notes_and_resolves_on_the_detail_page(city, community_admin):
    concern = filed(community=city.dahanggong)
    client = _client(community_admin)
    page = client.get(f"/concerns/{concern.pk}/").content.decode()
    assert "assign-form" in page and "大行宫社区党支部" in page
    response = client.post(f"/concerns/{concern.pk}/assign/", {"organization": city.org(city.dahanggong).pk})
    assert response.status_code == 302
    client.post(f"/concerns/{concern.pk}/note/", {"text": "已上门查看"})
    client.post(f"/concerns/{concern.pk}/resolve/", {"reply": "已为老人联系助餐点。"})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED and concern.reply == "已为老人联系助餐点。"


def test_assigning_nobody_on_the_page_shows_the_message_and_writes_nothing(city, community_admin):
    concern = filed(community=city.dahanggong)
    events = ConcernEvent.objects.count()
    response = _client(community_admin).post(f"/concerns/{concern.pk}/assign/", {})
    assert response.status_code == 200 and "请选择承办" in response.content.decode()
    assert ConcernEvent.objects.count() == events and Concern.objects.get(pk=concern.pk).status == "received"


def test_resolving_an_unassigned_concern_on_the_page_is_refused(city, community_admin):
    concern = filed(community=city.dahanggong)
    response = _client(community_admin).post(f"/concerns/{concern.pk}/resolve/", {"reply": "已处理"})
    assert "尚未交办" in response.content.decode() and Concern.objects.get(pk=concern.pk).status == "received"


def test_pages_of_another_communitys_concern_answer_404(city, community_admin):
    other = filed(community=city.changjianglu, description="长江路社区的诉求")
    client = _client(community_admin)
    for url in (f"/concerns/{other.pk}/", f"/concerns/{other.pk}/assign/", f"/concerns/{other.pk}/resolve/"):
        response = client.post(url, {"reply": "x"}) if url.endswith(("assign/", "resolve/")) else client.get(url)
        assert response.status_code == 404 and "长江路社区的诉求" not in response.content.decode()


def test_a_leader_reads_but_may_not_act(city, leader):
    concern = filed(community=city.dahanggong)
    client = _client(leader)
    page = client.get(f"/concerns/{concern.pk}/").content.decode()
    assert "assign-form" not in page
    assert client.post(f"/concerns/{concern.pk}/assign/", {"organization": city.org(city.dahanggong).pk}).status_code == 403


def test_staff_intake_gives_the_code_to_pass_on(city, community_admin):
    client = _client(community_admin)
    page = client.get("/concerns/new/").content.decode()
    assert "大行宫社区" in page and "长江路社区" not in page
    response = client.post("/concerns/new/", {"channel": "phone", "category": "elderly", "community": city.dahanggong.pk,
                                              "description": "独居老人需要定期探访。", "resident_phone": "025-84561234"},
                           follow=True)
    concern = Concern.objects.get()
    assert concern.display_code in response.content.decode() and concern.channel == "phone"


def test_staff_intake_in_another_community_is_refused(city, community_admin):
    response = _client(community_admin).post("/concerns/new/", {
        "channel": "phone", "category": "elderly", "community": city.changjianglu.pk, "description": "独居老人需要探访。"})
    assert response.status_code == 200 and not Concern.objects.exists()


def test_revealing_the_phone_is_audited(city, community_admin):
    concern = filed(community=city.dahanggong, resident_phone="13812345678")
    html = _client(community_admin).post(f"/concerns/{concern.pk}/reveal-phone/").content.decode()
    assert "13812345678" in html
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, object_id=str(concern.pk)).exists()
