"""A street administrator imports a messy 200-row roster: sees each bad row's reason, imports only
the valid rows, and finds an imported member in the roster by pinyin initials (issue 3, "Done when")."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from dangjian.members import services
from dangjian.members.models import ImportBatch, Member
from dangjian.members.tests.factories import member, valid_id_number
from dangjian.members.tests.rosters import messy_roster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def immediate_tasks_and_tmp_media(settings, tmp_path):
    """The commit task runs inside the request (no worker in the test); uploads go to tmp."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_messy_roster_is_imported_row_by_row_and_found_by_initials(
        page, live_server, city, superuser, street_admin, browser_login, screenshot, tmp_path,
        immediate_tasks_and_tmp_media):
    # given one ID number registered in the street, one in another district, and a messy roster
    inside = member(actor=superuser, organization=city.org(city.changjianglu), name="周在册",
                    id_number=valid_id_number(birth=datetime.date(1962, 2, 2)), birth=datetime.date(1962, 2, 2))
    elsewhere = valid_id_number(birth=datetime.date(1963, 3, 3))
    member(actor=superuser, organization=city.org(city.fuzimiao), name="吴外区", id_number=elsewhere,
           birth=datetime.date(1963, 3, 3))
    roster = messy_roster(200, registered_in_scope=services.member_reveal_id_number(actor=superuser, member=inside),
                          registered_elsewhere=elsewhere)
    workbook = tmp_path / "大行宫社区党员花名册.xlsx"
    workbook.write_bytes(roster.data)
    branch = city.org(city.dahanggong)

    # when the street administrator uploads it for 大行宫社区's branch
    browser_login(street_admin)
    page.goto(f"{live_server.url}/members/import/")
    upload = page.get_by_test_id("upload-form")
    upload.locator("select[name=organization]").select_option(label=str(branch))
    upload.locator("input[name=file]").set_input_files(str(workbook))
    screenshot(page, "import-upload")
    upload.get_by_role("button", name="上传并核对列").click()

    # then the header row under the title is found and the usual headers are recognised
    mapping = page.get_by_test_id("mapping-form")
    expect(page.locator("#content")).to_contain_text("表头在第3行")
    expect(mapping.locator("tr[data-column='4'] select")).to_have_value("id_number")
    expect(mapping.locator("tr[data-column='6'] select")).to_have_value("joined_on")
    expect(mapping.locator("tr[data-column='0'] select")).to_have_value("")  # 序号 is not imported
    screenshot(page, "import-mapping")
    mapping.get_by_role("button", name="确认对应关系并检查数据").click()

    # then the preview lists every bad row with its reason in Chinese, and nothing else
    errors = page.get_by_test_id("row-errors")
    expect(errors.locator("tr[data-line]")).to_have_count(len(roster.bad_lines))
    for line, word in roster.bad_lines.items():
        expect(errors.locator(f"tr[data-line='{line}']")).to_contain_text(word)
    expect(errors).not_to_contain_text("吴外区")  # neither whose number it is
    expect(errors).not_to_contain_text("周在册")
    expect(errors).not_to_contain_text("夫子庙")
    counts = page.get_by_test_id("batch-counts")
    expect(counts.locator("[data-count=total]")).to_have_text("200")
    expect(counts.locator("[data-count=valid]")).to_have_text(str(roster.valid_rows))
    screenshot(page, "import-preview-errors")

    # when it imports without choosing, nothing is imported and the page says why
    page.get_by_test_id("commit-button").click()
    expect(page.locator("#main")).to_contain_text("整批不予导入")
    batch = ImportBatch.objects.get()
    assert not Member.objects.filter(import_batch=batch).exists()

    # when it chooses to import only the valid rows
    page.get_by_test_id("only-valid-rows").check()
    page.get_by_test_id("commit-button").click()
    expect(page.get_by_test_id("batch-state")).to_have_text("已完成")
    expect(page.get_by_test_id("batch-message")).to_contain_text(f"已导入{roster.valid_rows}名党员")
    expect(page.get_by_test_id("undo-button")).to_be_visible()
    screenshot(page, "import-done")
    assert Member.objects.filter(import_batch=batch).count() == roster.valid_rows

    # and the failed rows can be downloaded with their reasons
    with page.expect_download() as download:
        page.get_by_test_id("error-workbook").click()
    assert download.value.suggested_filename.endswith("未导入的行.xlsx")

    # then one imported member is found in the roster by pinyin initials
    someone = Member.objects.get(import_batch=batch, name=roster.good[7]["name"])
    page.get_by_test_id("roster-link").click()
    search = page.locator("#searchbar")
    search.fill(someone.name_initials)
    search.press("Enter")
    results = page.locator("#result_list")
    expect(results).to_contain_text(someone.name)
    expect(results).to_contain_text(re.compile(re.escape(someone.id_number_masked)))
    screenshot(page, "import-found-in-roster")
