import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The public pages' counters live in the cache, which outlives a test: start each at zero."""
    cache.clear()
    yield
    cache.clear()
