import sys

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dangjian.core.system_status import system_status


@never_cache
@require_GET
def healthz(request):
    """Liveness and database status for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        # Nothing about the failure goes out (the probe is unauthenticated); the server log has it.
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


RETRY_AFTER_SECONDS = 60
DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request, template_name="500.html"):
    """handler500: a database that cannot be reached is a 503 (the service is down, not broken),
    in Chinese, rendered without a request context — no session, user or context processor,
    so the page itself never asks the database. Anything else is the plain 500 page."""
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_DOWN):
        return defaults.server_error(request, template_name)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "系统的数据服务暂时不可用，请稍后重试。"}, status=503, headers=headers)
    return HttpResponse(loader.get_template("503.html").render(), status=503, headers=headers)


@staff_member_required
def system_status_page(request):
    """系统状态: the system administrator's page (and the bootstrap superuser's)."""
    from dangjian.accounts import scoping

    if not scoping.is_system_admin(request.user):
        raise Http404
    return render(request, "core/system_status.html", {
        **admin.site.each_context(request), "title": "系统状态", "status": system_status(),
    })
