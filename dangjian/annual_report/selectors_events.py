"""The year's dated records, each counted by its own date within the year (up to the as-of
date) and placed by where it happened: a meeting by its branch's area, a class by its school's
area, a concern by its community, an activity by its community, a payment by its member's
organization. A record entered late (a December meeting typed in in January) still counts in
December's year. Each sheet is one or a few GROUP BY queries over the area's row keys.
"""

from django.db.models import Count, Q, Sum

from dangjian.activities.models import Activity, Registration, RegistrationStatus
from dangjian.annual_report.report import ReportPeriod, Sheet, rate
from dangjian.concerns.models import SATISFIED_RATINGS, Concern
from dangjian.conference.models import ConferenceMeeting, ConferenceTask, JointConference, Resolution
from dangjian.conference.models.meetings import MeetingKind as ConferenceMeetingKind
from dangjian.dues.models import DuesPayment
from dangjian.orglife.models import MeetingKind, MeetingStatus, OrgLifeMeeting
from dangjian.school.models import Attendance, ClassSession, ClassStatus, PartySchool


def _fill(sheet: Sheet, rows, names: dict) -> None:
    for row in rows:
        sheet.add(row["row_key"], {names[key]: value for key, value in row.items() if key in names})


def orglife_sheet(period: ReportPeriod) -> Sheet:
    kinds = list(MeetingKind)
    sheet = Sheet("orglife", "组织生活", ["召开会议合计", *(str(kind.label) for kind in kinds)],
                  note="已召开的三会一课及主题党日、组织生活会、民主评议党员，按会议日期统计（RULES.md LIFE）。")
    held = OrgLifeMeeting.objects.filter(status=MeetingStatus.HELD, **period.within("held_on"))
    rows = period.keyed(held, "organization__area__path").annotate(
        total=Count("id"), **{kind.value: Count("id", filter=Q(kind=kind)) for kind in kinds})
    _fill(sheet, rows, {"total": "召开会议合计", **{kind.value: str(kind.label) for kind in kinds}})
    return sheet


def conference_sheet(period: ReportPeriod) -> Sheet:
    sheet = Sheet("conference", "联席会", ["联席会", "召开会议", "其中全体成员大会", "形成决议", "年内完成任务"],
                  note="社区党建联席会：截至统计日已成立的联席会；会议、决议按会议日期，任务按完成日期统计。")
    _fill(sheet, period.keyed(JointConference.objects.filter(established_on__lte=period.as_of), "area__path")
          .annotate(n=Count("id")), {"n": "联席会"})
    meetings = ConferenceMeeting.objects.filter(**period.within("held_on"))
    _fill(sheet, period.keyed(meetings, "conference__area__path").annotate(
        n=Count("id"), plenary=Count("id", filter=Q(kind=ConferenceMeetingKind.PLENARY))),
        {"n": "召开会议", "plenary": "其中全体成员大会"})
    _fill(sheet, period.keyed(Resolution.objects.filter(**period.within("meeting__held_on")),
                              "meeting__conference__area__path").annotate(n=Count("id")), {"n": "形成决议"})
    _fill(sheet, period.keyed(ConferenceTask.objects.filter(**period.within("completed_on")),
                              "conference__area__path").annotate(n=Count("id")), {"n": "年内完成任务"})
    return sheet


def school_sheet(period: ReportPeriod) -> Sheet:
    sheet = Sheet("school", "社区党校", ["党校", "举办班次", "参训人次", "计入学时"],
                  note="班次按开课日期、学时按计入日期统计（含补学）。")
    _fill(sheet, period.keyed(PartySchool.objects.all(), "area__path").annotate(n=Count("id")), {"n": "党校"})
    held = ClassSession.objects.filter(status=ClassStatus.HELD, **period.within_instants("starts_at"))
    _fill(sheet, period.keyed(held, "school__area__path").annotate(n=Count("id")), {"n": "举办班次"})
    _fill(sheet, period.keyed(Attendance.objects.filter(**period.within("credited_on")), "session__school__area__path")
          .annotate(n=Count("id"), hours=Sum("hours")), {"n": "参训人次", "hours": "计入学时"})
    return sheet


def concerns_sheet(period: ReportPeriod) -> Sheet:
    def derive(values):
        return {"群众满意率（%）": rate(values["满意和基本满意"], values["已评价"])}

    sheet = Sheet("concerns", "群众诉求", ["受理", "办结", "已评价", "满意和基本满意", "群众满意率（%）", "截至统计日未办结"],
                  derive=derive, note="受理按受理时间、办结按办结时间、评价按评价时间统计；未办结为统计日结束时尚未办结的诉求。")
    received = Q(**period.within_instants("received_at"))
    resolved = Q(**period.within_instants("resolved_at"))
    rated = Q(**period.within_instants("rated_at"))
    open_then = Q(received_at__lt=period.end_instant) & (Q(resolved_at=None) | Q(resolved_at__gte=period.end_instant))
    rows = period.keyed(Concern.objects.filter(received | resolved | rated | open_then), "community__path").annotate(
        received=Count("id", filter=received), resolved=Count("id", filter=resolved), rated=Count("id", filter=rated),
        satisfied=Count("id", filter=rated & Q(rating__in=SATISFIED_RATINGS)), open=Count("id", filter=open_then))
    _fill(sheet, rows, {"received": "受理", "resolved": "办结", "rated": "已评价", "satisfied": "满意和基本满意",
                        "open": "截至统计日未办结"})
    return sheet


def activities_sheet(period: ReportPeriod) -> Sheet:
    sheet = Sheet("activities", "社区活动", ["举办活动", "报名人次", "到场人次", "志愿服务时长（小时）"],
                  note="党的活动进社区：按活动开始时间统计；到场人次为签到记录，不作为考核依据。")
    activities = Activity.objects.filter(**period.within_instants("starts_at"))
    _fill(sheet, period.keyed(activities, "community__path").annotate(n=Count("id")), {"n": "举办活动"})
    registrations = Registration.objects.filter(status=RegistrationStatus.REGISTERED,
                                                **period.within_instants("activity__starts_at"))
    _fill(sheet, period.keyed(registrations, "activity__community__path").annotate(
        n=Count("id"), present=Count("id", filter=Q(checked_in_at__isnull=False)), hours=Sum("volunteer_hours")),
        {"n": "报名人次", "present": "到场人次", "hours": "志愿服务时长（小时）"})
    return sheet


def dues_sheet(period: ReportPeriod) -> Sheet:
    sheet = Sheet("dues", "党费", ["交纳笔数", "交纳金额（元）"],
                  note="按交纳日期统计，按党员现在所在党组织的区域归入。")
    payments = DuesPayment.objects.filter(**period.within("paid_on"))
    _fill(sheet, period.keyed(payments, "member__organization__area__path").annotate(
        n=Count("id"), amount=Sum("amount")), {"n": "交纳笔数", "amount": "交纳金额（元）"})
    return sheet


def event_sheets(period: ReportPeriod) -> list[Sheet]:
    return [conference_sheet(period), school_sheet(period), orglife_sheet(period), concerns_sheet(period),
            activities_sheet(period), dues_sheet(period)]
