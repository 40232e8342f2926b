"""The seed's care groups (离退休、下岗失业、流动、困难党员) and who is due for a visit (MEM-08).

A member may be in several groups; the shortest cadence among them applies. The cadence is
the one the member's community set (CareCadence), else the default in settings
(DANGJIAN_RULES["CARE_VISIT_MONTHS"]). Everything here reads a queryset the caller has
already narrowed to the actor's scope.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.core.periods import add_months
from dangjian.members.models import (
    CareCadence,
    CareGroup,
    CareVisit,
    Employment,
    FloatingDirection,
    FloatingRecord,
    Member,
)
from dangjian.organizations.models import AreaLevel

GROUP_CONDITIONS = {
    CareGroup.RETIRED: Q(employment=Employment.RETIRED),
    CareGroup.LAID_OFF: Q(employment=Employment.LAID_OFF),
    CareGroup.DIFFICULTY: Q(has_difficulty=True),
}


def _open_outflow():
    return FloatingRecord.objects.filter(member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW,
                                         ended_on__isnull=True)


def in_care_groups(members: QuerySet) -> QuerySet:
    """Members in at least one care group, annotated with ``is_floating`` and ``last_visit_on``."""
    return (members.annotate(is_floating=Exists(_open_outflow()), last_visit_on=Max("care_visits__visited_on"))
            .filter(Q(employment__in=[Employment.RETIRED, Employment.LAID_OFF]) | Q(has_difficulty=True)
                    | Q(is_floating=True)))


def groups_of(member: Member) -> list[str]:
    groups = []
    if member.employment == Employment.RETIRED:
        groups.append(CareGroup.RETIRED)
    if member.employment == Employment.LAID_OFF:
        groups.append(CareGroup.LAID_OFF)
    if member.has_difficulty:
        groups.append(CareGroup.DIFFICULTY)
    if getattr(member, "is_floating", False):
        groups.append(CareGroup.FLOATING)
    return groups


@dataclass(frozen=True)
class VisitDue:
    member: Member
    groups: list[str]
    every_months: int
    last_visit_on: datetime.date | None
    due_on: datetime.date

    @property
    def group_labels(self) -> str:
        return "、".join(str(CareGroup(group).label) for group in self.groups)


def cadence_table(community) -> list[dict]:
    """A community's visiting cadence for each care group: its own setting, else the default of
    ``DANGJIAN_RULES["CARE_VISIT_MONTHS"]`` (MEM-08). ``community`` is an Area the caller may see."""
    if community.level != AreaLevel.COMMUNITY:
        raise ValidationError({"area": "走访周期由社区设置，请选择一个社区。"})
    stored = dict(CareCadence.objects.filter(area=community).values_list("group", "every_months"))
    return [{"group": group.value, "group_label": str(group.label),
             "every_months": stored.get(group.value, CareCadence.default_months(group.value)),
             "is_default": group.value not in stored} for group in CareGroup]


def cadence_rows() -> list[tuple[str, str, int]]:
    """[(area path, group, months)] every community's own cadences, in the order a member's
    cadence is looked up (the first row whose area holds the member's organization wins)."""
    return list(CareCadence.objects.values_list("area__path", "group", "every_months"))


def cadences_for(members: QuerySet) -> dict[tuple[str, str], int]:
    """{(community path, group): months} for the communities the members' organizations sit in."""
    return {(path, group): months for path, group, months in cadence_rows()}


def visits_due(members: QuerySet, *, on_date: datetime.date) -> list[VisitDue]:
    """Care-group members whose next visit is due on or before ``on_date``, most overdue first.

    Never visited: due from the day they entered the registry (or the group)."""
    cadences = cadences_for(members)
    due = []
    rows = in_care_groups(members).select_related("organization__area").order_by("name_pinyin", "id")
    for member in rows.iterator(chunk_size=2000):
        groups = groups_of(member)
        community_path = member.organization.area.path
        months = min(_cadence(cadences, community_path, group) for group in groups)
        start = member.last_visit_on or timezone.localdate(member.created_at)
        due_on = add_months(start, months) if member.last_visit_on else start
        if due_on <= on_date:
            due.append(VisitDue(member=member, groups=groups, every_months=months,
                                last_visit_on=member.last_visit_on, due_on=due_on))
    due.sort(key=lambda item: item.due_on)
    return due


def _cadence(cadences: dict, community_path: str, group: str) -> int:
    for (path, cadence_group), months in cadences.items():
        if cadence_group == group and community_path.startswith(path):
            return months
    return CareCadence.default_months(group)


# ---------------------------------------------------------------- the same, counted in SQL


def latest_visit_still_due(months: int, on_date: datetime.date) -> datetime.date:
    """The latest day ``d`` with ``add_months(d, months) <= on_date``: a member last visited on or
    before it is due. add_months never decreases as ``d`` grows, so the days that qualify are
    exactly those up to this one; month-end clamping moves it at most three days."""
    day = add_months(on_date, -months)
    while add_months(day + datetime.timedelta(days=1), months) <= on_date:
        day += datetime.timedelta(days=1)
    return day


def visits_due_condition(*, on_date: datetime.date, cadences: list[tuple[str, str, int]]) -> Q:
    """A member is in ``visits_due(…, on_date=on_date)`` ⇔ they meet this condition (members'
    columns, one hashed IN, and visit lookups only for care-group members).

    Due with cadence m ⇔ no visit after latest_visit_still_due(m) (and, never visited, in the
    registry by ``on_date``); the shortest cadence among a member's groups applies, so a member
    is due when due under the cadence of any of their groups. The cadence of a group is the
    first matching community row (as ``_cadence``), else the default."""

    def no_visit_after(months: int) -> Q:
        cutoff = latest_visit_still_due(months, on_date)
        return ~Q(Exists(CareVisit.objects.filter(member=OuterRef("pk"), visited_on__gt=cutoff)))

    # The floating group as a hashed IN over the few open outflow records, so that the cheap
    # column tests settle most members before any per-member visit lookup.
    away = FloatingRecord.objects.filter(direction=FloatingDirection.OUTFLOW, ended_on__isnull=True)
    memberships = {**GROUP_CONDITIONS, CareGroup.FLOATING: Q(pk__in=away.values("member_id"))}
    in_any_group = Q()
    for in_group in memberships.values():
        in_any_group |= in_group
    due = Q()
    for group, in_group in memberships.items():
        # One branch per cadence row of the group, each excluding the rows before it.
        branches, earlier = [], Q()
        for path, cadence_group, months in cadences:
            if cadence_group == group:
                here = Q(organization__area__path__startswith=path)
                branches.append(here & ~earlier & no_visit_after(months) if earlier else here & no_visit_after(months))
                earlier |= here
        default = no_visit_after(CareCadence.default_months(group))
        branches.append(~earlier & default if earlier else default)
        under_group = Q()
        for branch in branches:
            under_group |= branch
        due |= in_group & under_group
    # Never visited: due from the day they entered the registry (a date in the local time zone).
    tomorrow = datetime.datetime.combine(on_date + datetime.timedelta(days=1), datetime.time.min)
    registered = Q(created_at__lt=timezone.make_aware(tomorrow))
    visited = Q(Exists(CareVisit.objects.filter(member=OuterRef("pk"))))
    return in_any_group & due & (registered | visited)
