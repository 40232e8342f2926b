"""The roster spreadsheets through /api/v1: upload → mapping → preview → commit → failed rows →
undo, the template and the export — the pages' services, scope and refusals, as JSON and files."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.core import crypto
from dangjian.members import exporting
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.factories import member
from dangjian.members.tests.rosters import HEADERS, clean_row, messy_roster, person, workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("imports_run_now")]
State = ImportBatch.State
API = "/api/v1/member-imports"
FULL_ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def upload(client: Client, organization_id: int, data: bytes, name: str = "花名册.xlsx"):
    return client.post(API, {"organization": organization_id, "file": SimpleUploadedFile(name, data)})


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def sheet_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_a_messy_roster_goes_from_upload_to_undo_through_the_api(city, street_admin):
    client = client_for(street_admin)
    roster = messy_roster(60)
    # upload: the header row is found below the title, the columns are proposed, no full number shown
    response = upload(client, city.org(city.dahanggong).pk, roster.data)
    assert response.status_code == 201, response.content
    batch = response.json()
    assert batch["state"] == State.UPLOADED and batch["header_line"] == 3
    assert {"name", "id_number", "joined_on"} <= set(batch["columns"])
    assert batch["samples"] and not FULL_ID_NUMBER.search(str(batch["samples"]))
    required = {field["key"] for field in client.get(f"{API}/fields").json() if field["required"]}
    assert required <= set(batch["columns"])
    # preview with the proposed mapping: every bad row listed with its reason, numbers masked
    response = post(client, f"{API}/{batch['id']}/preview", {"columns": batch["columns"]})
    assert response.status_code == 200, response.content
    previewed = client.get(f"{API}/{batch['id']}").json()
    assert previewed["state"] == State.PREVIEWED and previewed["error_count"] == len(roster.bad_lines)
    by_line = {entry["line"]: " ".join(entry["messages"]) for entry in previewed["errors"]}
    for line, word in roster.bad_lines.items():
        assert word in by_line[line], (line, word)
    assert not FULL_ID_NUMBER.search(str(previewed["errors"]))
    # commit without choosing: refused, nothing written
    response = post(client, f"{API}/{batch['id']}/commit")
    assert response.status_code == 422 and "整批不予导入" in response.json()["detail"]
    assert not Member.objects.filter(import_batch_id=batch["id"]).exists()
    # the valid rows only: done, and the members are in the roster
    done = post(client, f"{API}/{batch['id']}/commit", {"only_valid_rows": True}).json()
    assert done["state"] == State.DONE and done["imported_rows"] == roster.valid_rows
    assert done["undo_blocker"] is None
    assert Member.objects.filter(import_batch_id=batch["id"]).count() == roster.valid_rows
    # the failed rows come back as uploaded, with their reasons
    response = client.get(f"{API}/{batch['id']}/failed-rows")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][-1] == exporting.REASON_HEADER and sorted(int(row[0]) for row in rows[1:]) == sorted(roster.bad_lines)
    # undo: the batch's members are gone, and the undo is audited
    undone = post(client, f"{API}/{batch['id']}/undo").json()
    assert undone["state"] == State.UNDONE
    assert not Member.objects.filter(import_batch_id=batch["id"]).exists()
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(batch["id"])).count() == 2
    listed = client.get(API).json()
    assert [item["id"] for item in listed] == [batch["id"]] and listed[0]["state"] == State.UNDONE


def test_a_batch_whose_worker_died_is_reported_interrupted_and_can_be_retried(city, street_admin, settings):
    # an import running with no worker holding its lock (the worker was killed): the batch's
    # answer says so at once, and the retry queues it again
    client = client_for(street_admin)
    batch = upload(client, city.org(city.dahanggong).pk, workbook_bytes(
        [HEADERS] + [clean_row(person(index)) for index in range(3)])).json()
    post(client, f"{API}/{batch['id']}/preview", {"columns": batch["columns"]})
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    post(client, f"{API}/{batch['id']}/commit")
    ImportBatch.objects.filter(pk=batch["id"]).update(state=State.RUNNING)
    answer = client.get(f"{API}/{batch['id']}").json()
    assert answer["state"] == State.FAILED and answer["message"].startswith("导入中断")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    retried = post(client, f"{API}/{batch['id']}/retry").json()
    assert retried["state"] == State.DONE and retried["imported_rows"] == 3


def test_a_mapping_without_a_required_field_is_refused_with_the_reason(city, street_admin):
    client = client_for(street_admin)
    batch = upload(client, city.org(city.dahanggong).pk, workbook_bytes([HEADERS, clean_row(person(1))])).json()
    columns = {key: index for key, index in batch["columns"].items() if key != "id_number"}
    response = post(client, f"{API}/{batch['id']}/preview", {"columns": columns})
    assert response.status_code == 422 and "身份证" in response.json()["detail"] + str(response.json())
    assert ImportBatch.objects.get().state == State.UPLOADED


@pytest.mark.parametrize(("name", "data", "message"), [
    ("名单.txt", b"abc", "只能导入"),
    ("名单.xlsx", b"", "空的"),
    ("名单.xlsx", b"not a workbook", "无法读取"),
])
def test_files_that_cannot_be_imported_are_refused_and_nothing_is_kept(city, street_admin, name, data, message):
    response = upload(client_for(street_admin), city.org(city.dahanggong).pk, data, name)
    assert response.status_code == 422 and message in str(response.json())
    assert not ImportBatch.objects.exists()


def test_scope_and_write_rights_are_the_pages(city, street_admin, org_admin, leader):
    data = workbook_bytes([HEADERS, clean_row(person(1))])
    # an organization outside the caller's scope does not exist for them
    assert upload(client_for(street_admin), city.org(city.fuzimiao).pk, data).status_code == 404
    # a read-only leader may not upload
    assert upload(client_for(leader), city.org(city.dahanggong).pk, data).status_code == 403
    assert not ImportBatch.objects.exists()
    batch = upload(client_for(street_admin), city.org(city.dahanggong).pk, data).json()
    outsider = client_for(org_admin)
    for path in ("", "/failed-rows"):
        assert outsider.get(f"{API}/{batch['id']}{path}").status_code == 404, path
    for path in ("/preview", "/commit", "/retry", "/undo"):
        assert post(outsider, f"{API}/{batch['id']}{path}", {"columns": batch["columns"]}).status_code == 404, path
    assert outsider.get(API).json() == []
    # a batch with no failed rows has no failed-rows workbook
    assert client_for(street_admin).get(f"{API}/{batch['id']}/failed-rows").status_code == 404
    assert ImportBatch.objects.get().state == State.UPLOADED


def test_the_template_downloads_with_the_headers(city, street_admin):
    response = client_for(street_admin).get(f"{API}/template")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert [cell.rstrip("*") for cell in rows[0][:4]] == ["姓名", "性别", "民族", "身份证号码"]


def test_the_export_is_the_filtered_scoped_roster_masked_and_audited(city, street_admin, leader, superuser):
    inside = member(actor=superuser, organization=city.org(city.dahanggong), name="甲党员")
    outside = member(actor=superuser, organization=city.org(city.fuzimiao), name="乙党员")
    client = client_for(street_admin)
    response = client.post("/api/v1/member-export?q=甲党员")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    names = [row[0] for row in rows[1:]]
    assert names == ["甲党员"] and outside.name not in names
    assert not FULL_ID_NUMBER.search(str(rows)) and inside.id_number_masked in str(rows)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.detail["rows"] == 1 and entry.detail["filters"]["q"] == "甲党员"
    # full numbers on request, for members the caller may reveal
    response = client.post("/api/v1/member-export?q=甲党员&full_id_numbers=true")
    assert crypto.decrypt(Member.objects.get(pk=inside.pk).id_number_ciphertext) in str(
        sheet_rows(b"".join(response.streaming_content)))
    # a read-only leader never gets them; an organization outside scope is a 404
    assert client_for(leader).post("/api/v1/member-export?full_id_numbers=true").status_code == 403
    assert client.post(f"/api/v1/member-export?organization={city.org(city.fuzimiao).pk}").status_code == 404
