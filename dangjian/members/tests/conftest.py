"""Fixtures of the member registry's tests."""

import pytest


@pytest.fixture
def imports_run_now(settings, tmp_path):
    """Background tasks run at once, in the test (an import's check and commit), and uploaded and
    prepared files go to a temporary directory."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = str(tmp_path)
