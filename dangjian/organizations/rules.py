"""Compliance checks over the two trees (RULES.md, section ORG)."""

import calendar
import datetime

from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse

from dangjian.core.periods import Period, add_months, years_before
from dangjian.core.registry import Finding, Severity, rules
from dangjian.organizations.metrics import covered_communities
from dangjian.organizations.models import BASIC_ORGANIZATION_KINDS, AreaLevel, OrganizationKind


@rules.register(
    code="ORG-08",
    title="社区未建立党组织",
    citation="党章第三十条；南京社区党建经验“把党的工作覆盖到社区”（RULES.md ORG-08）",
    severity=Severity.SERIOUS,
    action="在该社区建立社区党组织，或明确由哪个党组织覆盖该社区。",
)
def community_without_organization(scope, on_date: datetime.date):
    for community in _uncovered_communities(scope, on_date).order_by("path").iterator():
        yield Finding(
            rule_code="ORG-08",
            message=f"{community.name}（{community.code}）没有位于本社区的党组织。",
            subject=community,
            anchor_label=community.name,
            records_url=reverse("admin:organizations_area_change", args=[community.pk]),
        )


def _uncovered_communities(scope, on_date: datetime.date):
    return covered_communities(scope, Period.containing(on_date, "month")).filter(covered=False)


@rules.counts("ORG-08")
def count_communities_without_organization(scope, on_date: datetime.date) -> int:
    return _uncovered_communities(scope, on_date).count()


@rules.register(
    code="ORG-06",
    title="党组织任期届满未换届",
    citation="中共中央办公厅《关于党的基层组织任期的意见》（2018）；《中国共产党基层组织选举工作条例》（2020）第三条",
    severity=Severity.WARNING,
    action="按期召开党员大会进行换届选举；确需延期须报上级党组织批准（延期一般不超过1年）。",
)
def term_expired(scope, on_date: datetime.date):
    remind_from = add_months(on_date, settings.DANGJIAN_RULES["ORG_TERM_REMIND_MONTHS"])
    candidates = _term_candidates(scope, on_date).select_related("area").order_by("path")
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


def _term_candidates(scope, on_date: datetime.date):
    """Only organizations old enough to be near the end of even the shortest term: started by
    the reminder date that many years back, a day later for a term begun on 29 February."""
    remind_from = add_months(on_date, settings.DANGJIAN_RULES["ORG_TERM_REMIND_MONTHS"])
    shortest_term = min(settings.DANGJIAN_RULES[key] for key in (
        "ORG_TERM_YEARS_COMMUNITY", "ORG_TERM_YEARS_BRANCH", "ORG_TERM_YEARS_COMMITTEE"))
    started_by = years_before(remind_from, shortest_term) + datetime.timedelta(days=1)
    return scope.organizations().filter(is_active=True, kind__in=BASIC_ORGANIZATION_KINDS,
                                        term_started_on__lte=started_by)


def _date_key(day: datetime.date) -> int:
    """yyyymmdd; the 28th of a common year's February also stands for the 29th a clamped
    anniversary would have had, so ``key(start moved by n years) <= key(day)`` is exact."""
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        return day.year * 10000 + 229
    return day.year * 10000 + day.month * 100 + day.day


@rules.counts("ORG-06")
def count_terms_expired(scope, on_date: datetime.date) -> int:
    """PartyOrganization.term_ends_on in SQL: the start moved by the effective term (29 February
    → 28 February), compared as a yyyymmdd number with the reminder date."""
    rule_settings = settings.DANGJIAN_RULES
    term_years = Case(
        When(term_years__gt=0, then=F("term_years")),
        When(kind__in=[OrganizationKind.COMMITTEE, OrganizationKind.WORKING_COMMITTEE],
             then=Value(rule_settings["ORG_TERM_YEARS_COMMITTEE"])),
        When(area__level=AreaLevel.COMMUNITY, unit__isnull=True, then=Value(rule_settings["ORG_TERM_YEARS_COMMUNITY"])),
        default=Value(rule_settings["ORG_TERM_YEARS_BRANCH"]),
        output_field=IntegerField(),
    )
    ends_key = ((ExtractYear("term_started_on") + term_years) * 10000
                + ExtractMonth("term_started_on") * 100 + ExtractDay("term_started_on"))
    remind_from = add_months(on_date, rule_settings["ORG_TERM_REMIND_MONTHS"])
    return (_term_candidates(scope, on_date).annotate(ends_key=ends_key)
            .filter(ends_key__lte=_date_key(remind_from)).count())
