"""Function roles (liaison, school administrator, instructor): scoped to objects, not subtrees.

They reach only models that declare their anchor; they are not general back-office roles (no
registry, roster or dashboard); the grant validates which anchor each role takes."""

import pytest
from django.core.exceptions import ValidationError

from dangjian.accounts import scoping
from dangjian.accounts.models import Role
from dangjian.accounts.tests.factories import UserFactory, grant, user_with_role
from dangjian.members.models import Member
from dangjian.organizations.models import Area, PartyOrganization, Unit
from dangjian.school.models import PartySchool

pytestmark = pytest.mark.usefixtures("module_city")


@pytest.fixture
def schools(db):
    street = Area.objects.get(name="梅园新村街道")
    community = Area.objects.get(name="华侨路社区")
    return (PartySchool.objects.get(name="梅园新村街道党校", area=street),  # the matrix users' school
            PartySchool.objects.create(name="华侨路社区党校", area=community))


@pytest.mark.django_db
def test_school_admin_sees_and_writes_only_its_school(schools):
    own, other = schools
    school_admin = user_with_role(role=Role.SCHOOL_ADMIN, school=own)
    assert list(scoping.narrow(school_admin, PartySchool.objects.all())) == [own]
    assert list(scoping.narrow(school_admin, PartySchool.objects.all(), write=True)) == [own]
    assert scoping.can_see(school_admin, own) and scoping.can_write(school_admin, own)
    assert not scoping.can_see(school_admin, other)
    # Models without a school anchor are outside its scope altogether.
    assert not scoping.narrow(school_admin, Member.objects.all()).exists()
    assert not scoping.narrow(school_admin, PartyOrganization.objects.all()).exists()


@pytest.mark.django_db
def test_function_roles_are_not_general_back_office_roles(schools):
    school_admin = user_with_role(role=Role.SCHOOL_ADMIN, school=schools[0])
    liaison = user_with_role(role=Role.LIAISON, unit=Unit.objects.order_by("pk").first())
    for user in (school_admin, liaison):
        assert not scoping.has_any_role(user)
        assert not scoping.may_write_anything(user)
        assert scoping.has_back_office_access(user)
    assert scoping.holds_role(liaison, Role.LIAISON) and not scoping.holds_role(liaison, Role.SCHOOL_ADMIN)
    # The area administrators above the school still see it (its area anchor).
    street_admin = user_with_role(role=Role.AREA_ADMIN, area=Area.objects.get(name="梅园新村街道"))
    assert list(scoping.narrow(street_admin, PartySchool.objects.all())) == [schools[0]]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "anchor"), [
    (Role.LIAISON, "area"), (Role.SCHOOL_ADMIN, "unit"), (Role.AREA_ADMIN, "school"), (Role.INSTRUCTOR, "unit"),
])
def test_each_role_takes_its_own_kind_of_scope(schools, role, anchor):
    values = {"area": Area.objects.get(name="梅园新村街道"), "unit": Unit.objects.order_by("pk").first(),
              "school": schools[0]}
    with pytest.raises(ValidationError):
        user_with_role(role=role, **{anchor: values[anchor]})


@pytest.mark.django_db
def test_area_admin_grants_a_liaison_only_for_a_unit_in_its_area(schools):
    from django.core.exceptions import PermissionDenied

    street = Area.objects.get(name="梅园新村街道")
    street_admin = user_with_role(role=Role.AREA_ADMIN, area=street)
    inside = Unit.objects.filter(area__path__startswith=street.path).order_by("pk").first()
    outside = Unit.objects.exclude(area__path__startswith=street.path).order_by("pk").first()
    grant(UserFactory(), role=Role.LIAISON, unit=inside, actor=street_admin)
    with pytest.raises(PermissionDenied):
        grant(UserFactory(), role=Role.LIAISON, unit=outside, actor=street_admin)


@pytest.mark.django_db
def test_registered_grant_source_adds_unit_grants(schools):
    """An app (coverage: an instructor's assigned units) can add grants from its own records."""
    unit = Unit.objects.order_by("pk").first()
    user = UserFactory()

    def instructor_units(actor):
        return [scoping.Grant(role=Role.INSTRUCTOR, unit_ids=frozenset({unit.pk}))] if actor == user else []

    scoping.register_grant_source(instructor_units)
    try:
        scoping.forget_grants(user)
        assert scoping.holds_role(user, Role.INSTRUCTOR)
        assert [grant.unit_ids for grant in scoping.grants_for(user)] == [frozenset({unit.pk})]
        assert not scoping.has_any_role(user)
    finally:
        scoping._grant_sources.remove(instructor_units)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "link"), [
    ("liaison", "/conference/liaison/"), ("school_admin", "/school/"), ("instructor", "/coverage/mine/"),
    ("system_admin", "/system/"), ("security_admin", "/admin/accounts/roleassignment/"),
    ("audit_admin", "/admin/accounts/auditentry/"),
])
def test_function_and_duty_roles_land_on_their_own_work(request, role, link):
    from django.test import Client

    client = Client()
    client.force_login(request.getfixturevalue(role))
    page = client.get("/admin/").content.decode()
    assert 'data-testid="duty-pages"' in page and f'href="{link}"' in page
    assert "has no role yet" not in page and "尚未" not in page
