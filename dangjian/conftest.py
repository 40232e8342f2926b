"""Fixtures every app's tests can use: the small city and one user per role.

The data is built through the real services (see ``organizations/tests/factories.py`` for the
city and ``accounts/tests/factories.py`` for who holds which role).

By default ``city`` and the role fixtures are built afresh for each test (~0.25 s). A module
with many such tests may opt in to building them once per module::

    pytestmark = pytest.mark.usefixtures("module_city")

The city is then built inside a transaction held open for the module and rolled back at its
end; each test runs in a savepoint inside it (its writes vanish after it) and gets fresh
Python objects for the same rows. Not for ``transaction=True`` or live-server tests: they
cannot see data inside an uncommitted transaction. Nor for a test without the database:
pytest-django runs those last, after the transactional tests have emptied the code tables the
city's codes are checked against (so mark ``django_db`` next to it, or ask for ``module_city``
from a fixture only database tests use, as accounts/tests/test_scoping_matrix.py does).
"""

from dataclasses import dataclass

import pytest
from django.db import transaction

from dangjian.accounts.tests import factories as account_factories
from dangjian.organizations.tests import factories as organization_factories


@dataclass
class _ModuleCity:
    city: organization_factories.City
    users: account_factories.CityUsers


@pytest.fixture(scope="module")
def module_city(django_db_setup, django_db_blocker):
    """Opt-in: the city and its users built once for the module (see the module docstring)."""
    with django_db_blocker.unblock(), transaction.atomic():
        city = organization_factories.build_city(actor=account_factories.superuser())
        yield _ModuleCity(city=city, users=account_factories.build_city_users(city))
        transaction.set_rollback(True)


def _shared(request) -> _ModuleCity | None:
    if "module_city" in request.fixturenames:
        return request.getfixturevalue("module_city")
    return None


def _role_user(request, role: str, build):
    shared = _shared(request)
    if shared is not None:
        return account_factories.User.objects.get(pk=getattr(shared.users, role).pk)
    return build(request.getfixturevalue("city"))


@pytest.fixture
def superuser(db):
    return account_factories.superuser()


@pytest.fixture
def city(request, db, superuser):
    """南京市 → 玄武区, 秦淮区 → two streets each → two communities each, with organizations and units."""
    shared = _shared(request)
    if shared is not None:
        return shared.city.reloaded()
    return organization_factories.build_city(actor=superuser)


@pytest.fixture
def city_admin(request, city):
    """市级管理员 over 南京市."""
    return _role_user(request, "city_admin", account_factories.city_admin)


@pytest.fixture
def district_admin(request, city):
    """区域管理员 over 玄武区."""
    return _role_user(request, "district_admin", account_factories.district_admin)


@pytest.fixture
def street_admin(request, city):
    """区域管理员 over 梅园新村街道 (玄武区)."""
    return _role_user(request, "street_admin", account_factories.street_admin)


@pytest.fixture
def community_admin(request, city):
    """区域管理员 over 大行宫社区 (梅园新村街道)."""
    return _role_user(request, "community_admin", account_factories.community_admin)


@pytest.fixture
def org_admin(request, city):
    """党组织管理员 over 新街口街道党工委 (玄武区) and its subtree."""
    return _role_user(request, "org_admin", account_factories.org_admin)


@pytest.fixture
def leader(request, city):
    """领导（只读） over 玄武区."""
    return _role_user(request, "leader", account_factories.leader)


@pytest.fixture
def liaison(request, city):
    """成员单位联络员 of 南京梅园新村科技有限公司 (a function role: its unit's conference work only)."""
    return _role_user(request, "liaison", account_factories.liaison)


@pytest.fixture
def school_admin(request, city):
    """党校管理员 of 梅园新村街道党校 (a function role: its school only)."""
    return _role_user(request, "school_admin", account_factories.school_admin)


@pytest.fixture
def system_admin(request, city):
    """系统管理员 (三员: configuration and system state; no data, no audit log)."""
    return _role_user(request, "system_admin", account_factories.system_admin)


@pytest.fixture
def security_admin(request, city):
    """安全管理员 (三员: accounts, roles and scopes; no business data)."""
    return _role_user(request, "security_admin", account_factories.security_admin)


@pytest.fixture
def audit_admin(request, city):
    """审计管理员 (三员: reads and exports the audit log only)."""
    return _role_user(request, "audit_admin", account_factories.audit_admin)


@pytest.fixture
def instructor(request, city):
    """党建工作指导员 of 梅园新村街道 (a function role from the coverage app: its assigned unit only)."""
    return _role_user(request, "instructor", account_factories.instructor)


@pytest.fixture
def city_users(superuser, city_admin, district_admin, street_admin, community_admin, org_admin, leader,
               liaison, school_admin, system_admin, security_admin, audit_admin, instructor):
    """All of the above in one namespace (``city_users.street_admin`` …)."""
    return account_factories.CityUsers(
        superuser=superuser, city_admin=city_admin, district_admin=district_admin, street_admin=street_admin,
        community_admin=community_admin, org_admin=org_admin, leader=leader, liaison=liaison,
        school_admin=school_admin, system_admin=system_admin, security_admin=security_admin,
        audit_admin=audit_admin, instructor=instructor,
    )
