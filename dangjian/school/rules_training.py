"""Training of party-organization secretaries and of new members (RULES.md EDU-02, EDU-03),
counted from the party schools' attendance — the only study-hour record the system holds.

Who is a secretary comes from the data already kept: a basic party organization's recorded
secretary (PartyOrganization.secretary_name, the field ORG-04 checks) matched to an on-roll member
of that organization with that name. The system records no other committee posts and no
appointment dates, so committee members and EDU-02's "new secretaries trained within 6 months"
are not checked (docs/apps/school.md). A rule flags; it never changes anyone's record.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from dangjian.core.periods import add_months
from dangjian.core.registry import Finding, Severity, rules
from dangjian.members.models import Member, MemberStatus, Standing
from dangjian.organizations.models import BASIC_ORGANIZATION_KINDS
from dangjian.school import selectors
from dangjian.school.models import Attendance

MEMBER_AREA = "organization__area__"
PLAN_SOURCE = "2019—2023年全国党员教育培训工作规划（2024—2028年规划据信未变）"


def _setting(key: str, default):
    return settings.DANGJIAN_RULES.get(key, default)


def _member_url(pk) -> str:
    return reverse("admin:members_member_change", args=[pk])


# ---------------------------------------------------------------- EDU-02: secretaries, 56 hours


def secretary_target_hours() -> Decimal:
    return Decimal(str(_setting("SECRETARY_TRAINING_HOURS", 56)))


def secretaries(scope):
    """On-roll members who are the recorded secretary of their own basic party organization."""
    members = Member.objects.filter(standing=Standing.ACTIVE, organization__is_active=True,
                                    organization__kind__in=BASIC_ORGANIZATION_KINDS,
                                    name=F("organization__secretary_name"))
    return scope.narrow(members, MEMBER_AREA)


def _secretaries_behind(scope, on_date: datetime.date):
    due = selectors.expected_hours_by(secretary_target_hours(), on_date, on_date.year)
    rows = secretaries(scope).annotate(study_hours=selectors.hours_in_year(on_date.year)).filter(study_hours__lt=due)
    return rows, due


@rules.register(
    code="EDU-02",
    title="党组织书记年度培训学时不足",
    citation=f"{PLAN_SOURCE}：基层党组织书记和班子成员每年集中学习培训不少于56学时"
             "（RULES.md EDU-02；目标见 DANGJIAN_RULES.SECRETARY_TRAINING_HOURS）",
    severity=Severity.WARNING,
    action="上级党组织和党校为学时落后的书记安排集中培训或送学；年底仍不足的，纳入下一年度培训计划。",
)
def secretaries_below_target(scope, on_date: datetime.date):
    rows, due = _secretaries_behind(scope, on_date)
    year_end = on_date >= datetime.date(on_date.year, 12, 31)
    severity = Severity.SERIOUS if year_end else Severity.WARNING
    when = f"{on_date.year}年全年" if year_end else f"截至{on_date:%m月%d日}按进度"
    for member in rows.select_related("organization").order_by("organization__path", "pk").iterator(chunk_size=500):
        yield Finding(
            rule_code="EDU-02",
            message=(f"{member.organization.name}书记{member.name}{on_date.year}年已参加培训"
                     f"{selectors.as_hours(member.study_hours)}学时，{when}应达{due}学时"
                     f"（全年{secretary_target_hours()}学时）。"),
            subject=member, anchor_label=member.organization.name, records_url=_member_url(member.pk),
            detail={"severity": severity, "hours": str(member.study_hours), "due": str(due)})


@rules.counts("EDU-02")
def count_secretaries_below_target(scope, on_date: datetime.date) -> int:
    return _secretaries_behind(scope, on_date)[0].order_by().count()


# ---------------------------------------------------------------- EDU-03: new members


def _trained(start: str, *, before: str | None = None) -> Exists:
    """Some attendance credited on or after the member's ``start`` date field (and before ``before``)."""
    credited = Attendance.objects.filter(member=OuterRef("pk"), credited_on__gte=OuterRef(start))
    if before is not None:
        credited = credited.filter(credited_on__lt=OuterRef(before))
    return Exists(credited)


def _untrained_new_members(scope, on_date: datetime.date):
    """Three cases, one member in at most one (their dates do not overlap):
    - ``probation``: probationary for NEW_MEMBER_TRAINING_WARN_MONTHS or more, no class since joining;
    - ``after_full``: became full between two years and one year ago, no class since;
    - ``during_probation``: became full within the year, no class during the probation."""
    year = _setting("NEW_MEMBER_TRAINING_AFTER_FULL_MONTHS", 12)
    warn_from = add_months(on_date, -_setting("NEW_MEMBER_TRAINING_WARN_MONTHS", 6))
    year_ago = add_months(on_date, -year)
    two_years_ago = add_months(year_ago, -year)
    probation = Q(status=MemberStatus.PROBATIONARY, joined_on__lte=warn_from) & ~_trained("joined_on")
    after_full = Q(status=MemberStatus.FULL, full_member_on__gt=two_years_ago,
                   full_member_on__lte=year_ago) & ~_trained("full_member_on")
    during = Q(status=MemberStatus.FULL, full_member_on__gt=year_ago,
               full_member_on__lte=on_date) & ~_trained("joined_on", before="full_member_on")
    members = Member.objects.filter(standing=Standing.ACTIVE).filter(probation | after_full | during)
    return scope.narrow(members, MEMBER_AREA), year_ago


@rules.register(
    code="EDU-03",
    title="新党员未按期参加培训",
    citation=f"{PLAN_SOURCE}：预备党员在预备期内、新转正党员在转正后一年内各参加一次集中培训（RULES.md EDU-03；"
             "预备期提示时点见 DANGJIAN_RULES.NEW_MEMBER_TRAINING_WARN_MONTHS）",
    severity=Severity.WARNING,
    action="党校把未参加培训的预备党员和新转正党员编入最近的班次，或安排补学。",
)
def new_members_untrained(scope, on_date: datetime.date):
    rows, year_ago = _untrained_new_members(scope, on_date)
    for member in rows.select_related("organization").order_by("joined_on", "pk").iterator(chunk_size=500):
        if member.status == MemberStatus.PROBATIONARY:
            severity, text = Severity.WARNING, (f"{member.joined_on:%Y年%m月%d日}入党，预备期内尚未参加党校培训")
        elif member.full_member_on <= year_ago:
            severity, text = Severity.SERIOUS, (f"{member.full_member_on:%Y年%m月%d日}转正，转正后一年内"
                                                "未参加党校培训")
        else:
            severity, text = Severity.WARNING, (f"{member.full_member_on:%Y年%m月%d日}转正，预备期内"
                                                "未参加党校培训")
        yield Finding(
            rule_code="EDU-03", message=f"{member.name}（{member.organization.name}）{text}。",
            subject=member, anchor_label=member.organization.name, records_url=_member_url(member.pk),
            detail={"severity": severity})


@rules.counts("EDU-03")
def count_new_members_untrained(scope, on_date: datetime.date) -> int:
    return _untrained_new_members(scope, on_date)[0].order_by().count()
