"""The shapes of /api/v1/conferences: what the handlers in ``api``, ``api_body`` and
``api_lists`` read and return (shape only: the services decide)."""

import datetime

from ninja import Field, Schema

from dangjian.conference.models import AttendanceStatus, MeetingKind, SeatPost


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


class ConferenceIn(Schema):
    area: int = Field(description="区或街道的 id（本人有写权限、尚未设立联席会）")
    name: str = Field("", max_length=120, description="不填则为“某某社区党建联席会”")
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
    work_report: int | None = Field(None, description="工作报告：本联席会文库中文件的 id")


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
    """Sent as a form (multipart), so that an attachment can come with it."""

    text: str = Field(max_length=2000)
    done: bool = False


class ProgressOut(Schema):
    reported_on: datetime.date
    text: str
    done: bool
    reporter_label: str
    attachment: str

    @staticmethod
    def resolve_attachment(obj) -> str:
        return obj.attachment.name if obj.attachment else ""


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


# ---------------------------------------------------------------- seats


class SeatIn(Schema):
    unit: int
    post: SeatPost
    holder_name: str = Field(max_length=40)
    holder_title: str = Field("", max_length=60)
    starts_on: datetime.date
    term_ends_on: datetime.date | None = None


class HandoverIn(Schema):
    holder_name: str = Field(max_length=40)
    holder_title: str = Field("", max_length=60)
    on_date: datetime.date
    term_ends_on: datetime.date | None = None


class SeatPostIn(Schema):
    post: SeatPost


class SeatLeaveIn(Schema):
    on_date: datetime.date


# ---------------------------------------------------------------- library


class DocumentIn(Schema):
    """Sent as a form (multipart), so that an attachment can come with it."""

    kind: str
    title: str = Field(max_length=120)
    issuer: str = Field(max_length=80)
    number: str = Field("", max_length=40)
    effective_on: datetime.date
    text: str = Field(max_length=50000)
    plenary_per_year: int | None = Field(None, description="章程：每年全体成员大会次数（不填按 SVC-03 默认）")
    research_per_year: int | None = None


class DocumentReviseIn(Schema):
    """Sent as a form (multipart), so that a new attachment can come with it."""

    title: str = Field(max_length=120)
    number: str | None = Field(None, max_length=40, description="不填则沿用原文号")
    effective_on: datetime.date
    text: str = Field(max_length=50000)
    note: str = Field(max_length=200, description="修订说明")


class DocumentStatusIn(Schema):
    status: str = Field(description="superseded（已被替代）或 repealed（已废止）")


class VersionOut(Schema):
    version: int
    title: str
    effective_on: datetime.date
    note: str
    attachment: str

    @staticmethod
    def resolve_attachment(obj) -> str:
        return obj.attachment.name if obj.attachment else ""


class DocumentDetailOut(DocumentOut):
    attachment: str
    plenary_per_year: int | None
    research_per_year: int | None
    versions: list[VersionOut] = Field(description="每一版（新的在前），原版本均保留")

    @staticmethod
    def resolve_attachment(obj) -> str:
        return obj.attachment.name if obj.attachment else ""

    @staticmethod
    def resolve_versions(obj) -> list:
        return obj.version_list


# ---------------------------------------------------------------- the three lists


class DemandIn(Schema):
    community: int
    kind: str
    title: str = Field(max_length=120)
    description: str = Field(max_length=2000)
    expected_help: str = Field("", max_length=300)


class DemandOut(Schema):
    id: int
    conference_id: int
    community: Ref
    kind: str
    title: str
    description: str
    expected_help: str
    status: str
    listed_on: datetime.date


class ResourceIn(Schema):
    unit: int
    kind: str
    title: str = Field(max_length=120)
    quantity: str = Field("", max_length=60)
    availability: str = Field("", max_length=120)


class ResourceOut(Schema):
    id: int
    conference_id: int
    unit: Ref
    kind: str
    title: str
    quantity: str
    availability: str
    is_available: bool
    listed_on: datetime.date


class AvailabilityIn(Schema):
    available: bool


class MilestoneIn(Schema):
    title: str = Field(max_length=120)
    due_on: datetime.date | None = None


class MilestoneUpdateIn(MilestoneIn):
    position: int | None = Field(None, description="移到第几个（其余顺延）")


class MilestoneDoneIn(Schema):
    done_on: datetime.date | None = Field(description="完成日期；null 表示重新打开")


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    due_on: datetime.date | None
    done_on: datetime.date | None
    status_label: str = Field(description="未完成、已完成或已超期")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.display_status


class ProjectIn(Schema):
    demand: int
    title: str = Field(max_length=120)
    owner_unit: int
    resources: list[int] = Field(default_factory=list)
    milestones: list[MilestoneIn] = Field(default_factory=list)
    starts_on: datetime.date | None = None


class ProjectStatusIn(Schema):
    status: str = Field(description="active、completed（须填成效）或 cancelled")
    outcome: str = Field("", max_length=2000)
    on_date: datetime.date | None = None


class ProjectOut(Schema):
    id: int
    conference_id: int
    demand_id: int
    title: str
    owner_unit: Ref
    status: str
    starts_on: datetime.date
    completed_on: datetime.date | None
    outcome: str


class ProjectDetailOut(ProjectOut):
    resources: list[ResourceOut]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_resources(obj) -> list:
        return obj.resource_list

    @staticmethod
    def resolve_milestones(obj) -> list:
        return obj.milestone_list
