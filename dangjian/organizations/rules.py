"""Compliance checks over the two trees (RULES.md, section ORG)."""

import datetime

from django.conf import settings
from django.urls import reverse

from dangjian.core.periods import Period, add_months
from dangjian.core.registry import Finding, Severity, rules
from dangjian.organizations.metrics import covered_communities
from dangjian.organizations.models import BASIC_ORGANIZATION_KINDS


@rules.register(
    code="ORG-08",
    title="社区未建立党组织",
    citation="党章第三十条；南京社区党建经验“把党的工作覆盖到社区”（RULES.md ORG-08）",
    severity=Severity.SERIOUS,
    action="在该社区建立社区党组织，或明确由哪个党组织覆盖该社区。",
)
def community_without_organization(scope, on_date: datetime.date):
    period = Period.containing(on_date, "month")
    uncovered = covered_communities(scope, period).filter(covered=False).order_by("path")
    for community in uncovered.iterator():
        yield Finding(
            rule_code="ORG-08",
            message=f"{community.name}（{community.code}）没有位于本社区的党组织。",
            subject=community,
            anchor_label=community.name,
            records_url=reverse("admin:organizations_area_change", args=[community.pk]),
        )


@rules.register(
    code="ORG-06",
    title="党组织任期届满未换届",
    citation="中共中央办公厅《关于党的基层组织任期的意见》（2018）；《中国共产党基层组织选举工作条例》（2020）第三条",
    severity=Severity.WARNING,
    action="按期召开党员大会进行换届选举；确需延期须报上级党组织批准（延期一般不超过1年）。",
)
def term_expired(scope, on_date: datetime.date):
    remind_months = settings.DANGJIAN_RULES["ORG_TERM_REMIND_MONTHS"]
    shortest_term = min(settings.DANGJIAN_RULES[key] for key in (
        "ORG_TERM_YEARS_COMMUNITY", "ORG_TERM_YEARS_BRANCH", "ORG_TERM_YEARS_COMMITTEE"))
    # Only organizations old enough to be near the end of even the shortest term are read.
    started_before = add_months(on_date.replace(year=on_date.year - shortest_term), remind_months)
    candidates = (scope.organizations()
                  .filter(is_active=True, kind__in=BASIC_ORGANIZATION_KINDS, term_started_on__lte=started_before)
                  .select_related("area").order_by("path"))
    remind_from = add_months(on_date, remind_months)
    for organization in candidates.iterator():
        ends_on = organization.term_ends_on
        if ends_on is None or ends_on > remind_from:
            continue
        if ends_on <= on_date:
            message = f"{organization.name}本届任期已于{ends_on:%Y年%m月%d日}届满，尚未换届。"
            severity = Severity.WARNING
        else:
            message = f"{organization.name}本届任期将于{ends_on:%Y年%m月%d日}届满，请提前做好换届准备。"
            severity = Severity.INFO
        yield Finding(
            rule_code="ORG-06",
            message=message,
            subject=organization,
            anchor_label=organization.name,
            records_url=reverse("admin:organizations_partyorganization_change", args=[organization.pk]),
            detail={"ends_on": ends_on.isoformat(), "severity": severity},
        )
