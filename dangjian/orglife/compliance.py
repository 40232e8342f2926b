"""What each branch had to hold and what it held: the calendar page, the ledger and the LIFE rules
all read this one computation, from the frequencies in ``settings.DANGJIAN_RULES``
(ORGLIFE_FREQUENCIES, RULES.md LIFE-01…07), so the numbers can never disagree.

Which kinds are due for a branch:
* committee meetings (LIFE-02) only where the branch has a committee — ORG-04: 7 or more full
  members (BRANCH_COMMITTEE_FROM_FULL_MEMBERS); with fewer it has a secretary only;
* party-group meetings (LIFE-03) only where the branch has party groups ("where groups exist");
* every other kind for every branch.
A period before the branch was founded is not due. A period counts as held when at least one
meeting of that kind was held in it; a period that has ended without one is *missed*.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count

from dangjian.core.periods import Period, add_months
from dangjian.orglife.models import MeetingKind, MeetingStatus, OrgLifeMeeting

RULE_OF_KIND = {
    MeetingKind.MEMBERS_MEETING: "LIFE-01", MeetingKind.COMMITTEE_MEETING: "LIFE-02",
    MeetingKind.GROUP_MEETING: "LIFE-03", MeetingKind.PARTY_LECTURE: "LIFE-04",
    MeetingKind.THEME_DAY: "LIFE-05", MeetingKind.LIFE_MEETING: "LIFE-06",
    MeetingKind.DEMOCRATIC_REVIEW: "LIFE-07",
}
FREQUENCY_LABELS = {"month": "每月", "quarter": "每季度", "year": "每年"}


class CellState:
    HELD = "held"
    MISSED = "missed"
    OPEN = "open"  # the current period, nothing held yet
    UPCOMING = "upcoming"
    NOT_DUE = "not_due"

    LABELS = {HELD: "已召开", MISSED: "未召开", OPEN: "本期待开", UPCOMING: "未到期", NOT_DUE: "无需召开"}


def frequency(kind: str) -> str:
    return settings.DANGJIAN_RULES["ORGLIFE_FREQUENCIES"][kind]


def periods_in_year(year: int, kind_of_period: str) -> list[Period]:
    periods, day = [], datetime.date(year, 1, 1)
    while day.year == year:
        period = Period.containing(day, kind_of_period)
        periods.append(period)
        day = period.end + datetime.timedelta(days=1)
    return periods


def checked_periods(kind_of_period: str, on_date: datetime.date) -> list[Period]:
    """The whole periods the rules look at on ``on_date``: those that ended before the current one
    began, within the 12 months before it (12 months, 4 quarters or the previous year)."""
    current = Period.containing(on_date, kind_of_period)
    earliest = add_months(current.start, -12)
    periods, period = [], current.previous()
    while period.start >= earliest:
        periods.append(period)
        period = period.previous()
    return list(reversed(periods))


@dataclass(frozen=True)
class Branch:
    pk: int
    name: str
    path: str
    area_name: str
    founded_on: datetime.date | None
    has_committee: bool
    has_groups: bool

    def as_organization(self):
        """The branch as the PartyOrganization row it was read from (a finding's subject is a
        model instance: the weekly findings record keys it by content type and id)."""
        from dangjian.organizations.models import PartyOrganization

        return PartyOrganization(pk=self.pk, name=self.name, path=self.path)

    def kinds_due(self) -> list[str]:
        kinds = []
        for kind in MeetingKind.values:
            if kind == MeetingKind.COMMITTEE_MEETING and not self.has_committee:
                continue
            if kind == MeetingKind.GROUP_MEETING and not self.has_groups:
                continue
            kinds.append(kind)
        return kinds

    def is_due(self, period: Period) -> bool:
        return self.founded_on is None or self.founded_on <= period.start


def branch_facts(branches) -> list[Branch]:
    """The branches of ``branches`` (a PartyOrganization queryset) with whether each has a committee
    (ORG-04) and party groups: three queries whatever the number of branches."""
    from dangjian.members.models import Member, MemberStatus, Standing
    from dangjian.organizations.models import OrganizationKind, PartyOrganization

    rows = list(branches.order_by("path").values_list("pk", "name", "path", "area__name", "founded_on"))
    if not rows:
        return []
    step = PartyOrganization.steplen
    pks = [row[0] for row in rows]
    by_path = {row[2]: row[0] for row in rows}
    groups = PartyOrganization.objects.filter(kind=OrganizationKind.PARTY_GROUP, is_active=True)
    # A party group sits directly under its branch: its path is the branch's plus one step.
    group_owner = {pk: by_path[path[:-step]] for pk, path in groups.values_list("pk", "path") if path[:-step] in by_path}
    with_groups = set(group_owner.values())
    full = (Member.objects.filter(standing=Standing.ACTIVE, status=MemberStatus.FULL)
            .filter(organization_id__in=[*pks, *group_owner]).values_list("organization_id")
            .annotate(n=Count("pk")).order_by())
    full_by_branch: dict[int, int] = {}
    for organization_id, count in full:
        owner = group_owner.get(organization_id, organization_id)
        full_by_branch[owner] = full_by_branch.get(owner, 0) + count
    threshold = settings.DANGJIAN_RULES["BRANCH_COMMITTEE_FROM_FULL_MEMBERS"]
    return [Branch(pk=pk, name=name, path=path, area_name=area_name or "", founded_on=founded_on,
                   has_committee=full_by_branch.get(pk, 0) >= threshold, has_groups=pk in with_groups)
            for pk, name, path, area_name, founded_on in rows]


def held_periods(meetings, start: datetime.date, end: datetime.date) -> dict[tuple[int, str], set[datetime.date]]:
    """{(branch pk, kind): {month starts with a meeting held}} for meetings held in [start, end]."""
    held: dict[tuple[int, str], set[datetime.date]] = {}
    rows = (meetings.filter(status=MeetingStatus.HELD, held_on__gte=start, held_on__lte=end)
            .values_list("organization_id", "kind", "held_on").order_by().distinct())
    for organization_id, kind, held_on in rows:
        held.setdefault((organization_id, kind), set()).add(held_on)
    return held


def _held_in(dates: set[datetime.date], period: Period) -> bool:
    return any(period.start <= day <= period.end for day in dates)


@dataclass
class Miss:
    branch: Branch
    kind: str
    periods: list[Period] = field(default_factory=list)


def misses(branches: list[Branch], meetings, on_date: datetime.date) -> dict[str, list[Miss]]:
    """{rule code: [Miss]}: per kind, the branches that let a checked period pass without a meeting."""
    windows = {kind: checked_periods(frequency(kind), on_date) for kind in MeetingKind.values}
    starts = [periods[0].start for periods in windows.values() if periods]
    found: dict[str, list[Miss]] = {code: [] for code in RULE_OF_KIND.values()}
    if not branches or not starts:
        return found
    held = held_periods(meetings.filter(organization_id__in=[b.pk for b in branches]), min(starts), on_date)
    for branch in branches:
        for kind in branch.kinds_due():
            dates = held.get((branch.pk, kind), set())
            missed = [p for p in windows[kind] if branch.is_due(p) and not _held_in(dates, p)]
            if missed:
                found[RULE_OF_KIND[kind]].append(Miss(branch=branch, kind=kind, periods=missed))
    return found


@dataclass(frozen=True)
class Cell:
    period: Period
    state: str
    meetings: tuple = ()

    @property
    def label(self) -> str:
        return CellState.LABELS[self.state]


@dataclass(frozen=True)
class CalendarRow:
    kind: str
    label: str
    rule_code: str
    frequency_label: str
    cells: tuple
    due: int
    held: int
    missed: int


def branch_calendar(branch: Branch, year: int, today: datetime.date) -> list[CalendarRow]:
    """The branch's year, kind by kind: each period due and whether it was held (two queries)."""
    meetings = list(OrgLifeMeeting.objects.filter(organization_id=branch.pk, held_on__year=year)
                    .order_by("held_on", "pk"))
    rows = []
    for kind in branch.kinds_due():
        cells = []
        for period in periods_in_year(year, frequency(kind)):
            held = tuple(m for m in meetings if m.kind == kind and m.status == MeetingStatus.HELD
                         and period.start <= m.held_on <= period.end)
            if not branch.is_due(period):
                state = CellState.NOT_DUE
            elif held:
                state = CellState.HELD
            elif period.end < today:
                state = CellState.MISSED
            elif period.start <= today:
                state = CellState.OPEN
            else:
                state = CellState.UPCOMING
            cells.append(Cell(period=period, state=state, meetings=held))
        due = sum(1 for c in cells if c.state in (CellState.HELD, CellState.MISSED, CellState.OPEN))
        rows.append(CalendarRow(
            kind=kind, label=str(MeetingKind(kind).label), rule_code=RULE_OF_KIND[kind],
            frequency_label=FREQUENCY_LABELS[frequency(kind)], cells=tuple(cells), due=due,
            held=sum(1 for c in cells if c.state == CellState.HELD),
            missed=sum(1 for c in cells if c.state == CellState.MISSED)))
    return rows
