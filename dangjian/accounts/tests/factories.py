"""Factories for users and their roles; roles are granted through ``role_grant``.

Passwords are unusable unless one is passed: hashing with Argon2 costs ~0.2 s, and most tests
sign in with ``Client.force_login``. The role builders take the ``City`` from
``organizations/tests/factories.py`` and give each user the scope the fixtures promise:

==================  =====================  =========================================
fixture             role                   scope
==================  =====================  =========================================
``city_admin``      市级管理员             南京市
``district_admin``  区域管理员             玄武区
``street_admin``    区域管理员             梅园新村街道 (玄武区)
``community_admin`` 区域管理员             大行宫社区 (梅园新村街道)
``org_admin``       党组织管理员           新街口街道党工委 (玄武区)
``leader``          领导（只读）           玄武区
``liaison``         成员单位联络员         南京梅园新村科技有限公司
``school_admin``    党校管理员             梅园新村街道党校
``instructor``      党建工作指导员         长江路社区梅园新村养老服务中心 (assigned; no role row)
==================  =====================  =========================================
"""

from dataclasses import dataclass

import factory

from dangjian.accounts import services
from dangjian.accounts.models import AuditEntry, Role, RoleAssignment, User

_NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周婷", "吴刚"]


class UserFactory(factory.django.DjangoModelFactory):
    """A staff-less user without roles and without a usable password (pass ``password=`` for one)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: _NAMES[n % len(_NAMES)])
    phone = factory.Sequence(lambda n: f"1381234{n % 10000:04d}")
    is_active = True

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        if extracted:
            user.set_password(extracted)
        else:
            user.set_unusable_password()
        if create:
            user.save(update_fields=["password"])


def superuser(username: str = "superuser") -> User:
    """The system superuser (one per test database; reused when it exists)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(username=username, email="", password=None,
                                             display_name="系统管理员")
    return user


def user_with_role(*, role: str, area=None, organization=None, unit=None, school=None, actor=None,
                   **user_fields) -> User:
    """A new user holding ``role`` over one scope (area, organization, unit or school), granted by ``actor``."""
    user = UserFactory(**user_fields)
    services.role_grant(actor=actor or superuser(), user=user, role=role, area=area, organization=organization,
                        unit=unit, school=school)
    return user


def grant(user: User, *, role: str, area=None, organization=None, unit=None, school=None,
          actor=None) -> RoleAssignment:
    """One more role for an existing user."""
    return services.role_grant(actor=actor or superuser(), user=user, role=role, area=area,
                               organization=organization, unit=unit, school=school)


# ---------------------------------------------------------------- the city's users


def city_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.CITY_ADMIN, area=city.nanjing,
                          **{"username": "city_admin", "display_name": "市管理员", **user_fields})


def district_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.AREA_ADMIN, area=city.xuanwu,
                          **{"username": "district_admin", "display_name": "玄武区管理员", **user_fields})


def street_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.AREA_ADMIN, area=city.meiyuan,
                          **{"username": "street_admin", "display_name": "梅园新村街道管理员", **user_fields})


def community_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.AREA_ADMIN, area=city.dahanggong,
                          **{"username": "community_admin", "display_name": "大行宫社区管理员", **user_fields})


def org_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.ORG_ADMIN, organization=city.org(city.xinjiekou),
                          **{"username": "org_admin", "display_name": "新街口街道党工委管理员", **user_fields})


def leader(city, **user_fields) -> User:
    return user_with_role(role=Role.LEADER, area=city.xuanwu,
                          **{"username": "leader", "display_name": "玄武区领导", **user_fields})


def liaison(city, **user_fields) -> User:
    """成员单位联络员 of 南京梅园新村科技有限公司 (a unit in 梅园新村街道)."""
    return user_with_role(role=Role.LIAISON, unit=city.unit(city.meiyuan),
                          **{"username": "liaison", "display_name": "梅园新村科技联络员", **user_fields})


def school_admin(city, **user_fields) -> User:
    """党校管理员 of 梅园新村街道党校."""
    from dangjian.school.models import PartySchool

    school, _created = PartySchool.objects.get_or_create(name="梅园新村街道党校", area=city.meiyuan)
    return user_with_role(role=Role.SCHOOL_ADMIN, school=school,
                          **{"username": "school_admin", "display_name": "梅园新村街道党校管理员", **user_fields})


def system_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.SYSTEM_ADMIN, area=city.nanjing,
                          **{"username": "system_admin", "display_name": "系统管理员", **user_fields})


def security_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.SECURITY_ADMIN, area=city.nanjing,
                          **{"username": "security_admin", "display_name": "安全管理员", **user_fields})


def audit_admin(city, **user_fields) -> User:
    return user_with_role(role=Role.AUDIT_ADMIN, area=city.nanjing,
                          **{"username": "audit_admin", "display_name": "审计管理员", **user_fields})


def instructor(city, **user_fields) -> User:
    """党建工作指导员 appointed by 梅园新村街道党工委, assigned to the street's uncovered social
    organization (in 长江路社区). No RoleAssignment: the coverage app's assignment is the scope."""
    import datetime

    from django.utils import timezone

    from dangjian.coverage import services as coverage_services

    user = UserFactory(**{"username": "instructor", "display_name": "梅园新村街道指导员", "is_staff": True,
                          **user_fields})
    appointment = coverage_services.instructor_appoint(
        actor=superuser(), name=user.display_name, area=city.meiyuan, appointed_by="梅园新村街道党工委",
        appointed_on=timezone.localdate() - datetime.timedelta(days=30), user=user)
    coverage_services.instructor_assign(actor=superuser(), instructor=appointment,
                                        unit=city.uncovered_unit(city.meiyuan))
    return user


@dataclass
class CityUsers:
    superuser: User
    city_admin: User
    district_admin: User
    street_admin: User
    community_admin: User
    org_admin: User
    leader: User
    liaison: User
    school_admin: User
    system_admin: User
    security_admin: User
    audit_admin: User
    instructor: User

    def all(self) -> dict[str, User]:
        return dict(self.__dict__)

    def reloaded(self) -> "CityUsers":
        """Fresh user objects (no cached grants) for the same rows."""
        users = User.objects.in_bulk([user.pk for user in self.__dict__.values()])
        return CityUsers(**{role: users[user.pk] for role, user in self.__dict__.items()})


def build_city_users(city) -> CityUsers:
    """Every role of the table above, each a separate user."""
    return CityUsers(
        superuser=superuser(), city_admin=city_admin(city), district_admin=district_admin(city),
        street_admin=street_admin(city), community_admin=community_admin(city), org_admin=org_admin(city),
        leader=leader(city), liaison=liaison(city), school_admin=school_admin(city),
        system_admin=system_admin(city), security_admin=security_admin(city), audit_admin=audit_admin(city),
        instructor=instructor(city),
    )


# ---------------------------------------------------------------- audit helpers


def audit_entries_for(obj, action: str | None = None):
    """The audit entries recorded about ``obj`` (newest first), optionally of one action."""
    entries = AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return entries.filter(action=action) if action else entries


# ---------------------------------------------------------------- signed-in clients


def client_for(user, **kwargs):
    """A test client signed in as ``user`` (``kwargs`` go to ``Client``, e.g. ``HTTP_*`` headers)."""
    from django.test import Client

    client = Client(**kwargs)
    client.force_login(user)
    return client
