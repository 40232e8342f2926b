"""API for branch organizational life at /api/v1/orglife: meetings (list, record, read, change,
attendance) and each branch's calendar of due vs held. Thin handlers over the selectors (outside
scope: 404, also for an id in a body) and the services (refusals: 422 in Chinese; read-only: 403)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.accounts import scoping
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.orglife import selectors, services
from dangjian.orglife.compliance import branch_calendar
from dangjian.orglife.models import AttendanceStatus, MeetingKind, MeetingStatus, OrgLifeMeeting

router = Router(tags=["组织生活"])
MAX_PAGE = 200


class Ref(Schema):
    id: int
    name: str


class AttendanceOut(Schema):
    member: Ref
    status: AttendanceStatus
    status_label: str
    reason: str
    elsewhere: str = Field(description="流动党员在何处参加了组织生活")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class MeetingOut(Schema):
    id: int
    organization: Ref
    kind: MeetingKind
    kind_label: str
    status: MeetingStatus
    held_on: datetime.date
    topic: str
    host: str
    location: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class MeetingDetailOut(MeetingOut):
    minutes: str
    attendance: list[AttendanceOut]
    attachments: list[str]

    @staticmethod
    def resolve_attendance(obj) -> list:
        return list(selectors.meeting_attendance(obj))

    @staticmethod
    def resolve_attachments(obj) -> list:
        return [a.name for a in selectors.meeting_attachments(obj)]


class MeetingFilters(Schema):
    organization: int | None = Field(None, description="党支部 id")
    kind: MeetingKind | None = None
    status: MeetingStatus | None = None
    year: int | None = None


class MeetingIn(Schema):
    organization: int = Field(description="党支部 id")
    kind: MeetingKind
    status: MeetingStatus = MeetingStatus.HELD
    held_on: datetime.date
    topic: str = Field(max_length=200)
    host: str = Field(max_length=40)
    location: str = Field("", max_length=120)
    minutes: str = Field("", max_length=20000)


class MeetingChangeIn(Schema):
    kind: MeetingKind
    status: MeetingStatus
    held_on: datetime.date
    topic: str = Field(max_length=200)
    host: str = Field(max_length=40)
    location: str = Field("", max_length=120)
    minutes: str = Field("", max_length=20000)


class AttendanceIn(Schema):
    member: int = Field(description="党员 id")
    status: AttendanceStatus
    reason: str = Field("", max_length=200, description="缺席或请假时必填")
    elsewhere: str = Field("", max_length=120, description="流动党员在流入地参加时必填")


class CellOut(Schema):
    period: str
    start: datetime.date
    end: datetime.date
    state: str
    meetings: list[int]


class CalendarRowOut(Schema):
    kind: MeetingKind
    label: str
    rule_code: str
    frequency: str
    due: int
    held: int
    missed: int
    cells: list[CellOut]


class CalendarOut(Schema):
    branch: Ref
    year: int
    rows: list[CalendarRowOut]


def _writable(actor, meeting_id: int) -> OrgLifeMeeting:
    meeting = selectors.meeting_get_for(actor, meeting_id)
    if not scoping.can_write(actor, meeting):
        raise PermissionDenied(services.CANNOT_WRITE)
    return meeting


@router.get("/meetings", response=list[MeetingOut], summary="组织生活会议列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    actor = request.auth
    branch = selectors.branch_get_for(actor, filters.organization) if filters.organization is not None else None
    return selectors.meeting_filter(selectors.meeting_list_for(actor), organization=branch, kind=filters.kind or "",
                                    year=filters.year, status=filters.status or "")


@router.get("/meetings/{int:meeting_id}", response=MeetingDetailOut, summary="会议详情与出勤")
def meeting_detail(request: HttpRequest, meeting_id: int):
    return selectors.meeting_get_for(request.auth, meeting_id)


@router.post("/meetings", response={201: MeetingDetailOut}, summary="登记会议（已召开或计划召开）")
def meeting_create(request: HttpRequest, data: MeetingIn):
    actor = request.auth
    branch = selectors.branch_get_for(actor, data.organization)
    meeting = services.meeting_record(actor=actor, organization=branch, kind=data.kind, status=data.status,
                                      held_on=data.held_on, topic=data.topic, host=data.host,
                                      location=data.location, minutes=data.minutes, request=request)
    return Status(201, selectors.meeting_get_for(actor, meeting.pk))


@router.put("/meetings/{int:meeting_id}", response=MeetingDetailOut, summary="修改会议记录")
def meeting_change(request: HttpRequest, meeting_id: int, data: MeetingChangeIn):
    actor = request.auth
    services.meeting_update(actor=actor, meeting=_writable(actor, meeting_id), kind=data.kind, status=data.status,
                            held_on=data.held_on, topic=data.topic, host=data.host, location=data.location,
                            minutes=data.minutes, request=request)
    return selectors.meeting_get_for(actor, meeting_id)


@router.post("/meetings/{int:meeting_id}/attendance", response=MeetingDetailOut, summary="登记出勤（整体替换）")
def meeting_attendance(request: HttpRequest, meeting_id: int, data: list[AttendanceIn]):
    actor = request.auth
    meeting = _writable(actor, meeting_id)
    entries = [{"member": selectors.attendee_get_for(actor, meeting, row.member), "status": row.status,
                "reason": row.reason, "elsewhere": row.elsewhere} for row in data]
    services.meeting_record_attendance(actor=actor, meeting=meeting, entries=entries, request=request)
    return selectors.meeting_get_for(actor, meeting_id)


@router.get("/branches/{int:branch_id}/calendar", response=CalendarOut, summary="党支部全年应开与实开")
def branch_calendar_view(request: HttpRequest, branch_id: int, year: int | None = Query(None, ge=1921, le=2100, description="年份（默认今年）")):
    branch = selectors.branch_get_for(request.auth, branch_id)
    today = timezone.localdate()
    year = year or today.year
    rows = branch_calendar(selectors.branch_facts_for(branch), year, today)
    return {"branch": branch, "year": year, "rows": [
        {"kind": row.kind, "label": row.label, "rule_code": row.rule_code, "frequency": row.frequency_label,
         "due": row.due, "held": row.held, "missed": row.missed,
         "cells": [{"period": cell.period.label, "start": cell.period.start, "end": cell.period.end,
                    "state": cell.state, "meetings": [m.pk for m in cell.meetings]} for cell in row.cells]}
        for row in rows]}
