"""The import services: upload → preview → commit (a task) → undo, and their refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.core import crypto
from dangjian.members import services, services_import
from dangjian.members.models import ColumnMapping, ImportBatch, Member
from dangjian.members.tests.factories import member, valid_id_number
from dangjian.members.tests.rosters import HEADERS, clean_row, messy_roster, person, workbook_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city", "imports_run_now")]  # the city built once (dangjian/conftest.py)
State = ImportBatch.State


def upload(actor, organization, data: bytes, name: str = "花名册.xlsx") -> ImportBatch:
    return services_import.member_import_upload(actor=actor, organization=organization,
                                                uploaded_file=SimpleUploadedFile(name, data))


def previewed(actor, organization, data: bytes) -> ImportBatch:
    batch = upload(actor, organization, data)
    return services_import.member_import_preview(actor=actor, batch=batch, columns=batch.mapping["columns"])


def clean_roster(count: int) -> tuple[bytes, list[dict]]:
    people = [person(index) for index in range(count)]
    return workbook_bytes([HEADERS] + [clean_row(p) for p in people]), people


def test_a_clean_roster_is_imported_with_history_and_one_audit_entry(city, street_admin):
    # given a clean roster for a community branch in the street administrator's street
    branch = city.org(city.dahanggong)
    data, people = clean_roster(5)
    # when it is uploaded, previewed with the recognised mapping and committed
    batch = previewed(street_admin, branch, data)
    assert (batch.state, batch.total_rows, batch.valid_rows, batch.errors) == (State.PREVIEWED, 5, 5, [])
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    # then the task ran and every member is registered in the branch, encrypted, with pinyin keys
    assert (batch.state, batch.imported_rows, batch.progress) == (State.DONE, 5, 100)
    imported = Member.objects.filter(import_batch=batch)
    assert imported.count() == 5 and set(imported.values_list("organization", flat=True)) == {branch.pk}
    first = imported.get(id_number_digest=crypto.blind_index(people[0]["id_number"]))
    assert first.name_initials and first.birth_date == people[0]["birth"]
    assert crypto.decrypt(first.id_number_ciphertext) == people[0]["id_number"]
    assert first.history.count() == 1
    created = first.history.get()
    assert (created.history_type, created.history_user) == ("+", street_admin)
    for name in ("name", "name_pinyin", "organization_id", "birth_date", "joined_on", "standing", "import_batch_id",
                 "created_at", "sex_id", "id_number_masked"):
        assert getattr(created, name) == getattr(first, name), name
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.detail["rows"] == 5 and entry.object_id == str(batch.pk)
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="members.member").exists()


def test_bulk_path_stores_what_member_create_stores(city, street_admin):
    """The import builds members with the service's own helpers: same derived values."""
    branch = city.org(city.dahanggong)
    p = person(3, female=True)
    batch = previewed(street_admin, branch, workbook_bytes([HEADERS, clean_row(p)]))
    services_import.member_import_commit(actor=street_admin, batch=batch)
    imported = Member.objects.get(import_batch=batch)
    by_service = services.member_create(
        actor=street_admin, organization=city.org(city.changjianglu), name=p["name"],
        id_number=valid_id_number(birth=p["birth"], female=True), ethnicity="汉族", education="大学本科",
        joined_on=p["joined"], full_member_on=p["full"], status="full", employment="employed",
        workplace_text="南京某公司", phone="13912345678")
    for name in ("name", "name_pinyin", "name_initials", "sex_id", "ethnicity_id", "education_id", "birth_date",
                 "phone", "joined_on", "full_member_on", "status", "employment", "workplace_text", "standing"):
        assert getattr(imported, name) == getattr(by_service, name), name


def test_messy_roster_preview_lists_each_bad_row_without_saying_where_others_are(city, street_admin, superuser):
    # given one number registered in the street's community, one in another district
    inside = member(actor=superuser, organization=city.org(city.changjianglu), name="王在册",
                    id_number=valid_id_number(birth=datetime.date(1960, 1, 1)))
    outside_number = valid_id_number(birth=datetime.date(1961, 1, 1))
    member(actor=superuser, organization=city.org(city.fuzimiao), name="李外区", id_number=outside_number)
    roster = messy_roster(200, registered_in_scope=services.member_reveal_id_number(actor=superuser, member=inside),
                          registered_elsewhere=outside_number)
    # when previewed
    batch = previewed(street_admin, city.org(city.dahanggong), roster.data)
    # then exactly the bad rows are listed, each with its reason in Chinese
    errors = {entry["line"]: " ".join(entry["messages"]) for entry in batch.errors}
    assert set(errors) == set(roster.bad_lines), errors
    for line, word in roster.bad_lines.items():
        assert word in errors[line], (line, errors[line])
    # whether the number is within the actor's scope is said; whose or where, never
    assert "已在您管辖" in errors[74] and "王在册" not in errors[74]
    assert "不在您的管辖范围" in errors[84]
    assert "李外区" not in errors[84] and "夫子庙" not in errors[84] and "秦淮" not in errors[84]
    assert (batch.total_rows, batch.valid_rows) == (200, roster.valid_rows)
    assert not Member.objects.filter(import_batch=batch).exists()


def test_one_bad_row_commits_nothing_unless_only_valid_rows_is_chosen(city, street_admin):
    roster = messy_roster(40)
    batch = previewed(street_admin, city.org(city.dahanggong), roster.data)
    before = Member.objects.count()
    with pytest.raises(ValidationError, match="整批不予导入"):
        services_import.member_import_commit(actor=street_admin, batch=batch)
    assert Member.objects.count() == before
    assert ImportBatch.objects.get(pk=batch.pk).state == State.PREVIEWED
    # when the user chooses to import only the valid rows
    batch = services_import.member_import_commit(actor=street_admin, batch=batch, only_valid_rows=True)
    assert batch.state == State.DONE and batch.imported_rows == roster.valid_rows
    assert Member.objects.count() == before + roster.valid_rows


def test_number_registered_after_the_preview_fails_the_whole_batch(city, street_admin, superuser):
    branch = city.org(city.dahanggong)
    data, people = clean_roster(4)
    batch = previewed(street_admin, branch, data)
    # someone registers one of the numbers elsewhere before the commit
    member(actor=superuser, organization=city.org(city.fuzimiao), id_number=people[2]["id_number"],
           birth=people[2]["birth"])
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    assert batch.state == State.FAILED and "整批不予导入" in batch.message
    assert not Member.objects.filter(import_batch=batch).exists()
    assert any("不在您的管辖范围" in " ".join(entry["messages"]) for entry in batch.errors)


def test_number_registered_after_the_preview_is_skipped_when_only_valid_rows_are_imported(
        city, street_admin, superuser):
    branch = city.org(city.dahanggong)
    data, people = clean_roster(4)
    batch = previewed(street_admin, branch, data)
    member(actor=superuser, organization=city.org(city.fuzimiao), id_number=people[1]["id_number"],
           birth=people[1]["birth"])
    batch = services_import.member_import_commit(actor=street_admin, batch=batch, only_valid_rows=True)
    # the other three are imported; the fourth is refused with its reason, nothing is doubled
    assert (batch.state, batch.imported_rows, batch.valid_rows) == (State.DONE, 3, 3)
    assert Member.objects.filter(import_batch=batch).count() == 3
    assert Member.objects.filter(id_number_digest=crypto.blind_index(people[1]["id_number"])).count() == 1
    assert [entry["line"] for entry in batch.errors] == [3]
    assert "不在您的管辖范围" in " ".join(batch.errors[0]["messages"])


def test_text_with_backslashes_quotes_and_tabs_is_stored_as_written(city, street_admin):
    # the prepared rows are in COPY's text format, which escapes backslashes, tabs and newlines
    people = [person(index) for index in range(2)]
    rows = [clean_row(p) for p in people]
    notes, workplace = 'C:\\党员\\名单 "第一批"\t\\N 第一行\n第二行\r\n结束', "某某\\N公司 \\\\ 二部"
    rows[0][HEADERS.index("备注")] = notes
    rows[1][HEADERS.index("工作单位")] = workplace
    batch = previewed(street_admin, city.org(city.dahanggong), workbook_bytes([HEADERS] + rows))
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    assert batch.state == State.DONE
    first = Member.objects.get(id_number_digest=crypto.blind_index(people[0]["id_number"]))
    second = Member.objects.get(id_number_digest=crypto.blind_index(people[1]["id_number"]))
    assert first.notes == notes and second.workplace_text == workplace


def test_during_a_key_rotation_a_number_registered_under_the_old_key_is_found(city, street_admin, superuser,
                                                                              settings):
    # given a member registered under v1, then a second key made current (rotation under way)
    data, people = clean_roster(3)
    member(actor=superuser, organization=city.org(city.fuzimiao), id_number=people[1]["id_number"],
           birth=people[1]["birth"])
    settings.FIELD_ENCRYPTION_KEYS = {"v1": settings.FIELD_ENCRYPTION_KEY,
                                      "v2": "dGhlLXNlY29uZC1maWVsZC1rZXktZm9yLXRlc3RzISE="}
    settings.FIELD_ENCRYPTION_CURRENT_KEY_ID = "v2"
    # when the roster is previewed, then that row is refused: its v1 digest was looked for too
    batch = previewed(street_admin, city.org(city.dahanggong), data)
    assert [entry["line"] for entry in batch.errors] == [3]
    assert "不在您的管辖范围" in " ".join(batch.errors[0]["messages"])


def test_uploads_that_cannot_be_imported_are_refused(city, street_admin, leader):
    branch = city.org(city.dahanggong)
    with pytest.raises(ValidationError, match="只能导入"):
        upload(street_admin, branch, b"%PDF-1.4", "花名册.pdf")
    with pytest.raises(ValidationError, match="空的"):
        upload(street_admin, branch, b"", "花名册.xlsx")
    with pytest.raises(ValidationError, match="只有表头"):
        upload(street_admin, branch, workbook_bytes([HEADERS]))
    with pytest.raises(ValidationError, match="管辖范围"):
        upload(street_admin, city.org(city.fuzimiao), clean_roster(1)[0])
    with pytest.raises(ValidationError, match="管辖范围"):
        upload(leader, branch, clean_roster(1)[0])
    assert not ImportBatch.objects.exists()


def test_confirmed_mapping_is_offered_again_for_the_same_headers(city, street_admin):
    branch = city.org(city.dahanggong)
    rows = [["党员", "证件", "入党", "族别", "学历"], ["张三", valid_id_number(), "2005-07-01", "汉族", "本科"]]
    data = workbook_bytes(rows)
    first = upload(street_admin, branch, data)
    assert first.mapping["columns"] == {"education": 4} and not first.mapping["remembered"]
    columns = {"name": 0, "id_number": 1, "joined_on": 2, "ethnicity": 3, "education": 4}
    services_import.member_import_preview(actor=street_admin, batch=first, columns=columns)
    assert ColumnMapping.objects.filter(user=street_admin).count() == 1
    second = upload(street_admin, branch, data)
    assert second.mapping["columns"] == columns and second.mapping["remembered"]


def test_someone_outside_the_batch_scope_cannot_preview_commit_or_undo(city, street_admin, org_admin):
    batch = previewed(street_admin, city.org(city.dahanggong), clean_roster(2)[0])
    with pytest.raises(PermissionDenied):
        services_import.member_import_preview(actor=org_admin, batch=batch, columns=batch.mapping["columns"])
    with pytest.raises(PermissionDenied):
        services_import.member_import_commit(actor=org_admin, batch=batch)
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    with pytest.raises(PermissionDenied):
        services_import.member_import_undo(actor=org_admin, batch=batch)
    assert Member.objects.filter(import_batch=batch).count() == 2


def test_batch_is_undone_as_a_whole_while_nothing_changed(city, street_admin):
    batch = previewed(street_admin, city.org(city.dahanggong), clean_roster(3)[0])
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    ids = list(Member.objects.filter(import_batch=batch).values_list("pk", flat=True))
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    assert batch.state == State.UNDONE, batch.message
    assert not Member.objects.filter(import_batch=batch).exists()
    # each removal is in the members' history, by the person who undid the import
    removed = Member.history.filter(id__in=ids, history_type="-")
    assert removed.count() == 3 and {h.history_user for h in removed} == {street_admin}
    assert {h.name for h in removed} == set(Member.history.filter(id__in=ids, history_type="+")
                                            .values_list("name", flat=True))
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).count() == 2
    with pytest.raises(ValidationError, match="状态"):
        services_import.member_import_undo(actor=street_admin, batch=batch)


def test_batch_cannot_be_undone_once_a_member_changed(city, street_admin):
    batch = previewed(street_admin, city.org(city.dahanggong), clean_roster(3)[0])
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    changed = Member.objects.filter(import_batch=batch).first()
    services.member_update(actor=street_admin, member=changed, phone="13800000000")
    with pytest.raises(ValidationError, match="修改过"):
        services_import.member_import_undo(actor=street_admin, batch=batch)
    assert Member.objects.filter(import_batch=batch).count() == 3


def test_an_earlier_undone_batch_with_the_same_member_ids_does_not_block_the_undo(city, street_admin):
    # given an imported batch whose members' ids also appear in the history of an earlier batch
    # that was undone (SQLite restarts a rebuilt table's ids after the highest one left)
    earlier = previewed(street_admin, city.org(city.dahanggong), clean_roster(2)[0])
    earlier = services_import.member_import_commit(actor=street_admin, batch=earlier)
    batch = previewed(street_admin, city.org(city.dahanggong), workbook_bytes(
        [HEADERS] + [clean_row(person(index)) for index in range(10, 12)]))
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    reused = list(Member.objects.filter(import_batch=batch).values_list("pk", flat=True))
    Member.history.filter(import_batch_id=earlier.pk, history_type="+").update(history_type="-")
    Member.history.filter(import_batch_id=earlier.pk).update(id=reused[0])
    # when the later batch is undone, then it is: the other batch's removals are not its changes
    assert services_import.member_import_undo(actor=street_admin, batch=batch).state == State.UNDONE
    assert not Member.objects.filter(import_batch=batch).exists()


def test_a_batch_previewed_before_the_prepared_format_changed_asks_for_a_new_preview(city, street_admin):
    batch = previewed(street_admin, city.org(city.dahanggong), clean_roster(2)[0])
    ImportBatch.objects.filter(pk=batch.pk).update(
        mapping={**batch.mapping, "prepared": f"imports/prepared/batch-{batch.pk}.jsonl"})
    batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    assert batch.state == State.FAILED and "重新预览" in batch.message
    assert not Member.objects.filter(import_batch=batch).exists()


def test_a_row_with_a_too_long_name_is_refused_with_the_field_message(city, street_admin):
    row = clean_row(person(1))
    row[HEADERS.index("姓名")] = "张" * 41
    batch = previewed(street_admin, city.org(city.dahanggong), workbook_bytes([HEADERS, row]))
    assert batch.valid_rows == 0
    # Django's own max_length message, labelled with the field (the pinyin keys are too long too)
    assert batch.errors[0]["messages"][0].startswith("姓名：") and "40" in batch.errors[0]["messages"][0]


def test_the_upload_reads_the_head_of_a_large_workbook_only(city, street_admin, monkeypatch):
    # python-calamine parses a whole worksheet before its first row: the upload, which only
    # finds the header and shows samples, hands it the workbook cut after its first rows
    import io
    import zipfile

    from dangjian.members import importing

    def rows_in(workbook: bytes) -> int:
        archive = zipfile.ZipFile(io.BytesIO(workbook))
        return sum(archive.read(name).count(b"</row>") for name in archive.namelist() if "worksheets/" in name)

    data, people = clean_roster(400)
    opened = []
    real_open = importing.open_sheet
    monkeypatch.setattr(importing, "open_sheet", lambda data, name: opened.append(data) or real_open(data, name))
    batch = upload(street_admin, city.org(city.dahanggong), data)
    assert rows_in(data) == 401 and [rows_in(workbook) for workbook in opened] == [importing.HEAD_ROWS]
    assert batch.mapping["header_line"] == 1 and batch.mapping["samples"][0][0] == people[0]["name"]


def test_on_postgresql_the_name_index_is_tidied_after_the_import_and_the_names_are_found(
        city, street_admin, django_capture_on_commit_callbacks, monkeypatch):
    # The insert lets the trigram index's pending list hold the whole batch (import_insert);
    # the commit queues the task that merges it, and the names are found before and after.
    from django.db import connection

    from dangjian.members import import_insert, selectors

    data, people = clean_roster(3)
    batch = previewed(street_admin, city.org(city.dahanggong), data)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services_import.member_import_commit(actor=street_admin, batch=batch)
    assert batch.state == State.DONE
    name = people[1]["name"]
    found = selectors.member_search(selectors.member_list_for(street_admin), name[1:])
    assert name in set(found.values_list("name", flat=True))  # before the merge: read from the pending list
    merged = []
    real_tidy = services_import.member_search_index_tidy
    monkeypatch.setattr(services_import, "member_search_index_tidy", lambda: merged.append(real_tidy()) or merged[-1])
    for callback in callbacks:
        callback()  # the worker runs what the commit queued
    found = selectors.member_search(selectors.member_list_for(street_admin), name[1:])
    assert name in set(found.values_list("name", flat=True))
    if connection.vendor != "postgresql":
        assert merged == [] and services_import.member_search_index_tidy() == 0
        return
    assert any(getattr(callback, "__self__", None) is not None and "tidy" in str(callback.__self__)
               for callback in callbacks)
    with connection.cursor() as cursor:
        # SET LOCAL: for the import's transaction only (the test runs inside one transaction)
        cursor.execute("SHOW gin_pending_list_limit")
        assert cursor.fetchone()[0] == f"{import_insert.GIN_PENDING_LIST_KB // 1024}MB"
    # the task merged the batch's pending entries; nothing is left for the next one
    assert len(merged) == 1 and merged[0] >= 1
    assert services_import.member_search_index_tidy() == 0  # run again (a retried task): nothing to merge
    assert real_tidy() == 0


# ---------------------------------------------------------------- undo, as a task


def committed(actor, organization, count: int, settings) -> ImportBatch:
    """A batch imported (the tasks run at once), then tasks left queued, not run — as when the
    worker has not picked them up yet."""
    batch = previewed(actor, organization, clean_roster(count)[0])
    batch = services_import.member_import_commit(actor=actor, batch=batch)
    assert batch.state == State.DONE
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return batch


def test_undo_is_queued_and_the_roster_keeps_the_members_until_the_task_removes_them(city, street_admin, settings):
    batch = committed(street_admin, city.org(city.dahanggong), 3, settings)
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    assert (batch.state, batch.message) == (State.QUEUED, "排队等待撤销……")
    assert Member.objects.filter(import_batch=batch).count() == 3
    with pytest.raises(ValidationError, match="状态"):  # a second undo while the first waits
        services_import.member_import_undo(actor=street_admin, batch=batch)
    batch = services_import.member_import_undo_execute(batch_id=batch.pk, actor_id=street_admin.pk)
    assert (batch.state, batch.progress) == (State.UNDONE, 100)
    assert not Member.objects.filter(import_batch=batch).exists()
    undo_entry = AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk)).latest("pk")
    assert undo_entry.actor == street_admin and undo_entry.detail.get("undone") is True
    # the task running again (a retried delivery) changes nothing
    assert services_import.member_import_undo_execute(batch_id=batch.pk, actor_id=street_admin.pk).state == State.UNDONE


def test_a_member_changed_while_the_undo_waited_keeps_the_batch_done_with_the_reason(city, street_admin, settings):
    batch = committed(street_admin, city.org(city.dahanggong), 3, settings)
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    changed = Member.objects.filter(import_batch=batch).first()
    services.member_update(actor=street_admin, member=changed, phone="13800000000")
    batch = services_import.member_import_undo_execute(batch_id=batch.pk, actor_id=street_admin.pk)
    assert batch.state == State.DONE and batch.message.startswith("未能撤销：") and "修改过" in batch.message
    assert Member.objects.filter(import_batch=batch).count() == 3
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(batch.pk),
                                         detail__undone=True).exists()


def test_an_undo_whose_worker_died_is_done_again_and_can_be_undone(city, street_admin, settings):
    from dangjian.members import services_import_recovery

    batch = committed(street_admin, city.org(city.dahanggong), 3, settings)
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    ImportBatch.objects.filter(pk=batch.pk).update(state=State.RUNNING)  # its worker died (no lock held)
    assert services_import_recovery.member_import_recover_interrupted(batch_ids=[batch.pk]) == [batch.pk]
    batch.refresh_from_db()
    assert (batch.state, batch.imported_rows) == (State.DONE, 3)
    assert batch.message.startswith("撤销中断") and not batch.mapping.get("interrupted")
    assert Member.objects.filter(import_batch=batch).count() == 3
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    batch = services_import.member_import_undo_execute(batch_id=batch.pk, actor_id=street_admin.pk)
    assert batch.state == State.UNDONE and not Member.objects.filter(import_batch=batch).exists()


def test_an_undo_by_someone_who_lost_the_batch_scope_meanwhile_removes_nothing(city, street_admin, settings):
    from dangjian.accounts.models import RoleAssignment

    batch = committed(street_admin, city.org(city.dahanggong), 2, settings)
    batch = services_import.member_import_undo(actor=street_admin, batch=batch)
    RoleAssignment.objects.filter(user=street_admin).delete()
    batch = services_import.member_import_undo_execute(batch_id=batch.pk, actor_id=street_admin.pk)
    assert batch.state == State.DONE and "权限" in batch.message
    assert Member.objects.filter(import_batch=batch).count() == 2
