"""API for the joint conference at /api/v1/conferences: conferences, meetings with attendance
and resolutions, tasks and progress, and the suggested matches; the seats and the library are in
``api_body``, the three lists and project milestones in ``api_lists`` (mounted here). Thin
handlers over the selectors (outside scope: 404) and the services (refusals: 422 in Chinese;
read-only roles and liaisons changing the conference: 403). A liaison reports progress on its
own unit's tasks here too, and marks its own unit's project milestones done."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from dangjian.conference import selectors, services, services_meetings
from dangjian.conference.api_body import MAX_PAGE, conference_detail_of
from dangjian.conference.api_body import router as body_router
from dangjian.conference.api_lists import router as lists_router
from dangjian.conference.api_schemas import (
    AttendanceIn,
    ConferenceDetailOut,
    ConferenceIn,
    ConferenceOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    ProgressIn,
    ResolutionIn,
    SuggestionOut,
    TaskDetailOut,
    TaskFilters,
    TaskIn,
    TaskOut,
)
from dangjian.core.pagination import LimitOffsetPagination
from dangjian.organizations.selectors import area_get_for

router = Router(tags=["社区党建联席会"])


@router.get("", response=list[ConferenceOut], summary="联席会列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def conference_list(request: HttpRequest):
    return selectors.conference_list_for(request.auth).order_by("area__path", "pk")


@router.post("", response={201: ConferenceDetailOut}, summary="设立联席会（区或街道，每地一个）")
def conference_create(request: HttpRequest, data: ConferenceIn):
    actor = request.auth
    area = area_get_for(actor, data.area)  # 404 outside scope
    conference = services.conference_create(actor=actor, area=area, name=data.name,
                                            established_on=data.established_on, request=request)
    return Status(201, conference_detail_of(actor, conference.pk))


@router.get("/{int:conference_id}", response=ConferenceDetailOut, summary="联席会与席位（含历任）")
def conference_detail(request: HttpRequest, conference_id: int):
    return conference_detail_of(request.auth, conference_id)


@router.get("/{int:conference_id}/meetings", response=list[MeetingOut], summary="会议列表")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def meeting_list(request: HttpRequest, conference_id: int):
    conference = selectors.conference_get_for(request.auth, conference_id)
    return selectors.meeting_list_for(request.auth).filter(conference=conference)


@router.post("/{int:conference_id}/meetings", response={201: MeetingDetailOut}, summary="安排会议")
def meeting_create(request: HttpRequest, conference_id: int, data: MeetingIn):
    actor = request.auth
    conference = selectors.conference_get_for(actor, conference_id)
    work_report = None
    if data.work_report is not None:
        work_report = selectors.document_list_for(actor).filter(conference=conference, pk=data.work_report).first()
        if work_report is None:
            raise ValidationError({"work_report": "工作报告须是本联席会文库中的文件。"})
    meeting = services_meetings.meeting_schedule(actor=actor, conference=conference, kind=data.kind,
                                                 title=data.title, held_on=data.held_on, place=data.place,
                                                 agenda=data.agenda, work_report=work_report, request=request)
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


@router.post("/tasks/{int:task_id}/progress", response={201: TaskDetailOut},
             summary="填报任务进展（表单提交，可带附件：PDF、DOCX、PNG、JPG）")
def task_progress(request: HttpRequest, task_id: int, data: Form[ProgressIn], attachment: File[UploadedFile] = None):
    actor = request.auth
    task = selectors.task_get_for(actor, task_id)
    services_meetings.task_report_progress(actor=actor, task=task, text=data.text, done=data.done,
                                           attachment=attachment, request=request)
    return Status(201, selectors.task_get_for(actor, task_id))


@router.get("/demands/{int:demand_id}/suggestions", response=list[SuggestionOut],
            summary="为需求推荐资源（先看类别，再看区域树上的距离，并说明理由）")
def demand_suggestions(request: HttpRequest, demand_id: int):
    demand = selectors.demand_get_for(request.auth, demand_id)
    return [{"resource_id": item["resource"].pk, "resource": item["resource"].title,
             "unit": item["resource"].unit.name, "same_kind": item["same_kind"], "distance": item["distance"],
             "reason": item["reason"]} for item in selectors.resource_suggestions(request.auth, demand)]


router.add_router("", body_router)
router.add_router("", lists_router)
