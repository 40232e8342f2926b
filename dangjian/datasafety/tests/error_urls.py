"""The project's URLs plus views that fail on purpose (test_error_pages.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from dangjian.urls import urlpatterns as project_urlpatterns

SECRET = "secret-detail-/etc/passwd-<script>alert(1)</script>"


def crash(request):
    raise RuntimeError(SECRET)


def forbidden(request):
    raise PermissionDenied(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


urlpatterns = [
    path("__fail__/crash/", crash),
    path("__fail__/forbidden/", forbidden),
    path("__fail__/suspicious/", suspicious),
    *project_urlpatterns,
]
