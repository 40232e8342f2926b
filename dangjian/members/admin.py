"""The member roster (党员名册) in the back office.

Reads come through ``members.selectors`` (scope, filters, search), writes through
``members.services``. The changelist follows STACK_NOTES.md: no full count, ordering on the
stored pinyin with the primary key in the same direction, search over normalised columns
(never the admin's ``icontains``), and every column served by the one page query.
"""

import datetime
import functools

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import get_select2_language
from django.core.exceptions import PermissionDenied
from django.core.validators import EMPTY_VALUES
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from unfold.contrib.filters.admin import AutocompleteSelectFilter, DropdownFilter
from unfold.contrib.filters.forms import AutocompleteDropdownForm
from unfold.decorators import display

from dangjian.accounts import scoping
from dangjian.accounts.admin_base import ScopedHistoryAdmin
from dangjian.core.masking import mask_phone
from dangjian.core.models import Code, CodeTable
from dangjian.members import selectors, services
from dangjian.members.admin_filters import roster_filter_markup
from dangjian.members.admin_roster import RosterChangeList, RosterCountList, roster_paginator
from dangjian.members.forms import MemberForm
from dangjian.members.models import (
    OFF_POST,
    Employment,
    FloatingDirection,
    Member,
    MemberStatus,
    Standing,
    TransferStatus,
)
from dangjian.organizations.models import PartyOrganization

AGE_BANDS = [("-34", "35岁以下"), ("35-45", "35–45岁"), ("46-60", "46–60岁"), ("61-70", "61–70岁"),
             ("71-", "70岁以上")]
STANDING_BANDS = [("-9", "不满10年"), ("10-29", "10–29年"), ("30-49", "30–49年"), ("50-", "50年及以上（光荣在党50年）")]
STATUS_LABELS = dict(MemberStatus.choices)
EMPLOYMENT_LABELS = dict(Employment.choices)
STANDING_LABELS = dict(Standing.choices)
CARE_GROUPS = [("off_post", "离岗（离退休、下岗失业）"), ("floating", "流动党员（流出）"), ("lost_contact", "失联党员"),
               ("difficulty", "困难党员")]


# ---------------------------------------------------------------- filters


class _PlainDropdownFilter(DropdownFilter):
    """unfold's dropdown filter, rendered as a plain select with the same markup: a form and a
    select widget per filter cost a third of the roster's rendering, and the template engine's
    loop over the options another 3–5 ms a page, so the select is written here
    (``roster_filter_markup``) and ``roster_filter.html`` only places it."""

    template = "members/admin/roster_filter.html"

    def choices(self, changelist):
        current = self.value()
        options = ([self.all_option] if self.all_option else []) + list(self.lookup_choices)
        for value, label in options:
            yield {"value": value, "label": label, "selected": str(value) == str(current or "")}

    def markup(self) -> str:
        options = ([self.all_option] if self.all_option else []) + list(self.lookup_choices)
        return roster_filter_markup(self.parameter_name, str(self.title),
                                    tuple((str(value), str(label)) for value, label in options),
                                    str(self.value() or ""))


class _SelectorFilter(_PlainDropdownFilter):
    """A dropdown whose choice becomes one keyword of ``selectors.member_filter``."""

    selector_argument = ""
    choices_list: list[tuple[str, str]] = []

    def lookups(self, request, model_admin):
        return self.choices_list

    def queryset(self, request, queryset):
        value = self.value()
        if value in EMPTY_VALUES or value not in dict(self.lookup_choices):
            return queryset
        return selectors.member_filter(queryset, **{self.selector_argument: value})


class StatusFilter(_SelectorFilter):
    title = "党员类别"
    parameter_name = "status"
    selector_argument = "status"
    choices_list = MemberStatus.choices


class EmploymentFilter(_SelectorFilter):
    title = "就业状况"
    parameter_name = "employment"
    selector_argument = "employment"
    choices_list = Employment.choices


class CareGroupFilter(_SelectorFilter):
    title = "关爱对象"
    parameter_name = "care"
    selector_argument = "care_group"
    choices_list = CARE_GROUPS


class AgeBandFilter(_SelectorFilter):
    title = "年龄段"
    parameter_name = "age"
    selector_argument = "age_band"
    choices_list = AGE_BANDS


class StandingYearsFilter(_SelectorFilter):
    title = "党龄"
    parameter_name = "standing_years"
    selector_argument = "standing_years"
    choices_list = STANDING_BANDS


class EducationFilter(_SelectorFilter):
    title = "学历"
    parameter_name = "education"
    selector_argument = "education"

    def lookups(self, request, model_admin):
        return list(Code.objects.of(CodeTable.EDUCATION).order_by("sort_order", "code").values_list("code", "name"))


class StandingFilter(_PlainDropdownFilter):
    """On the roll by default; people who left stay reachable (their history is kept)."""

    title = "党籍状态"
    parameter_name = "standing"
    all_option = None

    def lookups(self, request, model_admin):
        return [("active", "在册"), ("left", "已不在册（去世、出党、转出）"), ("all", "全部")]

    def value(self):
        return super().value() or "active"

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value == "left":
            return queryset.exclude(standing=Standing.ACTIVE)
        return queryset.filter(standing=Standing.ACTIVE)


class ScopedAutocompleteForm(AutocompleteDropdownForm):
    """The selected organization is rendered from the actor's scope only (never another's name).
    Kept as the filter's ``form_class``: the admin's media (select2) is read from it."""

    def __init__(self, request, name, *args, **kwargs):
        super().__init__(request, name, *args, **kwargs)
        self.fields[name].queryset = scoping.narrow(request.user, PartyOrganization.objects.all())


class OrganizationSubtreeFilter(AutocompleteSelectFilter):
    """An organization and everything under it (a materialized-path prefix range).

    Rendered by ``roster_organization_filter.html`` as the markup unfold's autocomplete widget
    writes (same attributes, so select2 searches ``/admin/autocomplete/`` as before), without a
    form and a widget per request; the selected organization is the one ``queryset`` already
    read from the actor's scope, not a second query."""

    title = "党组织（含下级）"
    form_class = ScopedAutocompleteForm
    template = "members/admin/roster_organization_filter.html"
    selected = None

    def queryset(self, request, queryset):
        value = self.value()
        if value in EMPTY_VALUES:
            return queryset
        try:
            organization = scoping.narrow(request.user, PartyOrganization.objects.all()).filter(pk=value).first()
        except (ValueError, TypeError):
            organization = None
        if organization is None:
            return queryset.none()
        self.selected = organization
        return selectors.member_filter(queryset, organization=organization)

    def choices(self, changelist):
        yield {
            "name": self.lookup_kwarg,
            "url": reverse("admin:autocomplete", current_app=self.model_admin.admin_site.name),
            "app_label": self.field.model._meta.app_label,
            "model_name": self.field.model._meta.model_name,
            "field_name": self.field.name,
            "language": get_select2_language(),
            "selected": self.selected,
            # a value outside the actor's scope (or no organization at all): the form's error
            "error": (forms.ModelChoiceField.default_error_messages["invalid_choice"]
                      if self.selected is None and self.value() not in EMPTY_VALUES else ""),
        }


# ---------------------------------------------------------------- the roster


@functools.lru_cache(maxsize=256)
def _badge(text: str, tone: str = "") -> str:
    """A label's badge. The texts are the roster's fixed labels (statuses, employment, standing,
    care markers), so each badge is built once per process instead of once per cell."""
    tones = {
        "danger": "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-400",
        "warning": "bg-orange-100 text-orange-700 dark:bg-orange-500/20 dark:text-orange-400",
        "info": "bg-blue-100 text-blue-700 dark:bg-blue-500/20 dark:text-blue-400",
        "success": "bg-green-100 text-green-700 dark:bg-green-500/20 dark:text-green-400",
    }
    classes = tones.get(tone, "bg-base-500/8 text-base-700 dark:bg-base-500/20 dark:text-base-200")
    return format_html('<span class="inline-block font-semibold rounded-default text-[11px] whitespace-nowrap '
                       'h-5 leading-5 px-1.5 mr-1 {}">{}</span>', classes, text)


def _shown_on(member) -> datetime.date:
    """The day the roster page computes ages for (set per page by ``RosterChangeList``)."""
    return getattr(member, "shown_on", None) or timezone.localdate()


@admin.register(Member)
class MemberAdmin(ScopedHistoryAdmin):
    list_before_template = "members/admin/roster_tools.html"
    change_list_template = "members/admin/roster_change_list.html"
    form = MemberForm
    list_display = ["name_display", "sex_display", "id_number_masked", "birth_display", "organization_display",
                    "status_display", "employment_display", "standing_display", "phone_display", "care_markers"]
    list_display_links = ["name_display"]
    list_filter = [
        StandingFilter, ("organization", OrganizationSubtreeFilter), StatusFilter, EmploymentFilter,
        CareGroupFilter, AgeBandFilter, StandingYearsFilter, EducationFilter,
    ]
    list_filter_submit = True
    search_fields = ["name"]  # shows the box; the search itself is selectors.member_search
    search_help_text = "按姓名、全拼、拼音首字母、手机号开头或完整身份证号码查找"
    ordering = ("name_pinyin", "pk")
    show_full_result_count = False
    autocomplete_fields = ["organization", "workplace_unit", "residence_area"]
    change_form_outer_before_template = "members/admin/member_actions.html"
    change_form_outer_after_template = "members/admin/member_records.html"

    # --- reads -----------------------------------------------------------------------
    def get_changelist(self, request, **kwargs):
        # the total's own request builds the same list, counted instead of read (admin_roster.py)
        return RosterCountList if getattr(request, "roster_count_only", False) else RosterChangeList

    def get_queryset(self, request):
        return selectors.member_list_for(request.user, include_left=True)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # Django's count-then-page path ("show all", a page past the end): one bounded count
        return roster_paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_search_results(self, request, queryset, search_term):
        return selectors.member_search(queryset, search_term), False

    # --- columns -----------------------------------------------------------------------
    @display(description="姓名", ordering="name_pinyin")
    def name_display(self, obj):
        if obj.standing != Standing.ACTIVE:
            return format_html("{} {}", obj.name, _badge(STANDING_LABELS.get(obj.standing, obj.standing)))
        return obj.name

    @display(description="性别", ordering="sex__code")
    def sex_display(self, obj):
        return obj.sex_name  # member_roster_rows

    @display(description="性别（由身份证号码推算）")
    def sex_name(self, obj):
        return obj.sex.name

    @display(description="出生年月 / 年龄", ordering="birth_date")
    def birth_display(self, obj):
        return f"{obj.birth_date:%Y.%m} · {obj.age_on(_shown_on(obj))}岁"

    @display(description="所在党组织", ordering="organization__name_pinyin")
    def organization_display(self, obj):
        return obj.organization_name  # member_roster_rows

    @display(description="类别", ordering="status")
    def status_display(self, obj):
        label = STATUS_LABELS.get(obj.status, obj.status)
        if obj.status == MemberStatus.PROBATIONARY:
            return _badge(label, "warning")
        return label

    @display(description="就业状况", ordering="employment")
    def employment_display(self, obj):
        return EMPLOYMENT_LABELS.get(obj.employment, obj.employment)

    @display(description="党龄", ordering="full_member_on")
    def standing_display(self, obj):
        years = obj.standing_years_on(_shown_on(obj))
        if years is None:
            return "预备期"
        if years >= 50:
            return format_html("{}年 {}", years, _badge("光荣在党50年", "danger"))
        return f"{years}年"

    @display(description="联系电话")
    def phone_display(self, obj):
        return mask_phone(obj.phone) or "—"

    @display(description="关爱标记")
    def care_markers(self, obj):
        badges = []
        if obj.employment in OFF_POST:
            badges.append((EMPLOYMENT_LABELS[obj.employment], "info"))
        if obj.floating_record_id:  # member_roster_rows
            badges.append(("流动", "warning"))
        if obj.lost_contact_since:
            badges.append(("失联", "danger"))
        if obj.has_difficulty:
            badges.append(("困难", "danger"))
        if not badges:
            return ""
        return format_html_join("", "{}", ((_badge(text, tone),) for text, tone in badges))

    # --- the form ------------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        basics = ["name", "id_number", "ethnicity", "education", "phone"]
        if obj is not None:
            basics[2:2] = ["sex_name", "birth_date"]
            basics.append("expected_version")
        party = ["organization", "status", "joined_on", "full_member_on"]
        if obj is not None:
            party += ["standing", "left_on", "lost_contact_since"]
        return [
            ("基本信息", {"fields": basics}),
            ("党籍信息", {"fields": party}),
            ("工作与居住", {"fields": ["employment", "workplace_unit", "workplace_text", "residence_area"]}),
            ("关爱帮扶", {"fields": ["has_difficulty", "difficulty_reason", "notes"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ("sex_name", "birth_date", "standing", "left_on", "lost_contact_since")
        if obj.standing != Standing.ACTIVE:
            readonly += ("organization", "status", "joined_on", "full_member_on")
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.standing != Standing.ACTIVE:
            return False  # kept as history; nothing more to change
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # members are never deleted: death, removal or withdrawal is a lifecycle step

    def save_through_service(self, request, *, original, data, change):
        fields = {name: data.get(name) for name in services.MEMBER_FIELDS if name in data}
        for text_field in ("phone", "workplace_text", "difficulty_reason", "notes"):
            fields[text_field] = fields.get(text_field) or ""
        if not change:
            return services.member_create(actor=request.user, request=request, **fields)
        fields.pop("organization", None)  # moving is a transfer
        if not fields.get("id_number"):
            fields.pop("id_number", None)
        return services.member_update(actor=request.user, member=original, request=request,
                                      expected_version=data.get("expected_version"), **fields)

    # --- the change page: records, actions, reveal -------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        member = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if member is not None:
            extra.update(self.member_page_context(request, member))
        return super().change_view(request, object_id, form_url, extra)

    def member_page_context(self, request, member):
        actor = request.user
        may_write = scoping.can_write(actor, member) and member.standing == Standing.ACTIVE
        transfers = list(member.transfers.select_related("from_organization", "to_organization"))
        floating = list(member.floating_records.select_related("host_organization"))
        return {
            "member": member,
            "may_write": may_write,
            "may_reveal": services.may_reveal_id_number(actor, member),
            "transfers": transfers,
            "transfer_in_transit": next((t for t in transfers if t.status == TransferStatus.ISSUED), None),
            "floating_records": floating,
            "open_outflow": next((r for r in floating if r.is_open and r.direction == FloatingDirection.OUTFLOW),
                                 None),
            "care_visits": list(member.care_visits.all()[:20]),
            "member_age": member.age_on(timezone.localdate()),
            "standing_years": member.standing_years_on(timezone.localdate()),
        }

    def get_urls(self):
        custom = [
            path("count/", self.admin_site.admin_view(self.roster_count_view), name="members_member_count"),
            path("<path:object_id>/reveal-id/", self.admin_site.admin_view(self.reveal_id_view),
                 name="members_member_reveal_id"),
        ]
        return custom + super().get_urls()

    def roster_count_view(self, request):
        """GET: the total of the roster the page shows (same query string), asked for by the
        page after it is shown. The list is the changelist's own (scope, filters, search), so
        it counts nothing the page would not list; a filter outside the scope counts 0."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        request.roster_count_only = True
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("筛选条件无效。")
        return TemplateResponse(request, "members/admin/_roster_total.html", {"cl": changelist, "opts": self.opts})

    def reveal_id_view(self, request, object_id):
        """POST: show the full ID number once, audited. Only administrators who write to the member."""
        try:
            member = self.get_queryset(request).get(pk=object_id)
        except (Member.DoesNotExist, ValueError, TypeError):
            raise Http404("党员不存在。") from None
        change_url = reverse("admin:members_member_change", args=[member.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not services.may_reveal_id_number(request.user, member):
            raise PermissionDenied("您没有查看完整身份证号码的权限。")
        number = services.member_reveal_id_number(actor=request.user, member=member, request=request,
                                                  purpose=(request.POST.get("purpose") or "")[:200])
        context = {"member": member, "id_number": number, "change_url": change_url}
        if getattr(request, "htmx", False):
            return render(request, "members/admin/_revealed_id.html", context)
        return TemplateResponse(request, "members/admin/revealed_id.html", {
            **self.admin_site.each_context(request), **context, "title": f"{member.name}的身份证号码",
            "opts": self.model._meta,
        })
