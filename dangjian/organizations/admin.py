"""Back-office pages for the two trees and units. Trees are shown as trees (treebeard's
expandable changelist; drag to move), each row with the counts under it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce, Length, Substr
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.templatetags.admin_tree import tree_context
from unfold.decorators import display
from unfold.templatetags.unfold_list import result_list as unfold_result_list

from dangjian.accounts import scoping
from dangjian.accounts.admin_base import ScopedHistoryAdmin, first_message
from dangjian.organizations import selectors, services
from dangjian.organizations.models import Area, PartyOrganization, Unit


def count_under(queryset, path_lookup: str):
    """A correlated subquery counting ``queryset`` rows whose ``path_lookup`` lies under the
    outer row's path: one subquery per column, never a query per row."""
    return Coalesce(
        Subquery(
            queryset.filter(**{f"{path_lookup}__startswith": OuterRef("path")})
            .order_by()
            .annotate(total=Func(F("pk"), function="COUNT"))
            .values("total")[:1]
        ),
        0,
    )


class ScopedTreeAdmin(TreeAdmin, ScopedHistoryAdmin):
    """A treebeard tree whose top level is the top of the actor's own scope."""

    list_per_page = 100

    def get_queryset(self, request):
        visible = scoping.narrow(request.user, self.model.objects.all())
        if not hasattr(request, "_treebeard_parent_id") or getattr(request, "_ignore_treebeard_filters", False):
            return visible
        if self.is_filtered(request):
            request._treebeard_parent = None
            return visible
        if request._treebeard_parent_id:
            try:
                parent = visible.get(pk=request._treebeard_parent_id)
            except (self.model.DoesNotExist, ValueError):
                raise Http404 from None
            request._treebeard_parent = parent
            return visible.filter(path__startswith=parent.path, depth=parent.depth + 1)
        request._treebeard_parent = None
        return self.scope_roots(request, visible)

    def scope_roots(self, request, visible):
        """Visible nodes whose parent is not visible: the tops of the actor's scope."""
        if scoping.is_city_admin(request.user):
            return visible.filter(depth=1)
        steplen = self.model.steplen
        return visible.annotate(
            parent_path=Substr("path", 1, Length("path") - steplen)
        ).exclude(parent_path__in=visible.values("path"))

    def children_view(self, request, parent_id):
        """treebeard's AJAX children, rendered with unfold's row markup like the first level."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        request._treebeard_parent_id = parent_id
        changelist = self.get_changelist_instance(request)
        changelist.formset = None
        context = unfold_result_list({"request": request}, changelist)
        return JsonResponse({
            "result_html": loader.get_template("admin/change_list_results.html").render(context, request),
            "tree_context": tree_context(changelist, request),
            "page": changelist.page_num,
            "num_pages": changelist.paginator.num_pages,
        })

    def move_node(self, request):
        """Drag-and-drop move, through the service (scope, level and descendant checks)."""
        visible = scoping.narrow(request.user, self.model.objects.all())
        try:
            node = visible.get(pk=request.POST.get("node"))
            target = visible.get(pk=request.POST.get("target"))
        except (self.model.DoesNotExist, ValueError, TypeError):
            messages.error(request, _("要移动的节点或目标节点不存在。"))
            return HttpResponseBadRequest("invalid node")
        if request.POST.get("relation") == "sibling":
            target = self.model.objects.get_parent(target)
            if target is None:
                messages.error(request, _("不能移动到顶级。"))
                return HttpResponseBadRequest("invalid target")
        try:
            moved = self.move_through_service(request, node, target)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, first_message(error))
            return HttpResponseBadRequest("move refused")
        messages.success(request, _("已将“%(node)s”移动到“%(target)s”之下。") % {"node": moved, "target": target})
        return HttpResponse("OK")

    def move_through_service(self, request, node, target):
        raise NotImplementedError


class AreaForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级区域"), queryset=Area.objects.none(), required=False,
        help_text=_("层级由上级区域决定：市→区→街道→社区→网格。改变上级区域即移动该区域及其全部下级。"),
    )

    class Meta:
        model = Area
        fields = ["parent", "name", "code"]


@admin.register(Area)
class AreaAdmin(ScopedTreeAdmin):
    form = AreaForm
    list_display = ["name", "code", "level_badge", "children_count", "organization_count", "unit_count"]
    search_fields = ["name", "code", "name_pinyin"]
    list_filter = ["level"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.base_fields["parent"].queryset = scoping.narrow(request.user, Area.objects.all()).exclude(
            level="grid"
        )
        if obj is not None:
            form_class.base_fields["parent"].initial = self.model.objects.get_parent(obj)
        return form_class

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "parent" in request.GET:
            initial["parent"] = request.GET["parent"]
        return initial

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        actor = request.user
        return queryset.annotate(
            organizations_under=count_under(scoping.narrow(actor, PartyOrganization.objects.all()), "area__path"),
            units_under=count_under(scoping.narrow(actor, Unit.objects.all()), "area__path"),
        )

    @display(description=_("层级"), label=True)
    def level_badge(self, obj):
        return obj.get_level_display()

    @display(description=_("下级区域"))
    def children_count(self, obj):
        return obj.numchild

    @display(description=_("党组织"))
    def organization_count(self, obj):
        return getattr(obj, "organizations_under", "")

    @display(description=_("驻区单位"))
    def unit_count(self, obj):
        return getattr(obj, "units_under", "")

    def save_through_service(self, request, *, original, data, change):
        parent = data.get("parent")
        if not change:
            return services.area_create(actor=request.user, parent=parent, name=data["name"], code=data["code"],
                                        request=request)
        area = services.area_update(actor=request.user, area=original, name=data["name"],
                                    code=original.code if parent and parent != self.model.objects.get_parent(original)
                                    else data["code"], request=request)
        if parent is not None and parent != self.model.objects.get_parent(original):
            area = services.area_move(actor=request.user, area=area, new_parent=parent, code=data["code"],
                                      request=request)
        return area

    def delete_through_service(self, request, obj):
        services.area_delete(actor=request.user, area=obj, request=request)

    def move_through_service(self, request, node, target):
        return services.area_move(actor=request.user, area=node, new_parent=target, request=request)


class PartyOrganizationForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级党组织"), queryset=PartyOrganization.objects.none(), required=False,
        help_text=_("隶属关系：由哪个党组织领导。改变上级即移动该组织及其全部下级组织。"),
    )

    class Meta:
        model = PartyOrganization
        fields = ["parent", "name", "kind", "area", "unit", "secretary_name", "founded_on", "term_started_on",
                  "term_years", "is_active"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedTreeAdmin):
    form = PartyOrganizationForm
    list_display = ["name", "kind_badge", "area", "secretary_name", "children_count", "descendant_count",
                    "term_ends"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_pinyin", "secretary_name"]
    list_select_related = ["area"]
    autocomplete_fields = ["unit"]

    def lookup_allowed(self, lookup, value, request=None):
        # The dashboard's "党组织总数" links here narrowed to an area subtree; the rows are still
        # narrowed to the actor's scope by get_queryset.
        return lookup == "area__path__startswith" or super().lookup_allowed(lookup, value, request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form_class.base_fields["parent"].queryset = scoping.narrow(
            request.user, PartyOrganization.objects.all()
        ).exclude(kind="party_group")
        if obj is not None:
            form_class.base_fields["parent"].initial = self.model.objects.get_parent(obj)
        return form_class

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("area")
        return queryset.annotate(
            organizations_under=count_under(scoping.narrow(request.user, PartyOrganization.objects.all()), "path"),
        )

    @display(description=_("组织类别"), label=True)
    def kind_badge(self, obj):
        return obj.get_kind_display()

    @display(description=_("直属下级"))
    def children_count(self, obj):
        return obj.numchild

    @display(description=_("全部下级"))
    def descendant_count(self, obj):
        return max(getattr(obj, "organizations_under", 1) - 1, 0)

    @display(description=_("本届任期届满"))
    def term_ends(self, obj):
        return obj.term_ends_on or "—"

    def save_through_service(self, request, *, original, data, change):
        parent = data.get("parent")
        fields = {name: data.get(name) for name in ("name", "kind", "area", "unit", "founded_on",
                                                     "term_started_on", "term_years")}
        fields["secretary_name"] = data.get("secretary_name") or ""
        if not change:
            return services.organization_create(actor=request.user, parent=parent, request=request, **fields)
        fields["is_active"] = data.get("is_active", True)
        organization = services.organization_update(actor=request.user, organization=original, request=request,
                                                     **fields)
        if parent is not None and parent != self.model.objects.get_parent(original):
            organization = services.organization_move(actor=request.user, organization=organization,
                                                      new_parent=parent, request=request)
        return organization

    def delete_through_service(self, request, obj):
        services.organization_delete(actor=request.user, organization=obj, request=request)

    def move_through_service(self, request, node, target):
        return services.organization_move(actor=request.user, organization=node, new_parent=target,
                                          request=request)


@admin.register(Unit)
class UnitAdmin(ScopedHistoryAdmin):
    list_display = ["name", "sector", "area", "staff_count", "credit_code", "is_operating"]
    list_filter = ["sector", "is_operating"]
    search_fields = ["name", "name_pinyin", "credit_code"]
    list_select_related = ["area"]
    fields = ["name", "sector", "social_org_type", "credit_code", "address", "area", "staff_count",
              "is_operating"]
    ordering = ["name_pinyin", "id"]

    def get_search_results(self, request, queryset, search_term):
        # Pinyin prefix as well as the name: '新街口' or 'xinjiekou' finds the same unit.
        if not search_term:
            return queryset, False
        return queryset & selectors.unit_list_for(request.user, search=search_term), False

    def save_through_service(self, request, *, original, data, change):
        fields = {name: data.get(name) for name in self.fields}
        fields["social_org_type"] = fields["social_org_type"] or ""
        fields["address"] = fields["address"] or ""
        if not change:
            return services.unit_create(actor=request.user, request=request, **fields)
        return services.unit_update(actor=request.user, unit=original, request=request, **fields)

    def delete_through_service(self, request, obj):
        services.unit_delete(actor=request.user, unit=obj, request=request)
