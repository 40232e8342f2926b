import pytest

from dangjian.school.tests.factories import build_school


@pytest.fixture
def setup(city, superuser):
    return build_school(actor=superuser, city=city)
