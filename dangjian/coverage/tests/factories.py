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


def coverage_troubles(city) -> None:
    """Findings of every coverage rule for the dashboard's count-equals-findings test: COV-01 and
    COV-01J in 大行宫社区, COV-04 (an instructor who never visited), SVC-02 (a pairing past its
    term), SVC-01 (a member reported long ago who served one hour)."""
    from dangjian.core.periods import add_months
    from dangjian.coverage import services_cobuild

    actor = superuser()
    today = datetime.date.today()
    home = city.org(city.dahanggong)
    for label, count in (("三名党员", 3), ("一名党员", 1)):
        unit = UnitFactory(area=city.dahanggong, name=f"南京大行宫{label}有限公司", staff_count=20)
        for _n in range(count):
            member(actor=actor, organization=home, name="陈在岗", workplace_unit=unit, employment="employed")
    appointed = instructor(city, appointed_on=add_months(today, -12))
    services.instructor_assign(actor=actor, instructor=appointed, unit=city.uncovered_unit(city.meiyuan),
                               started_on=add_months(today, -10))
    services_cobuild.pairing_create(actor=actor, community_organization=city.org(city.changjianglu),
                                    unit_organization=city.unit_branch(city.meiyuan),
                                    signed_on=add_months(today, -30), term_months=24, commitments="共建")
    post = services_cobuild.service_post_create(actor=actor, community=city.changjianglu, name="助老", capacity=5)
    worker = member(actor=actor, organization=home, name="报到党员", employment="employed",
                    residence_area=city.changjianglu)
    registration = services_cobuild.service_register(actor=actor, member=worker, post=post,
                                                     registered_on=add_months(today, -24))
    record = services_cobuild.service_record(actor=actor, registration=registration,
                                             served_on=add_months(today, -1), hours=1, content="助老")
    services_cobuild.service_confirm(actor=actor, record=record)
