"""Indicators over the member registry (ARCHITECTURE.md: metric registry).

Counts are "as of" the period's end: a member counts who had joined by then and was still on
the roll (or left only afterwards), so a period compares with the previous one. Status and age
are taken at that day too. Employment, education and the organization a member belongs to are
what is recorded now (the registry keeps no dated history of them in queryable form).

Most figures come from one conditional aggregate over the scope's members ("the summary"):
one scan, grouped by ethnicity, gives the total and the counts by status, employment, age
band, education, sex and ethnicity — for the period's end *and* the previous period's end,
since a dashboard shows each figure with its change. It asks for a dozen member figures for
the same scope, so the summary is kept on the Scope object for its lifetime (one page); a
Scope made afresh counts afresh. The same pass counts who is away (the floating share) and,
for the dashboard's health findings, two member rules' counts for today (members.rules).

The scope reaches members as ``organization_id IN (organizations under the area)``: a member
has no area of its own, and the IN list lets the database read the scope's members from the
organization index instead of joining every member to its organization's area.
"""

import datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dangjian.accounts import scoping
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
from dangjian.organizations.models import PartyOrganization

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


def narrow_members(scope, queryset, member: str = ""):
    """``queryset`` (of members, or of rows reaching a member through ``member``) narrowed to
    the actor's scope (accounts.scoping) and to the focus as an organization IN list."""
    if not scoping.sees_all_under(scope.actor, queryset.model, scope.focus_area, (f"{member}organization__area__",)):
        queryset = scoping.narrow(scope.actor, queryset)
    if scope.focus_area is not None:
        under = PartyOrganization.objects.filter(area__path__startswith=scope.focus_area.path).values("pk")
        queryset = queryset.filter(**{f"{member}organization__in": under})
    return queryset.order_by()


def _as_of(day: datetime.date, member: str = "") -> Q:
    """On the roll on ``day``: joined by then, and on the roll or left only later."""
    return Q(**{f"{member}joined_on__lte": day}) & (Q(**{f"{member}standing": Standing.ACTIVE})
                                                     | Q(**{f"{member}left_on__gt": day}))


def members_as_of(scope, day: datetime.date):
    """Members in the scope on ``day``: joined by then, and on the roll or left only later."""
    return narrow_members(scope, Member.objects.filter(_as_of(day)))


def _age_condition(day: datetime.date, low: int | None, high: int | None) -> Q:
    condition = Q()
    if low is not None:  # age ≥ low ⇔ born on or before day − low years
        condition &= Q(birth_date__lte=years_before(day, low))
    if high is not None:  # age ≤ high ⇔ born after day − (high + 1) years
        condition &= Q(birth_date__gt=years_before(day, high + 1))
    return condition


def _codes(scope) -> dict[tuple[str, str], tuple[int, str]]:
    """{(table, code): (pk, name)} of the sex, ethnicity and education tables (one query per scope)."""
    memo = vars(scope)
    if "_member_codes" not in memo:
        rows = Code.objects.filter(table__in=[CodeTable.SEX, CodeTable.ETHNICITY, CodeTable.EDUCATION])
        memo["_member_codes"] = {(table, code): (pk, name)
                                 for table, code, pk, name in rows.values_list("table", "code", "pk", "name")}
    return memo["_member_codes"]


def _code_ids(scope) -> dict[tuple[str, str], int]:
    return {key: pk for key, (pk, _name) in _codes(scope).items()}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def member_summary(scope, period) -> dict:
    """{name: count} for the scope's members at ``period``'s end (memoised on the scope: see the
    module docstring); ``"ethnicity"`` holds {ethnicity id: count}.

    One pass counts the period's end and the previous period's end: the members are grouped
    by what the figures break down by (ethnicity, employment, education, sex) and by what
    depends on the day (on the roll, full member, age band), a few thousand groups at most,
    summed here. Sixty conditional counts over the same rows took three times as long."""
    from dangjian.members.rules import member_rule_conditions  # the rules import this module

    memo = vars(scope).setdefault("_member_summary", {})
    if period.end in memo:
        return memo[period.end]
    days = sorted({period.end, period.previous().end})
    # Anyone on the roll on either day (joined by the later one, not gone before the earlier
    # one), and anyone on the roll now: the member rules count them in the same pass.
    members = narrow_members(scope, Member.objects.filter(
        Q(standing=Standing.ACTIVE) | Q(joined_on__lte=days[-1], left_on__gt=days[0])))
    per_day = {}
    for index, day in enumerate(days):
        bands = [When(_age_condition(day, low, high), then=Value(band))
                 for band, (_label, low, high) in enumerate(AGE_BANDS)]
        per_day[f"on_roll_{index}"] = _flag(_as_of(day))
        per_day[f"full_{index}"] = _flag(Q(full_member_on__isnull=False, full_member_on__lte=day))
        per_day[f"age_{index}"] = Case(*bands, default=Value(-1), output_field=IntegerField())
    # Counted within each group (not grouped by): who is away on each day, and the member
    # rules' counts for today (MEM-01 and MEM-03, members on the roll now) — separate passes
    # read the same rows again.
    counted = {f"away_{index}": Count("pk", filter=Q(pk__in=_away_on(day))) for index, day in enumerate(days)}
    today = timezone.localdate()
    rule_counts = {f"rule_{name}": Count("pk", filter=Q(standing=Standing.ACTIVE) & condition)
                   for name, condition in member_rule_conditions(today).items()}
    rows = list(members.annotate(**per_day).values(*per_day, "ethnicity_id", "employment", "education_id", "sex_id")
                .annotate(n=Count("pk"), **counted, **rule_counts))
    vars(scope).setdefault("_member_rule_counts", {}).setdefault(
        today, {name.removeprefix("rule_"): sum(row[name] for row in rows) for name in rule_counts})

    codes = _code_ids(scope)
    education_class = {pk: label for label, digits in EDUCATION_CLASSES
                       for (table, code), pk in codes.items() if table == CodeTable.EDUCATION and code[:1] in digits}
    sex_code = {codes[(CodeTable.SEX, code)]: code for code in ("1", "2") if (CodeTable.SEX, code) in codes}
    for index, day in enumerate(days):
        summary = {"total": 0, "full": 0, "away": 0, "ethnicity": {},
                   **{f"employment:{value}": 0 for value in Employment.values},
                   **{f"age:{band}": 0 for band in range(len(AGE_BANDS))},
                   **{f"education:{label}": 0 for label, _digits in EDUCATION_CLASSES},
                   "sex:1": 0, "sex:2": 0}
        for row in rows:
            if not row[f"on_roll_{index}"]:
                continue
            n = row["n"]
            summary["total"] += n
            summary["full"] += n * row[f"full_{index}"]
            summary["away"] += row[f"away_{index}"]
            if f"employment:{row['employment']}" in summary:
                summary[f"employment:{row['employment']}"] += n
            if row[f"age_{index}"] >= 0:
                summary[f"age:{row[f'age_{index}']}"] += n
            if row["education_id"] in education_class:
                summary[f"education:{education_class[row['education_id']]}"] += n
            if row["sex_id"] in sex_code:
                summary[f"sex:{sex_code[row['sex_id']]}"] += n
            summary["ethnicity"][row["ethnicity_id"]] = summary["ethnicity"].get(row["ethnicity_id"], 0) + n
        memo[day] = summary
    return memo[period.end]


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
    return member_summary(scope, period)["total"]


@metrics.register(key="members.by_status", label="党员数（按党员类别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_status(scope, period):
    summary = member_summary(scope, period)
    return {str(MemberStatus.FULL.label): summary["full"],
            str(MemberStatus.PROBATIONARY.label): summary["total"] - summary["full"]}


@metrics.register(key="members.by_employment", label="党员数（按就业状况）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_employment(scope, period):
    summary = member_summary(scope, period)
    return {str(label): summary[f"employment:{value}"] for value, label in Employment.choices}


@metrics.register(key="members.by_age_band", label="党员数（按年龄段）", unit="名", breakdown=True,
                  records_url=_roster_url, description="按期末年龄")
def members_by_age_band(scope, period):
    summary = member_summary(scope, period)
    return {label: summary[f"age:{index}"] for index, (label, _low, _high) in enumerate(AGE_BANDS)}


@metrics.register(key="members.by_education", label="党员数（按学历）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_education(scope, period):
    summary = member_summary(scope, period)
    result = {label: summary[f"education:{label}"] for label, _digits in EDUCATION_CLASSES}
    unknown = summary["total"] - sum(result.values())
    if unknown:
        result["未登记"] = unknown
    return result


@metrics.register(key="members.by_sex", label="党员数（按性别）", unit="名", breakdown=True,
                  records_url=_roster_url)
def members_by_sex(scope, period):
    summary = member_summary(scope, period)
    result = {"男": summary["sex:1"], "女": summary["sex:2"]}
    other = summary["total"] - summary["sex:1"] - summary["sex:2"]
    if other:
        result["未说明"] = other
    return result


@metrics.register(key="members.by_ethnicity", label="党员数（按民族）", unit="名", breakdown=True,
                  records_url=_roster_url,
                  description=f"汉族与人数最多的{ETHNIC_MINORITIES_SHOWN}个少数民族，其余合并为“其他少数民族”")
def members_by_ethnicity(scope, period):
    han_id = _code_ids(scope).get((CodeTable.ETHNICITY, "01"))
    names = {pk: name for (table, _code), (pk, name) in _codes(scope).items() if table == CodeTable.ETHNICITY}
    by_ethnicity = member_summary(scope, period)["ethnicity"]
    # Most members first, then by name (members with no ethnicity recorded last among equals).
    minorities = sorted(((names.get(pk), n) for pk, n in by_ethnicity.items() if pk != han_id),
                        key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    result = {"汉族": by_ethnicity.get(han_id, 0)}
    result.update(minorities[:ETHNIC_MINORITIES_SHOWN])
    rest = sum(n for _name, n in minorities[ETHNIC_MINORITIES_SHOWN:])
    if rest:
        result["其他少数民族"] = rest
    return result


@metrics.register(key="members.off_post_share", label="离岗党员占比", unit="%", records_url=_roster_url,
                  description="离退休和下岗失业党员 ÷ 党员总数")
def off_post_share(scope, period):
    summary = member_summary(scope, period)
    return _share(sum(summary[f"employment:{value}"] for value in OFF_POST), summary["total"])


@metrics.register(key="members.floating_share", label="流动党员占比", unit="%", records_url=_roster_url,
                  description="期末外出流动（流出登记未结束）的党员 ÷ 党员总数")
def floating_share(scope, period):
    total = member_summary(scope, period)["total"]
    if not total:
        return None
    return _share(member_summary(scope, period)["away"], total)


def _away_on(day: datetime.date):
    """The members away on ``day``: an outflow record open then (a few thousand records
    city-wide, hashed once per query)."""
    return (FloatingRecord.objects.filter(direction=FloatingDirection.OUTFLOW, member__isnull=False, started_on__lte=day)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day)).values("member_id"))
