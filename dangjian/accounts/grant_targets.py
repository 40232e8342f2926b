"""The security administrator's search for what a role is granted over (三员分立).

The security administrator holds no data scope, so the admin's own autocomplete (which asks the
Unit, Area, organization or school admin, all narrowed to the actor's data) finds nothing for
them. This view answers their role-grant form alone, and answers names only — the id and the
name of matching units, areas, party organizations and party schools, never any other field —
so granting a liaison or a school administrator needs no sight of business data."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.urls import reverse

from dangjian.accounts import scoping
from dangjian.accounts.models import RoleAssignment

GRANT_TARGETS = ("unit", "area", "organization", "school")
URL_NAME = "accounts_roleassignment_grant_targets"


class GrantTargetSearch(AutocompleteJsonView):
    """GET ?field_name=unit|area|organization|school&term=…: {"results": [{"id", "text"}], …}."""

    paginate_by = 20

    def process_request(self, request):
        field_name = request.GET.get("field_name")
        if field_name not in GRANT_TARGETS:
            raise PermissionDenied
        return request.GET.get("term", "").strip()[:60], None, RoleAssignment._meta.get_field(field_name), "id"

    def has_perm(self, request, obj=None):
        return scoping.is_security_admin(request.user)

    def get_queryset(self):
        model = self.source_field.remote_field.model
        found = model._default_manager.only("pk", "name").order_by("name", "pk")
        return found.filter(name__icontains=self.term) if self.term else found

    def get_paginator(self, *args, **kwargs):
        return Paginator(*args, **kwargs)

    def serialize_result(self, obj, to_field_name):
        return {"id": str(obj.pk), "text": obj.name}


class GrantTargetWidget(AutocompleteSelect):
    """The admin's autocomplete select, asking ``GrantTargetSearch`` instead."""

    def get_url(self):
        return reverse(f"{self.admin_site.name}:{URL_NAME}")
