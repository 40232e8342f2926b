"""The conference in the back office (unfold, ScopedAdmin): founding a conference and adding to
its library go through the services; meetings, tasks and the lists are worked on the
conference pages (/conference/), so here they are read-only registers."""

from django.contrib import admin

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.conference import selectors, services
from dangjian.conference.models import ConferenceMeeting, ConferenceTask, Document, JointConference


@admin.register(JointConference)
class JointConferenceAdmin(ScopedAdmin):
    list_display = ["name", "area", "level", "established_on"]
    list_filter = ["level"]
    search_fields = ["name"]
    fields = ["area", "name", "established_on"]
    autocomplete_fields = ["area"]

    def get_queryset(self, request):
        return selectors.conference_list_for(request.user)

    # A conference's seats and meetings hang on it: it is not edited or deleted here.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, *, original, data: dict, change: bool):
        return services.conference_create(actor=request.user, area=data.get("area"), name=data.get("name") or "",
                                          established_on=data.get("established_on"), request=request)


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    list_display = ["title", "conference", "kind", "number", "effective_on", "status", "version"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "text"]
    fields = ["conference", "kind", "title", "issuer", "number", "effective_on", "text", "attachment",
              "plenary_per_year", "research_per_year"]

    def get_queryset(self, request):
        return selectors.document_list_for(request.user)

    # Revisions keep every version: a document is revised through the service, never overwritten.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, *, original, data: dict, change: bool):
        return services.document_create(
            actor=request.user, conference=data.get("conference"), kind=data.get("kind"), title=data.get("title"),
            issuer=data.get("issuer"), number=data.get("number") or "", effective_on=data.get("effective_on"),
            text=data.get("text"), attachment=data.get("attachment") or None,
            plenary_per_year=data.get("plenary_per_year"), research_per_year=data.get("research_per_year"),
            request=request)


class _ReadOnly(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConferenceMeeting)
class ConferenceMeetingAdmin(_ReadOnly):
    list_display = ["title", "conference", "kind", "held_on", "place"]
    list_filter = ["kind"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return selectors.meeting_list_for(request.user)


@admin.register(ConferenceTask)
class ConferenceTaskAdmin(_ReadOnly):
    list_display = ["title", "unit", "conference", "deadline", "status", "completed_on"]
    list_filter = ["status"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return selectors.task_list_for(request.user)
