"""Coverage and co-construction in the demo city, through the services, with the gaps a real
street has so every rule fires somewhere:

* per community a pattern (by its place in the street): a joint branch formed for two small units
  (COV-01J found, then resolved); a company with three members registered elsewhere and no
  branch (COV-01, open) next to a social organization with an instructor; two units with one
  member each (COV-01J, each the other's candidate neighbour); a unit whose instructor has not
  visited for seven months (COV-04) next to one with nobody (COV-02);
* per street two instructors (one whose term ran out: their unit is uncovered again), visits;
* pairings: one active with quarterly activities and both sides' reviews, one idle for two
  quarters (SVC-02), and in the first street one past its term (SVC-02);
* service posts in every community; employed members living there report, serve monthly and
  the community confirms; one per street served one hour in a year (SVC-01);
* the blank-spot history: the daily job's runs four months and two months ago, then today.

The account ``instructor`` (README) is the first instructor of 梅园新村街道 (or the first street).
Idempotent: nothing is built when instructors exist. ``--size district|city`` builds only the
streets of the first district (logged).
"""

import datetime
import random

from django.utils import timezone

from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.core.periods import add_months
from dangjian.coverage import services, services_cobuild
from dangjian.coverage.derivation import counted_units
from dangjian.coverage.models import Instructor
from dangjian.members.models import Employment, Member, Standing
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit

DAY = datetime.timedelta(days=1)
DEMO_STREET = "320102002000"  # 梅园新村街道: the demo instructor's street
TOPICS = ("宣讲非公企业党建政策", "指导确定党建联络员", "了解职工中党员和入党积极分子情况", "指导开展主题党日活动",
          "帮助企业解决用工难题", "指导建立工会和共青团组织")
OUTCOMES = ("企业负责人表示支持", "已确定联络员", "发现入党积极分子一名", "已列入下季度计划", "")
ACTIVITIES = (("共建单位党员到社区开展义诊", "医护人员6名"), ("联合开展主题党日，重温入党誓词", "场地、讲解员"),
              ("企业志愿者为老人理发、维修小家电", "志愿者10名"), ("共同举办社区邻里节", "活动经费3000元"),
              ("单位为社区困难家庭捐赠物资", "米面油40份"))
POSTS = (("文明劝导", "路口和小区门口文明交通、垃圾分类劝导", 6), ("助老服务", "探望独居老人、陪同就医", 4),
         ("政策宣讲", "在社区议事厅宣讲惠民政策", 3))
SERVICE = ("垃圾分类劝导", "探望独居老人", "陪同老人就医", "社区政策宣讲", "小区环境整治")
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


@demo_builder(order=50)
def build_coverage(ctx: DemoContext) -> None:
    if Instructor.objects.exists():
        ctx.log("  覆盖与共建已有数据，跳过")
        return
    today = timezone.localdate()
    streets = Area.objects.filter(level=AreaLevel.STREET).order_by("code")
    focus = None  # the whole city; the first district only for the big sizes
    if ctx.size.bulk:
        first_district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("code").first()
        streets = streets.filter(path__startswith=first_district.path)
        focus = first_district
        ctx.log(f"  覆盖与共建：大规模演示只生成{first_district.name}的街道")
    streets = list(streets)
    services.blank_spots_sync(area=focus, on_date=today - 120 * DAY)  # the daily job's first run, in the past
    for street in streets:
        _profiles(ctx, street)
    services.blank_spots_sync(area=focus, on_date=today - 60 * DAY)
    demo_street = next((s for s in streets if s.code == DEMO_STREET), streets[0] if streets else None)
    for index, street in enumerate(streets):
        rng = random.Random(f"dangjian-coverage:{street.code}")  # noqa: S311 - demo data, not secrets
        _street(ctx, rng, street, today, with_account=street == demo_street, first=index == 0)
    result = services.blank_spots_sync(area=focus)
    ctx.log(f"  覆盖与共建：{len(streets)}个街道，指导员{Instructor.objects.count()}名，"
            f"今日新发现空白点{result['opened']}个、消除{result['resolved']}个")


def _communities(street):
    return list(Area.objects.filter(path__startswith=street.path, level=AreaLevel.COMMUNITY).order_by("code"))


def _open_units(community) -> list[Unit]:
    """The community's 两新组织 without an organization of their own (the demo's first and third)."""
    return list(counted_units(Unit.objects.filter(area=community)).exclude(
        party_organizations__is_active=True).order_by("pk"))


def _profiles(ctx, street) -> None:
    """Members registered elsewhere, as the street has verified them (patterns 0, 1 and 2)."""
    for position, community in enumerate(_communities(street)):
        units = _open_units(community)
        counts = {0: (1, 2), 1: (3, 0), 2: (1, 1)}.get(position % 4)
        if counts is None or len(units) < 2:
            continue
        for unit, count in zip(units, counts, strict=False):
            if count:
                services.unit_profile_update(actor=ctx.actor, unit=unit, members_registered_elsewhere=count,
                                             note="街道核实：组织关系在原单位或户籍地")


def _street(ctx, rng, street, today, *, with_account: bool, first: bool) -> None:
    working_committee = PartyOrganization.objects.filter(area=street, kind=OrganizationKind.WORKING_COMMITTEE).first()
    user = None
    if with_account:
        from dangjian.accounts import services as account_services

        user = account_services.user_create(actor=ctx.actor, username="instructor", password=DEMO_PASSWORD,
                                            display_name=f"{street.name}党建指导员", phone="13951700001")
    active = services.instructor_appoint(
        actor=ctx.actor, name=f"{rng.choice(NAMES)}建华", area=street, appointed_by=f"{street.name}党工委",
        appointed_on=today - 400 * DAY, term_months=36, phone=f"139{rng.randrange(10**8):08d}", user=user)
    lapsed = services.instructor_appoint(
        actor=ctx.actor, name=f"{rng.choice(NAMES)}志强", area=street, appointed_by=f"{street.name}党工委",
        appointed_on=add_months(today, -26), term_months=24)
    for position, community in enumerate(_communities(street)):
        units = _open_units(community)
        if len(units) < 2:
            continue
        pattern = position % 4
        if pattern == 0 and working_committee is not None:
            joint = organization_services.organization_create(
                actor=ctx.actor, parent=working_committee, name=f"{community.name}两新组织联合党支部",
                kind=OrganizationKind.JOINT_BRANCH, area=community)
            for unit in units[:2]:
                services.joint_branch_add_unit(actor=ctx.actor, organization=joint, unit=unit)
        elif pattern == 1:
            _assign_and_visit(ctx, rng, active, units[1], today, every_days=75)
        elif pattern == 3:
            _assign_and_visit(ctx, rng, active, units[0], today, every_days=210)
            services.instructor_assign(actor=ctx.actor, instructor=lapsed, unit=units[1],
                                       started_on=add_months(today, -25))
    _pairings(ctx, rng, street, today, first=first)
    _service(ctx, rng, street, today)


def _assign_and_visit(ctx, rng, instructor, unit, today, *, every_days: int) -> None:
    started_on = today - 380 * DAY
    services.instructor_assign(actor=ctx.actor, instructor=instructor, unit=unit, started_on=started_on)
    day = started_on + rng.randint(10, 30) * DAY
    while day <= today:
        services.visit_record(actor=ctx.actor, instructor=instructor, unit=unit, visited_on=day,
                              topic=rng.choice(TOPICS), outcome=rng.choice(OUTCOMES))
        day += (every_days + rng.randint(-10, 10)) * DAY


def _pairings(ctx, rng, street, today, *, first: bool) -> None:
    communities = _communities(street)
    community_organizations = [PartyOrganization.objects.filter(area=c, unit__isnull=True, is_active=True)
                               .exclude(kind__in=(OrganizationKind.PARTY_GROUP, OrganizationKind.JOINT_BRANCH))
                               .order_by("depth", "path").first() for c in communities]
    unit_organizations = list(PartyOrganization.objects.filter(area__path__startswith=street.path, unit__isnull=False,
                                                               is_active=True).order_by("path"))
    plans = [(14, 24, 3), (9, 24, None)] + ([(30, 24, 6)] if first else [])
    for (months_ago, term, every), community_org, unit_org in zip(plans, community_organizations, unit_organizations,
                                                                 strict=False):
        if community_org is None:
            continue
        signed_on = add_months(today, -months_ago)
        pairing = services_cobuild.pairing_create(
            actor=ctx.actor, community_organization=community_org, unit_organization=unit_org, signed_on=signed_on,
            term_months=term, commitments="单位开放活动场地、每季度组织党员志愿服务；社区提供党员教育阵地、协助解决职工子女入学等实际困难。")
        held = [add_months(signed_on, n) for n in range(1, months_ago, every)] if every else [add_months(signed_on, 1)]
        for day in held:
            if day <= today:
                content, resources = rng.choice(ACTIVITIES)
                services_cobuild.pairing_activity_record(actor=ctx.actor, pairing=pairing, held_on=day, content=content,
                                                         participants=rng.randint(8, 40), resources=resources)
        if every == 3:
            for side, rating in (("community", 5), ("unit", 4)):
                services_cobuild.pairing_review(actor=ctx.actor, pairing=pairing, year=today.year - 1, side=side,
                                                rating=rating, comment="活动扎实，双方受益。")


def _service(ctx, rng, street, today) -> None:
    for community in _communities(street):
        posts = [services_cobuild.service_post_create(actor=ctx.actor, community=community, name=name,
                                                      description=description, capacity=capacity)
                 for name, description, capacity in POSTS[:2]]
        workers = list(Member.objects.filter(residence_area=community, employment=Employment.EMPLOYED,
                                             standing=Standing.ACTIVE).order_by("pk")[:3])
        for index, worker in enumerate(workers):
            registered_on = today - rng.randint(400, 700) * DAY
            registration = services_cobuild.service_register(actor=ctx.actor, member=worker,
                                                             post=posts[index % len(posts)],
                                                             registered_on=registered_on)
            months = 1 if index == 2 else 6
            for month in range(months):
                served_on = today - (20 + 45 * month) * DAY
                record = services_cobuild.service_record(actor=ctx.actor, registration=registration,
                                                         served_on=served_on, hours=rng.choice((4, 4, 5, 6)),
                                                         content=rng.choice(SERVICE))
                if month:  # the latest month is still waiting for the community
                    services_cobuild.service_confirm(actor=ctx.actor, record=record)
