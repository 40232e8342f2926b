"""三员分立 (GB/T 22239-2019 8.1.4.2): the system, security and audit administrators each do one
thing, see no business or personal data, and can hold no other role."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dangjian.accounts import scoping, services
from dangjian.accounts.models import AuditAction, AuditEntry, Role, RoleAssignment
from dangjian.accounts.tests.factories import UserFactory, user_with_role
from dangjian.members.models import Member
from dangjian.members.tests.factories import member
from dangjian.organizations.models import Area, PartyOrganization, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

DUTY = ("system_admin", "security_admin", "audit_admin")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def a_member(city, superuser):
    return member(actor=superuser, organization=city.org(city.dahanggong), name="三员测试党员")


@pytest.mark.parametrize("role", DUTY)
def test_duty_roles_see_no_business_or_personal_data(request, role, a_member):
    user = request.getfixturevalue(role)
    for model in (Area, PartyOrganization, Unit, Member):
        assert not scoping.narrow(user, model.objects.all()).exists(), (role, model)
    assert not scoping.has_any_role(user) and not scoping.may_write_anything(user)
    client = _client(user)
    assert client.get(f"/admin/members/member/{a_member.pk}/change/").status_code in (302, 403, 404)
    assert client.get(f"/api/v1/members/{a_member.pk}").status_code == 404
    assert "三员测试党员" not in client.get("/api/v1/members").content.decode()


def test_only_the_audit_admin_reads_the_audit_log(audit_admin, system_admin, security_admin, city_admin):
    assert AuditEntry.objects.exists()
    assert _client(audit_admin).get("/admin/accounts/auditentry/").status_code == 200
    for user in (system_admin, security_admin, city_admin):
        assert _client(user).get("/admin/accounts/auditentry/").status_code == 403, user


def test_audit_admin_exports_the_log_and_the_export_is_audited(audit_admin):
    entries = AuditEntry.objects.filter(action=AuditAction.ROLE_GRANTED)
    response = _client(audit_admin).post("/admin/accounts/auditentry/", {
        "action": "export_selected", "_selected_action": list(entries.values_list("pk", flat=True))})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "时间", "操作账号", "操作")
    assert len(rows) - 1 == entries.count() and {row[3] for row in rows[1:]} == {"授予角色"}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=audit_admin, detail__what="审计日志").exists()


def test_audit_admin_cannot_change_roles_or_users(audit_admin):
    client = _client(audit_admin)
    assert client.get("/admin/accounts/roleassignment/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=audit_admin, user=UserFactory(), role=Role.LEADER,
                            area=Area.objects.get(name="玄武区"))


def test_security_admin_assigns_roles_anywhere_but_reads_no_data(security_admin, city):
    target = UserFactory(username="new-street-admin")
    street = city.fuzimiao.get_parent()
    client = _client(security_admin)
    assert client.get("/admin/accounts/roleassignment/").status_code == 200
    response = client.post("/admin/accounts/roleassignment/add/",
                           {"user": target.pk, "role": Role.AREA_ADMIN, "area": street.pk})
    import re
    assert response.status_code == 302, re.findall(r"errorlist[^<]*<li>([^<]*)", response.content.decode())
    assert RoleAssignment.objects.filter(user=target, role=Role.AREA_ADMIN, area=street).exists()
    assert AuditEntry.objects.filter(action=AuditAction.ROLE_GRANTED, actor=security_admin).exists()
    assert not scoping.narrow(security_admin, Member.objects.all()).exists()


def test_system_admin_sees_the_system_page_and_nobody_else_does(system_admin, city_admin, audit_admin, security_admin):
    page = _client(system_admin).get("/system/")
    assert page.status_code == 200 and "后台任务" in page.content.decode()
    for user in (city_admin, audit_admin, security_admin):
        assert _client(user).get("/system/").status_code == 404
    assert _client(system_admin).get("/admin/accounts/auditentry/").status_code == 403


def test_duty_roles_are_granted_only_by_the_security_admin_and_held_alone(security_admin, city_admin, city):
    newcomer = UserFactory(username="would-be-auditor")
    with pytest.raises(PermissionDenied, match="只能由安全管理员授予"):
        services.role_grant(actor=city_admin, user=newcomer, role=Role.AUDIT_ADMIN, area=city.nanjing)
    with pytest.raises(PermissionDenied, match="不能给自己"):
        services.role_grant(actor=security_admin, user=security_admin, role=Role.AUDIT_ADMIN, area=city.nanjing)
    services.role_grant(actor=security_admin, user=newcomer, role=Role.AUDIT_ADMIN, area=city.nanjing)
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_grant(actor=security_admin, user=newcomer, role=Role.AREA_ADMIN, area=city.xuanwu)
    business = user_with_role(role=Role.AREA_ADMIN, area=city.xuanwu, username="business-user")
    with pytest.raises(ValidationError, match="三员分立"):
        services.role_grant(actor=security_admin, user=business, role=Role.SYSTEM_ADMIN, area=city.nanjing)
    with pytest.raises(ValidationError, match="范围必须是市"):
        services.role_grant(actor=security_admin, user=UserFactory(), role=Role.SYSTEM_ADMIN, area=city.xuanwu)
