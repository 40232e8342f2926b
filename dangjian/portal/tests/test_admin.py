"""The back office: issuing codes (slips, export), deciding correction requests, posting
notices and seeing who read them."""

import pytest
from django.test import Client

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.members.models import Member
from dangjian.notices import services as notice_services
from dangjian.notices.models import Notice
from dangjian.portal import services
from dangjian.portal.models import ActivationCode, CorrectionRequest, CorrectionState

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]  # the city built once (dangjian/conftest.py)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_issue_codes_for_a_filtered_set_then_print_and_export(wang, li, outsider, community_admin):
    client = _client(community_admin)
    preview = client.get("/admin/portal/memberaccount/issue/", {"status": "full", "without_account": "on"})
    html = preview.content.decode()
    assert "王建国" in html and "李晓梅" not in html and "赵远方" not in html  # 李晓梅 is probationary
    response = client.post("/admin/portal/memberaccount/issue/?status=full", {"status": "full"}, follow=True)
    slips = response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/admin/portal/memberaccount/slips/")
    assert slips.count('data-testid="slip"') == 1 and "王建国" in slips and "@media print" in slips
    assert ActivationCode.objects.filter(member=wang).count() == 1 and not ActivationCode.objects.filter(
        member=li).exists()
    export = client.get(response.redirect_chain[-1][0] + "export.xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__what="portal_activation_codes").exists()


def test_issue_for_one_member_by_id_and_slips_are_the_issuers_only(wang, community_admin, street_admin):
    client = _client(community_admin)
    response = client.post(f"/admin/portal/memberaccount/issue/?member={wang.pk}", {"member": wang.pk})
    slips_url = response.url
    assert client.get(slips_url).status_code == 200
    assert _client(street_admin).get(slips_url).status_code == 404  # another session holds no codes


def test_a_leader_cannot_issue_codes(wang, leader):
    client = _client(leader)
    assert client.get("/admin/portal/memberaccount/issue/").status_code == 403
    assert client.post(f"/admin/portal/memberaccount/issue/?member={wang.pk}", {"member": wang.pk}).status_code == 403
    assert not ActivationCode.objects.exists()


def test_the_branch_administrator_approves_a_correction_and_sees_it_in_history(wang_account, wang, community_admin,
                                                                               django_assert_max_num_queries):
    correction = services.correction_request_submit(actor=wang_account.user, member=wang,
                                                    changes={"phone": "13900009999"})
    client = _client(community_admin)
    with django_assert_max_num_queries(16):
        listing = client.get("/admin/portal/correctionrequest/?state__exact=pending")
    assert "王建国" in listing.content.decode()
    page = client.get(f"/admin/portal/correctionrequest/{correction.pk}/change/").content.decode()
    assert "13912345678" in page and "13900009999" in page and 'data-testid="decide-form"' in page
    client.post(f"/admin/portal/correctionrequest/{correction.pk}/decide/", {"decision": "approve"})
    assert Member.objects.get(pk=wang.pk).phone == "13900009999"
    history = client.get(f"/admin/members/member/{wang.pk}/history/").content.decode()
    assert "13900009999" in history or "联系电话" in history


def test_a_correction_outside_scope_is_not_there(wang_account, wang, city):
    from dangjian.accounts.tests.factories import user_with_role

    correction = services.correction_request_submit(actor=wang_account.user, member=wang,
                                                    changes={"phone": "13900009999"})
    qinhuai = _client(user_with_role(role="area_admin", area=city.fuzimiao, username="qinhuai"))
    assert qinhuai.post(f"/admin/portal/correctionrequest/{correction.pk}/decide/",
                        {"decision": "approve"}).status_code == 404
    assert CorrectionRequest.objects.get().state == CorrectionState.PENDING


def test_posting_a_notice_in_the_admin_and_seeing_who_read_it(branch, wang, li, community_admin,
                                                              django_assert_max_num_queries):
    client = _client(community_admin)
    response = client.post("/admin/notices/notice/add/", {"title": "学习通知", "body": "请学习党章。",
                                                           "organization": branch.pk, "audience": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    notice_services.notice_mark_read(member=wang, notice=notice)
    page = client.get(f"/admin/notices/notice/{notice.pk}/change/").content.decode()
    readers = page.split('data-testid="readers"')[1].split('data-testid="non-readers"')[0]
    assert "王建国" in readers and "李晓梅" not in readers
    assert "李晓梅" in page.split('data-testid="non-readers"')[1]
    for serial in range(5):
        notice_services.notice_post(actor=community_admin, title=f"通知{serial}", body="……", organization=branch)
    with django_assert_max_num_queries(16):
        listing = client.get("/admin/notices/notice/")
    assert listing.status_code == 200


def test_a_notice_to_a_scope_not_held_is_refused_in_the_admin(outsider, community_admin):
    response = _client(community_admin).post("/admin/notices/notice/add/", {
        "title": "越界通知", "body": "……", "organization": outsider.organization_id, "audience": ""})
    assert response.status_code == 200
    assert not Notice.objects.exists()


def test_the_account_list_costs_the_same_for_more_accounts(wang_account, li_account, community_admin,
                                                           django_assert_max_num_queries):
    client = _client(community_admin)
    with django_assert_max_num_queries(14):
        html = client.get("/admin/portal/memberaccount/").content.decode()
    assert "王建国" in html and "李晓梅" in html and "139****5678" in html


def test_the_code_list_shows_states_never_codes(wang_account, li, community_admin, django_assert_max_num_queries):
    from dangjian.portal.tests.factories import issue_code

    code = issue_code(actor=community_admin, member=li)
    client = _client(community_admin)
    with django_assert_max_num_queries(14):
        html = client.get("/admin/portal/activationcode/").content.decode()
    assert "已使用" in html and "未使用" in html and code not in html
