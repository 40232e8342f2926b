from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
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
    except Exception as error:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable", "detail": type(error).__name__},
                            status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


@staff_member_required
def system_status_page(request):
    """系统状态: the system administrator's page (and the bootstrap superuser's)."""
    from dangjian.accounts import scoping

    if not scoping.is_system_admin(request.user):
        raise Http404
    return render(request, "core/system_status.html", {
        **admin.site.each_context(request), "title": "系统状态", "status": system_status(),
    })
