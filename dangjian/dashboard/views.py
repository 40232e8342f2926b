from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render


def admin_index_context(request, context):
    return context


@staff_member_required
def dashboard(request):
    return render(request, "dashboard/index.html", {})
