"""The back office's read-only view of meetings (scoped); recording happens on /orglife/ pages,
which call the services — one implementation of each write."""

from django.contrib import admin

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.orglife.models import OrgLifeMeeting


@admin.register(OrgLifeMeeting)
class OrgLifeMeetingAdmin(ScopedAdmin):
    list_display = ("held_on", "kind", "topic", "organization", "status")
    list_filter = ("kind", "status")
    ordering = ("-held_on", "-id")
    readonly_fields = ("organization", "kind", "status", "held_on", "topic", "host", "location", "minutes",
                       "recorded_by", "created_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")

    def view_on_site(self, obj):
        return f"/orglife/{obj.pk}/"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
