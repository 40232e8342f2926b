"""A community with every blank spot, built through the real services (the issue's "Done when").

``gap_community(city)`` adds 玄武新村社区 to 梅园新村街道 with no party organization (ORG-08) and
four non-public enterprises: 甲 has three full members (COV-01), 乙 and 丙 one member each
(COV-01J, each other's candidate neighbour), 丁 staff and no members (COV-02).
"""

import datetime
from dataclasses import dataclass

from dangjian.accounts.tests.factories import superuser
from dangjian.coverage import services
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import Area, Sector, Unit
from dangjian.organizations.tests.factories import AreaFactory, UnitFactory


@dataclass
class GapCommunity:
    community: Area
    own: Unit  # 3 members
    small: Unit  # 1 member
    neighbour: Unit  # 1 member
    empty: Unit  # staff, no members


def gap_community(city) -> GapCommunity:
    actor = superuser()
    community = AreaFactory(parent=city.meiyuan, name="玄武新村社区")
    units = [UnitFactory(area=community, name=f"南京玄武新村{label}有限公司", staff_count=staff)
             for label, staff in (("甲", 40), ("乙", 8), ("丙", 6), ("丁", 12))]
    # Members work in the units; their organization relation is with their residence community's branch.
    home = city.org(city.changjianglu)
    for unit, count in zip(units, (3, 1, 1, 0), strict=True):
        for _n in range(count):
            member(actor=actor, organization=home, name="王建国", workplace_unit=unit, employment="employed")
    return GapCommunity(community, *units)


def instructor(city, *, area=None, user=None, name="李指导", appointed_on=None):
    return services.instructor_appoint(actor=superuser(), name=name, area=area or city.meiyuan,
                                       appointed_by="梅园新村街道党工委",
                                       appointed_on=appointed_on or datetime.date.today() - datetime.timedelta(days=30),
                                       term_months=24, user=user)


def social_organization(area, name="南京玄武新村志愿者协会") -> Unit:
    return organization_services.unit_create(actor=superuser(), name=name, sector=Sector.SOCIAL_ORGANIZATION,
                                             social_org_type="association", area=area, staff_count=5)
