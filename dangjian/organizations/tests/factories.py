"""Factories for the two trees and units, built through the real services.

Trees are treebeard materialized paths: a node only gets a valid ``path`` through
``add_root``/``add_child``, which the services call. So every factory here creates through
``organizations.services`` with a superuser actor (or the ``actor`` passed in), and every row
it makes carries the audit entry a real write would.

``build_city()`` makes the small city most tests start from; ``dangjian/conftest.py`` exposes it
as the ``city`` fixture.
"""

import itertools
from dataclasses import dataclass, field

import factory
from stdnum.cn import uscc

from dangjian.core.models import Code, CodeTable
from dangjian.organizations import services
from dangjian.organizations.models import (
    BRANCH_KINDS,
    Area,
    AreaLevel,
    OrganizationKind,
    PartyOrganization,
    Sector,
    SocialOrgType,
    Unit,
)

_credit_serials = itertools.count(1)


def factory_actor():
    """The superuser factories act as when no actor is given (created on first use)."""
    from dangjian.accounts.tests.factories import superuser

    return superuser()


def valid_credit_code(serial: int | None = None, *, region: str = "320102", kind: str = "91") -> str:
    """A unified social credit code with a correct check digit (computed by python-stdnum).

    ``kind`` is the registering authority and entity type ("91" a company, "52" a private
    non-enterprise unit, "11" an agency); the organisation code is "MA" plus the serial.
    """
    serial = next(_credit_serials) if serial is None else serial
    body = f"{kind}{region}MA{serial:07d}"
    return body + uscc.calc_check_digit(body)


# ---------------------------------------------------------------- Area


def next_area_code(parent: Area | None) -> str:
    """The next free code under ``parent`` that the code rules (organizations/codes.py) accept."""
    if parent is None:
        taken = set(Area.objects.filter(level=AreaLevel.CITY).values_list("code", flat=True))
        cities = Code.objects.of(CodeTable.DIVISION).filter(code__endswith="00").exclude(code__endswith="0000")
        return next(code for code in cities.values_list("code", flat=True) if code not in taken)
    taken = set(Area.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .values_list("code", flat=True))
    if parent.level == AreaLevel.CITY:
        districts = Code.objects.of(CodeTable.DIVISION).filter(parent_code=parent.code)
        return next(code for code in districts.values_list("code", flat=True) if code not in taken)
    if parent.level == AreaLevel.DISTRICT:
        candidates = (f"{parent.code}{n:03d}000" for n in itertools.count(1))
    elif parent.level == AreaLevel.STREET:
        candidates = (f"{parent.code[:9]}{n:03d}" for n in itertools.count(1))
    else:
        candidates = (f"{parent.code}{n:03d}" for n in itertools.count(1))
    return next(code for code in candidates if code not in taken)


class AreaFactory(factory.django.DjangoModelFactory):
    """``AreaFactory(parent=street)`` makes a community under it with the next free code."""

    class Meta:
        model = Area

    parent = None
    actor = None
    name = factory.Sequence(lambda n: f"测试区域{n}")
    code = factory.LazyAttribute(lambda o: next_area_code(o.parent))

    @classmethod
    def _create(cls, model_class, *, parent=None, actor=None, name, code, **kwargs):
        return services.area_create(actor=actor or factory_actor(), parent=parent, name=name, code=code)


# ---------------------------------------------------------------- Unit


class UnitFactory(factory.django.DjangoModelFactory):
    """A company located in ``area`` (required: a unit is always somewhere)."""

    class Meta:
        model = Unit

    actor = None
    name = factory.Sequence(lambda n: f"南京测试{n}号有限公司")
    sector = Sector.NON_PUBLIC_ENTERPRISE
    credit_code = factory.LazyAttribute(lambda o: valid_credit_code(region=o.area.code[:6]))
    address = ""
    staff_count = 10

    @classmethod
    def _create(cls, model_class, *, actor=None, **fields):
        return services.unit_create(actor=actor or factory_actor(), **fields)


# ---------------------------------------------------------------- PartyOrganization


def _default_kind(parent: PartyOrganization | None) -> str:
    if parent is None:
        return OrganizationKind.COMMITTEE
    if parent.kind in BRANCH_KINDS:
        return OrganizationKind.PARTY_GROUP
    return OrganizationKind.BRANCH


class OrganizationFactory(factory.django.DjangoModelFactory):
    """``OrganizationFactory(parent=committee)`` makes a branch under it in the same area."""

    class Meta:
        model = PartyOrganization

    parent = None
    actor = None
    name = factory.Sequence(lambda n: f"测试党组织{n}")
    kind = factory.LazyAttribute(lambda o: _default_kind(o.parent))
    area = factory.LazyAttribute(lambda o: o.parent.area if o.parent else AreaFactory())
    unit = None

    @classmethod
    def _create(cls, model_class, *, parent=None, actor=None, **fields):
        return services.organization_create(actor=actor or factory_actor(), parent=parent, **fields)


# ---------------------------------------------------------------- the small city


# (district code, name) → [(street code, name, [(community code, name), …]), …]
CITY_LAYOUT = {
    ("320102", "玄武区"): [
        ("320102002000", "梅园新村街道", [("320102002001", "长江路社区"), ("320102002002", "大行宫社区")]),
        ("320102003000", "新街口街道", [("320102003001", "华侨路社区"), ("320102003002", "石鼓路社区")]),
    ],
    ("320104", "秦淮区"): [
        ("320104001000", "夫子庙街道", [("320104001001", "贡院社区"), ("320104001002", "乌衣巷社区")]),
        ("320104002000", "秦虹街道", [("320104002001", "秦虹社区"), ("320104002002", "大明路社区")]),
    ],
}


@dataclass
class City:
    """南京市 with two districts, two streets each, two communities per street.

    Organizations: a 区委 per district (the roots), a 街道党工委 per street under it, and under
    each working committee a 社区党委 (first community) or 社区党支部 (second community), plus a
    unit's 党支部 located in the second community with its Unit. Each street also has an
    uncovered social organization in its first community. Areas are reached by attribute
    (``city.meiyuan``) or by code (``city.areas["320102002001"]``); organizations and units
    through ``city.org(area)``, ``city.unit(street)``, ``city.unit_branch(street)`` and
    ``city.uncovered_unit(street)``.

    The objects are read once the city is built. A test that moves or adds nodes makes the
    paths of other objects stale (treebeard shifts siblings in the database): take
    ``city.reloaded()`` or re-read the rows it checks afterwards.
    """

    nanjing: Area
    areas: dict[str, Area]
    organization_of: dict[str, PartyOrganization] = field(default_factory=dict)
    unit_of: dict[str, Unit] = field(default_factory=dict)
    unit_branch_of: dict[str, PartyOrganization] = field(default_factory=dict)
    uncovered_unit_of: dict[str, Unit] = field(default_factory=dict)

    # Districts, the streets of 玄武区 and 秦淮区, and the communities the role fixtures use.
    @property
    def xuanwu(self) -> Area:
        return self.areas["320102"]

    @property
    def qinhuai(self) -> Area:
        return self.areas["320104"]

    @property
    def meiyuan(self) -> Area:
        """梅园新村街道 (玄武区): the street administrator's street."""
        return self.areas["320102002000"]

    @property
    def xinjiekou(self) -> Area:
        """新街口街道 (玄武区): the organization administrator's working committee sits here."""
        return self.areas["320102003000"]

    @property
    def fuzimiao(self) -> Area:
        return self.areas["320104001000"]

    @property
    def qinhong(self) -> Area:
        return self.areas["320104002000"]

    @property
    def changjianglu(self) -> Area:
        """长江路社区 (梅园新村街道): has a 社区党委 and an uncovered social organization."""
        return self.areas["320102002001"]

    @property
    def dahanggong(self) -> Area:
        """大行宫社区 (梅园新村街道): the community administrator's community."""
        return self.areas["320102002002"]

    @property
    def districts(self) -> list[Area]:
        return [area for area in self.areas.values() if area.level == AreaLevel.DISTRICT]

    @property
    def streets(self) -> list[Area]:
        return [area for area in self.areas.values() if area.level == AreaLevel.STREET]

    @property
    def communities(self) -> list[Area]:
        return [area for area in self.areas.values() if area.level == AreaLevel.COMMUNITY]

    def org(self, area: Area) -> PartyOrganization:
        """The organization of a district (区委), street (党工委) or community (社区党委/党支部)."""
        return self.organization_of[area.code]

    def unit(self, street: Area) -> Unit:
        """The street's unit that has its own 党支部."""
        return self.unit_of[street.code]

    def unit_branch(self, street: Area) -> PartyOrganization:
        return self.unit_branch_of[street.code]

    def uncovered_unit(self, street: Area) -> Unit:
        return self.uncovered_unit_of[street.code]

    def reloaded(self) -> "City":
        """A copy with every area, organization and unit read afresh from the database (three
        queries): treebeard paths held in memory go stale after a move, and tests sharing one
        city must not share Python objects."""
        areas = Area.objects.in_bulk([area.pk for area in self.areas.values()])
        organizations = PartyOrganization.objects.in_bulk(
            [o.pk for o in [*self.organization_of.values(), *self.unit_branch_of.values()]])
        units = Unit.objects.in_bulk([u.pk for u in [*self.unit_of.values(), *self.uncovered_unit_of.values()]])
        return City(
            nanjing=areas[self.nanjing.pk],
            areas={code: areas[area.pk] for code, area in self.areas.items()},
            organization_of={code: organizations[o.pk] for code, o in self.organization_of.items()},
            unit_of={code: units[u.pk] for code, u in self.unit_of.items()},
            unit_branch_of={code: organizations[o.pk] for code, o in self.unit_branch_of.items()},
            uncovered_unit_of={code: units[u.pk] for code, u in self.uncovered_unit_of.items()},
        )


def build_city(*, actor=None) -> City:
    """Build the small city through the real services (15 areas, 18 organizations, 8 units)."""
    actor = actor or factory_actor()
    nanjing = services.area_create(actor=actor, parent=None, name="南京市", code="320100")
    city = City(nanjing=nanjing, areas={nanjing.code: nanjing})
    for (district_code, district_name), streets in CITY_LAYOUT.items():
        district = services.area_create(actor=actor, parent=nanjing, name=district_name, code=district_code)
        city.areas[district.code] = district
        committee = services.organization_create(
            actor=actor, parent=None, name=f"中共南京市{district_name}委员会",
            kind=OrganizationKind.COMMITTEE, area=district)
        city.organization_of[district.code] = committee
        for street_code, street_name, communities in streets:
            street = services.area_create(actor=actor, parent=district, name=street_name, code=street_code)
            city.areas[street.code] = street
            working_committee = services.organization_create(
                actor=actor, parent=committee, name=f"{street_name}党工委",
                kind=OrganizationKind.WORKING_COMMITTEE, area=street)
            city.organization_of[street.code] = working_committee
            for index, (community_code, community_name) in enumerate(communities):
                community = services.area_create(actor=actor, parent=street, name=community_name,
                                                 code=community_code)
                city.areas[community.code] = community
                kind, suffix = ((OrganizationKind.COMMITTEE, "党委") if index == 0
                                else (OrganizationKind.BRANCH, "党支部"))
                city.organization_of[community.code] = services.organization_create(
                    actor=actor, parent=working_committee, name=f"{community_name}{suffix}", kind=kind,
                    area=community)
            first_community = city.areas[communities[0][0]]
            second_community = city.areas[communities[1][0]]
            short = street_name.removesuffix("街道")
            unit = services.unit_create(
                actor=actor, name=f"南京{short}科技有限公司", sector=Sector.NON_PUBLIC_ENTERPRISE,
                credit_code=valid_credit_code(region=district_code), area=second_community, staff_count=30)
            city.unit_of[street.code] = unit
            city.unit_branch_of[street.code] = services.organization_create(
                actor=actor, parent=working_committee, name=f"{unit.name}党支部", kind=OrganizationKind.BRANCH,
                area=second_community, unit=unit)
            city.uncovered_unit_of[street.code] = services.unit_create(
                actor=actor, name=f"{first_community.name}{short}养老服务中心", sector=Sector.SOCIAL_ORGANIZATION,
                social_org_type=SocialOrgType.PRIVATE_NON_ENTERPRISE,
                credit_code=valid_credit_code(region=district_code, kind="52"), area=first_community,
                staff_count=8)
    # Sorted inserts shift siblings' paths in the database: hand out objects read afterwards.
    return city.reloaded()
