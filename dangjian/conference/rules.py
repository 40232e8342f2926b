"""Checks over the joint conferences (registered in the rule registry, each with a citation).

SVC-03 is RULES.md's: plenary meetings and research sessions a year as the charter sets
(default 2 and 4, seed §2, local practice). RULES.md has nothing on attendance, overdue
resolution tasks or seats whose holder's term has run out: CONF-01..03 are local practice,
their thresholds in ``settings.DANGJIAN_RULES`` and labelled so. A rule flags; it never
changes a conference, a seat or a task. Each check and its count are the same queryset.
"""

import datetime

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from dangjian.conference.models import (
    Attendance,
    AttendanceStatus,
    ConferenceMeeting,
    ConferenceTask,
    Document,
    DocumentKind,
    DocumentStatus,
    JointConference,
    MeetingKind,
    Seat,
    SeatTerm,
)
from dangjian.core.periods import years_before
from dangjian.core.registry import Finding, Severity, rules

SEED = "种子材料：联席会“定期召开全体成员大会，听取工作报告，研究讨论重大问题；定期开展工作研讨交流”"
LOCAL = "RULES.md 无此项规定，为本地做法，阈值在 DANGJIAN_RULES 中配置"
_PK = 987654321


def _url(name: str):
    template = reverse(name, args=[_PK])
    return lambda pk: template.replace(str(_PK), str(pk))


def _window(on_date: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The year up to ``on_date``: (start, on_date] with start one calendar year earlier."""
    return years_before(on_date, 1), on_date


# ---------------------------------------------------------------- SVC-03 meetings a year


def _meetings_a_year(scope, on_date: datetime.date):
    """Conferences founded at least a year ago, with the meetings of each kind held in the year
    up to ``on_date`` and the numbers their charter sets (subqueries, so the count can
    aggregate over them in one query)."""
    start, end = _window(on_date)
    charter = Document.objects.filter(conference=OuterRef("pk"), kind=DocumentKind.CHARTER,
                                      status=DocumentStatus.IN_FORCE).order_by("-effective_on", "-pk")
    rules_setting = settings.DANGJIAN_RULES

    def held(kind):
        meetings = (ConferenceMeeting.objects.filter(conference=OuterRef("pk"), kind=kind, held_on__gt=start,
                                                     held_on__lte=end)
                    .order_by().values("conference").annotate(n=Count("pk")).values("n"))
        return Coalesce(Subquery(meetings), Value(0), output_field=IntegerField())

    return scope.narrow(JointConference.objects.filter(established_on__lte=start), "area__").order_by().annotate(
        plenary_held=held(MeetingKind.PLENARY), research_held=held(MeetingKind.RESEARCH),
        plenary_required=Coalesce(Subquery(charter.values("plenary_per_year")[:1]),
                                  Value(rules_setting["CONFERENCE_PLENARY_PER_YEAR"]), output_field=IntegerField()),
        research_required=Coalesce(Subquery(charter.values("research_per_year")[:1]),
                                   Value(rules_setting["CONFERENCE_RESEARCH_PER_YEAR"]), output_field=IntegerField()),
    )


@rules.register(
    code="SVC-03",
    title="联席会全体成员大会、工作研讨交流次数少于章程规定",
    citation=f"{SEED}；次数以联席会章程为准，章程未定时默认每年全体成员大会2次、工作研讨交流4次"
             "（RULES.md SVC-03，本地做法）",
    severity=Severity.WARNING,
    action="联席会办公室按章程安排会议，会前发出通知，会上听取工作报告、督办上次决议任务的落实。",
)
def conference_meetings_short(scope, on_date: datetime.date):
    url = _url("conference:home")
    start, _end = _window(on_date)
    # One finding per conference (a finding is about one subject; the weekly record keys it so),
    # naming each kind of meeting it is short of.
    short = Q(plenary_held__lt=F("plenary_required")) | Q(research_held__lt=F("research_required"))
    for conference in (_meetings_a_year(scope, on_date).filter(short).select_related("area")
                       .order_by("area__path", "pk")):
        shortfalls = [(label, held, required)
                      for label, held, required in (("全体成员大会", conference.plenary_held, conference.plenary_required),
                                                    ("工作研讨交流", conference.research_held,
                                                     conference.research_required))
                      if held < required]
        yield Finding(rule_code="SVC-03", subject=conference, anchor_label=conference.area.name,
                      message=f"{conference.name}在{start:%Y-%m-%d}之后的一年内" + "，".join(
                          f"召开{label}{held}次，少于章程规定的每年{required}次" for label, held, required in shortfalls)
                      + "。",
                      records_url=url(conference.pk),
                      detail={"short": [{"kind": label, "held": held, "required": required}
                                        for label, held, required in shortfalls]})


@rules.counts("SVC-03")
def count_conference_meetings_short(scope, on_date: datetime.date) -> int:
    short = Q(plenary_held__lt=F("plenary_required")) | Q(research_held__lt=F("research_required"))
    return _meetings_a_year(scope, on_date).filter(short).count()


# ---------------------------------------------------------------- CONF-01 attendance


def _low_attendance(scope, on_date: datetime.date):
    start, end = _window(on_date)
    threshold = int(settings.DANGJIAN_RULES["CONFERENCE_ATTENDANCE_MIN_RATE"])
    # The seat's recorded attendance: a meeting where nobody recorded it says nothing either way.
    recorded = Attendance.objects.filter(seat=OuterRef("pk"), meeting__held_on__gt=start, meeting__held_on__lte=end)
    expected = recorded.order_by().values("seat").annotate(n=Count("pk")).values("n")
    attended = (recorded.filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.DELEGATE))
                .order_by().values("seat").annotate(n=Count("pk")).values("n"))
    seats = Seat.objects.filter(Q(left_on__isnull=True) | Q(left_on__gt=on_date), joined_on__lte=on_date)
    return (scope.narrow(seats, "conference__area__").order_by()
            .annotate(expected=Coalesce(Subquery(expected), Value(0), output_field=IntegerField()),
                      attended=Coalesce(Subquery(attended), Value(0), output_field=IntegerField()))
            .annotate(attended_x100=F("attended") * 100, expected_x_rate=F("expected") * threshold)
            .filter(expected__gte=1, attended_x100__lt=F("expected_x_rate")))


@rules.register(
    code="CONF-01",
    title="成员单位参加联席会会议的出席率偏低",
    citation=f"{SEED}；成员单位应参加联席会活动。出席率下限为本地做法（{LOCAL}："
             "CONFERENCE_ATTENDANCE_MIN_RATE，默认75%，委托出席计为出席）",
    severity=Severity.INFO,
    action="联席会办公室与该成员单位沟通，了解缺席原因；必要时调整席位担任人。",
)
def conference_low_attendance(scope, on_date: datetime.date):
    url = _url("conference:home")
    for seat in _low_attendance(scope, on_date).select_related("unit", "conference__area").order_by(
            "conference", "pk"):
        yield Finding(rule_code="CONF-01", subject=seat, anchor_label=seat.conference.area.name,
                      message=f"{seat.unit.name}近一年出席{seat.conference.name}会议{seat.attended}次，"
                              f"应出席{seat.expected}次。",
                      records_url=url(seat.conference_id), detail={"attended": seat.attended,
                                                                   "expected": seat.expected})


@rules.counts("CONF-01")
def count_conference_low_attendance(scope, on_date: datetime.date) -> int:
    return _low_attendance(scope, on_date).count()


# ---------------------------------------------------------------- CONF-02 overdue tasks


def _overdue(scope, on_date: datetime.date):
    return scope.narrow(ConferenceTask.objects.overdue(on_date), "conference__area__").order_by()


@rules.register(
    code="CONF-02",
    title="联席会决议任务超过完成时限未完成",
    citation=f"{SEED}；决议任务的完成时限由会议确定，超期即提示（{LOCAL}）",
    severity=Severity.WARNING,
    action="联席会办公室督促负责单位报告进展；未完成的任务自动列入下次全体成员大会议程。",
)
def conference_tasks_overdue(scope, on_date: datetime.date):
    url = _url("conference:task")
    for task in _overdue(scope, on_date).select_related("unit", "conference__area").order_by("deadline", "pk"):
        yield Finding(rule_code="CONF-02", subject=task, anchor_label=task.conference.area.name,
                      message=f"{task.unit.name}承担的“{task.title}”已超过完成时限"
                              f"{(on_date - task.deadline).days}天（时限{task.deadline:%Y-%m-%d}）。",
                      records_url=url(task.pk), detail={"days_overdue": (on_date - task.deadline).days})


@rules.counts("CONF-02")
def count_conference_tasks_overdue(scope, on_date: datetime.date) -> int:
    return _overdue(scope, on_date).count()


# ---------------------------------------------------------------- CONF-03 terms run out


def _terms_ended(scope, on_date: datetime.date):
    terms = SeatTerm.objects.filter(ends_on__isnull=True, term_ends_on__lt=on_date, seat__left_on__isnull=True)
    return scope.narrow(terms, "seat__conference__area__").order_by()


@rules.register(
    code="CONF-03",
    title="联席会席位担任人任期已届满未交接",
    citation=f"{SEED}；席位任期由联席会章程或成员单位确定，届满提示为本地做法（{LOCAL}）",
    severity=Severity.INFO,
    action="联系成员单位确认席位担任人，在联席会页面办理交接（原任职记录保留）。",
)
def conference_terms_ended(scope, on_date: datetime.date):
    url = _url("conference:home")
    for term in _terms_ended(scope, on_date).select_related("seat__unit", "seat__conference__area").order_by(
            "term_ends_on", "pk"):
        seat = term.seat
        yield Finding(rule_code="CONF-03", subject=term, anchor_label=seat.conference.area.name,
                      message=f"{seat.unit.name}在{seat.conference.name}的席位（{seat.get_post_display()}）"
                              f"由{term.holder_name}担任，任期已于{term.term_ends_on:%Y-%m-%d}届满。",
                      records_url=url(seat.conference_id), detail={"term_ends_on": str(term.term_ends_on)})


@rules.counts("CONF-03")
def count_conference_terms_ended(scope, on_date: datetime.date) -> int:
    return _terms_ended(scope, on_date).count()
