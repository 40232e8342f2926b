"""联席会: the conference and its seats, the rules library, meetings and resolutions, the tasks
they give the member units, and the three lists (needs, resources, projects).

One module per idea; this package re-exports them so ``conference.models.X`` works everywhere."""

from dangjian.conference.models.body import (  # noqa: F401
    ConferenceLevel,
    Document,
    DocumentKind,
    DocumentStatus,
    DocumentVersion,
    JointConference,
    Seat,
    SeatPost,
    SeatTerm,
)
from dangjian.conference.models.lists import (  # noqa: F401
    Demand,
    DemandStatus,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Resource,
    ResourceKind,
)
from dangjian.conference.models.meetings import (  # noqa: F401
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ConferenceMeeting,
    ConferenceTask,
    MeetingKind,
    Resolution,
    TaskProgress,
    TaskStatus,
)
