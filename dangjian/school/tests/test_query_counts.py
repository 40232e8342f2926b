"""List pages and API lists ask a fixed number of queries however many rows they show."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from dangjian.school import services
from dangjian.school.tests.factories import at

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def busy(setup, superuser):
    """Eight held classes with attendance, and eight planned classes."""
    start = timezone.localdate() - 10 * DAY
    for index in range(8):
        session = setup.schedule(actor=superuser, starts_at=at(start + index * DAY, 9))
        services.attendance_mark(actor=superuser, session=session, members=list(setup.members.values())[:3])
        services.plan_add_class(actor=superuser, plan=setup.plan, month=index + 1, course=setup.course)
    return setup


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_school_pages_and_api_lists_are_not_n_plus_one(busy, school_admin, django_assert_max_num_queries):
    client = _client(school_admin)
    school = busy.school.pk
    session = busy.school.sessions.first().pk
    for url, most in (("/school/", 12), (f"/school/{school}/", 22), (f"/school/plans/{busy.plan.pk}/", 16),
                      (f"/school/classes/{session}/", 18), (f"/school/teachers/{busy.teacher.pk}/", 12),
                      (f"/api/v1/schools/{school}/classes", 8), (f"/api/v1/schools/{school}/plans", 10),
                      (f"/api/v1/schools/classes/{session}", 8)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


def test_edit_pages_and_the_apis_new_lists_are_not_n_plus_one(busy, superuser, school_admin, street_admin,
                                                               django_assert_max_num_queries):
    for index in range(5):
        services.officer_save(actor=superuser, school=busy.school, name=f"校务{index}", position="member",
                              term_start=timezone.localdate())
    client = _client(school_admin)
    school, session = busy.school.pk, busy.school.sessions.first().pk
    planned = busy.plan.planned_classes.first().pk
    for url, most in ((f"/school/{school}/edit/", 12), (f"/school/venues/{busy.venue.pk}/edit/", 12),
                      (f"/school/courses/{busy.course.pk}/edit/", 13), (f"/school/planned/{planned}/edit/", 13),
                      (f"/school/classes/{session}/edit/", 14), (f"/school/teachers/{busy.teacher.pk}/edit/", 12),
                      (f"/api/v1/schools/{school}/venues", 8), (f"/api/v1/schools/{school}/officers", 8),
                      (f"/api/v1/schools/{school}/courses", 8), (f"/api/v1/schools/plans/{busy.plan.pk}/classes", 8)):
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url
    founder = _client(street_admin)
    with django_assert_max_num_queries(12):
        assert founder.get("/school/new/").status_code == 200
