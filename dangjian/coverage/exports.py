"""The coverage board's two generated files (.xlsx, openpyxl write-only: a district's units
stream out without holding a workbook of cells): the units under an area with their derived
coverage, and the uncovered units with the open blank spots. Built from the records through the
selectors (so scoped like the board), never typed in; no personal data (no member is listed)."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dangjian.coverage import blank_spots, selectors
from dangjian.coverage.models import CoverageStatus
from dangjian.coverage.services import path_prefixes
from dangjian.organizations.models import Area, AreaLevel

UNIT_HEADERS = ["序号", "单位名称", "统一社会信用代码", "单位类别", "所在街道", "所在社区", "从业人员",
                "正式党员（本系统）", "组织关系在外的党员", "党员合计", "覆盖情况"]
SPOT_HEADERS = ["序号", "规则", "所在社区", "单位", "情况", "建议", "发现日期"]
STATUS_LABELS = dict(CoverageStatus.choices)


def _title_row(sheet, text: str):
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True, size=14)
    return [cell]


def _street_names(area: Area) -> dict[str, str]:
    """{street path: name} of the streets under or around ``area`` (one query), to name each
    unit's street: every street sits at the same depth, so a unit's street is a path prefix."""
    if area.level in (AreaLevel.CITY, AreaLevel.DISTRICT):
        streets = Area.objects.filter(level=AreaLevel.STREET, path__startswith=area.path)
    else:
        streets = Area.objects.filter(level=AreaLevel.STREET, path__in=path_prefixes(area))
    return dict(streets.values_list("path", "name"))


def _street_of(path: str, streets: dict[str, str]) -> str:
    length = len(next(iter(streets), ""))
    return streets.get(path[:length], "") if length else ""


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def units_workbook(actor, area: Area) -> tuple[bytes, int]:
    """(the .xlsx, how many units it lists): every counted unit under ``area`` the actor sees."""
    units = selectors.units_for(actor).filter(area__path__startswith=area.path).order_by("area__path", "name_pinyin",
                                                                                       "pk")
    streets = _street_names(area)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("两新组织覆盖情况")
    sheet.append(_title_row(sheet, f"{area.name}两新组织党的组织和工作覆盖情况"))
    sheet.append([f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}（覆盖情况由党组织、联合党支部和指导员指派记录自动得出）"])
    sheet.append(UNIT_HEADERS)
    count = 0
    for count, unit in enumerate(units.iterator(chunk_size=500), start=1):
        sheet.append([count, unit.name, unit.credit_code, str(unit.get_sector_display()),
                      _street_of(unit.area.path, streets), unit.area.name, unit.staff_count, unit.full_members,
                      unit.members_elsewhere, unit.member_total, str(STATUS_LABELS[unit.coverage])])
    return _save(workbook), count


def uncovered_workbook(actor, area: Area) -> tuple[bytes, int]:
    """(the .xlsx, how many rows it lists): the uncovered units under ``area`` and the blank spots
    open there (unit spots and communities without an organization), each with its rule's advice."""
    from dangjian.core.registry import rules

    streets = _street_names(area)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("未覆盖单位")
    sheet.append(_title_row(sheet, f"{area.name}未覆盖的两新组织"))
    sheet.append(UNIT_HEADERS[:-1])
    rows = 0
    for index, unit in enumerate(selectors.uncovered_units_for(actor, area).iterator(chunk_size=500), start=1):
        sheet.append([index, unit.name, unit.credit_code, str(unit.get_sector_display()),
                      _street_of(unit.area.path, streets), unit.area.name, unit.staff_count, unit.full_members,
                      unit.members_elsewhere, unit.member_total])
        rows = index
    spots = workbook.create_sheet("空白点")
    spots.append(_title_row(spots, f"{area.name}未消除的空白点"))
    spots.append(SPOT_HEADERS)
    advice = {code: str(rules.get(code).action) for code in (*blank_spots.UNIT_RULES, blank_spots.COMMUNITY) if code in rules}
    records = selectors.blank_spot_records_for(actor, open_only=True).filter(area__path__startswith=area.path) \
        .order_by("area__path", "rule_code", "pk")
    for index, record in enumerate(records.iterator(chunk_size=500), start=1):
        spots.append([index, record.rule_code, record.area.name, record.unit.name if record.unit else "",
                      record.message, advice.get(record.rule_code, ""), record.found_on.isoformat()])
        rows += 1
    return _save(workbook), rows
