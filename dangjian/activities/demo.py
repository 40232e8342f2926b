"""A year of community activities in the demo city, through the services: each community holds
a handful (organised by its party organization or by a unit located there), members of the
street sign up, some cancel and the waiting list moves up, most of those with a place check in
by the QR code (volunteer hours credited), some don't turn up; about half get a short report
afterwards. A few activities are still to come, so members have something to sign up for.

Idempotent: a community that already has activities is skipped. ``--size district|city``: only
the first 24 communities (by code), logged.
"""

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.activities import services
from dangjian.activities.models import Activity, ActivityKind
from dangjian.core.demo import DemoContext, demo_builder
from dangjian.members.models import Member, Standing
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit

LARGE_SIZE_COMMUNITIES = 24
DAY = datetime.timedelta(days=1)
TITLES = {
    ActivityKind.ORGANIZATION: ("党员议事会：小区停车改造", "楼栋党小组成立暨党员亮身份"),
    ActivityKind.EDUCATION: ("党课进社区：基层治理中的党员作用", "红色观影：《长津湖》", "法治讲座进社区"),
    ActivityKind.ACTIVITY: ("义诊进社区", "政策宣讲进楼栋", "邻里文化节"),
    ActivityKind.VOLUNTEER: ("环境清洁志愿服务", "敬老助餐志愿服务", "垃圾分类督导", "反诈宣传志愿服务"),
    ActivityKind.THEME_DAY: ("联合主题党日：重温入党誓词", "主题党日：走访独居老人"),
}


@demo_builder(order=65)
def build_activities(ctx: DemoContext) -> None:
    communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code"))
    done = set(Activity.objects.values_list("community_id", flat=True).distinct())
    communities = [c for c in communities if c.pk not in done]
    if ctx.size.bulk and len(communities) > LARGE_SIZE_COMMUNITIES:
        ctx.log(f"  社区活动：规模较大，仅为前{LARGE_SIZE_COMMUNITIES}个社区生成活动")
        communities = communities[:LARGE_SIZE_COMMUNITIES]
    now = timezone.now()
    made = 0
    for community in communities:
        rng = random.Random(f"dangjian-activities:{community.code}")  # noqa: S311 - demo data, not secrets
        organizers = _organizers(community)
        if not organizers:
            continue
        street_path = community.path[: 3 * Area.steplen]
        people = list(Member.objects.filter(standing=Standing.ACTIVE, organization__area__path__startswith=street_path)
                      .order_by("pk")[:40])
        for index in range(rng.randint(3, 6)):
            upcoming = index == 0
            _activity(ctx, rng, community, organizers, people, now, upcoming)
            made += 1
    ctx.log(f"  新增社区活动 {made} 场")


def _organizers(community):
    organizations = list(PartyOrganization.objects.filter(area=community, is_active=True)
                         .exclude(kind=OrganizationKind.PARTY_GROUP).order_by("path")[:3])
    units = list(Unit.objects.filter(area=community, is_operating=True).order_by("pk")[:2])
    return [("organizer_organization", o) for o in organizations] * 2 + [("organizer_unit", u) for u in units]


def _activity(ctx, rng, community, organizers, people, now, upcoming) -> None:
    kind = rng.choice(list(TITLES))
    key, organizer = rng.choice(organizers)
    starts_at = timezone.localtime(now + rng.uniform(3, 20) * DAY if upcoming else now - rng.uniform(3, 360) * DAY)
    starts_at = starts_at.replace(hour=rng.choice((9, 14, 15)), minute=0, second=0, microsecond=0)
    hours = rng.choice((1.5, 2, 3))
    capacity = rng.choice((8, 10, 15, 20))
    announced = min(starts_at - rng.uniform(5, 12) * DAY, now - DAY) if not upcoming else now - DAY
    activity = services.activity_create(
        actor=ctx.actor, title=rng.choice(TITLES[kind]), kind=kind, community=community, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours), place=f"{community.name}党群服务中心", capacity=capacity,
        keeps_waitlist=rng.random() < 0.8, description="欢迎党员报名参加。", **{key: organizer})
    signed_up_at = announced
    takers = rng.sample(people, min(len(people), capacity + rng.randint(-3, 4)))
    for member in takers:
        signed_up_at = min(signed_up_at + rng.uniform(0.01, 0.5) * DAY, starts_at - DAY)
        try:
            services.registration_sign_up(member=member, activity=activity, at=min(signed_up_at, now))
        except ValidationError:  # a full activity without a waiting list turns the rest away
            break
    registrations = list(activity.registrations.select_related("member").order_by("registered_at", "pk"))
    for registration in registrations[:2]:
        if rng.random() < 0.3:
            services.registration_cancel(member=registration.member, activity=activity,
                                         at=min(starts_at - DAY / 2, now))
    if upcoming:
        return
    token = services.checkin_token(activity)
    for registration in activity.registrations.filter(status="registered").select_related("member"):
        if rng.random() < 0.85:  # some don't turn up
            services.registration_check_in(member=registration.member, token=token,
                                           at=starts_at + rng.uniform(-20, 40) * datetime.timedelta(minutes=1))
    if rng.random() < 0.5:
        services.activity_report(actor=ctx.actor, activity=activity, at=activity.ends_at + DAY / 4,
                                 report=f"活动顺利开展，{activity.registrations.filter(checked_in_at__isnull=False).count()}名党员参加。")
