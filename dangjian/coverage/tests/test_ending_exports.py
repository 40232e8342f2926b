"""Ending an appointment, an assignment and a pairing from their pages and the API (a date and
a required confirmation; refusals in Chinese with nothing written; leaders 403, outside scope
404), and the board's two .xlsx downloads read back: scoped like the board, audited."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import superuser
from dangjian.coverage import services, services_cobuild
from dangjian.coverage.models import Instructor, InstructorAssignment, Pairing
from dangjian.coverage.tests.factories import gap_community, instructor

pytestmark = [pytest.mark.usefixtures("module_city"), pytest.mark.django_db]
DAY = datetime.timedelta(days=1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _today() -> str:
    return timezone.localdate().isoformat()


def _assigned(city, street=None, name="李指导"):
    street = street or city.meiyuan
    appointed = instructor(city, area=street, name=name)
    assignment = services.instructor_assign(actor=superuser(), instructor=appointed, unit=city.uncovered_unit(street))
    return appointed, assignment


def test_instructor_is_ended_from_its_page_with_confirmation(city, street_admin, leader):
    appointed, assignment = _assigned(city)
    client = _client(street_admin)
    page = client.get(f"/coverage/instructors/{appointed.pk}/").content.decode()
    assert 'data-testid="end-form"' in page and "确认解聘" in page
    url = f"/coverage/instructors/{appointed.pk}/end/"
    reader = _client(leader)  # signing in is audited: count after it
    audits = AuditEntry.objects.count()
    unconfirmed = client.post(url, {"end-ended_on": _today()})
    assert unconfirmed.status_code == 400 and "请勾选确认后再提交" in unconfirmed.content.decode()
    future = client.post(url, {"end-ended_on": (timezone.localdate() + DAY).isoformat(), "end-confirm": "on"})
    assert future.status_code == 400 and "解聘日期不能晚于今天" in future.content.decode()
    assert reader.post(url, {"end-ended_on": _today(), "end-confirm": "on"}).status_code == 403
    assert Instructor.objects.get(pk=appointed.pk).ended_on is None and AuditEntry.objects.count() == audits

    assert client.post(url, {"end-ended_on": _today(), "end-confirm": "on"}).status_code == 302
    assert Instructor.objects.get(pk=appointed.pk).ended_on == timezone.localdate()
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == timezone.localdate()
    again = client.post(url, {"end-ended_on": _today(), "end-confirm": "on"})
    assert again.status_code == 400 and "该指导员已解聘" in again.content.decode()
    # Another street's instructor is not the street administrator's: 404 that says nothing.
    elsewhere, _assignment = _assigned(city, city.xinjiekou, name="新街口指导员")
    hidden = client.post(f"/coverage/instructors/{elsewhere.pk}/end/", {"end-ended_on": _today(), "end-confirm": "on"})
    assert hidden.status_code == 404 and "新街口指导员" not in hidden.content.decode()
    assert Instructor.objects.get(pk=elsewhere.pk).ended_on is None


def test_assignment_is_ended_from_the_unit_page_and_the_unit_becomes_a_blank_spot_again(city, street_admin):
    gap = gap_community(city)
    unit = gap.empty
    assignment = services.instructor_assign(actor=street_admin, instructor=instructor(city), unit=unit)
    client = _client(street_admin)
    page = client.get(f"/coverage/units/{unit.pk}/").content.decode()
    assert 'data-testid="assignment-end-form"' in page
    url = f"/coverage/assignments/{assignment.pk}/end/"
    prefix = f"end{assignment.pk}"
    before = client.post(url, {f"{prefix}-ended_on": (assignment.started_on - DAY).isoformat(),
                               f"{prefix}-confirm": "on"})
    assert before.status_code == 400 and "结束日期不能早于指派日期" in before.content.decode()
    assert client.post(url, {f"{prefix}-ended_on": _today(), f"{prefix}-confirm": "on"}).status_code == 302
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == timezone.localdate()
    assert client.get(f"/api/v1/coverage/units/{unit.pk}").json()["coverage"] == "none"
    spots = client.get("/api/v1/coverage/blank-spots?open_only=true").json()["items"]
    assert any(row["rule_code"] == "COV-02" and row["unit"]["id"] == unit.pk for row in spots)  # recorded again
    again = client.post(url, {f"{prefix}-ended_on": _today(), f"{prefix}-confirm": "on"})
    assert again.status_code == 400 and "该指派已结束" in again.content.decode()


def test_pairing_is_ended_from_its_page(city, street_admin, leader):
    pairing = services_cobuild.pairing_create(
        actor=street_admin, community_organization=city.org(city.changjianglu),
        unit_organization=city.unit_branch(city.meiyuan), signed_on=timezone.localdate() - 30 * DAY,
        commitments="共建承诺")
    client = _client(street_admin)
    url = f"/coverage/pairings/{pairing.pk}/end/"
    assert _client(leader).post(url, {"end-ended_on": _today(), "end-confirm": "on"}).status_code == 403
    refused = client.post(url, {"end-ended_on": (pairing.signed_on - DAY).isoformat(), "end-confirm": "on"})
    assert refused.status_code == 400 and "终止日期不能早于签订日期" in refused.content.decode()
    assert client.post(url, {"end-ended_on": _today(), "end-confirm": "on"}).status_code == 302
    page = client.get(f"/coverage/pairings/{pairing.pk}/").content.decode()
    assert "终止）" in page and 'data-testid="activity-form"' not in page and 'data-testid="end-form"' not in page


def test_api_ends_appointments_assignments_and_pairings(city, street_admin, leader):
    appointed, assignment = _assigned(city)
    other, other_assignment = _assigned(city, name="王指导")
    pairing = services_cobuild.pairing_create(
        actor=street_admin, community_organization=city.org(city.changjianglu),
        unit_organization=city.unit_branch(city.meiyuan), signed_on=timezone.localdate() - 30 * DAY,
        commitments="共建承诺")
    api, body = _client(street_admin), {"ended_on": _today()}

    def post(client, url, data=body):
        return client.post(f"/api/v1/coverage/{url}", data, content_type="application/json")

    assert post(_client(leader), f"instructors/{appointed.pk}/end").status_code == 403
    future = post(api, f"assignments/{other_assignment.pk}/end", {"ended_on": (timezone.localdate() + DAY).isoformat()})
    assert future.status_code == 422 and "结束日期不能晚于今天" in future.json()["detail"]
    ended = post(api, f"assignments/{other_assignment.pk}/end")
    assert ended.status_code == 200 and ended.json()["ended_on"] == _today()
    assert Instructor.objects.get(pk=other.pk).ended_on is None  # only the assignment ended
    ended = post(api, f"instructors/{appointed.pk}/end")
    assert ended.status_code == 200 and ended.json()["ended_on"] == _today()
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == timezone.localdate()
    assert post(api, f"pairings/{pairing.pk}/end").json()["ended_on"] == _today()
    again = post(api, f"pairings/{pairing.pk}/end")
    assert again.status_code == 422 and "该结对已终止" in again.json()["detail"]
    elsewhere, elsewhere_assignment = _assigned(city, city.xinjiekou, name="新街口指导员")
    for url in (f"instructors/{elsewhere.pk}/end", f"assignments/{elsewhere_assignment.pk}/end"):
        hidden = post(api, url)
        assert hidden.status_code == 404 and "新街口指导员" not in hidden.content.decode()
    assert Pairing.objects.get(pk=pairing.pk).ended_on == timezone.localdate()


def _rows(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def test_units_export_reads_back_scoped_and_audited(city, street_admin, django_assert_max_num_queries):
    gap = gap_community(city)
    appointed = instructor(city)
    services.instructor_assign(actor=street_admin, instructor=appointed, unit=gap.empty)
    client = _client(street_admin)
    with django_assert_max_num_queries(12):
        response = client.get(f"/coverage/export/units.xlsx?area={gap.community.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response.content)["两新组织覆盖情况"]
    assert rows[0][0] == "玄武新村社区两新组织党的组织和工作覆盖情况"
    assert rows[2][1] == "单位名称" and rows[2][-1] == "覆盖情况"
    by_name = {row[1]: row for row in rows[3:]}
    assert set(by_name) == {u.name for u in (gap.own, gap.small, gap.neighbour, gap.empty)}
    assert by_name[gap.empty.name][-1] == "仅选派指导员" and by_name[gap.own.name][-1] == "未覆盖"
    assert by_name[gap.own.name][4] == "梅园新村街道" and by_name[gap.own.name][7] == 3  # street, full members
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.actor == street_admin and entry.detail["what"] == "两新组织覆盖情况" and entry.detail["rows"] == 4

    # From the district (above the street administrator's scope): still only their own street.
    district = _rows(client.get(f"/coverage/export/units.xlsx?area={city.xuanwu.pk}").content)["两新组织覆盖情况"]
    names = {row[1] for row in district[3:]}
    assert city.uncovered_unit(city.meiyuan).name in names and city.uncovered_unit(city.xinjiekou).name not in names
    assert client.get(f"/coverage/export/units.xlsx?area={city.fuzimiao.pk}").status_code == 404
    assert client.get("/coverage/export/units.xlsx?area=abc").status_code == 404


def test_uncovered_export_lists_units_and_open_blank_spots_with_advice(city, street_admin, leader):
    gap = gap_community(city)
    services.blank_spots_sync()
    response = _client(leader).get(f"/coverage/export/uncovered.xlsx?area={gap.community.pk}")  # a reader may export
    assert response.status_code == 200
    sheets = _rows(response.content)
    assert {row[1] for row in sheets["未覆盖单位"][2:]} == {u.name for u in (gap.own, gap.small, gap.neighbour,
                                                                         gap.empty)}
    spots = {(row[1], row[3]): row for row in sheets["空白点"][2:]}
    assert set(spots) == {("COV-01", gap.own.name), ("COV-01J", gap.small.name), ("COV-01J", gap.neighbour.name),
                          ("COV-02", gap.empty.name), ("ORG-08", None)}
    assert "指导员" in spots[("COV-02", gap.empty.name)][5]  # the rule's recommended action
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.actor == leader and entry.detail["rows"] == 9
    # Fixing a spot takes it off the next download.
    services.instructor_assign(actor=street_admin, instructor=instructor(city), unit=gap.empty)
    sheets = _rows(_client(street_admin).get(f"/coverage/export/uncovered.xlsx?area={gap.community.pk}").content)
    assert gap.empty.name not in {row[1] for row in sheets["未覆盖单位"][2:]}
    assert ("COV-02", gap.empty.name) not in {(row[1], row[3]) for row in sheets["空白点"][2:]}
