"""Conference test data, built through the real services.

``street_conference(city)`` is 梅园新村街道's conference with three seats: the street office
(chair, a unit made here), 南京梅园新村科技有限公司 (vice-chair; the ``liaison`` fixture's unit)
and 长江路社区梅园新村养老服务中心 (member). ``qinhuai_conference(city)`` is 夫子庙街道's, with its
own unit: outside the street administrator's and the liaison's scope.
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.accounts.tests.factories import superuser
from dangjian.conference import services, services_meetings
from dangjian.conference.models import JointConference, Seat
from dangjian.organizations.models import Sector
from dangjian.organizations.tests.factories import UnitFactory, valid_credit_code

START = datetime.date(2025, 1, 10)


@dataclass
class Street:
    conference: JointConference
    chair: Seat
    tech: Seat  # the liaison's unit
    care: Seat


def street_conference(city, *, actor=None) -> Street:
    actor = actor or superuser()
    conference = services.conference_create(actor=actor, area=city.meiyuan, established_on=START)
    office = UnitFactory(name="梅园新村街道办事处", sector=Sector.AGENCY, area=city.meiyuan,
                         credit_code=valid_credit_code(region="320102", kind="11"))
    chair = services.seat_create(actor=actor, conference=conference, unit=office, post="chair", holder_name="王书记",
                                 holder_title="街道党工委书记", starts_on=START)
    tech = services.seat_create(actor=actor, conference=conference, unit=city.unit(city.meiyuan), post="vice_chair",
                                holder_name="李总", holder_title="总经理", starts_on=START)
    care = services.seat_create(actor=actor, conference=conference, unit=city.uncovered_unit(city.meiyuan),
                                post="member", holder_name="张主任", starts_on=START)
    return Street(conference=conference, chair=chair, tech=tech, care=care)


def qinhuai_conference(city, *, actor=None) -> Street:
    actor = actor or superuser()
    conference = services.conference_create(actor=actor, area=city.fuzimiao, established_on=START)
    seat = services.seat_create(actor=actor, conference=conference, unit=city.unit(city.fuzimiao), post="chair",
                                holder_name="赵书记", starts_on=START)
    other = services.seat_create(actor=actor, conference=conference, unit=city.uncovered_unit(city.fuzimiao),
                                 post="member", holder_name="钱主任", starts_on=START)
    return Street(conference=conference, chair=seat, tech=other, care=other)


def meeting(street: Street, *, actor=None, held_on=None, kind="plenary", title="2025年第一次全体成员大会"):
    return services_meetings.meeting_schedule(actor=actor or superuser(), conference=street.conference, kind=kind,
                                              title=title, held_on=held_on or datetime.date(2025, 3, 5),
                                              place="街道党群服务中心", agenda=["听取年度工作报告", "审议项目清单"])


def task(street: Street, seat: Seat, *, actor=None, meeting_=None, deadline=None, title="开展助老志愿服务"):
    actor = actor or superuser()
    meeting_ = meeting_ or meeting(street, actor=actor)
    resolution = services_meetings.resolution_add(actor=actor, meeting=meeting_, text="共同推进为老服务。")
    return services_meetings.task_assign(actor=actor, resolution=resolution, seat=seat, title=title,
                                         deadline=deadline or datetime.date(2025, 6, 30))


def pdf(name="报告.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"0" * ((size or 100) - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def project(street: Street, seat: Seat, *, actor=None, title="共享会议室", milestones=(), starts_on=START):
    """A need of 大行宫社区 met by ``seat``'s unit with one of its resources (if the street is
    梅园新村's; otherwise the first community of the conference's area)."""
    from dangjian.conference import services_lists
    from dangjian.organizations.models import Area, AreaLevel

    actor = actor or superuser()
    community = Area.objects.filter(level=AreaLevel.COMMUNITY,
                                    path__startswith=street.conference.area.path).order_by("path").first()
    demand = services_lists.demand_create(actor=actor, conference=street.conference, community=community,
                                          kind="venue", title=f"{title}需求", description="需要活动场地")
    room = services_lists.resource_create(actor=actor, conference=street.conference, unit=seat.unit, kind="venue",
                                          title=f"{seat.unit.name}会议室")
    return services_lists.project_create(actor=actor, demand=demand, title=title, owner_unit=seat.unit,
                                         resources=[room], starts_on=starts_on,
                                         milestones=[services_lists.MilestonePlan(*m) for m in milestones])
