"""The member roster in the back office: scope, columns, filters, search, the add/edit form
through the services, the change page and the audited ID reveal."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.core.models import Code
from dangjian.members import admin as member_admin
from dangjian.members import services
from dangjian.members.models import Employment, Member, Standing
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

ROSTER = "/admin/members/member/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _years_ago(years: int, *, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28)) - datetime.timedelta(days=days)


def _rows(response) -> str:
    match = re.search(r'<table id="result_list".*?</table>', response.content.decode(), re.S)
    return match.group(0) if match else ""


@pytest.fixture
def roster(city, superuser):
    """Members in 大行宫社区 (the community administrator's), 长江路社区 and 秦淮区 (outside 玄武区)."""
    dahanggong, changjianglu = city.org(city.dahanggong), city.org(city.changjianglu)
    return {
        "wang": member(actor=superuser, organization=dahanggong, name="王建国", phone="13912345678",
                       employment=Employment.RETIRED, birth=datetime.date(1950, 3, 1),
                       joined_on=_years_ago(52), full_member_on=_years_ago(51), education="21"),
        "li": member(actor=superuser, organization=dahanggong, name="李晓梅", phone="13800001111",
                     birth=_years_ago(30), joined_on=_years_ago(5), full_member_on=None, status="probationary"),
        "zhao": member(actor=superuser, organization=changjianglu, name="赵卫东", employment=Employment.LAID_OFF,
                       birth=datetime.date(1970, 8, 8), has_difficulty=True, difficulty_reason="大病"),
        "sun": member(actor=superuser, organization=city.org(city.fuzimiao), name="孙秦淮"),
    }


def test_roster_shows_the_scope_masked_and_sorted_by_pinyin(roster, street_admin, django_assert_max_num_queries):
    # given the street administrator of 梅园新村街道
    client = _client(street_admin)
    # when the roster opens
    with django_assert_max_num_queries(6):
        response = client.get(ROSTER)
    # then it lists the street's members by pinyin (李 < 王 < 赵), never 秦淮区's
    assert response.status_code == 200
    rows = _rows(response)
    assert rows.index("李晓梅") < rows.index("王建国") < rows.index("赵卫东")
    assert "孙秦淮" not in rows
    # and ID numbers and phones are masked
    assert roster["wang"].id_number_masked in rows
    assert "139****5678" in rows and "13912345678" not in rows
    # with the care markers and the 50-year mark
    assert "离退休" in rows and "困难" in rows and "光荣在党50年" in rows


def test_roster_cells_carry_one_class_styled_by_the_roster_stylesheet(roster, street_admin):
    # given the street administrator's roster
    response = _client(street_admin).get(ROSTER)
    page = response.content.decode()
    # then each cell carries roster-cell (roster.css) instead of unfold's utility list, which
    # made up most of the page's HTML (docs/benchmarks.md), and the page links the stylesheet
    rows = _rows(response)
    assert '<td class="field-sex_display roster-cell" data-label="性别">' in rows
    assert 'class="roster-link"' in rows
    assert "h-[45px]" not in rows and "before:content-[attr(data-label)]" not in rows
    assert re.search(r'<link href="/static/dangjian/roster(\.[0-9a-f]+)?\.css" rel="stylesheet">', page)


def test_roster_query_count_does_not_grow_with_rows(roster, city, superuser, street_admin,
                                                   django_assert_max_num_queries):
    for index in range(30):
        member(actor=superuser, organization=city.org(city.dahanggong), name=f"测试{index}号")
    services.member_float_out(actor=superuser, member=roster["li"], place="上海", started_on=_years_ago(1))
    client = _client(street_admin)
    with django_assert_max_num_queries(6):
        response = client.get(f"{ROSTER}?care=floating")
    assert "李晓梅" in _rows(response) and "流动" in _rows(response)


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("status=probationary", ["李晓梅"], ["王建国"]),
    ("employment=laid_off", ["赵卫东"], ["王建国", "李晓梅"]),
    ("care=off_post", ["王建国", "赵卫东"], ["李晓梅"]),
    ("care=difficulty", ["赵卫东"], ["王建国"]),
    ("age=-34", ["李晓梅"], ["王建国", "赵卫东"]),
    ("age=71-", ["王建国"], ["李晓梅", "赵卫东"]),
    ("age=46-60", ["赵卫东"], ["王建国", "李晓梅"]),
    ("standing_years=50-", ["王建国"], ["李晓梅", "赵卫东"]),
    ("standing_years=-9", [], ["王建国", "李晓梅"]),
    ("education=21", ["王建国"], ["李晓梅"]),
])
def test_roster_filters(roster, street_admin, query, expected, absent):
    rows = _rows(_client(street_admin).get(f"{ROSTER}?{query}"))
    for name in expected:
        assert name in rows, (query, name)
    for name in absent:
        assert name not in rows, (query, name)


def test_organization_filter_takes_the_subtree(roster, city, street_admin):
    # 梅园新村街道党工委 covers both community organizations under it
    street_org = city.org(city.meiyuan)
    rows = _rows(_client(street_admin).get(f"{ROSTER}?organization__id__exact={street_org.pk}"))
    assert "王建国" in rows and "赵卫东" in rows
    rows = _rows(_client(street_admin).get(f"{ROSTER}?organization__id__exact={city.org(city.dahanggong).pk}"))
    assert "王建国" in rows and "赵卫东" not in rows


def test_organization_filter_outside_scope_shows_nothing_and_no_name(roster, city, street_admin):
    outside = city.org(city.fuzimiao)
    response = _client(street_admin).get(f"{ROSTER}?organization__id__exact={outside.pk}")
    assert response.status_code == 200
    assert "孙秦淮" not in response.content.decode()
    assert outside.name not in response.content.decode()
    assert "选择一个有效的选项" in response.content.decode()  # the filter says the choice is not offered


def test_left_members_are_hidden_by_default_and_reachable(roster, superuser, street_admin):
    services.member_close(actor=superuser, member=roster["wang"], standing=Standing.DECEASED,
                          left_on=timezone.localdate())
    client = _client(street_admin)
    assert "王建国" not in _rows(client.get(ROSTER))
    assert "王建国" in _rows(client.get(f"{ROSTER}?standing=left"))
    page = client.get(f"{ROSTER}{roster['wang'].pk}/change/")
    assert page.status_code == 200 and "去世" in page.content.decode()


@pytest.mark.parametrize(("term", "found"), [
    ("王建", "王建国"), ("wangjianguo", "王建国"), ("wangj", "王建国"), ("wjg", "王建国"), ("WJG", "王建国"),
    ("1391234", "王建国"), ("13800", "李晓梅"),
])
def test_search_by_name_pinyin_initials_and_phone(roster, street_admin, term, found):
    rows = _rows(_client(street_admin).get(ROSTER, {"q": term}))
    assert found in rows
    assert "赵卫东" not in rows


def test_search_by_full_id_number_goes_through_the_blind_index(city, superuser, street_admin):
    number = valid_id_number(birth=datetime.date(1985, 1, 2))
    member(actor=superuser, organization=city.org(city.dahanggong), name="周全", id_number=number,
           birth=datetime.date(1985, 1, 2))
    client = _client(street_admin)
    assert "周全" in _rows(client.get(ROSTER, {"q": number.lower()}))
    # a substring of the number finds nothing: the table is never decrypted or scanned
    assert "周全" not in _rows(client.get(ROSTER, {"q": number[:10]}))


def test_search_never_finds_a_member_outside_the_scope(roster, street_admin):
    assert "孙秦淮" not in _rows(_client(street_admin).get(ROSTER, {"q": "sqh"}))


# ---------------------------------------------------------------- add and edit


def _form_data(city, **overrides):
    data = {
        "name": "钱多多", "id_number": valid_id_number(birth=datetime.date(1988, 6, 1)),
        "ethnicity": Code.objects.get(table="ethnicity", code="01").pk, "education": "", "phone": "13700000000",
        "organization": city.org(city.dahanggong).pk, "status": "full", "joined_on": "2010-07-01",
        "full_member_on": "2011-07-01", "employment": "employed", "workplace_unit": "", "workplace_text": "",
        "residence_area": "", "difficulty_reason": "", "notes": "", "_save": "保存",
    }
    data.update(overrides)
    return data


def test_adding_a_member_goes_through_the_service(city, community_admin):
    response = _client(community_admin).post(f"{ROSTER}add/", _form_data(city))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Member.objects.get(name="钱多多")
    assert created.birth_date == datetime.date(1988, 6, 1) and created.name_initials == "qdd"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk),
                                     object_type=Member._meta.label).exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"id_number": "320102198806010000"}, "校验"),
    ({"full_member_on": "2009-01-01"}, "转正时间不能早于入党时间"),
])
def test_adding_refuses_bad_input_in_chinese_and_writes_nothing(city, community_admin, overrides, message):
    response = _client(community_admin).post(f"{ROSTER}add/", _form_data(city, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.filter(name="钱多多").exists()


def test_adding_outside_the_scope_is_refused(city, community_admin):
    response = _client(community_admin).post(f"{ROSTER}add/",
                                             _form_data(city, organization=city.org(city.fuzimiao).pk))
    assert response.status_code == 200
    assert not Member.objects.filter(name="钱多多").exists()


def test_editing_with_a_blank_id_number_keeps_it(roster, city, community_admin):
    wang = roster["wang"]
    digest = wang.id_number_digest
    client = _client(community_admin)
    page = client.get(f"{ROSTER}{wang.pk}/change/").content.decode()
    assert wang.id_number_masked in page
    data = _form_data(city, name="王建国", id_number="", phone="13911112222", status="full",
                      joined_on=str(wang.joined_on), full_member_on=str(wang.full_member_on), employment="retired",
                      education=wang.education_id)
    data.pop("organization")
    response = client.post(f"{ROSTER}{wang.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    wang.refresh_from_db()
    assert wang.phone == "13911112222" and wang.id_number_digest == digest


# ---------------------------------------------------------------- the change page


def test_change_page_shows_records_and_lifecycle_buttons(roster, superuser, community_admin):
    li = roster["li"]
    services.member_float_out(actor=superuser, member=li, place="苏州工业园区", started_on=_years_ago(1))
    services.care_visit_record(actor=superuser, member=li, visited_on=timezone.localdate(), visitor="社区书记",
                               findings="身体健康")
    page = _client(community_admin).get(f"{ROSTER}{li.pk}/change/").content.decode()
    assert "苏州工业园区" in page and "身体健康" in page
    assert f"/members/{li.pk}/make-full/" in page and f"/members/{li.pk}/transfer/" in page
    assert "显示完整身份证号" in page
    assert "history" in page  # simple-history's button


def test_leader_sees_no_buttons_and_cannot_reveal(roster, leader):
    wang = roster["wang"]
    client = _client(leader)
    page = client.get(f"{ROSTER}{wang.pk}/change/").content.decode()
    assert "显示完整身份证号" not in page and "/transfer/" not in page
    response = client.post(f"{ROSTER}{wang.pk}/reveal-id/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_shows_the_number_once_and_is_audited(city, superuser, community_admin):
    number = valid_id_number(birth=datetime.date(1977, 7, 7))
    someone = member(actor=superuser, organization=city.org(city.dahanggong), name="吴明", id_number=number,
                     birth=datetime.date(1977, 7, 7))
    client = _client(community_admin)
    # a GET reveals nothing
    assert client.get(f"{ROSTER}{someone.pk}/reveal-id/").status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()
    response = client.post(f"{ROSTER}{someone.pk}/reveal-id/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and number in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.actor == community_admin and entry.object_id == str(someone.pk)


def test_reveal_outside_scope_is_404(roster, community_admin):
    response = _client(community_admin).post(f"{ROSTER}{roster['sun'].pk}/reveal-id/")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_organization_autocomplete_offers_only_the_scope(city, community_admin):
    response = _client(community_admin).get("/admin/autocomplete/", {
        "app_label": "members", "model_name": "member", "field_name": "organization", "term": ""})
    assert response.status_code == 200
    names = {item["text"] for item in response.json()["results"]}
    assert city.org(city.dahanggong).name in names
    assert city.org(city.changjianglu).name not in names and city.org(city.fuzimiao).name not in names


def test_roster_filter_panel_renders_the_scoped_organization(city, street_admin):
    chosen = city.org(city.dahanggong)
    page = _client(street_admin).get(f"{ROSTER}?organization__id__exact={chosen.pk}").content.decode()
    assert "unfold-filter-autocomplete" in page and f">{chosen.name}<" in page


def test_add_page_asks_for_the_full_id_number(community_admin):
    page = _client(community_admin).get(f"{ROSTER}add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="id_number"' in html and "出生日期和性别由号码自动推算" in html
    assert "显示完整身份证号" not in html


def test_reveal_without_htmx_shows_a_page_with_the_number(city, superuser, community_admin):
    number = valid_id_number(birth=datetime.date(1979, 9, 9))
    someone = member(actor=superuser, organization=city.org(city.dahanggong), name="郭明", id_number=number,
                     birth=datetime.date(1979, 9, 9))
    response = _client(community_admin).post(f"{ROSTER}{someone.pk}/reveal-id/")
    assert response.status_code == 200
    html = response.content.decode()
    assert number in html and "已记入审计日志" in html


# ---------------------------------------------------------------- the page's cost


def test_roster_page_queries_are_pinned(roster, street_admin, django_assert_num_queries):
    # session, user, grants, education codes, the page: no count (the page reads one row past
    # itself), no query per organization, sex or floating flag, and no permission lookups for
    # Django's application list, which no page shows
    client = _client(street_admin)
    client.get(ROSTER)
    with django_assert_num_queries(5) as captured:
        response = client.get(ROSTER)
    assert "王建国" in _rows(response)
    assert not [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    # the page joins nothing before its LIMIT (no organization or code rows built for every
    # member of the scope): the names are scalar subqueries, evaluated for the page's rows
    page = next(query["sql"] for query in captured.captured_queries
                if "ORDER BY" in query["sql"] and '"members_member"."name_pinyin"' in query["sql"])
    assert " JOIN " not in page.split(" WHERE ")[0]
    assert "id_number_ciphertext" not in page
    assert "LIMIT 51" in page
    # the whole list is on the page, so its total is known without a request of its own
    assert "共 3 名党员" in response.content.decode() and "hx-get" not in _total(response)


def _total(response) -> str:
    match = re.search(r'<span[^>]*data-testid="roster-total".*?</span>', response.content.decode(), re.S)
    return match.group(0) if match else ""


def test_a_roster_longer_than_its_page_leaves_its_total_to_a_request_of_its_own(
        roster, street_admin, monkeypatch, django_assert_num_queries):
    # given a page of two rows over the street's three members
    monkeypatch.setattr(member_admin.MemberAdmin, "list_per_page", 2)
    client = _client(street_admin)
    client.get(ROSTER)
    # when the filtered roster opens, it reads the page and one row more, and counts nothing
    with django_assert_num_queries(5) as captured:
        response = client.get(ROSTER, {"standing": "active", "o": "1"})
    assert not [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    rows = _rows(response)
    assert rows.count('class="roster-link"') == 2
    # then the page goes forward (previous/next) and asks for its total with the same filters
    assert type(response.context["cl"].paginator).__name__ == "InfinitePaginator"
    total = _total(response)
    assert 'hx-get="/admin/members/member/count/?standing=active&amp;o=1"' in total
    assert 'hx-trigger="load"' in total and "正在统计人数" in total
    assert 'id="roster-pagination"' in response.content.decode()
    # and the next page lists the third member, whose total is then known (the last page)
    last = client.get(ROSTER, {"p": "2"})
    assert _rows(last).count('class="roster-link"') == 1 and "共 3 名党员" in _total(last)


def test_the_roster_total_counts_the_pages_list_once_and_brings_the_numbered_pages(
        roster, street_admin, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(member_admin.MemberAdmin, "list_per_page", 2)
    client = _client(street_admin)
    client.get(f"{ROSTER}count/")
    # session, user, grants, education codes (the filters' lookups), one bounded count
    with django_assert_num_queries(5) as captured:
        response = client.get(f"{ROSTER}count/", {"p": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 10001" in counts[0]
    html = response.content.decode()
    assert '<span class="text-sm' in html and "共 3 名党员" in html
    # below the cap the numbered pages replace previous/next, the asking page marked
    assert 'id="roster-pagination" class="contents" hx-swap-oob="true"' in html
    assert '<span class="font-medium text-primary-600">2</span>' in html and 'href="?p=1"' in html
    # the same filters and search as the page
    assert "共 1 名党员" in client.get(f"{ROSTER}count/", {"status": "probationary"}).content.decode()
    assert "共 1 名党员" in client.get(f"{ROSTER}count/", {"q": "wjg"}).content.decode()
    assert "共 0 名党员" in client.get(f"{ROSTER}count/", {"q": "孙秦淮"}).content.decode()


def test_past_the_cap_the_total_says_so_and_the_pages_stay_previous_next(roster, street_admin, monkeypatch):
    monkeypatch.setattr("dangjian.members.admin_roster.ROSTER_COUNT_CAP", 2)
    html = _client(street_admin).get(f"{ROSTER}count/").content.decode()
    assert "超过 2 名党员" in html and "共 3 名党员" not in html
    assert "roster-pagination" not in html


def test_a_page_past_the_end_keeps_djangos_answer(roster, street_admin, monkeypatch):
    monkeypatch.setattr(member_admin.MemberAdmin, "list_per_page", 2)
    response = _client(street_admin).get(ROSTER, {"p": "9"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_roster_organization_filter_reads_the_organization_once(roster, city, street_admin,
                                                                django_assert_num_queries):
    # the pinned page's five, and the chosen organization read once from the actor's scope: the
    # filter panel shows the one the filter found (no second read for the autocomplete widget)
    client = _client(street_admin)
    url = f"{ROSTER}?organization__id__exact={city.org(city.dahanggong).pk}"
    client.get(url)
    with django_assert_num_queries(6) as captured:
        response = client.get(url)
    assert "王建国" in _rows(response)
    assert f'selected>{city.org(city.dahanggong).name}<' in response.content.decode()
    assert sum(query["sql"].startswith('SELECT "organizations_partyorganization"')
               for query in captured.captured_queries) == 1  # the filter's (the page's names are in its query)


def test_roster_shows_its_total(roster, street_admin):
    assert "共 3 名党员" in _client(street_admin).get(ROSTER).content.decode()


def test_roster_rows_keep_the_change_links_with_the_filters(roster, street_admin):
    rows = _rows(_client(street_admin).get(f"{ROSTER}?status=full"))
    assert f'href="/admin/members/member/{roster["wang"].pk}/change/?_changelist_filters=status%3Dfull"' in rows


def test_filters_keep_their_choice_and_load_no_organization_list(roster, city, street_admin):
    html = _client(street_admin).get(f"{ROSTER}?status=full&standing_years=50-").content.decode()
    assert '<option value="full" selected>正式党员</option>' in html
    assert '<option value="50-" selected>50年及以上（光荣在党50年）</option>' in html
    assert '<option value="active" selected>在册</option>' in html  # the default standing
    # the organization filter is an autocomplete: no option per organization in the page
    assert city.org(city.meiyuan).name not in html
