"""Demo portal accounts and notices (README "Demo accounts"): a few members of 大行宫社区,
one of them floating, signed in with the demo password; two notices.

Accounts are activated through the real services (a code issued, then used). Idempotent:
members who already have an account and notices that already exist are left alone.
"""

from dangjian.accounts.models import User
from dangjian.core.demo import DEMO_PASSWORD, DemoContext, demo_builder
from dangjian.members.models import FloatingDirection, Member
from dangjian.notices.models import Audience, Notice
from dangjian.notices.services import notice_post
from dangjian.organizations.models import Area, AreaLevel
from dangjian.portal import services

COMMUNITY = "大行宫社区"
STREET = "梅园新村街道"
MEMBERS = 4  # plus one floating member
NOTICES = [
    ("community", "七一主题党日活动通知",
     "全体党员同志：\n7月1日上午9:00在大行宫社区党群服务中心开展主题党日活动，内容为重温入党誓词、集中学习。"
     "行动不便的老党员请告知社区，我们上门送学。", Audience.EVERYONE),
    ("street", "致流动党员的一封信",
     "在外地的党员同志们：街道党工委牵挂你们。请在“党员之家”里点“报平安”，告诉我们你在哪里、怎样联系你。",
     Audience.FLOATING),
]


def _phone_ok(member: Member) -> bool:
    return bool(member.phone) and len(member.phone) == 11 and member.phone.startswith("1")


@demo_builder(order=95)
def build_portal(ctx: DemoContext) -> None:
    community = Area.objects.filter(name=COMMUNITY, level=AreaLevel.COMMUNITY).first()
    street = Area.objects.filter(name=STREET, level=AreaLevel.STREET).first()
    if community is None or street is None:
        return
    members = (Member.objects.on_roll().filter(organization__area=community, organization__unit__isnull=True,
                                               full_member_on__isnull=False)
               .select_related("organization").order_by("pk"))
    floating = (Member.objects.on_roll().filter(organization__area__path__startswith=street.path,
                                                floating_records__direction=FloatingDirection.OUTFLOW,
                                                floating_records__ended_on__isnull=True)
                .select_related("organization").order_by("pk"))
    chosen = [m for m in members if _phone_ok(m)][:MEMBERS] + [m for m in floating if _phone_ok(m)][:1]
    for member in chosen:
        if hasattr(member, "portal_account"):
            continue
        result = services.activation_codes_issue(actor=ctx.actor, members=[member])
        services.account_activate(phone=member.phone, code=result["issued"][0][1], password=DEMO_PASSWORD)
        ctx.log(f"党员门户账号：{member.name}（{member.organization.name}）手机 {member.phone}")
    authors = {"community": User.objects.filter(username="community").first(),
               "street": User.objects.filter(username="street").first()}
    targets = {"community": community, "street": street}
    for who, title, body, audience in NOTICES:
        if Notice.objects.filter(title=title).exists():
            continue
        notice_post(actor=authors[who] or ctx.actor, title=title, body=body, area=targets[who], audience=audience)
