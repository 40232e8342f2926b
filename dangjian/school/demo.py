"""A party school in every demo street: venues, a leadership, part-time teachers, a course
catalogue, this year's plan with a class planned each month, the last six months of classes
with attendance and some make-up study, and a class tomorrow to try the QR check-in on.

Realistic gaps so the rules fire: one planned month never held (SCH-01), most members short of
32 hours (EDU-01 — the off-post and floating more so), a teacher who has not taught for a year
(SCH-02), a few organizations whose secretary is one of their members, short of 56 hours
(EDU-02). The demo account ``school`` administers 梅园新村街道党校. Idempotent: a street whose
school already has classes is skipped. For the bulk sizes only the first district's streets get
a school (a full city of schools would add minutes and show nothing new).
"""

import datetime
import random

from django.db.models import OuterRef
from django.utils import timezone

from dangjian.accounts import services as account_services
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.members.models import Employment, Member, MemberStatus
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import BASIC_ORGANIZATION_KINDS, Area, AreaLevel, PartyOrganization
from dangjian.school import selectors, services
from dangjian.school.models import Audience, ClassSession, OfficerPosition, PartySchool, Teacher

TEACHERS = [
    ("周建华", "南京市委党校", "教授", "党史、党章党规"),
    ("陈立新", "东南大学马克思主义学院", "副教授", "理论政策、基层治理"),
    ("李秀英", "街道党工委", "组织委员", "组织生活、党员管理"),
    ("王振国", "区司法局", "律师", "法律法规、矛盾调解"),
    ("孙晓梅", "社区卫生服务中心", "主任医师", "健康知识、养老服务"),
]
COURSES = [("学习贯彻党章", "党章党规", "2"), ("百年党史专题", "党史学习", "3"), ("党员权利和义务", "党章党规", "2"),
           ("基层治理与网格服务", "基层治理", "2"), ("民法典进社区", "法律法规", "2"), ("健康养老知识讲座", "为民服务", "1.5")]
OFFICERS = [("街道党工委书记", OfficerPosition.PRINCIPAL), ("街道党工委副书记", OfficerPosition.VICE_PRINCIPAL),
            ("组织委员", OfficerPosition.ACADEMIC_OFFICER)]
SURNAMES = "张王李赵刘陈杨黄吴周"
GIVEN = ["建国", "国强", "秀兰", "海燕", "志明", "丽华"]


@demo_builder(order=45)
def build_schools(ctx: DemoContext) -> None:
    streets = list(Area.objects.filter(level=AreaLevel.STREET).order_by("path"))
    if ctx.size.bulk and streets:
        first_district = streets[0].path[: -Area.steplen]
        streets = [street for street in streets if street.path.startswith(first_district)]
        ctx.log(f"  社区党校：大规模数据只为第一个区的 {len(streets)} 个街道建党校")
    built = 0
    for street in streets:
        school, _created = PartySchool.objects.get_or_create(
            area=street, name=f"{street.name}党校", defaults={"founded_on": datetime.date(2012, 7, 1)})
        if ClassSession.objects.filter(school=school).exists():
            continue
        _build_school(ctx, school, random.Random(f"school-{street.code}"))  # noqa: S311 — demo data
        _secretaries_among_members(ctx, street)
        built += 1
    _school_account(ctx)
    ctx.log(f"  新建社区党校 {built} 所（含教员、课程、教育计划和半年的班次、出勤）")


def _build_school(ctx: DemoContext, school: PartySchool, rng: random.Random) -> None:
    actor, today = ctx.actor, timezone.localdate()
    hall = services.venue_save(actor=actor, school=school, name="党群服务中心报告厅", capacity=80,
                               address=f"{school.area.name}党群服务中心三楼")
    room = services.venue_save(actor=actor, school=school, name="党员活动室", capacity=30)
    for index, (title, position) in enumerate(OFFICERS):
        services.officer_save(actor=actor, school=school, name=f"{SURNAMES[index + 3]}{GIVEN[index]}", position=position,
                              affiliation=title, term_start=datetime.date(today.year - 2, 1, 1),
                              term_end=datetime.date(today.year + 2, 12, 31))
    teachers = [services.teacher_save(actor=actor, school=school, name=name, affiliation=where, title=title,
                                      expertise=expertise, phone=f"1385100{index:04d}")
                for index, (name, where, title, expertise) in enumerate(TEACHERS)]
    # The faculty was appointed years ago (created_at is set by nobody's form: the demo backdates it).
    Teacher.objects.filter(school=school).update(
        created_at=timezone.now() - datetime.timedelta(days=3 * 365))
    courses = [services.course_save(actor=actor, school=school, title=title, topic=topic, hours=hours,
                                    teacher=teachers[index % 4]) for index, (title, topic, hours) in enumerate(COURSES)]
    plan = services.plan_create(actor=actor, school=school, year=today.year, title="党员教育培训计划",
                                notes="全年集中学习不少于32学时（RULES.md EDU-01）")
    off_post = services.plan_create(actor=actor, school=school, year=today.year, title="离岗党员送学计划",
                                    audience=Audience.OFF_POST, target_hours="16")
    planned = [services.plan_add_class(actor=actor, plan=plan, month=month, course=courses[(month - 1) % len(courses)])
               for month in range(1, 13)]
    members = list(selectors.audience_members(school, Audience.ALL).only("pk", "name", "employment"))
    first_month = max(1, today.month - 6)
    for month in range(first_month, today.month):
        if month == first_month + 1:
            continue  # a planned month that never happened (SCH-01)
        item = planned[month - 1]
        day = datetime.date(today.year, month, min(12 + rng.randint(0, 10), 28))
        starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))
        venue = hall if len(members) > room.capacity else room
        session = services.session_schedule(
            actor=actor, school=school, course=item.course, venue=venue, plan=plan, planned=item, starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=max(2, int(float(item.course.hours)) + 1)),
            expected_attendees=min(venue.capacity, len(members)), notice="请各支部组织党员准时参加，带好笔记本。")
        # The employed come more often than the retired; the floating rarely (they are away).
        present = [m for m in members if rng.random() < (0.55 if m.employment == Employment.EMPLOYED else 0.35)]
        if present:
            services.attendance_mark(actor=actor, session=session, members=present[: venue.capacity])
        services.session_record_held(actor=actor, session=session, feedback_score=str(round(rng.uniform(4.0, 5.0), 1)))
        absent = [m for m in members if m not in present]
        for member in absent[: rng.randint(0, 3)]:
            services.makeup_record(actor=actor, session=session, member=member, hours=item.course.hours,
                                   studied_on=min(day + datetime.timedelta(days=7), today), note="观看授课录像并交流心得")
    # An off-post class at the community: part of the off-post plan.
    tomorrow = today + datetime.timedelta(days=1)
    starts = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(9, 0)))
    services.session_schedule(actor=actor, school=school, course=courses[5], venue=room, plan=off_post, starts_at=starts,
                              ends_at=starts + datetime.timedelta(hours=2), expected_attendees=20,
                              notice="离退休、下岗失业党员专场，欢迎家属陪同。")
    starts = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(14, 30)))
    services.session_schedule(actor=actor, school=school, course=planned[today.month - 1].course, venue=hall, plan=plan,
                              planned=planned[today.month - 1], starts_at=starts,
                              ends_at=starts + datetime.timedelta(hours=3), expected_attendees=60,
                              notice="扫描现场二维码签到，开课前30分钟起可签到。")


def _secretaries_among_members(ctx: DemoContext, street: Area, most: int = 5) -> None:
    """The organizations demo invents secretaries' names; a few organizations of the street get one
    of their own full members as secretary, so EDU-02 (a secretary's 56 hours) has someone to check."""
    organizations = (PartyOrganization.objects.filter(area__path__startswith=street.path, is_active=True,
                                                      kind__in=BASIC_ORGANIZATION_KINDS)
                     .exclude(secretary_name__in=Member.objects.filter(organization=OuterRef("pk")).values("name"))
                     .order_by("path")[:most])
    for organization in organizations:
        first = (Member.objects.on_roll().filter(organization=organization, status=MemberStatus.FULL)
                 .order_by("pk").values_list("name", flat=True).first())
        if first:
            organization_services.organization_update(actor=ctx.actor, organization=organization,
                                                      secretary_name=first)


def _school_account(ctx: DemoContext) -> None:
    """The demo's school administrator: ``school`` for 梅园新村街道党校."""
    school = PartySchool.objects.filter(area__code="320102002000").first()
    if school is None:
        return
    user, created = User.objects.get_or_create(username="school", defaults={"display_name": "梅园新村街道党校管理员",
                                                                            "is_staff": True})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not RoleAssignment.objects.filter(user=user, role=Role.SCHOOL_ADMIN, school=school).exists():
        account_services.role_grant(actor=ctx.actor, user=user, role=Role.SCHOOL_ADMIN, school=school)
