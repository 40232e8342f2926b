"""The shape of an annual report: its area, year and as-of date, the rows it breaks into (the
area's children), and a sheet of figures per topic.

Figures are gathered per *row key*: the path prefix of the scope's child an anchor lies under
(the area's own path for records anchored at the area itself, e.g. a street's working
committee). One GROUP BY per query, never one query per area or organization.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Substr

from dangjian.annual_report.history import end_of
from dangjian.organizations.models import Area, AreaLevel

STEP = 4  # treebeard's path step (Area.steplen)


@dataclass(frozen=True)
class ReportPeriod:
    area: Area
    year: int
    as_of: datetime.date

    @property
    def starts(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def ends(self) -> datetime.date:
        """Last day counted for dated records: 31 December, or the as-of date if earlier."""
        return min(datetime.date(self.year, 12, 31), self.as_of)

    @property
    def start_instant(self) -> datetime.datetime:
        return end_of(self.starts - datetime.timedelta(days=1))

    @property
    def end_instant(self) -> datetime.datetime:
        return end_of(self.ends)

    @property
    def key_length(self) -> int:
        return len(self.area.path) + (STEP if self.has_children else 0)

    @property
    def has_children(self) -> bool:
        return self.area.level not in (AreaLevel.COMMUNITY, AreaLevel.GRID)

    def within(self, lookup: str) -> dict:
        """Filter kwargs: a date field within the year (up to the as-of date)."""
        return {f"{lookup}__gte": self.starts, f"{lookup}__lte": self.ends}

    def within_instants(self, lookup: str) -> dict:
        return {f"{lookup}__gte": self.start_instant, f"{lookup}__lt": self.end_instant}

    def under(self, path_lookup: str) -> dict:
        return {f"{path_lookup}__startswith": self.area.path}

    def keyed(self, queryset, path_lookup: str):
        """``queryset`` under the area, annotated with its row key and grouped by it."""
        return (queryset.filter(**self.under(path_lookup)).order_by()
                .annotate(row_key=Substr(F(path_lookup), 1, self.key_length)).values("row_key"))

    def row_key(self, path: str) -> str:
        return path[:self.key_length]


@dataclass
class Sheet:
    key: str
    title: str
    columns: list[str]
    note: str = ""
    # row key -> column -> raw count (summable); derived columns are computed from the sums.
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    derive: Callable[[dict], dict] | None = None

    def add(self, row_key: str, values: dict) -> None:
        target = self.counts[row_key]
        for column, value in values.items():
            if column != "row_key":
                target[column] += value or 0

    def values(self, counts: dict) -> list:
        merged = defaultdict(int, counts)
        if self.derive is not None:
            merged.update(self.derive(merged))
        return [_plain(merged.get(column, 0)) for column in self.columns]


@dataclass
class Report:
    period: ReportPeriod
    rows: list[tuple[str, str]]  # (row key, label) in display order
    sheets: list[Sheet]

    def table(self, sheet: Sheet) -> dict:
        """Rows (label, values) and the total: what the page, the API and the workbook show."""
        total = defaultdict(int)
        for counts in sheet.counts.values():
            for column, value in counts.items():
                total[column] += value
        return {
            "key": sheet.key, "title": sheet.title, "columns": sheet.columns, "note": sheet.note,
            "rows": [{"area": label, "values": sheet.values(sheet.counts.get(key, {}))} for key, label in self.rows],
            "total": sheet.values(total),
        }


def report_rows(period: ReportPeriod) -> list[tuple[str, str]]:
    """The area's children (streets of a district …), then the area itself for what sits there."""
    area = period.area
    if not period.has_children:
        return [(area.path, area.name)]
    children = Area.objects.filter(path__startswith=area.path, depth=area.depth + 1).order_by("path")
    return [*((child.path, child.name) for child in children), (area.path, f"{area.name}本级")]


def _plain(value):
    """Sums of decimal columns (hours, yuan) as plain numbers for JSON and the workbook."""
    return float(value) if isinstance(value, Decimal) else value


def rate(numerator, denominator) -> float:
    return round(100 * numerator / denominator, 1) if denominator else 0.0
