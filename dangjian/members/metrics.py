"""Indicators over the member registry (ARCHITECTURE.md: metric registry).

Counts are "as of" the period's end: a member counts who had joined by then and was still on
the roll (or left only afterwards), so a period compares with the previous one. Status and age
are taken at that day too. Employment, education and the organization a member belongs to are
what is recorded now (the registry keeps no dated history of them in queryable form).

Most figures come from one conditional aggregate over the scope's members ("the summary"):
one scan gives the total and the counts by status, employment, age band, education and sex.
A dashboard asks for a dozen member figures for the same scope and day, so the summary is
kept on the Scope object for its lifetime (one page); a Scope made afresh counts afresh. The
ethnic minorities (a GROUP BY over the few non-Han members) and the floating share (an EXISTS)
are their own queries.
"""

import datetime

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from dangjian.core.models import Code, CodeTable
from dangjian.core.periods import years_before
from dangjian.core.registry import metrics
from dangjian.members.models import (
    OFF_POST,
    Employment,
    FloatingDirection,
    FloatingRecord,
    Member,
    MemberStatus,
    Standing,
)

MEMBER_AREA = "organization__area__"

# (label, lowest age, highest age) — the bands of the annual party statistics, merged above 60.
AGE_BANDS = (
    ("35岁及以下", None, 35),
    ("36至45岁", 36, 45),
    ("46至55岁", 46, 55),
    ("56至60岁", 56, 60),
    ("61至70岁", 61, 70),
    ("71至80岁", 71, 80),
    ("81岁及以上", 81, None),
)
# GB/T 4658 codes grouped by their first digit into the classes party statistics report.
EDUCATION_CLASSES = (
    ("研究生", "1"),
    ("大学本科", "2"),
    ("大学专科", "3"),
    ("中专（中职）", "4"),
    ("高中", "6"),
    ("初中及以下", "78"),
    ("其他", "59"),
)
ETHNIC_MINORITIES_SHOWN = 5


def members_as_of(scope, day: datetime.date):
    """Members in the scope on ``day``: joined by then, and on the roll or left only later."""
    members = Member.objects.filter(joined_on__lte=day).filter(Q(standing=Standing.ACTIVE) | Q(left_on__gt=day))
    return scope.narrow(members, MEMBER_AREA).order_by()


def _age_condition(day: datetime.date, low: int | None, high: int | None) -> Q:
    condition = Q()
    if low is not None:  # age ≥ low ⇔ born on or before day − low years
        condition &= Q(birth_date__lte=years_before(day, low))
    if high is not None:  # age ≤ high ⇔ born after day − (high + 1) years
        condition &= Q(birth_date__gt=years_before(day, high + 1))
    return condition


def _code_ids(scope) -> dict[tuple[str, str], int]:
    """{(table, code): pk} of the sex, ethnicity and education tables (one query per scope)."""
    memo = vars(scope)
    if "_member_code_ids" not in memo:
        rows = Code.objects.filter(table__in=[CodeTable.SEX, CodeTable.ETHNICITY, CodeTable.EDUCATION])
        memo["_member_code_ids"] = {(table, code): pk for table, code, pk in rows.values_list("table", "code", "pk")}
    return memo["_member_code_ids"]


def member_summary(scope, day: datetime.date) -> dict[str, int]:
    """{name: count} for the scope's members on ``day``, from one conditional aggregate
    (memoised on the scope: see the module docstring)."""
    memo = vars(scope).setdefault("_member_summary", {})
    if day in memo:
        return memo[day]
    counts = {"total": Count("pk"),
              "full": Count("pk", filter=Q(full_member_on__isnull=False, full_member_on__lte=day))}
    for value in Employment.values:
        counts[f"employment:{value}"] = Count("pk", filter=Q(employment=value))
    for index, (_label, low, high) in enumerate(AGE_BANDS):
        counts[f"age:{index}"] = Count("pk", filter=_age_condition(day, low, high))
    codes = _code_ids(scope)
    for label, digits in EDUCATION_CLASSES:
        ids = [pk for (table, code), pk in codes.items() if table == CodeTable.EDUCATION and code[:1] in digits]
        counts[f"education:{label}"] = Count("pk", filter=Q(education_id__in=ids))
    for code in ("1", "2"):
        counts[f"sex:{code}"] = Count("pk", filter=Q(sex_id=codes.get((CodeTable.SEX, code))))
    counts["han"] = Count("pk", filter=Q(ethnicity_id=codes.get((CodeTable.ETHNICITY, "01"))))
    memo[day] = members_as_of(scope, day).aggregate(**counts)
    return memo[day]


def _roster_url(scope):
    try:
        return reverse("admin:members_member_changelist")
    except NoReverseMatch:  # the roster is not mounted (yet)
        return None


def _share(part: int, total: int):
    return round(100 * part / total, 1) if total else None


@metrics.register(key="members.total", label="党员总数", unit="名", records_url=_roster_url,
                  description="期末在册党员（含预备党员）")
def member_total(scope, period):
    return member_summary(scope, period.end)["total"]


@metrics.register(key="members.by_status", label="党员数（按党员类别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_status(scope, period):
    summary = member_summary(scope, period.end)
    return {str(MemberStatus.FULL.label): summary["full"],
            str(MemberStatus.PROBATIONARY.label): summary["total"] - summary["full"]}


@metrics.register(key="members.by_employment", label="党员数（按就业状况）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_employment(scope, period):
    summary = member_summary(scope, period.end)
    return {str(label): summary[f"employment:{value}"] for value, label in Employment.choices}


@metrics.register(key="members.by_age_band", label="党员数（按年龄段）", unit="名", breakdown=True,
                  records_url=_roster_url, description="按期末年龄")
def members_by_age_band(scope, period):
    summary = member_summary(scope, period.end)
    return {label: summary[f"age:{index}"] for index, (label, _low, _high) in enumerate(AGE_BANDS)}


@metrics.register(key="members.by_education", label="党员数（按学历）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_education(scope, period):
    summary = member_summary(scope, period.end)
    result = {label: summary[f"education:{label}"] for label, _digits in EDUCATION_CLASSES}
    unknown = summary["total"] - sum(result.values())
    if unknown:
        result["未登记"] = unknown
    return result


@metrics.register(key="members.by_sex", label="党员数（按性别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_sex(scope, period):
    summary = member_summary(scope, period.end)
    result = {"男": summary["sex:1"], "女": summary["sex:2"]}
    other = summary["total"] - summary["sex:1"] - summary["sex:2"]
    if other:
        result["未说明"] = other
    return result


@metrics.register(key="members.by_ethnicity", label="党员数（按民族）", unit="名", breakdown=True,
                  records_url=_roster_url,
                  description=f"汉族与人数最多的{ETHNIC_MINORITIES_SHOWN}个少数民族，其余合并为“其他少数民族”")
def members_by_ethnicity(scope, period):
    day = period.end
    han_id = _code_ids(scope).get((CodeTable.ETHNICITY, "01"))
    minorities = list(members_as_of(scope, day).exclude(ethnicity_id=han_id).values_list("ethnicity__name")
                      .annotate(n=Count("pk")).order_by("-n", "ethnicity__name"))
    result = {"汉族": member_summary(scope, day)["han"]}
    result.update(minorities[:ETHNIC_MINORITIES_SHOWN])
    rest = sum(n for _name, n in minorities[ETHNIC_MINORITIES_SHOWN:])
    if rest:
        result["其他少数民族"] = rest
    return result


@metrics.register(key="members.off_post_share", label="离岗党员占比", unit="%", records_url=_roster_url,
                  description="离退休和下岗失业党员 ÷ 党员总数")
def off_post_share(scope, period):
    summary = member_summary(scope, period.end)
    return _share(sum(summary[f"employment:{value}"] for value in OFF_POST), summary["total"])


@metrics.register(key="members.floating_share", label="流动党员占比", unit="%", records_url=_roster_url,
                  description="期末外出流动（流出登记未结束）的党员 ÷ 党员总数")
def floating_share(scope, period):
    day = period.end
    total = member_summary(scope, day)["total"]
    if not total:
        return None
    # From the few floating records to their members (not an EXISTS per member): distinct members.
    away = (FloatingRecord.objects.filter(direction=FloatingDirection.OUTFLOW, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
            .filter(member__joined_on__lte=day)
            .filter(Q(member__standing=Standing.ACTIVE) | Q(member__left_on__gt=day)))
    away = scope.narrow(away, "member__organization__area__")
    return _share(away.order_by().values("member_id").distinct().count(), total)
