"""The demo city's joint conferences, through the services: for every street a conference with
its office in the chair and the street's main units in the seats, a charter and the four rule
documents of the seed (our own sample text), a year of plenary and research meetings with
attendance, resolutions and tasks, the three lists, and the liaison account ``liaison``.

Realistic gaps so every rule fires somewhere: one street's research sessions fall short
(SVC-03), one unit keeps missing meetings (CONF-01), some tasks run past their deadline
(CONF-02), one holder's term has run out (CONF-03). For the ``district``/``city`` sizes only
the first district's streets get a conference (logged). Idempotent: a street that already
has a conference is skipped. Each street draws from its own seeded random stream.
"""

import datetime
import random

from django.utils import timezone
from stdnum.cn import uscc

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.conference import demo_texts, services, services_lists, services_meetings
from dangjian.conference.models import ConferenceTask, JointConference, TaskStatus
from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.organizations import services as organization_services
from dangjian.organizations.demo import person_name
from dangjian.organizations.models import Area, AreaLevel, Sector, Unit

DAY = datetime.timedelta(days=1)
LIAISON_STREET = "320102002000"  # 梅园新村街道: the README's street account works here too
SEATS_MAX = 8


@demo_builder(order=40)
def build_conferences(ctx: DemoContext) -> None:
    streets = Area.objects.filter(level=AreaLevel.STREET).order_by("code")
    if ctx.size.bulk:
        first = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
        streets = streets.filter(path__startswith=first.path) if first else streets.none()
        ctx.log(f"  联席会：只为第一个区（{first.name if first else '无'}）的街道生成")
    existing = set(JointConference.objects.values_list("area_id", flat=True))
    made = 0
    for index, street in enumerate(streets):
        if street.pk in existing:
            continue
        _street(ctx, street, index, random.Random(f"dangjian-conference:{street.code}"))  # noqa: S311 - demo data
        made += 1
    _liaison_account(ctx)
    ctx.log(f"  联席会：新建 {made} 个")


def _office(ctx, street: Area) -> Unit:
    body = f"11{street.code[:6]}{street.code[6:12]}999"
    code = body + uscc.calc_check_digit(body)
    return Unit.objects.filter(credit_code=code).first() or organization_services.unit_create(
        actor=ctx.actor, name=f"{street.name}办事处", sector=Sector.AGENCY, credit_code=code, area=street,
        address=f"南京市{street.name}", staff_count=60)


def _street(ctx, street: Area, index: int, rng: random.Random) -> None:
    actor, today = ctx.actor, timezone.localdate()
    founded = today - 420 * DAY
    conference = services.conference_create(actor=actor, area=street, established_on=founded)
    units = list(Unit.objects.filter(area__path__startswith=street.path, is_operating=True)
                 .exclude(sector=Sector.AGENCY).order_by("-staff_count", "credit_code")[: SEATS_MAX - 1])
    posts = ["vice_chair", "vice_chair", "secretary_general"] + ["member"] * SEATS_MAX
    seats = [services.seat_create(actor=actor, conference=conference, unit=_office(ctx, street), post="chair",
                                  holder_name=person_name(rng), holder_title="街道党工委书记", starts_on=founded)]
    for unit, post in zip(units, posts, strict=False):
        seats.append(services.seat_create(actor=actor, conference=conference, unit=unit, post=post,
                                          holder_name=person_name(rng), holder_title="党组织书记",
                                          starts_on=founded, term_ends_on=founded + 3 * 365 * DAY))
    if len(seats) > 2:  # a handover half a year ago; one holder whose term has run out (CONF-03)
        services.seat_handover(actor=actor, seat=seats[1], holder_name=person_name(rng), holder_title="党委书记",
                               on_date=today - 180 * DAY, term_ends_on=today + 900 * DAY)
        services.seat_handover(actor=actor, seat=seats[-1], holder_name=person_name(rng), holder_title="支部书记",
                               on_date=founded + 30 * DAY, term_ends_on=today - 20 * DAY)
    documents = _library(ctx, conference, founded)
    _meetings(ctx, conference, seats, documents, index, rng)
    _lists(ctx, conference, street, seats, rng)


def _library(ctx, conference, founded):
    actor, year = ctx.actor, founded.year
    charter = services.document_create(
        actor=actor, conference=conference, kind="charter", title=f"{conference.name}章程",
        issuer=f"中共{conference.area.name}工作委员会", number=f"{conference.area.name[:2]}党工〔{year}〕1号",
        effective_on=founded, text=demo_texts.CHARTER.format(name=conference.name), plenary_per_year=2,
        research_per_year=4)
    services.document_revise(actor=actor, document=charter, title=charter.title, effective_on=founded + 200 * DAY,
                             text=charter.text + "\n第九条 成员单位联络员负责本单位任务进展的填报。",
                             note="增加联络员职责")
    for kind, title, number, text in demo_texts.RULE_DOCUMENTS:
        services.document_create(actor=actor, conference=conference, kind=kind, title=title,
                                 issuer=f"中共{conference.area.name}工作委员会",
                                 number=f"{conference.area.name[:2]}党工{number.format(year=year)}",
                                 effective_on=founded + 10 * DAY, text=text)
    report = services.document_create(actor=actor, conference=conference, kind="plan",
                                      title=f"{conference.name}年度工作报告", issuer=f"{conference.name}办公室",
                                      effective_on=timezone.localdate() - 160 * DAY, text=demo_texts.WORK_REPORT)
    return {"report": report}


def _meetings(ctx, conference, seats, documents, index, rng):
    actor, today = ctx.actor, timezone.localdate()
    # A year of meetings, oldest first; an odd street misses one research session (SVC-03).
    plan = [(330, "plenary"), (280, "research"), (200, "research"), (150, "plenary"), (100, "research"),
            (30, "research")]
    if index % 2:
        plan.remove((100, "research"))
    absentee = seats[-2] if len(seats) > 3 else None  # keeps missing meetings (CONF-01)
    resolutions = iter(demo_texts.RESOLUTIONS * 3)
    tasks = []
    for number, (days_ago, kind) in enumerate(plan, start=1):
        held_on = today - days_ago * DAY
        label = "全体成员大会" if kind == "plenary" else "工作研讨交流会"
        held = services_meetings.meeting_schedule(
            actor=actor, conference=conference, kind=kind, title=f"{held_on.year}年第{number}次{label}",
            held_on=held_on, place=rng.choice(("街道党群服务中心", "社区党员活动室", "驻区单位会议室")),
            agenda=["听取联席会年度工作报告" if kind == "plenary" else "交流共建工作经验", "研究三张清单对接事项"],
            work_report=documents["report"] if kind == "plenary" and days_ago == 150 else None)
        for seat in seats:
            roll = rng.random()
            if seat == absentee and roll < 0.7 or roll < 0.08:
                services_meetings.meeting_record_attendance(actor=actor, meeting=held, seat=seat, status="absent",
                                                            reason=rng.choice(demo_texts.ABSENCE))
            elif roll < 0.15:
                services_meetings.meeting_record_attendance(actor=actor, meeting=held, seat=seat, status="delegate",
                                                            delegate_name=person_name(rng))
            else:
                services_meetings.meeting_record_attendance(actor=actor, meeting=held, seat=seat, status="present",
                                                            attendee_name=seat.terms.first().holder_name)
        services_meetings.meeting_record_minutes(
            actor=actor, meeting=held, minutes=f"会议由会长主持。{label}听取了工作情况汇报，成员单位逐一发言，"
                                               "围绕三张清单对接和上次会议决议的落实进行了讨论，形成决议如下。")
        for _ in range(2 if kind == "plenary" else 1):
            text, titles = next(resolutions)
            resolution = services_meetings.resolution_add(actor=actor, meeting=held, text=text)
            for title in titles:
                seat = rng.choice(seats[1:] or seats)
                tasks.append(services_meetings.task_assign(
                    actor=actor, resolution=resolution, seat=seat, title=title,
                    deadline=held_on + rng.choice((45, 60, 90, 120)) * DAY))
    # plus a plenary coming up, with its notice ready (its agenda carries the open tasks)
    services_meetings.meeting_schedule(actor=actor, conference=conference, kind="plenary",
                                       title=f"{(today + 20 * DAY).year}年度全体成员大会", held_on=today + 20 * DAY,
                                       place="街道党群服务中心", agenda=["听取联席会年度工作报告", "审议下一年度工作计划"])
    _progress(ctx, tasks, rng)


def _progress(ctx, tasks, rng):
    today = timezone.localdate()
    for task in tasks:
        meeting_day = task.resolution.meeting.held_on
        roll = rng.random()
        if task.deadline < today and roll < 0.75 or task.deadline >= today and roll < 0.3:
            done_on = min(today, meeting_day + rng.randint(10, max(11, (task.deadline - meeting_day).days + 15)) * DAY)
            services_meetings.task_report_progress(actor=ctx.actor, task=task, text=rng.choice(demo_texts.PROGRESS[:3]),
                                                   reported_on=max(meeting_day, done_on - 10 * DAY))
            services_meetings.task_report_progress(actor=ctx.actor, task=task, text=demo_texts.PROGRESS[3],
                                                   done=True, reported_on=done_on)
        elif roll < 0.85:  # under way (some of them past the deadline: CONF-02)
            services_meetings.task_report_progress(actor=ctx.actor, task=task, text=rng.choice(demo_texts.PROGRESS[:3]),
                                                   reported_on=min(today, meeting_day + 20 * DAY))


def _lists(ctx, conference, street, seats, rng):
    actor, today = ctx.actor, timezone.localdate()
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=street.path).order_by("code"))
    if not communities:
        return
    resources = []
    for offset, (kind, title, quantity, availability) in enumerate(demo_texts.RESOURCES):
        seat = seats[(offset + 1) % len(seats)]
        resources.append(services_lists.resource_create(actor=actor, conference=conference, unit=seat.unit, kind=kind,
                                                        title=title, quantity=quantity, availability=availability,
                                                        listed_on=today - 200 * DAY))
    demands = [services_lists.demand_create(actor=actor, conference=conference, community=communities[i % len(
        communities)], kind=kind, title=title, description=description, expected_help=expected,
        listed_on=today - (190 - 20 * i) * DAY) for i, (kind, title, description, expected) in enumerate(
        demo_texts.DEMANDS)]
    plan = services_lists.MilestonePlan
    done = services_lists.project_create(actor=actor, demand=demands[0], title="“邻里守望”助老项目",
                                         owner_unit=resources[1].unit, resources=[resources[1]],
                                         milestones=[plan("组建志愿服务队", today - 150 * DAY),
                                                     plan("建立探访台账", today - 120 * DAY),
                                                     plan("半年总结", today - 45 * DAY)],
                                         starts_on=today - 170 * DAY)
    for milestone, done_on in zip(done.milestones.all(), (152, 118, 41), strict=True):
        services_lists.milestone_set_done(actor=actor, milestone=milestone, done_on=today - done_on * DAY)
    services_lists.project_set_status(actor=actor, project=done, status="completed",
                                      outcome="结对探访独居老人42名，累计上门服务300余次。", on_date=today - 40 * DAY)
    # under way, led by the liaison's unit in 梅园新村街道: its last step is past due (the
    # liaison's home and the conference's home remind of it)
    running = services_lists.project_create(
        actor=actor, demand=demands[1], title="暑期“红色课堂”", owner_unit=resources[0].unit, resources=[resources[0]],
        milestones=[plan("确定场地", today - 90 * DAY), plan("招募志愿者", today - 60 * DAY),
                    plan("开班", today - 10 * DAY), plan("结业展示", today + 30 * DAY)],
        starts_on=today - 100 * DAY)
    services_lists.project_set_status(actor=actor, project=running, status="active")
    for milestone, done_on in zip(running.milestones.all()[:2], (92, 55), strict=True):
        services_lists.milestone_set_done(actor=actor, milestone=milestone, done_on=today - done_on * DAY)


def _liaison_account(ctx) -> None:
    """``liaison``: the liaison of a vice-chair unit of 梅园新村街道's conference."""
    conference = JointConference.objects.filter(area__code=LIAISON_STREET).first()
    if conference is None:
        return
    seat = conference.seats.filter(post="vice_chair").order_by("pk").first()
    if seat is None:
        return
    user, created = User.objects.get_or_create(username="liaison", defaults={
        "display_name": f"{seat.unit.name}联络员", "is_staff": True})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not RoleAssignment.objects.filter(user=user, role=Role.LIAISON, unit=seat.unit).exists():
        account_services.role_grant(actor=ctx.actor, user=user, role=Role.LIAISON, unit=seat.unit)
    # make sure the liaison's home has something due soon to be reminded of
    if not ConferenceTask.objects.filter(unit=seat.unit).exclude(status=TaskStatus.DONE).filter(
            deadline__gte=timezone.localdate()).exists():
        held = conference.meetings.filter(held_on__lte=timezone.localdate()).order_by("-held_on").first()
        if held is not None:
            resolution = services_meetings.resolution_add(actor=ctx.actor, meeting=held,
                                                          text="成员单位结合自身优势认领社区服务项目。")
            services_meetings.task_assign(actor=ctx.actor, resolution=resolution, seat=seat,
                                          title="认领一项社区服务项目并报联席会办公室",
                                          deadline=timezone.localdate() + 10 * DAY)
