"""Reads for the annual statistics (年度统计): which areas an actor reports on, and one selector
per topic. Members, organizations and coverage are counted as they stood on the as-of date
(history.py); dated records by their own dates within the year (selectors_events.py).

Who may report on an area: whoever sees *everything* located there — the superuser, a city
administrator, or an area role (administrator or leader) whose area contains it. An
organization administrator sees only its own subtree of what sits in an area, and the function
roles see no area at all, so they get no report. Any other area answers 404.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.annual_report import selectors_events
from dangjian.annual_report.history import as_of, untracked
from dangjian.annual_report.report import Report, ReportPeriod, Sheet, rate, report_rows
from dangjian.coverage.models import InstructorAssignment
from dangjian.members.models import Employment, Member, MemberStatus, Standing
from dangjian.organizations.models import (
    NEW_ORGANIZATION_SECTORS,
    Area,
    AreaLevel,
    OrganizationKind,
    PartyOrganization,
    Unit,
)

CHOOSABLE_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


# ---------------------------------------------------------------- who reports on what


def _area_roots(actor) -> list[str] | None:
    """Path prefixes of the areas the actor sees entirely (None: everything)."""
    if scoping.is_superuser(actor) or scoping.is_city_admin(actor):
        return None
    return sorted({grant.area_path for grant in scoping.grants_for(actor) if grant.is_general and grant.area_path})


def report_area_list_for(actor) -> QuerySet:
    """The areas the actor may report on (grids excluded: too small to report)."""
    areas = Area.objects.filter(level__in=CHOOSABLE_LEVELS).order_by("path")
    roots = _area_roots(actor)
    if roots is None:
        return areas
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(path__startswith=root)
    return areas.filter(condition)


def may_report(actor) -> bool:
    """Holds an area role (the sidebar shows the page on the same condition)."""
    roots = _area_roots(actor)
    return roots is None or bool(roots)


def report_area_get_for(actor, pk) -> Area:
    try:
        return report_area_list_for(actor).get(pk=pk)
    except (Area.DoesNotExist, ValueError, TypeError):
        raise Http404("区域不存在。") from None


def default_area_for(actor) -> Area | None:
    return report_area_list_for(actor).order_by("depth", "path").first()


def report_period(*, area: Area, year: int, as_of_date: datetime.date | None = None) -> ReportPeriod:
    """The period with its as-of date checked (31 December by default, today if that is to come).
    Raises ValueError with a Chinese message for an impossible date."""
    today = timezone.localdate()
    if not 2000 <= year <= today.year:
        raise ValueError(f"统计年度须在2000年到{today.year}年之间。")
    chosen = as_of_date or min(datetime.date(year, 12, 31), today)
    if chosen < datetime.date(year, 1, 1):
        raise ValueError(f"统计截止日期不能早于{year}年1月1日。")
    if chosen > today:
        raise ValueError("统计截止日期不能晚于今天：尚未发生的情况无从统计。")
    return ReportPeriod(area=area, year=year, as_of=chosen)


# ---------------------------------------------------------------- as of the date


def _organizations_then(period: ReportPeriod) -> list[tuple[int, str, bool, str]]:
    """(id, kind, is_active, area path) of every organization located in the area on the date."""
    fields = ("id", "kind", "is_active", "area__path")
    tracked = as_of(PartyOrganization, period.as_of).filter(**period.under("area__path")).values_list(*fields)
    bulk = untracked(PartyOrganization, Q(founded_on=None) | Q(founded_on__lte=period.as_of)).filter(
        **period.under("area__path")).values_list(*fields)
    return [*tracked, *bulk]


def organizations_sheet(period: ReportPeriod, organizations) -> Sheet:
    kinds = list(OrganizationKind)
    sheet = Sheet("organizations", "党组织", ["党组织总数", *(str(kind.label) for kind in kinds)],
                  note=f"截至{period.as_of:%Y年%m月%d日}存续的党组织（按当日所在区域）。")
    for _pk, kind, active, path in organizations:
        if active:
            sheet.add(period.row_key(path), {"党组织总数": 1, str(OrganizationKind(kind).label): 1})
    return sheet


def _member_counts(period: ReportPeriod, rows: QuerySet) -> QuerySet:
    within = Q(**period.within("joined_on"))
    on_roll = Q(standing=Standing.ACTIVE)
    # The organizations located in the area on the day, as subqueries (no list of 15,000 ids).
    located = Q(pk__in=[])
    for organizations in (as_of(PartyOrganization, period.as_of), untracked(PartyOrganization)):
        located |= Q(organization_id__in=organizations.filter(**period.under("area__path")).values("id"))
    return (rows.filter(located).order_by().values("organization_id").annotate(
        total=Count("id", filter=on_roll),
        full=Count("id", filter=on_roll & Q(status=MemberStatus.FULL)),
        probationary=Count("id", filter=on_roll & Q(status=MemberStatus.PROBATIONARY)),
        retired=Count("id", filter=on_roll & Q(employment=Employment.RETIRED)),
        laid_off=Count("id", filter=on_roll & Q(employment=Employment.LAID_OFF)),
        lost=Count("id", filter=on_roll & Q(lost_contact_since__lte=period.as_of)),
        joined=Count("id", filter=on_roll & within),
        became_full=Count("id", filter=on_roll & Q(**period.within("full_member_on"))),
        left=Count("id", filter=~on_roll & Q(**period.within("left_on"))),
    ))


MEMBER_COLUMNS = {"total": "党员总数", "full": "正式党员", "probationary": "预备党员", "retired": "离退休党员",
                  "laid_off": "下岗失业党员", "lost": "失联党员", "joined": "年内入党", "became_full": "年内转正",
                  "left": "年内减少（去世、出党、转出本系统）"}


def members_sheet(period: ReportPeriod, organizations) -> Sheet:
    """Members on the roll of an organization located in the area, both as on the date."""
    sheet = Sheet("members", "党员", list(MEMBER_COLUMNS.values()),
                  note=f"截至{period.as_of:%Y年%m月%d日}在册党员，按当日所在党组织及其所在区域统计。")
    where = {pk: period.row_key(path) for pk, _kind, _active, path in organizations}
    tracked = _member_counts(period, as_of(Member, period.as_of))
    bulk = _member_counts(period, untracked(Member, Q(created_at__lt=period.end_instant)))
    for row in (*tracked, *bulk):
        if row["organization_id"] in where:  # the same organizations (founded by the day)
            sheet.add(where[row["organization_id"]], {MEMBER_COLUMNS[key]: value for key, value in row.items()
                                                      if key in MEMBER_COLUMNS})
    return sheet


def _coverage_counts(period: ReportPeriod, units: QuerySet) -> QuerySet:
    """Per row: operating 两新组织 units, covered by their own organization, by a joint branch
    only, by an instructor only (work coverage), all as on the date."""
    day = period.as_of
    own, joint = Q(pk__in=[]), Q(pk__in=[])
    for organizations in (as_of(PartyOrganization, day), untracked(PartyOrganization)):
        covering = organizations.filter(is_active=True)
        own |= Q(id__in=covering.exclude(unit=None).values("unit_id"))
        joint |= Q(id__in=PartyOrganization.covered_units.through.objects.filter(
            partyorganization_id__in=covering.values("id")).values("unit_id"))
    assignments = InstructorAssignment.objects.filter(
        Q(ended_on=None) | Q(ended_on__gt=day), started_on__lte=day, instructor__appointed_on__lte=day,
        instructor__term_ends_on__gt=day).filter(Q(instructor__ended_on=None) | Q(instructor__ended_on__gt=day))
    instructed = Q(Exists(assignments.filter(unit_id=OuterRef("id"))))
    counted = units.filter(sector__in=NEW_ORGANIZATION_SECTORS, is_operating=True)
    return period.keyed(counted, "area__path").annotate(
        units=Count("id"), own=Count("id", filter=own), joint=Count("id", filter=joint & ~own),
        instructor=Count("id", filter=instructed & ~own & ~joint))


COVERAGE_COLUMNS = {"units": "两新组织数", "own": "单独建立党组织", "joint": "联合党支部覆盖", "instructor": "仅由指导员覆盖"}


def coverage_sheet(period: ReportPeriod) -> Sheet:
    def derive(values):
        organized = values["单独建立党组织"] + values["联合党支部覆盖"]
        return {"党的组织覆盖率（%）": rate(organized, values["两新组织数"]),
                "党的工作覆盖率（%）": rate(organized + values["仅由指导员覆盖"], values["两新组织数"])}

    sheet = Sheet("coverage", "两新组织覆盖", ["两新组织数", "单独建立党组织", "联合党支部覆盖", "党的组织覆盖率（%）",
                                         "仅由指导员覆盖", "党的工作覆盖率（%）"], derive=derive,
                  note=f"截至{period.as_of:%Y年%m月%d日}正常经营的非公有制企业和社会组织（RULES.md COV）；"
                       "联合党支部覆盖哪些单位按现有登记计算（该关系未留历史）。")
    for units in (as_of(Unit, period.as_of), untracked(Unit)):
        for row in _coverage_counts(period, units):
            sheet.add(row["row_key"], {COVERAGE_COLUMNS[key]: value for key, value in row.items()
                                       if key in COVERAGE_COLUMNS})
    return sheet


def annual_report_for(actor, *, area: Area, year: int, as_of_date: datetime.date | None = None) -> Report:
    """Every topic's figures for ``area`` (already checked with :func:`report_area_get_for`)."""
    period = report_period(area=area, year=year, as_of_date=as_of_date)
    organizations = _organizations_then(period)
    sheets = [organizations_sheet(period, organizations), members_sheet(period, organizations), coverage_sheet(period),
              *selectors_events.event_sheets(period)]
    return Report(period=period, rows=report_rows(period), sheets=sheets)

