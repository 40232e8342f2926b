"""The district and the reference city (ARCHITECTURE.md "Scale and budgets"), written in bulk.

Through the services one node at a time the city's trees took 23 minutes on PostgreSQL; here
:func:`plan_city` decides every area, unit and organization first (deterministically, from the
seeded random stream) and :func:`write_plan` writes what is not there yet with a few bulk
statements (``core/bulk_tree.py`` computes the treebeard paths). Names, codes and levels are
those the services path gives the same node; codes are checked by ``codes.validate_area_code``.

The shape of a community (about 1,200 in the city): a community party committee (社区党委,
five or more branches) or general branch (党总支) with 3–8 branches, and about 50 units of
which one in eight has its own branch (agencies, institutions and state enterprises mostly;
large non-public enterprises), led by the street's working committee. About 15,500
organizations in all, so that 600,000 members fit under the ORG-03 limit in most branches.

Deliberate imperfections, few enough to read: one community per district without any party
organization (ORG-08), about 3% of organizations at or near the end of their term (ORG-06),
about 1% of branches with no secretary recorded (ORG-04).
"""

import datetime
from dataclasses import dataclass, field

from dangjian.core.bulk_tree import add_nodes
from dangjian.core.demo import weighted_choice
from dangjian.core.models import Code, CodeTable
from dangjian.core.periods import years_before
from dangjian.core.pinyin import full_pinyin
from dangjian.core.progress import Progress
from dangjian.organizations.codes import validate_area_code
from dangjian.organizations.demo import (
    ENTERPRISE_WORDS,
    STREETS,
    SURNAMES,
    community_names,
    credit_code,
    person_name,
    street_names,
)
from dangjian.organizations.models import (
    CHILD_LEVEL,
    Area,
    OrganizationKind,
    PartyOrganization,
    Sector,
    SocialOrgType,
    Unit,
)

DAY = datetime.timedelta(days=1)
# (sector, weight, share of such units with their own branch by staff size or overall)
SECTOR_WEIGHTS = ((Sector.NON_PUBLIC_ENTERPRISE, 72), (Sector.SOCIAL_ORGANIZATION, 12), (Sector.OTHER, 9),
                  (Sector.INSTITUTION, 4), (Sector.STATE_ENTERPRISE, 2), (Sector.AGENCY, 1))
OWN_BRANCH_SHARE = {Sector.AGENCY: 0.95, Sector.INSTITUTION: 0.8, Sector.STATE_ENTERPRISE: 0.8,
                    Sector.SOCIAL_ORGANIZATION: 0.04, Sector.OTHER: 0.0}
# A non-public enterprise's chance of its own branch grows with its staff.
STAFF_SIZES = ((8, 40), (15, 25), (40, 18), (120, 10), (300, 5), (1000, 2))
ENTERPRISE_BRANCH_SHARE = {8: 0.005, 15: 0.005, 40: 0.06, 120: 0.3, 300: 0.7, 1000: 0.9}
BRANDS = ("金陵", "紫金", "钟山", "秦淮", "玄武", "扬子", "石城", "鼎新", "华瑞", "恒通", "苏宁", "长江", "新城",
          "汇丰", "宏图", "瑞达", "天润", "博雅", "嘉禾", "众诚", "锦程", "朗讯", "晨光", "睿智", "聚力")
SOCIAL_UNITS = (("志愿者协会", SocialOrgType.ASSOCIATION), ("居家养老服务中心", SocialOrgType.PRIVATE_NON_ENTERPRISE),
                ("青少年发展基金会", SocialOrgType.FOUNDATION), ("老年人协会", SocialOrgType.ASSOCIATION),
                ("书画协会", SocialOrgType.ASSOCIATION), ("邻里互助会", SocialOrgType.ASSOCIATION),
                ("社会工作服务中心", SocialOrgType.PRIVATE_NON_ENTERPRISE), ("托育中心", SocialOrgType.PRIVATE_NON_ENTERPRISE),
                ("文体协会", SocialOrgType.ASSOCIATION), ("慈善基金会", SocialOrgType.FOUNDATION))
INSTITUTIONS = ("社区卫生服务站", "小学", "幼儿园", "文化站", "初级中学", "社区图书馆", "便民服务中心")
STATE_ENTERPRISES = ("国有资产经营公司", "城市建设投资有限公司", "自来水供水所", "供电营业厅", "公交场站")
AGENCIES = ("派出所", "税务所", "市场监督管理所", "司法所")
SHOPS = ("面馆", "五金店", "理发店", "便利店", "水果店", "干洗店", "药房", "眼镜店", "茶社")


@dataclass(frozen=True)
class PlannedArea:
    code: str
    name: str
    parent_code: str | None


@dataclass(frozen=True)
class PlannedUnit:
    credit_code: str
    name: str
    sector: str
    social_org_type: str
    address: str
    area_code: str
    staff_count: int


@dataclass(frozen=True)
class PlannedOrganization:
    name: str
    kind: str
    area_code: str
    parent: tuple[str, str] | None  # the parent's key
    unit_credit_code: str | None = None
    secretary_name: str = ""
    founded_on: datetime.date | None = None
    term_started_on: datetime.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.area_code  # what makes a demo organization "already there"


@dataclass
class CityPlan:
    areas: list[PlannedArea] = field(default_factory=list)  # parents before children
    units: list[PlannedUnit] = field(default_factory=list)
    organizations: list[PlannedOrganization] = field(default_factory=list)  # parents before children


def districts() -> list[tuple[str, str]]:
    """Nanjing's districts, 玄武区 and 秦淮区 first (the README's demo accounts live there)."""
    rows = list(Code.objects.of(CodeTable.DIVISION).filter(parent_code="320100").values_list("code", "name"))
    return sorted(rows, key=lambda item: (item[0] not in STREETS, item[0]))


def plan_city(size, rng, *, today: datetime.date, existing_names: dict[str, str] | None = None,
              progress: Progress | None = None) -> CityPlan:
    """Everything the city of ``size`` holds. An area already present keeps its name (and so
    do the organizations named after it)."""
    existing_names = existing_names or {}
    plan = CityPlan()
    planner = _Planner(plan=plan, rng=rng, today=today)
    plan.areas.append(PlannedArea("320100", existing_names.get("320100", "南京市"), None))
    city_committee = planner.organization("中共南京市委员会", OrganizationKind.COMMITTEE, "320100", None,
                                          founded_years=70, term_years_ago=2)
    for district_code, district_name in districts()[: size.districts]:
        district_name = existing_names.get(district_code, district_name)
        plan.areas.append(PlannedArea(district_code, district_name, "320100"))
        district_committee = planner.organization(f"中共南京市{district_name}委员会", OrganizationKind.COMMITTEE,
                                                  district_code, city_committee, founded_years=60, term_years_ago=2)
        for street_index, street_name in enumerate(street_names(district_code, size.streets_per_district), start=1):
            street_code = f"{district_code}{street_index + 1:03d}000"
            street_name = existing_names.get(street_code, street_name)
            plan.areas.append(PlannedArea(street_code, street_name, district_code))
            working_committee = planner.organization(
                f"中共{street_name}工作委员会", OrganizationKind.WORKING_COMMITTEE, street_code, district_committee,
                founded_years=25, term_years=5)
            names = community_names(street_name, size.communities_per_street, rng)
            for community_index, community_name in enumerate(names, start=1):
                community_code = f"{street_code[:9]}{community_index:03d}"
                community_name = existing_names.get(community_code, community_name)
                plan.areas.append(PlannedArea(community_code, community_name, street_code))
                # The last community of each district's second street has no party organization (ORG-08).
                uncovered = street_index == 2 and community_index == size.communities_per_street
                planner.community(community_code, community_name, working_committee, size, uncovered=uncovered)
                if progress:
                    progress.advance(1)
    return plan


@dataclass
class _Planner:
    plan: CityPlan
    rng: object
    today: datetime.date

    def organization(self, name, kind, area_code, parent, *, founded_years, term_years_ago=None, term_years=3,
                     unit_credit_code=None, secretary=True) -> tuple[str, str]:
        founded = years_before(self.today, founded_years)
        if term_years_ago is not None:
            started = years_before(self.today, term_years_ago)
        else:
            started = self._term_start(term_years)
        organization = PlannedOrganization(
            name=name, kind=kind, area_code=area_code, parent=parent, unit_credit_code=unit_credit_code,
            secretary_name=person_name(self.rng) if secretary else "", founded_on=founded,
            term_started_on=max(founded, started))
        self.plan.organizations.append(organization)
        return organization.key

    def _term_start(self, term_years: int) -> datetime.date:
        """Most organizations are well inside their term; ~1.5% past its end and ~1.5% within
        the last months (ORG-06 reminds 6 months ahead)."""
        term_end_ago = years_before(self.today, term_years)
        roll = self.rng.random()
        if roll < 0.015:
            return term_end_ago - self.rng.randint(1, 300) * DAY
        if roll < 0.03:
            return term_end_ago + self.rng.randint(1, 170) * DAY
        return self.today - self.rng.randint(20, (self.today - term_end_ago).days - 200) * DAY

    def community(self, code: str, name: str, working_committee, size, *, uncovered: bool) -> None:
        rng = self.rng
        if not uncovered:
            branches = rng.randint(3, 8)
            large = branches >= 5
            community_organization = self.organization(
                f"中共{name}委员会" if large else f"中共{name}总支部委员会",
                OrganizationKind.COMMITTEE if large else OrganizationKind.GENERAL_BRANCH,
                code, working_committee, founded_years=rng.randint(8, 30), term_years=5)
            for number in range(1, branches + 1):
                self.organization(f"{name}第{number}党支部", OrganizationKind.BRANCH, code, community_organization,
                                  founded_years=rng.randint(3, 25), term_years=5, secretary=rng.random() >= 0.01)
        taken: set[str] = set()
        for index in range(size.units_per_community):
            unit = self._unit(code, name, index, taken)
            self.plan.units.append(unit)
            if not uncovered and rng.random() < self._own_branch_share(unit):
                self.organization(f"中共{unit.name}支部委员会", OrganizationKind.BRANCH, code, working_committee,
                                  founded_years=rng.randint(2, 20), term_years=3, unit_credit_code=unit.credit_code,
                                  secretary=rng.random() >= 0.01)

    @staticmethod
    def _own_branch_share(unit: PlannedUnit) -> float:
        if unit.sector == Sector.NON_PUBLIC_ENTERPRISE:
            return ENTERPRISE_BRANCH_SHARE[unit.staff_count]
        return OWN_BRANCH_SHARE[unit.sector]

    def _unit(self, community_code: str, community_name: str, index: int, taken: set[str]) -> PlannedUnit:
        rng = self.rng
        sector = weighted_choice(rng, SECTOR_WEIGHTS)
        short = community_name.removesuffix("社区")
        social_type = ""
        for _attempt in range(5):
            if sector == Sector.NON_PUBLIC_ENTERPRISE:
                legal_form = rng.choice(("有限公司", "有限公司", "有限公司", "股份有限公司"))
                name = f"南京{rng.choice(BRANDS)}{rng.choice(ENTERPRISE_WORDS)}{legal_form}"
            elif sector == Sector.SOCIAL_ORGANIZATION:
                word, social_type = rng.choice(SOCIAL_UNITS)
                name = f"{short}{word}"
            elif sector == Sector.INSTITUTION:
                name = f"南京市{short}{rng.choice(INSTITUTIONS)}"
            elif sector == Sector.STATE_ENTERPRISE:
                name = f"南京{short}{rng.choice(STATE_ENTERPRISES)}"
            elif sector == Sector.AGENCY:
                name = f"南京市公安局{short}派出所" if index % 2 else f"{short}{rng.choice(AGENCIES)}"
            else:
                name = f"{rng.choice(SURNAMES)}记{rng.choice(SHOPS)}"
            if name not in taken:
                break
        else:
            name = f"{name}（{index}）"
        taken.add(name)
        staff = weighted_choice(rng, STAFF_SIZES) if sector == Sector.NON_PUBLIC_ENTERPRISE else rng.choice((8, 15, 40, 120))
        return PlannedUnit(credit_code=credit_code(community_code, index), name=name, sector=sector,
                           social_org_type=social_type, address=f"南京市{community_name}{rng.randint(1, 300)}号",
                           area_code=community_code, staff_count=staff)


# ---------------------------------------------------------------- writing


def write_plan(plan: CityPlan, *, log=print) -> dict[str, int]:
    """Write what of ``plan`` is not there yet; return how many rows of each kind were added."""
    added: dict[str, int] = {}
    progress = Progress(3, label="写入区域、驻区单位、党组织", log=log)
    added["areas"] = _write_areas(plan.areas)
    progress.advance(1)
    area_ids = dict(Area.objects.values_list("code", "pk"))
    added["units"] = _write_units(plan.units, area_ids)
    progress.advance(1)
    added["organizations"] = _write_organizations(plan.organizations, area_ids)
    progress.advance(1)
    progress.finish()
    log("  新增：" + "，".join(f"{label} {added[key]:,}" for key, label in
                             (("areas", "区域"), ("units", "驻区单位"), ("organizations", "党组织"))))
    return added


def _write_areas(planned: list[PlannedArea]) -> int:
    nodes: dict[str, Area] = {area.code: area for area in Area.objects.only("pk", "code", "level", "path")}
    new = []
    for item in planned:
        if item.code in nodes:
            continue
        parent = nodes[item.parent_code] if item.parent_code else None
        level = CHILD_LEVEL[parent.level if parent else None]
        area = Area(name=item.name, level=level, name_pinyin=full_pinyin(item.name),
                    code=validate_area_code(code=item.code, level=level, parent=parent))
        nodes[area.code] = area
        new.append((area, parent))
    return len(add_nodes(Area, new))


def _write_units(planned: list[PlannedUnit], area_ids: dict[str, int]) -> int:
    taken = set(Unit.objects.filter(credit_code__in=[unit.credit_code for unit in planned])
                .values_list("credit_code", flat=True))
    new = [Unit(name=item.name, name_pinyin=full_pinyin(item.name), sector=item.sector,
                social_org_type=item.social_org_type, credit_code=item.credit_code, address=item.address,
                area_id=area_ids[item.area_code], staff_count=item.staff_count)
           for item in planned if item.credit_code not in taken]
    Unit.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _write_organizations(planned: list[PlannedOrganization], area_ids: dict[str, int]) -> int:
    codes = {pk: code for code, pk in area_ids.items()}
    nodes: dict[tuple[str, str], PartyOrganization] = {
        (organization.name, codes[organization.area_id]): organization
        for organization in PartyOrganization.objects.only("pk", "name", "area_id", "path")}
    wanted_units = {item.unit_credit_code for item in planned if item.unit_credit_code}
    unit_ids = dict(Unit.objects.filter(credit_code__in=wanted_units).values_list("credit_code", "pk"))
    new = []
    for item in planned:
        if item.key in nodes:
            continue
        organization = PartyOrganization(
            name=item.name, name_pinyin=full_pinyin(item.name), kind=item.kind, area_id=area_ids[item.area_code],
            unit_id=unit_ids.get(item.unit_credit_code), secretary_name=item.secretary_name,
            founded_on=item.founded_on, term_started_on=item.term_started_on)
        nodes[item.key] = organization
        new.append((organization, nodes[item.parent] if item.parent else None))
    return len(add_nodes(PartyOrganization, new))
