"""The back office's read-only view of activities (scoped); announcing and managing happen on the
/activities/ pages, which call the services — one implementation of each write."""

from django.contrib import admin

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.activities.models import Activity


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ("starts_at", "title", "kind", "community", "capacity")
    list_filter = ("kind",)
    ordering = ("-starts_at", "-id")
    readonly_fields = ("title", "kind", "community", "organizer_organization", "organizer_unit", "starts_at",
                       "ends_at", "place", "capacity", "keeps_waitlist", "description", "report", "reported_at")
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("community")

    def view_on_site(self, obj):
        return f"/activities/{obj.pk}/"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
