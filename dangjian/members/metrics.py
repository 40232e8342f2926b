"""Indicators over the member registry (ARCHITECTURE.md: metric registry).

Counts are "as of" the period's end: a member counts who had joined by then and was still on
the roll (or left only afterwards), so a period compares with the previous one. Status and age
are taken at that day too. Employment, education and the organization a member belongs to are
what is recorded now (the registry keeps no dated history of them in queryable form).

Each metric is one or two queries (a GROUP BY or a conditional aggregate) over the scope.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse

from dangjian.core.models import Code, CodeTable
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


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


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
    return members_as_of(scope, period.end).count()


@metrics.register(key="members.by_status", label="党员数（按党员类别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_status(scope, period):
    full = Q(full_member_on__isnull=False, full_member_on__lte=period.end)
    counts = members_as_of(scope, period.end).aggregate(full=Count("pk", filter=full),
                                                          probationary=Count("pk", filter=~full))
    return {str(MemberStatus.FULL.label): counts["full"],
            str(MemberStatus.PROBATIONARY.label): counts["probationary"]}


@metrics.register(key="members.by_employment", label="党员数（按就业状况）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_employment(scope, period):
    counts = dict(members_as_of(scope, period.end).values_list("employment").annotate(n=Count("pk")))
    return {str(label): counts.get(value, 0) for value, label in Employment.choices}


@metrics.register(key="members.by_age_band", label="党员数（按年龄段）", unit="名", breakdown=True,
                  records_url=_roster_url, description="按期末年龄")
def members_by_age_band(scope, period):
    day = period.end
    aggregates = {}
    for index, (_label, low, high) in enumerate(AGE_BANDS):
        condition = Q()
        if low is not None:  # age ≥ low ⇔ born on or before day − low years
            condition &= Q(birth_date__lte=_years_before(day, low))
        if high is not None:  # age ≤ high ⇔ born after day − (high + 1) years
            condition &= Q(birth_date__gt=_years_before(day, high + 1))
        aggregates[f"band{index}"] = Count("pk", filter=condition)
    counts = members_as_of(scope, day).aggregate(**aggregates)
    return {label: counts[f"band{index}"] for index, (label, _low, _high) in enumerate(AGE_BANDS)}


@metrics.register(key="members.by_education", label="党员数（按学历）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_education(scope, period):
    counts = members_as_of(scope, period.end).values_list("education__code").annotate(n=Count("pk"))
    result = {label: 0 for label, _digits in EDUCATION_CLASSES}
    unknown = 0
    for code, n in counts:
        label = next((label for label, digits in EDUCATION_CLASSES if code and code[0] in digits), None)
        if label is None:
            unknown += n
        else:
            result[label] += n
    if unknown:
        result["未登记"] = unknown
    return result


@metrics.register(key="members.by_sex", label="党员数（按性别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_sex(scope, period):
    counts = dict(members_as_of(scope, period.end).values_list("sex_id").annotate(n=Count("pk")))
    names = dict(Code.objects.of(CodeTable.SEX).values_list("pk", "name"))
    result = {"男": 0, "女": 0}
    for sex_id, n in counts.items():
        label = names.get(sex_id, "未说明")
        result[label] = result.get(label, 0) + n
    return result


@metrics.register(key="members.by_ethnicity", label="党员数（按民族）", unit="名", breakdown=True,
                  records_url=_roster_url,
                  description=f"汉族与人数最多的{ETHNIC_MINORITIES_SHOWN}个少数民族，其余合并为“其他少数民族”")
def members_by_ethnicity(scope, period):
    counts = members_as_of(scope, period.end).values_list("ethnicity_id").annotate(n=Count("pk"))
    codes = {pk: (code, name) for pk, code, name in Code.objects.filter(table=CodeTable.ETHNICITY)
             .values_list("pk", "code", "name")}
    han = 0
    minorities = []
    for ethnicity_id, n in counts:
        code, name = codes.get(ethnicity_id, ("", "未登记"))
        if code == "01":
            han += n
        else:
            minorities.append((name, n))
    minorities.sort(key=lambda item: (-item[1], item[0]))
    result = {"汉族": han}
    result.update(minorities[:ETHNIC_MINORITIES_SHOWN])
    rest = sum(n for _name, n in minorities[ETHNIC_MINORITIES_SHOWN:])
    if rest:
        result["其他少数民族"] = rest
    return result


@metrics.register(key="members.off_post_share", label="离岗党员占比", unit="%", records_url=_roster_url,
                  description="离退休和下岗失业党员 ÷ 党员总数")
def off_post_share(scope, period):
    counts = members_as_of(scope, period.end).aggregate(
        total=Count("pk"), off_post=Count("pk", filter=Q(employment__in=OFF_POST)))
    return _share(counts["off_post"], counts["total"])


@metrics.register(key="members.floating_share", label="流动党员占比", unit="%", records_url=_roster_url,
                  description="期末外出流动（流出登记未结束）的党员 ÷ 党员总数")
def floating_share(scope, period):
    day = period.end
    members = members_as_of(scope, day)
    total = members.count()
    if not total:
        return None
    away = FloatingRecord.objects.filter(member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW,
                                         started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    # Two plain counts: an aggregate filtered on an EXISTS annotation miscounts on SQLite.
    return _share(members.filter(Exists(away)).count(), total)
