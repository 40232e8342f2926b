"""API for the joint conference at /api/v1/conferences: conferences and their seats, the
library (searchable), meetings with attendance and resolutions, tasks and progress, and the
three lists with the suggested matches. Thin handlers over the selectors (outside scope: 404)
and the services (refusals: 422 in Chinese; read-only roles and liaisons changing the
conference: 403). A liaison reports progress on its own unit's tasks here too."""

import datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.conference import selectors, services_meetings
from dangjian.conference.models import AttendanceStatus, MeetingKind, SeatPost
from dangjian.core.pagination import LimitOffsetPagination

router = Router(tags=["社区党建联席会"])
MAX_PAGE = 200


class Ref(Schema):
    id: int
    name: str


class TermOut(Schema):
    holder_name: str
    holder_title: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    term_ends_on: datetime.date | None


class SeatOut(Schema):
    id: int
    unit: Ref
    post: SeatPost
    post_label: str
    current: TermOut | None
    past: list[TermOut]

    @staticmethod
    def resolve_post_label(obj) -> str:
        return obj.get_post_display()

    @staticmethod
    def resolve_current(obj):
        return obj.current_term

    @staticmethod
    def resolve_past(obj):
        return obj.past_terms


class ConferenceOut(Schema):
    id: int
    name: str
    level: str
    area: Ref
    established_on: datetime.date


class ConferenceDetailOut(ConferenceOut):
    seats: list[SeatOut]
    plenary_per_year: int = Field(description="章程规定每年全体成员大会次数（SVC-03）")
    research_per_year: int


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    issuer: str
    number: str
    effective_on: datetime.date
    status: str
    version: int
    text: str


class TaskOut(Schema):
    id: int
    title: str
    unit: Ref
    deadline: datetime.date
    status: str
    status_label: str = Field(description="含“已超期”")
    completed_on: datetime.date | None
    meeting_id: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.display_status

    @staticmethod
    def resolve_meeting_id(obj) -> int:
        return obj.resolution.meeting_id


class AttendanceOut(Schema):
    seat_id: int
    unit: str
    status: str
    reason: str
    delegate_name: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.seat.unit.name


class ResolutionOut(Schema):
    id: int
    number: int
    text: str
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())


class MeetingOut(Schema):
    id: int
    conference_id: int
    kind: MeetingKind
    title: str
    held_on: datetime.date
    place: str


class MeetingDetailOut(MeetingOut):
    agenda: list[str]
    attendance: list[AttendanceOut]
    minutes: str
    resolutions: list[ResolutionOut]

    @staticmethod
    def resolve_agenda(obj) -> list[str]:
        return [item.text for item in obj.agenda]

    @staticmethod
    def resolve_attendance(obj) -> list:
        return obj.attendance_list

    @staticmethod
    def resolve_resolutions(obj) -> list:
        return obj.resolution_list


class MeetingIn(Schema):
    kind: MeetingKind
    title: str = Field(max_length=120)
    held_on: datetime.date
    place: str = Field(max_length=120)
    agenda: list[str] = Field(default_factory=list)


class AttendanceIn(Schema):
    seat: int
    status: AttendanceStatus
    reason: str = Field("", max_length=200)
    delegate_name: str = Field("", max_length=40)
    attendee_name: str = Field("", max_length=40)


class ResolutionIn(Schema):
    text: str = Field(max_length=2000)


class TaskIn(Schema):
    resolution: int
    seat: int | None = None
    title: str = Field(max_length=200)
    deadline: datetime.date | None = None


class ProgressIn(Schema):
    text: str = Field(max_length=2000)
    done: bool = False


class ProgressOut(Schema):
    reported_on: datetime.date
    text: str
    done: bool
    reporter_label: str


class TaskDetailOut(TaskOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj) -> list:
        return obj.progress_list


class SuggestionOut(Schema):
    resource_id: int
    resource: str
    unit: str
    same_kind: bool
    distance: int = Field(description="提供单位与提出社区在区域树上相距的级数")
    reason: str


class TaskFilters(Schema):
    conference: int | None = None
    overdue: bool = False


def _conference_detail(actor, conference_id):
    conference = selectors.conference_get_for(actor, conference_id)
    conference.seats_list = selectors.seats_of(conference)
    plenary, research = selectors.meetings_per_year(conference)
    return {"id": conference.pk, "name": conference.name, "level": conference.level,
            "area": {"id": conference.area_id, "name": conference.area.name},
            "established_on": conference.established_on, "seats": conference.seats_list,
            "plenary_per_year": plenary, "research_per_year": research}


@router.get("", response=list[ConferenceOut], summary="联席会列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def conference_list(request: HttpRequest):
    return selectors.conference_list_for(request.auth).order_by("area__path", "pk")


@router.get("/{int:conference_id}", response=ConferenceDetailOut, summary="联席会与席位（含历任）")
def conference_detail(request: HttpRequest, conference_id: int):
    return _conference_detail(request.auth, conference_id)


@router.get("/{int:conference_id}/documents", response=list[DocumentOut], summary="章程制度文库（全文检索）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def document_list(request: HttpRequest, conference_id: int, q: str = "", kind: str = "", status: str = ""):
    conference = selectors.conference_get_for(request.auth, conference_id)
    return selectors.document_search(selectors.document_list_for(request.auth).filter(conference=conference),
                                     q=q, kind=kind, status=status)


@router.get("/{int:conference_id}/meetings", response=list[MeetingOut], summary="会议列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def meeting_list(request: HttpRequest, conference_id: int):
    conference = selectors.conference_get_for(request.auth, conference_id)
    return selectors.meeting_list_for(request.auth).filter(conference=conference)


@router.post("/{int:conference_id}/meetings", response={201: MeetingDetailOut}, summary="安排会议")
def meeting_create(request: HttpRequest, conference_id: int, data: MeetingIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    meeting = services_meetings.meeting_schedule(actor=actor, conference=conference, kind=data.kind,
                                                 title=data.title, held_on=data.held_on, place=data.place,
                                                 agenda=data.agenda, request=request)
    return Status(201, selectors.meeting_get_for(actor, meeting.pk))


@router.get("/meetings/{int:meeting_id}", response=MeetingDetailOut, summary="会议详情（议程、出席、决议与任务）")
def meeting_detail(request: HttpRequest, meeting_id: int):
    return selectors.meeting_get_for(request.auth, meeting_id)


@router.post("/meetings/{int:meeting_id}/attendance", response=MeetingDetailOut, summary="登记一个席位的出席情况")
def meeting_attendance(request: HttpRequest, meeting_id: int, data: AttendanceIn):
    actor = request.auth
    meeting = selectors.meeting_get_for(actor, meeting_id)
    seat = selectors.seat_get_for(actor, data.seat)
    services_meetings.meeting_record_attendance(actor=actor, meeting=meeting, seat=seat, status=data.status,
                                                reason=data.reason, delegate_name=data.delegate_name,
                                                attendee_name=data.attendee_name, request=request)
    return selectors.meeting_get_for(actor, meeting_id)


@router.post("/meetings/{int:meeting_id}/resolutions", response={201: MeetingDetailOut}, summary="记录决议")
def meeting_resolution(request: HttpRequest, meeting_id: int, data: ResolutionIn):
    actor = request.auth
    meeting = selectors.meeting_get_for(actor, meeting_id)
    services_meetings.resolution_add(actor=actor, meeting=meeting, text=data.text, request=request)
    return Status(201, selectors.meeting_get_for(actor, meeting_id))


@router.post("/meetings/{int:meeting_id}/tasks", response={201: TaskDetailOut}, summary="把决议的任务交办给成员单位")
def meeting_task(request: HttpRequest, meeting_id: int, data: TaskIn):
    actor = request.auth
    meeting = selectors.meeting_get_for(actor, meeting_id)
    resolution = next((r for r in meeting.resolution_list if r.pk == data.resolution), None)
    if resolution is None:
        raise Http404("决议不存在。")
    seat = selectors.seat_get_for(actor, data.seat) if data.seat is not None else None
    task = services_meetings.task_assign(actor=actor, resolution=resolution, seat=seat, title=data.title,
                                         deadline=data.deadline, request=request)
    return Status(201, selectors.task_get_for(actor, task.pk))


@router.get("/tasks", response=list[TaskOut], summary="任务列表（联络员只见本单位的任务）")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def task_list(request: HttpRequest, filters: Query[TaskFilters]):
    tasks = selectors.task_list_for(request.auth)
    if filters.conference is not None:
        tasks = tasks.filter(conference=selectors.conference_get_for(request.auth, filters.conference))
    if filters.overdue:
        tasks = tasks.overdue(timezone.localdate())
    return tasks


@router.get("/tasks/{int:task_id}", response=TaskDetailOut, summary="任务详情与进展")
def task_detail(request: HttpRequest, task_id: int):
    return selectors.task_get_for(request.auth, task_id)


@router.post("/tasks/{int:task_id}/progress", response={201: TaskDetailOut}, summary="填报任务进展")
def task_progress(request: HttpRequest, task_id: int, data: ProgressIn):
    actor = request.auth
    task = selectors.task_get_for(actor, task_id)
    services_meetings.task_report_progress(actor=actor, task=task, text=data.text, done=data.done, request=request)
    return Status(201, selectors.task_get_for(actor, task_id))


@router.get("/demands/{int:demand_id}/suggestions", response=list[SuggestionOut],
            summary="为需求推荐资源（先看类别，再看区域树上的距离，并说明理由）")
def demand_suggestions(request: HttpRequest, demand_id: int):
    demand = selectors.demand_get_for(request.auth, demand_id)
    return [{"resource_id": item["resource"].pk, "resource": item["resource"].title,
             "unit": item["resource"].unit.name, "same_kind": item["same_kind"], "distance": item["distance"],
             "reason": item["reason"]} for item in selectors.resource_suggestions(request.auth, demand)]

