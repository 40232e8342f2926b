"""A year of residents' concerns in every community of the demo city, through the services.

The seed's hot problems — jobs, medical care, migrants, the elderly, public security — plus the
environment, filed on the phone page or taken in by staff, handed to the community's party
organizations, its units or its members, mostly resolved in time and rated; with the gaps a
real year has so the rules fire: some never assigned (CON-02), some past their deadline
(CON-01), some rated 不满意 and reopened. ``--size district|city`` makes fewer per community.

Idempotent: a community that already has concerns is skipped. Each community draws from its own
seeded random stream, so the demo is the same on every machine.
"""

import datetime
import random

from django.utils import timezone

from dangjian.concerns import services
from dangjian.concerns.models import Concern, ConcernChannel, ConcernStatus, Rating
from dangjian.core.demo import DemoContext, demo_builder
from dangjian.members.models import Member, Standing
from dangjian.organizations.models import Area, AreaLevel, OrganizationKind, PartyOrganization, Unit

PER_COMMUNITY = {"demo": (10, 16)}
PER_COMMUNITY_LARGE = (1, 3)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)

# category → (description, where) pairs a resident would write, and replies a handler would give.
STORIES = {
    "employment": (
        ("下岗两年了，想找份保洁或保安的工作，不知道社区有没有招聘信息。", ""),
        ("孩子大专毕业半年还没找到工作，想了解有没有就业见习岗位。", ""),
        ("想参加家政服务技能培训，请问在哪里报名，有没有补贴？", ""),
        ("灵活就业人员社保补贴怎么申请？材料要准备哪些？", ""),
        ("楼下小店招工说不签合同，工资拖欠两个月了，想请社区帮忙协调。", "沿街商铺"),
    ),
    "medical": (
        ("社区卫生服务站周末不开门，老人配慢性病药不方便。", "社区卫生服务站"),
        ("家里老人行动不便，想申请家庭医生上门签约服务。", ""),
        ("异地就医备案不会在手机上操作，希望有人指导一下。", ""),
        ("小区里有人发小广告推销保健品，老人上当买了很多。", "小区广场"),
        ("想咨询大病医疗救助怎么申请，家里负担很重。", ""),
    ),
    "migrants": (
        ("刚来南京打工，租房后居住证怎么办理？", ""),
        ("外地来的孩子上小学要准备哪些材料，想提前了解。", ""),
        ("群租房住了十几个人，晚上吵闹，也担心消防安全。", "出租屋"),
        ("在这里做小生意，想了解个体户登记需要什么手续。", ""),
    ),
    "elderly": (
        ("独居老人较多，希望社区能开老年助餐点。", ""),
        ("老旧小区没有电梯，腿脚不好的老人下楼困难，能不能加装电梯？", "老旧小区"),
        ("父亲有轻度失智，白天家里没人照看，想了解日间照料中心。", ""),
        ("高龄津贴一直没有发放，不知道是不是材料有问题。", ""),
        ("希望社区组织志愿者定期探望空巢老人。", ""),
    ),
    "security": (
        ("小区门口晚上路灯坏了，很黑，老人孩子出门不安全。", "小区东门"),
        ("电动车在楼道里充电，存在火灾隐患。", "楼道"),
        ("最近小区连续发生电瓶被盗，希望加装监控。", "车棚"),
        ("深夜有人在路边烧烤喝酒喧哗，影响休息。", "沿街路段"),
        ("小区门禁坏了一个多月，外来人员随便进出。", "小区北门"),
    ),
    "environment": (
        ("垃圾分类投放点清运不及时，夏天气味很大。", "垃圾投放点"),
        ("楼道里堆满杂物，影响通行，也有消防隐患。", "楼道"),
        ("下雨天小区路面积水严重，出行困难。", "小区主干道"),
        ("附近工地夜间施工噪音大，影响休息。", "工地"),
        ("绿化带被人私自开垦种菜，还浇粪水，气味难闻。", "绿化带"),
    ),
    "other": (
        ("建议在小区广场增设几张便民座椅。", "小区广场"),
        ("社区活动室开放时间太短，希望晚上也能开放。", "社区活动室"),
        ("快递柜太少，快递经常堆在门口。", ""),
    ),
}
REPLIES = {
    "employment": ("已将您的信息登记到街道就业服务站，推荐了两个岗位，工作人员已电话联系您。",
                   "已为您报名本月的家政技能培训班，培训合格可申请培训补贴。",
                   "已协调劳动保障监察，店主已承诺本月内结清工资。"),
    "medical": ("已与社区卫生服务站协调，周六上午增设慢病配药门诊。",
                "已安排家庭医生团队上门签约，每月随访一次。",
                "已请网格员上门指导完成异地就医备案。"),
    "migrants": ("已告知居住证办理流程和材料，可在社区服务中心窗口当场受理。",
                 "已会同派出所和房东整改，群租房已按规定限住人数并配齐灭火器。"),
    "elderly": ("社区助餐点已于本月开放，60岁以上老人凭卡就餐有补贴。",
                "已为老人对接街道日间照料中心，并安排党员志愿者结对探望。",
                "经核查材料齐全，高龄津贴已补发。"),
    "security": ("路灯已更换，物业承诺每周巡查一次。",
                 "已在车棚加装两处监控，并提醒居民规范停放充电。",
                 "已联系城管和派出所加强夜间巡查。"),
    "environment": ("已督促物业每天清运两次，并对投放点进行了消杀。",
                    "已组织党员志愿者和物业清理楼道杂物，并张贴了提示。",
                    "已疏通雨水管道，积水问题已解决。"),
    "other": ("已在广场增设四张座椅。", "活动室开放时间已延长至晚上八点。", "已协调增设一组快递柜。"),
}
NOTES = ("已电话联系居民了解详细情况。", "已到现场查看。", "已与物业公司沟通，等待回复。",
         "已召集相关党员和单位协商。", "已上报街道协调处理。")
UNSATISFIED = ("问题没有解决，还是老样子。", "答复太笼统，希望有具体措施。", "只处理了一次，没多久又恢复原样了。")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CHANNELS = ((ConcernChannel.ONLINE, 0.5), (ConcernChannel.PHONE, 0.25), (ConcernChannel.VISIT, 0.15),
            (ConcernChannel.STAFF, 0.1))


@demo_builder(order=30)
def build_concerns(ctx: DemoContext) -> None:
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("code")
    already = set(Concern.objects.values_list("community_id", flat=True).distinct())
    low, high = PER_COMMUNITY.get(ctx.size.name, PER_COMMUNITY_LARGE)
    now = timezone.now()
    made = 0
    for community in communities:
        if community.pk in already:
            continue
        rng = random.Random(f"dangjian-concerns:{community.code}")  # noqa: S311 - demo data, not secrets
        assignees = _assignees(community)
        for _ in range(rng.randint(low, high)):
            _story(ctx, rng, community, assignees, now)
            made += 1
    ctx.log(f"  新增群众诉求 {made} 件")


def _assignees(community) -> list[tuple[str, object]]:
    organizations = list(PartyOrganization.objects.filter(area=community, is_active=True)
                         .exclude(kind=OrganizationKind.PARTY_GROUP).order_by("path"))
    units = list(Unit.objects.filter(area=community, is_operating=True).order_by("pk")[:5])
    members = list(Member.objects.filter(organization__area=community, standing=Standing.ACTIVE)
                   .order_by("pk")[:20])
    return ([("organization", o) for o in organizations] * 3 + [("unit", u) for u in units]
            + [("member", m) for m in members[:3]])


def _channel(rng) -> str:
    roll, total = rng.random(), 0.0
    for channel, share in CHANNELS:
        total += share
        if roll < total:
            return channel
    return ConcernChannel.ONLINE


def _resident(rng) -> dict:
    fields = {}
    if rng.random() < 0.6:
        fields["resident_name"] = rng.choice(SURNAMES) + rng.choice(("先生", "女士", "阿姨", "师傅", "大爷"))
    if rng.random() < 0.7:
        fields["resident_phone"] = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
    return fields


def _story(ctx, rng, community, assignees, now) -> None:
    """One concern from intake to wherever the year has taken it (nothing happens after ``now``)."""
    category = rng.choice(list(STORIES))
    description, where = rng.choice(STORIES[category])
    at = now - rng.uniform(0.1, 365) * DAY
    at = timezone.localtime(at).replace(hour=rng.randint(8, 20), minute=rng.randint(0, 59))
    at = min(at, now - HOUR)
    fields = {"category": category, "description": description, "community": community,
              "location": f"{community.name}{where}" if where else "", **_resident(rng)}
    channel = _channel(rng)
    if channel == ConcernChannel.ONLINE:
        concern = services.concern_file_public(at=at, **fields)
    else:
        concern = services.concern_intake(actor=ctx.actor, channel=channel, at=at, **fields)
    fate = rng.random()
    # About one in twenty is never assigned (CON-02 once it is two days old).
    if fate < 0.05 or not assignees:
        return
    at += rng.uniform(0.1, 1.5) * DAY
    if at >= now:
        return
    kind, assignee = rng.choice(assignees)
    concern = services.concern_assign(actor=ctx.actor, concern=concern, at=at, **{kind: assignee})
    at += rng.uniform(0.2, 3) * DAY
    if at >= now:
        return
    concern = services.concern_add_note(actor=ctx.actor, concern=concern, text=rng.choice(NOTES), at=at,
                                        public=rng.random() < 0.3)
    # One in ten stays open past its deadline (CON-01); one in eight is resolved late.
    if fate < 0.15:
        return
    days = services.deadline_days(category)
    late = fate < 0.28
    at += rng.uniform(days + 1, days + 10) * DAY if late else rng.uniform(0.5, max(1, days - 2)) * DAY
    if at >= now:
        return
    concern = services.concern_resolve(actor=ctx.actor, concern=concern, reply=rng.choice(REPLIES[category]), at=at)
    _rate(ctx, rng, concern, at, now, category)


def _rate(ctx, rng, concern, at, now, category) -> None:
    for _round in range(2):
        at += rng.uniform(0.2, 5) * DAY
        if at >= now or rng.random() < 0.25:  # a quarter of residents never rate
            return
        roll = rng.random()
        rating = Rating.SATISFIED if roll < 0.6 else Rating.FAIRLY_SATISFIED if roll < 0.85 else Rating.UNSATISFIED
        concern = services.concern_rate(tracking_code=concern.tracking_code, rating=rating, at=at,
                                        comment=rng.choice(UNSATISFIED) if rating == Rating.UNSATISFIED else "")
        if concern.status != ConcernStatus.IN_PROGRESS:
            return
        # Reopened: handled again, usually within the fresh deadline.
        at += rng.uniform(1, services.deadline_days(category) + 5) * DAY
        if at >= now:
            return
        concern = services.concern_resolve(actor=ctx.actor, concern=concern, at=at,
                                           reply=f"再次办理：{rng.choice(REPLIES[category])}")
