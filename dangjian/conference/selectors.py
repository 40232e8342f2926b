"""Reads of the joint conference that reach a user, narrowed by accounts.scoping.

The conference's district or street administrators (and those above them, and leaders) read
everything of it; a member unit's liaison reads the conferences its unit sits on, their
meetings and library, the needs lists, and only its own unit's tasks, resources and projects.
Outside scope is a 404 that reveals nothing.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.conference.models import (
    AgendaItem,
    Attendance,
    ConferenceMeeting,
    ConferenceTask,
    Demand,
    Document,
    DocumentVersion,
    JointConference,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Resource,
    Seat,
    SeatTerm,
    TaskProgress,
    TaskStatus,
)
from dangjian.organizations.models import Area


def may_use_conference_pages(actor) -> bool:
    """A general role (the office, leaders) or a member unit's liaison."""
    return scoping.has_any_role(actor) or scoping.holds_role(actor, Role.LIAISON)


def _get(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


# ---------------------------------------------------------------- conferences and seats


def conference_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, JointConference.objects.all()).select_related("area").annotate(
        seat_count=Count("seats", filter=Q(seats__left_on__isnull=True), distinct=True))


def conference_get_for(actor, pk) -> JointConference:
    return _get(scoping.narrow(actor, JointConference.objects.select_related("area")), pk, "联席会不存在。")


def seats_of(conference: JointConference, *, active_on: datetime.date | None = None) -> list[Seat]:
    """The conference's seats (active ones, or those active on a date) with their holders, by post."""
    seats = conference.seats.select_related("unit").prefetch_related(
        Prefetch("terms", queryset=SeatTerm.objects.order_by("-starts_on", "-id")))
    if active_on is None:
        seats = seats.filter(left_on__isnull=True)
    else:
        seats = seats.filter(Q(left_on__isnull=True) | Q(left_on__gte=active_on), joined_on__lte=active_on)
    from dangjian.conference.models.body import POST_ORDER

    seats = list(seats)
    for seat in seats:
        terms = list(seat.terms.all())
        seat.current_term = next((term for term in terms if term.ends_on is None), None)
        seat.past_terms = [term for term in terms if term.ends_on is not None]
    return sorted(seats, key=lambda seat: (POST_ORDER[seat.post], seat.unit.name_pinyin, seat.pk))


def seat_get_for(actor, pk) -> Seat:
    return _get(scoping.narrow(actor, Seat.objects.select_related("conference__area", "unit")), pk, "席位不存在。")


def charter_of(conference: JointConference) -> Document | None:
    from dangjian.conference.models import DocumentKind, DocumentStatus

    return conference.documents.filter(kind=DocumentKind.CHARTER, status=DocumentStatus.IN_FORCE).first()


def meetings_per_year(conference: JointConference) -> tuple[int, int]:
    """(plenary, research) meetings a year the charter sets; the SVC-03 default without one."""
    charter = charter_of(conference)
    rules = settings.DANGJIAN_RULES
    plenary = charter.plenary_per_year if charter and charter.plenary_per_year is not None else rules[
        "CONFERENCE_PLENARY_PER_YEAR"]
    research = charter.research_per_year if charter and charter.research_per_year is not None else rules[
        "CONFERENCE_RESEARCH_PER_YEAR"]
    return plenary, research


# ---------------------------------------------------------------- documents


def document_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Document.objects.all()).select_related("conference")


def document_search(queryset: QuerySet, *, q: str = "", kind: str = "", status: str = "") -> QuerySet:
    """Full-text search over title and text (icontains: works on SQLite and PostgreSQL; a
    conference's library is tens of documents, so no index is needed for it to be fast)."""
    words = (q or "").split()
    for word in words[:5]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(text__icontains=word))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def document_get_for(actor, pk) -> Document:
    document = _get(document_list_for(actor), pk, "文件不存在。")
    document.version_list = list(document.versions.select_related("created_by"))
    return document


def document_version_get_for(actor, pk) -> DocumentVersion:
    """One version of a document (its attachment is downloaded through it)."""
    return _get(scoping.narrow(actor, DocumentVersion.objects.all()), pk, "文件版本不存在。")


# ---------------------------------------------------------------- meetings


def meeting_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, ConferenceMeeting.objects.all()).select_related("conference", "conference__area")


def meeting_get_for(actor, pk) -> ConferenceMeeting:
    """A meeting with its agenda, attendance, resolutions and the tasks the actor may see (a
    liaison sees only its own unit's)."""
    meeting = _get(meeting_list_for(actor).select_related("work_report"), pk, "会议不存在。")
    tasks = scoping.narrow(actor, ConferenceTask.objects.select_related("unit", "seat"))
    meeting.agenda = list(AgendaItem.objects.filter(meeting=meeting).select_related("carried_task"))
    meeting.attendance_list = list(Attendance.objects.filter(meeting=meeting).select_related("seat__unit"))
    meeting.resolution_list = list(meeting.resolutions.prefetch_related(Prefetch("tasks", queryset=tasks)))
    return meeting


def attendance_sheet(meeting: ConferenceMeeting) -> list[dict]:
    """One row per seat active on the meeting's day, with what has been recorded for it."""
    recorded = {attendance.seat_id: attendance for attendance in meeting.attendance_list}
    return [{"seat": seat, "attendance": recorded.get(seat.pk)}
            for seat in seats_of(meeting.conference, active_on=meeting.held_on)]


# ---------------------------------------------------------------- tasks


def task_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, ConferenceTask.objects.all()).select_related(
        "unit", "seat", "conference", "resolution__meeting")


def task_get_for(actor, pk) -> ConferenceTask:
    task = _get(task_list_for(actor), pk, "任务不存在。")
    task.progress_list = list(TaskProgress.objects.filter(task=task))
    return task


def progress_get_for(actor, pk) -> TaskProgress:
    """One progress report (its attachment is downloaded through it): the task's readers only."""
    return _get(scoping.narrow(actor, TaskProgress.objects.all()), pk, "进展记录不存在。")


def task_board(actor, conference: JointConference, *, on_date: datetime.date | None = None) -> dict:
    """The conference's tasks the actor sees, in four columns (overdue is an open task past its
    deadline)."""
    on_date = on_date or timezone.localdate()
    columns = {"overdue": [], TaskStatus.OPEN: [], TaskStatus.IN_PROGRESS: [], TaskStatus.DONE: []}
    for task in task_list_for(actor).filter(conference=conference):
        columns["overdue" if task.is_overdue(on_date) else task.status].append(task)
    return columns


def task_reminders(queryset: QuerySet, *, on_date: datetime.date | None = None) -> dict:
    """Open tasks past their deadline, and those due within CONFERENCE_TASK_DUE_SOON_DAYS."""
    on_date = on_date or timezone.localdate()
    soon = on_date + datetime.timedelta(days=settings.DANGJIAN_RULES["CONFERENCE_TASK_DUE_SOON_DAYS"])
    open_tasks = queryset.exclude(status=TaskStatus.DONE)
    return {"overdue": list(open_tasks.filter(deadline__lt=on_date).order_by("deadline", "pk")),
            "due_soon": list(open_tasks.filter(deadline__gte=on_date, deadline__lte=soon).order_by("deadline", "pk"))}


def liaison_home(actor) -> dict:
    """What a liaison's home page shows: its conferences, their coming meetings, its unit's tasks."""
    today = timezone.localdate()
    tasks = task_list_for(actor)
    return {
        "conferences": list(conference_list_for(actor)),
        "upcoming": list(meeting_list_for(actor).filter(held_on__gte=today).order_by("held_on", "pk")[:10]),
        "recent": list(meeting_list_for(actor).filter(held_on__lt=today)[:5]),
        "tasks": list(tasks.order_by("status", "deadline", "pk")),
        "reminders": task_reminders(tasks, on_date=today),
        "projects": list(project_list_for(actor).select_related("demand")),
        "overdue_milestones": milestones_overdue(milestone_list_for(actor), on_date=today),
    }


# ---------------------------------------------------------------- the three lists


def demand_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Demand.objects.all()).select_related("community", "conference")


def resource_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Resource.objects.all()).select_related("unit", "unit__area", "conference")


def project_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Project.objects.all()).select_related("owner_unit", "conference", "demand")


def demand_get_for(actor, pk) -> Demand:
    return _get(demand_list_for(actor), pk, "需求不存在。")


def resource_get_for(actor, pk) -> Resource:
    return _get(resource_list_for(actor), pk, "资源不存在。")


def project_get_for(actor, pk) -> Project:
    """A project with its resources and its milestones in order."""
    project = _get(project_list_for(actor).select_related("demand__community", "conference__area"), pk,
                   "项目不存在。")
    project.resource_list = list(project.resources.select_related("unit"))
    project.milestone_list = list(project.milestones.all())
    return project


def milestone_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, ProjectMilestone.objects.all()).select_related("project", "project__owner_unit")


def milestone_get_for(actor, pk) -> ProjectMilestone:
    return _get(milestone_list_for(actor).select_related("project__conference__area"), pk, "进度节点不存在。")


def milestones_overdue(queryset: QuerySet, *, on_date: datetime.date | None = None) -> list[ProjectMilestone]:
    """Steps of projects still under way that are not done and past their due date."""
    return list(queryset.filter(done_on__isnull=True, due_on__lt=on_date or timezone.localdate(),
                                project__status__in=(ProjectStatus.PLANNED, ProjectStatus.ACTIVE))
                .order_by("due_on", "pk"))


def tree_distance(a: Area, b: Area) -> int:
    """Steps between two areas in the Area tree (0: the same area; 2: siblings)."""
    step = Area.steplen
    common = 0
    while (common + 1) * step <= min(len(a.path), len(b.path)) and a.path[:(common + 1) * step] == b.path[
            :(common + 1) * step]:
        common += 1
    return (len(a.path) // step - common) + (len(b.path) // step - common)


def resource_suggestions(actor, demand: Demand, *, limit: int = 10) -> list[dict]:
    """The available resources of the demand's conference, best first: the kind of help asked
    for before any other kind, then the nearest in the Area tree; each with why it ranks there."""
    resources = resource_list_for(actor).filter(conference=demand.conference_id, is_available=True)
    ranked = []
    for resource in resources:
        same_kind = resource.kind == demand.kind
        distance = tree_distance(demand.community, resource.unit.area)
        reasons = [f"类别相符（{resource.get_kind_display()}）" if same_kind
                   else f"类别不同（需要{demand.get_kind_display()}，可提供{resource.get_kind_display()}）"]
        if distance == 0:
            reasons.append("提供单位就在本社区")
        elif resource.unit.area.path.startswith(demand.community.path[:-Area.steplen]):
            reasons.append(f"提供单位在同一街道（相距{distance}级）")
        else:
            reasons.append(f"提供单位在{resource.unit.area.name}（相距{distance}级）")
        ranked.append({"resource": resource, "same_kind": same_kind, "distance": distance,
                       "score": (0 if same_kind else 1, distance), "reason": "；".join(reasons)})
    ranked.sort(key=lambda item: (item["score"], item["resource"].pk))
    return ranked[:limit]


def areas_to_found_in(actor) -> QuerySet:
    """The districts and streets the actor writes to that have no joint conference yet."""
    from dangjian.organizations.models import Area, AreaLevel

    return (scoping.narrow(actor, Area.objects.filter(level__in=(AreaLevel.DISTRICT, AreaLevel.STREET)), write=True)
            .exclude(pk__in=JointConference.objects.values("area")).order_by("path"))
