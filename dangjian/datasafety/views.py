"""The member's "my data" page at /m/my-data/ (portal, phone-first, no script)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dangjian.datasafety import services
from dangjian.datasafety.personal_data import sections_for
from dangjian.portal.access import member_required


@member_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    """GET: what the download holds. POST (a button, so no prefetch or crawler triggers an
    audited export): the file."""
    if request.method == "POST":
        fmt = request.POST.get("format")
        if fmt not in services.FORMATS:
            fmt = "json"
        content, content_type, filename = services.own_data_export(actor=request.user, member=request.member,
                                                                   fmt=fmt, request=request)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    titles = [section.title for section in sections_for(request.member)]
    return render(request, "datasafety/my_data.html", {"title": "我的个人信息", "titles": titles})
