"""A party school built through the real services: 梅园新村街道党校 (the school_admin fixture's
school) with a venue, a teacher, a course, this year's plan, and members in its area."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from dangjian.members.models import Employment
from dangjian.members.tests.factories import member
from dangjian.school import services
from dangjian.school.models import PartySchool


def school_of(area, name: str | None = None) -> PartySchool:
    school, _created = PartySchool.objects.get_or_create(name=name or f"{area.name}党校", area=area)
    return school


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass
class SchoolSetup:
    school: PartySchool
    venue: object
    teacher: object
    course: object
    plan: object
    members: dict = field(default_factory=dict)

    def schedule(self, *, actor, starts_at, hours=None, venue=None, teacher=None, **fields):
        return services.session_schedule(actor=actor, school=self.school, course=self.course, venue=venue or self.venue,
                                         teacher=teacher or self.teacher, starts_at=starts_at,
                                         ends_at=starts_at + datetime.timedelta(hours=2), hours=hours,
                                         plan=self.plan, **fields)


def build_school(*, actor, city, capacity: int = 30, year: int | None = None) -> SchoolSetup:
    """梅园新村街道党校 with one venue, teacher, course and plan, and three members in its street
    (an employed one, a retired one, a probationary one) plus one in another district."""
    school = school_of(city.meiyuan, "梅园新村街道党校")
    venue = services.venue_save(actor=actor, school=school, name="街道党群服务中心报告厅", capacity=capacity)
    teacher = services.teacher_save(actor=actor, school=school, name="周教授", affiliation="东南大学马克思主义学院",
                                    title="教授", expertise="党史、基层治理", phone="13800000001")
    course = services.course_save(actor=actor, school=school, title="学习党章", topic="党章党规", hours="2",
                                  teacher=teacher)
    plan = services.plan_create(actor=actor, school=school, year=year or timezone.localdate().year,
                                title="党员教育计划")
    organization = city.org(city.dahanggong)
    members = {
        "在职": member(actor=actor, organization=organization, name="李在职", phone="13900000001"),
        "退休": member(actor=actor, organization=organization, name="王退休", phone="13900000002",
                     employment=Employment.RETIRED),
        "预备": member(actor=actor, organization=organization, name="赵预备", phone="13900000003",
                     full_member_on=None, joined_on=timezone.localdate() - datetime.timedelta(days=100)),
        "外区": member(actor=actor, organization=city.org(city.fuzimiao), name="钱外区", phone="13900000004"),
    }
    return SchoolSetup(school=school, venue=venue, teacher=teacher, course=course, plan=plan, members=members)
