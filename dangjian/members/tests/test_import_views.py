"""The import pages: upload → map → preview → commit → progress → roster, their refusals, undo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.accounts.tests.factories import client_for
from dangjian.members import selectors
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.rosters import HEADERS, clean_row, messy_roster, person, workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city", "imports_run_now")]  # the city built once (dangjian/conftest.py)
State = ImportBatch.State


def post_upload(client, organization, data: bytes, name: str = "花名册.xlsx"):
    return client.post("/members/import/", {"organization": organization.pk,
                                            "file": SimpleUploadedFile(name, data)})


def confirm_mapping(client, batch: ImportBatch):
    data = {f"column_{index}": "" for index in range(len(batch.mapping["headers"]))}
    data.update({f"column_{index}": key for key, index in batch.mapping["columns"].items()})
    return client.post(f"/members/import/{batch.pk}/mapping/", data)


def sheet_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_upload_map_preview_commit_and_find_them_in_the_roster(city, street_admin):
    client = client_for(street_admin)
    branch = city.org(city.dahanggong)
    roster = messy_roster(60)
    # the index offers the street's organizations only
    page = client.get("/members/import/").content.decode()
    assert branch.name in page and city.org(city.fuzimiao).name not in page
    # upload → the mapping page, with the recognised columns preselected
    response = post_upload(client, branch, roster.data)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/members/import/{batch.pk}/mapping/"
    page = client.get(response.url).content.decode()
    assert "公民身份号码" in page and "表头在第3行" in page
    assert 'value="id_number" selected' in page
    # confirm → the preview lists every bad row with its reason
    response = confirm_mapping(client, batch)
    assert response.status_code == 302
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    for line, word in roster.bad_lines.items():
        assert f'data-line="{line}"' in page and word in page, (line, word)
    assert "整批不导入" in page and "只导入有效行" in page
    # commit without choosing: nothing is imported, the page says why
    response = client.post(f"/members/import/{batch.pk}/commit/", follow=True)
    assert "整批不予导入" in response.content.decode()
    assert not Member.objects.filter(import_batch=batch).exists()
    # only the valid rows: the task runs, the page shows the result
    response = client.post(f"/members/import/{batch.pk}/commit/", {"only_valid_rows": "on"}, follow=True)
    page = response.content.decode()
    assert 'data-state="done"' in page and f"已导入{roster.valid_rows}名党员" in page
    # and one of them is found in the roster by pinyin initials
    someone = roster.good[5]
    found = selectors.member_search(selectors.member_list_for(street_admin), "".join(
        Member.objects.get(import_batch=batch, name=someone["name"]).name_initials))
    assert someone["name"] in {member.name for member in found}


def test_progress_page_refreshes_itself_while_the_tasks_run(city, street_admin, settings):
    # given a worker that has not picked the tasks up yet (the database backend, no worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(street_admin)
    post_upload(client, city.org(city.dahanggong), workbook_bytes([HEADERS, clean_row(person(1))]))
    batch = ImportBatch.objects.get()
    # when the mapping is confirmed, the check waits for the worker and the page polls
    confirm_mapping(client, batch)
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    assert 'data-state="queued"' in page and "检查进度" in page
    assert 'hx-trigger="every 1s"' in page and '<meta http-equiv="refresh" content="2">' in page
    # when the worker has checked the rows and the commit is queued, the page shows the import's progress
    from dangjian.members import services_import

    services_import.member_import_check(batch_id=batch.pk, actor_id=street_admin.pk)
    client.post(f"/members/import/{batch.pk}/commit/")
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    assert 'data-state="queued"' in page and "导入进度" in page
    # and once it has run, the page stops polling
    services_import.member_import_execute(batch_id=batch.pk, actor_id=street_admin.pk)
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    assert 'data-state="done"' in page and 'hx-trigger="every 1s"' not in page


@pytest.mark.parametrize(("name", "data", "message"), [
    ("花名册.pdf", b"%PDF-1.4", "只能导入Excel"),
    ("花名册.xlsx", b"", "空文件"),  # Django's own FileField message
    ("花名册.xlsx", b"PK\x03\x04 broken", "无法读取"),
    ("花名册.xlsx", workbook_bytes([HEADERS]), "只有表头"),
])
def test_files_that_cannot_be_imported_are_refused_on_the_page(city, street_admin, name, data, message):
    response = post_upload(client_for(street_admin), city.org(city.dahanggong), data, name)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_organization_outside_scope_is_not_offered_nor_accepted(city, street_admin, leader):
    outside = city.org(city.fuzimiao)
    data = workbook_bytes([HEADERS, clean_row(person(1))])
    response = post_upload(client_for(street_admin), outside, data)
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    # a read-only leader sees the page but cannot upload at all
    page = client_for(leader).get("/members/import/").content.decode()
    assert "只能查看" in page and 'data-testid="upload-form"' not in page
    assert post_upload(client_for(leader), city.org(city.dahanggong), data).status_code == 200
    assert not ImportBatch.objects.exists()


def test_batch_pages_outside_scope_are_404(city, street_admin, org_admin):
    client = client_for(street_admin)
    post_upload(client, city.org(city.dahanggong), workbook_bytes([HEADERS, clean_row(person(1))]))
    batch = ImportBatch.objects.get()
    outsider = client_for(org_admin)
    for path in ("", "mapping/", "errors.xlsx"):
        assert outsider.get(f"/members/import/{batch.pk}/{path}").status_code == 404, path
    for path in ("mapping/", "commit/", "undo/"):
        assert outsider.post(f"/members/import/{batch.pk}/{path}").status_code == 404, path
    assert ImportBatch.objects.get().state == State.UPLOADED


def test_duplicate_numbers_in_the_file_are_both_refused_on_the_preview(city, street_admin):
    twin = person(2)
    rows = [HEADERS, clean_row(twin), clean_row(person(3)), clean_row(twin)]
    client = client_for(street_admin)
    post_upload(client, city.org(city.dahanggong), workbook_bytes(rows))
    batch = ImportBatch.objects.get()
    confirm_mapping(client, batch)
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    assert "与本文件第4行重复" in page and "与本文件第2行重复" in page
    assert 'data-count="valid">1<' in page


def test_error_workbook_has_the_failed_rows_and_a_reason_column(city, street_admin):
    client = client_for(street_admin)
    roster = messy_roster(30)
    post_upload(client, city.org(city.dahanggong), roster.data)
    batch = ImportBatch.objects.get()
    confirm_mapping(client, batch)
    response = client.get(f"/members/import/{batch.pk}/errors.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因" and "公民身份号码" in rows[0]
    assert {int(row[0]) for row in rows[1:]} == set(roster.bad_lines)
    assert all(row[-1] for row in rows[1:])


def test_template_download_has_the_headers_and_an_example(city, street_admin):
    response = client_for(street_admin).get("/members/import/template.xlsx")
    assert response.status_code == 200
    rows = sheet_rows(b"".join(response.streaming_content))
    assert rows[0][:4] == ["姓名*", "性别", "民族*", "身份证号码*"] and len(rows[1][3]) == 18


def test_undo_button_removes_the_batch_and_is_audited(city, street_admin):
    client = client_for(street_admin)
    post_upload(client, city.org(city.dahanggong), workbook_bytes([HEADERS] + [clean_row(person(i)) for i in range(3)]))
    batch = ImportBatch.objects.get()
    confirm_mapping(client, batch)
    client.post(f"/members/import/{batch.pk}/commit/")
    page = client.get(f"/members/import/{batch.pk}/").content.decode()
    assert 'data-testid="undo-button"' in page
    response = client.post(f"/members/import/{batch.pk}/undo/", follow=True)
    assert "已撤销" in response.content.decode()
    assert not Member.objects.filter(import_batch=batch).exists()
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).count() == 2


def test_an_undo_waiting_for_the_worker_shows_its_progress_and_the_roster_unchanged(city, street_admin, settings):
    client = client_for(street_admin)
    post_upload(client, city.org(city.dahanggong), workbook_bytes([HEADERS] + [clean_row(person(i)) for i in range(3)]))
    batch = ImportBatch.objects.get()
    confirm_mapping(client, batch)
    client.post(f"/members/import/{batch.pk}/commit/")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the worker is busy
    page = client.post(f"/members/import/{batch.pk}/undo/", follow=True).content.decode()
    assert "排队等待撤销" in page and 'data-testid="undo-progress"' in page and "撤销进度" in page
    assert 'hx-trigger="every 1s"' in page  # the page follows the task
    assert 'data-testid="undo-button"' not in page
    assert Member.objects.filter(import_batch=batch).count() == 3


def test_people_without_a_role_get_404(db, city):
    from dangjian.accounts.tests.factories import UserFactory

    nobody = UserFactory(is_staff=True)
    assert client_for(nobody).get("/members/import/").status_code == 404
    assert Client().get("/members/import/").status_code == 302  # to the login page
