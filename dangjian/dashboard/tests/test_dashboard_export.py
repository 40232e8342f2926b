"""What the dashboard adds around the figures: the .xlsx of what is shown (audited, read back),
comparison charts that drill down, figures linking to their records, and the health check's
weekly view (trend, resolved since last week, score cards, grouped by severity)."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from dangjian.accounts.models import AuditAction, AuditEntry
from dangjian.dashboard import findings
from dangjian.organizations import services
from dangjian.organizations.models import OrganizationKind, PartyOrganization

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_export_holds_what_is_shown_and_is_audited(city, district_admin):
    response = _client(district_admin).get(f"/dashboard/export.xlsx?area={city.xuanwu.pk}&period=quarter")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"概况", "下级比较", "分类统计", "组织体检"} <= set(workbook.sheetnames)
    headlines = {row[0]: row[1] for row in workbook["概况"].iter_rows(min_row=2, values_only=True)}
    total = PartyOrganization.objects.filter(area__path__startswith=city.xuanwu.path).count()
    assert headlines["党组织总数"] == total
    streets = [row[0] for row in workbook["下级比较"].iter_rows(min_row=2, values_only=True)]
    assert streets == ["梅园新村街道", "新街口街道"]
    assert "季度" in workbook["概况"]["A1"].value
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=district_admin).get()
    assert entry.detail["what"] == "dashboard" and entry.detail["filters"]["area"] == "玄武区"


def test_the_export_of_another_area_is_404(city, district_admin):
    assert _client(district_admin).get(f"/dashboard/export.xlsx?area={city.qinhuai.pk}").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_comparison_charts_drill_into_each_child_and_cells_link_to_records(city, district_admin):
    html = _client(district_admin).get(f"/admin/?area={city.xuanwu.pk}").content.decode()
    charts = html.split('data-testid="comparison-charts"', 1)[1]
    assert f"?area={city.meiyuan.pk}&amp;period=year" in charts and 'data-type="bar"' in charts
    table = html.split('data-testid="comparison"', 1)[1].split("</table>", 1)[0]
    assert "/admin/organizations/partyorganization/" in table
    assert "dangjian/dashboard.js" in html


def test_the_health_check_shows_the_weekly_view(city, superuser, district_admin):
    community = services.area_create(actor=superuser, parent=city.meiyuan, name="无组织社区", code="320102002008")
    today = datetime.date.today()
    findings.findings_record(on_date=today - datetime.timedelta(days=7))
    services.organization_create(actor=superuser, parent=city.org(city.meiyuan), name="无组织社区党支部",
                                 kind=OrganizationKind.BRANCH, area=community)  # fixed during the week
    findings.findings_record(on_date=today)
    html = _client(district_admin).get(f"/dashboard/health/?area={city.xuanwu.pk}").content.decode()
    assert 'data-testid="trend"' in html and 'data-testid="score-cards"' in html
    resolved = html.split('data-testid="resolved"', 1)[1].split("</ul>", 1)[0]
    assert "无组织社区" in resolved
    assert 'data-severity="' in html
