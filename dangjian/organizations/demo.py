"""Demo data for the two trees and units: a Nanjing-like city with real GB/T 2260 district
codes, statistical-style street and community codes, and the organizations and units in them.

Deliberate imperfections make the rules show something: one community has no party
organization (ORG-08), and a few organizations are past the end of their term (ORG-06).
"""

from django.utils import timezone
from stdnum.cn import uscc

from dangjian.core.demo import DemoContext, demo_builder
from dangjian.core.models import Code, CodeTable
from dangjian.core.progress import Progress
from dangjian.organizations import services
from dangjian.organizations.models import (
    Area,
    OrganizationKind,
    PartyOrganization,
    Sector,
    SocialOrgType,
    Unit,
)

STREETS = {
    "320102": ["梅园新村街道", "新街口街道", "玄武门街道", "锁金村街道", "红山街道", "孝陵卫街道", "玄武湖街道"],
    "320104": ["夫子庙街道", "秦虹街道", "中华门街道", "双塘街道", "朝天宫街道", "洪武路街道", "五老村街道"],
}
COMMUNITIES = {
    "梅园新村街道": ["大行宫社区", "长江新村社区", "兰园社区", "珠江路社区"],
    "新街口街道": ["慧园街社区", "石鼓路社区", "文昌巷社区", "估衣廊社区"],
    "夫子庙街道": ["钞库街社区", "大石坝街社区", "瞻园社区", "贡院社区"],
}
PLACE_WORDS = ["和平", "幸福", "光华", "长乐", "永丰", "团结", "新华", "朝阳", "金陵", "友谊", "文昌", "清凉",
               "龙蟠", "虎踞", "紫金", "翠屏", "锦绣", "安居", "春晖", "丰润"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明丽芳军强伟敏静秀英杰磊洋勇艳娟涛超霞平刚桂兰玉梅志红海燕文斌俊峰宁鹏辉婷雪琳晨浩宇欣怡"
ENTERPRISE_WORDS = ["科技", "信息技术", "餐饮管理", "物业服务", "文化传媒", "建筑装饰", "电子商务", "医药", "物流"]
SOCIAL_WORDS = [("社区志愿者协会", SocialOrgType.ASSOCIATION), ("居家养老服务中心", SocialOrgType.PRIVATE_NON_ENTERPRISE),
                ("青少年发展基金会", SocialOrgType.FOUNDATION), ("老年人协会", SocialOrgType.ASSOCIATION)]


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def credit_code(community_code: str, index: int) -> str:
    """A unified social credit code, unique per community and index, with the check digit
    computed by python-stdnum (never by hand)."""
    body = "91" + community_code[:6] + community_code[6:12] + f"{index:03d}"
    return body + uscc.calc_check_digit(body)


def _area(ctx: DemoContext, *, parent, name: str, code: str) -> Area:
    existing = Area.objects.filter(code=code).first()
    if existing:
        return existing
    return services.area_create(actor=ctx.actor, parent=parent, name=name, code=code)


def _organization(ctx, *, parent, name, kind, area, unit=None, founded_years_ago=10, term_years_ago=1):
    existing = PartyOrganization.objects.filter(name=name, area=area).first()
    if existing:
        return existing
    today = timezone.localdate()
    founded = today.replace(year=today.year - founded_years_ago, day=1)
    term_start = max(founded, today.replace(year=today.year - term_years_ago, day=1))
    return services.organization_create(
        actor=ctx.actor, parent=parent, name=name, kind=kind, area=area, unit=unit,
        secretary_name=person_name(ctx.rng), founded_on=founded, term_started_on=term_start,
    )


def street_names(district_code: str, count: int) -> list[str]:
    names = list(STREETS.get(district_code, []))
    words = iter(PLACE_WORDS * 3)
    while len(names) < count:
        candidate = f"{next(words)}街道"
        if candidate not in names:
            names.append(candidate)
    return names[:count]


def community_names(street_name: str, count: int, rng) -> list[str]:
    names = list(COMMUNITIES.get(street_name, []))
    while len(names) < count:
        candidate = f"{rng.choice(PLACE_WORDS)}{rng.choice(['里', '苑', '村', '园', '路', '桥'])}社区"
        if candidate not in names:
            names.append(candidate)
    return names[:count]


@demo_builder(order=10)
def build_areas_and_organizations(ctx: DemoContext) -> None:
    if ctx.size.bulk:
        build_in_bulk(ctx)
    else:
        build_through_services(ctx)


def build_in_bulk(ctx: DemoContext) -> None:
    # Imported here: demo_city reuses this module's names and codes.
    from dangjian.organizations import demo_city

    size = ctx.size
    existing_names = dict(Area.objects.values_list("code", "name"))
    communities = size.districts * size.streets_per_district * size.communities_per_street
    progress = Progress(communities, label="社区规划", log=ctx.log)
    plan = demo_city.plan_city(size, ctx.rng, today=timezone.localdate(), existing_names=existing_names,
                               progress=progress)
    progress.finish()
    demo_city.write_plan(plan, log=ctx.log)
    ctx.made.update(city=Area.objects.get(code="320100"))


def build_through_services(ctx: DemoContext) -> None:
    size, rng = ctx.size, ctx.rng
    city = _area(ctx, parent=None, name="南京市", code="320100")
    city_committee = _organization(ctx, parent=None, name="中共南京市委员会", kind=OrganizationKind.COMMITTEE,
                                   area=city, founded_years_ago=70, term_years_ago=2)
    district_codes = list(Code.objects.of(CodeTable.DIVISION).filter(parent_code="320100")
                          .values_list("code", "name"))
    # 玄武区 and 秦淮区 first: the README's demo accounts live there.
    district_codes.sort(key=lambda item: (item[0] not in STREETS, item[0]))
    ctx.made.update(city=city, city_committee=city_committee, districts=[], streets=[], communities=[])
    for district_code, district_name in district_codes[: size.districts]:
        district = _area(ctx, parent=city, name=district_name, code=district_code)
        ctx.made["districts"].append(district)
        district_committee = _organization(ctx, parent=city_committee, name=f"中共南京市{district_name}委员会",
                                           kind=OrganizationKind.COMMITTEE, area=district, founded_years_ago=60)
        for street_index, street_name in enumerate(street_names(district_code, size.streets_per_district), start=1):
            street = _area(ctx, parent=district, name=street_name,
                           code=f"{district_code}{street_index + 1:03d}000")
            ctx.made["streets"].append(street)
            working_committee = _organization(
                ctx, parent=district_committee, name=f"中共{street_name}工作委员会",
                kind=OrganizationKind.WORKING_COMMITTEE, area=street, founded_years_ago=25,
            )
            names = community_names(street_name, size.communities_per_street, rng)
            for community_index, community_name in enumerate(names, start=1):
                community = _area(ctx, parent=street, name=community_name,
                                  code=f"{street.code[:9]}{community_index:03d}")
                ctx.made["communities"].append(community)
                _build_community(ctx, community=community, working_committee=working_committee,
                                 street_index=street_index, community_index=community_index)
        ctx.log(f"  {district_name}：{size.streets_per_district} 个街道")


def _build_community(ctx, *, community, working_committee, street_index, community_index):
    rng, size = ctx.rng, ctx.size
    # The last community of the second street has no party organization yet (ORG-08 shows it).
    without_organization = street_index == 2 and community_index == size.communities_per_street
    if not without_organization:
        # Community organizations: a 社区党委 for large ones, otherwise a 社区党支部.
        large = community_index % 2 == 1
        kind = OrganizationKind.COMMITTEE if large else OrganizationKind.BRANCH
        # Every fifth community is past the end of its term (ORG-06 shows it).
        term_years_ago = 6 if community_index == 3 and street_index == 1 else 2
        community_organization = _organization(
            ctx, parent=working_committee, name=f"中共{community.name}{'委员会' if large else '支部委员会'}",
            kind=kind, area=community, founded_years_ago=rng.randint(8, 30), term_years_ago=term_years_ago,
        )
        if large:
            for number in range(1, 3):
                branch = _organization(ctx, parent=community_organization,
                                       name=f"{community.name}第{number}党支部", kind=OrganizationKind.BRANCH,
                                       area=community, term_years_ago=1)
                _organization(ctx, parent=branch, name=f"{community.name}第{number}党支部第一党小组",
                              kind=OrganizationKind.PARTY_GROUP, area=community)
    _build_units(ctx, community=community, working_committee=working_committee)


def _build_units(ctx, *, community, working_committee):
    rng = ctx.rng
    for index in range(ctx.size.units_per_community):
        name, sector, social_type = _unit_identity(rng, community, index)
        code = credit_code(community.code, index)
        unit = Unit.objects.filter(credit_code=code).first() or services.unit_create(
            actor=ctx.actor, name=name, sector=sector, social_org_type=social_type, credit_code=code, address=f"南京市{community.name}{rng.randint(1, 300)}号",
            area=community, staff_count=rng.choice((8, 15, 40, 120, 300)),
        )
        # Agencies, institutions and state enterprises have their own branch; a non-public
        # enterprise has one when it has enough members; social organizations usually not.
        sector = unit.sector
        if sector in (Sector.INSTITUTION, Sector.STATE_ENTERPRISE) or (
            sector == Sector.NON_PUBLIC_ENTERPRISE and index % 2 == 1
        ):
            if unit.party_organizations.exists():
                continue
            _organization(ctx, parent=working_committee, name=f"中共{unit.name}支部委员会",
                          kind=OrganizationKind.BRANCH, area=community, unit=unit,
                          founded_years_ago=rng.randint(2, 20), term_years_ago=rng.choice((1, 2, 4)))


def _unit_identity(rng, community, index):
    short = community.name.removesuffix("社区")
    if index == 0:
        return f"南京{short}{rng.choice(ENTERPRISE_WORDS)}有限公司", Sector.NON_PUBLIC_ENTERPRISE, ""
    if index == 1:
        return f"南京{short}{rng.choice(ENTERPRISE_WORDS)}股份有限公司", Sector.NON_PUBLIC_ENTERPRISE, ""
    if index == 2:
        word, social_type = rng.choice(SOCIAL_WORDS)
        return f"{short}{word}", Sector.SOCIAL_ORGANIZATION, social_type
    if index == 3:
        return f"{short}社区卫生服务站", Sector.INSTITUTION, ""
    return f"南京{short}国有资产经营公司{index}", Sector.STATE_ENTERPRISE, ""
