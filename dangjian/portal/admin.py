"""The portal in the back office: member accounts and issuing activation codes (with slips
to print and a list to export), and the correction requests members send their branch."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.decorators import display

from dangjian.accounts import audit, scoping
from dangjian.accounts.admin_base import ScopedAdmin, first_message
from dangjian.members import selectors as member_selectors
from dangjian.members.models import Employment, ImportBatch, MemberStatus
from dangjian.notices.models import Audience
from dangjian.organizations.models import PartyOrganization
from dangjian.portal import selectors, services, slips
from dangjian.portal.models import ActivationCode, CorrectionRequest, MemberAccount

PREVIEW_ROWS = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ReadOnly:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# ---------------------------------------------------------------- accounts and codes


class IssueForm(forms.Form):
    """Which members get a code: one (``member``), a roster filter, or an import batch."""

    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label="姓名、拼音、手机号或身份证号", required=False)
    organization = forms.ModelChoiceField(label="党组织（含下级）", queryset=PartyOrganization.objects.none(),
                                          required=False)
    status = forms.ChoiceField(label="党员类别", required=False, choices=[("", "全部"), *MemberStatus.choices])
    employment = forms.ChoiceField(label="就业状况", required=False, choices=[("", "全部"), *Employment.choices])
    care_group = forms.ChoiceField(label="关爱对象", required=False, choices=[
        ("", "全部"), *[(value, label) for value, label in Audience.choices if value not in ("", "probationary")]])
    import_batch = forms.ModelChoiceField(label="导入批次", queryset=ImportBatch.objects.none(), required=False)
    without_account = forms.BooleanField(label="只签发给尚未激活的党员", required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scoping.narrow(actor, PartyOrganization.objects.all(), write=True)
        self.fields["import_batch"].queryset = scoping.narrow(actor, ImportBatch.objects.filter(state="done"))

    def members(self, actor):
        data = self.cleaned_data
        # can_write decides from the organization and its area: fetched with the page, no query per member
        members = member_selectors.member_list_for(actor).select_related("organization__area")
        if data.get("member"):
            return members.filter(pk=data["member"])
        members = member_selectors.member_search(members, data.get("q") or "")
        members = member_selectors.member_filter(members, organization=data.get("organization"),
                                                 status=data.get("status") or None,
                                                 employment=data.get("employment") or None,
                                                 care_group=data.get("care_group") or None)
        if data.get("import_batch"):
            members = members.filter(import_batch=data["import_batch"])
        if data.get("without_account"):
            members = members.filter(portal_account__isnull=True)
        return members

    def described(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}


@admin.register(MemberAccount)
class MemberAccountAdmin(_ReadOnly, ScopedAdmin):
    list_display = ["member", "organization_display", "phone_display", "activated_at"]
    search_fields = ["member__name", "member__name_pinyin"]
    list_select_related = ["member", "member__organization", "user"]

    def get_queryset(self, request):
        return selectors.account_list_for(request.user)

    @display(description="所在党组织")
    def organization_display(self, obj):
        return obj.member.organization.name

    @display(description="手机号码")
    def phone_display(self, obj):
        from dangjian.core.masking import mask_phone

        return mask_phone(obj.user.phone)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("issue/", wrap(self.issue_view), name="portal_memberaccount_issue"),
            path("slips/<str:key>/", wrap(self.slips_view), name="portal_memberaccount_slips"),
            path("slips/<str:key>/export.xlsx", wrap(self.slips_export_view), name="portal_memberaccount_export"),
        ] + super().get_urls()

    def _require_writer(self, request):
        if not scoping.may_write_anything(request.user):
            raise PermissionDenied("您没有权限签发激活码。")

    def issue_view(self, request):
        """GET: choose members and preview; POST: issue a code to each, then show the slips."""
        self._require_writer(request)
        data = request.POST if request.method == "POST" else (request.GET or None)
        form = IssueForm(data, actor=request.user)
        preview, total = [], None
        if data is not None and form.is_valid():
            members = form.members(request.user)
            if request.method == "POST":
                try:
                    result = services.activation_codes_issue(
                        actor=request.user, members=members[:settings.PORTAL["MAX_CODES_PER_ISSUE"] + 1],
                        request=request, **form.described())
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, first_message(error))
                else:
                    key = slips.remember(request, result)
                    messages.success(request, f"已为{len(result['issued'])}名党员签发激活码，请打印或导出后发给本人。")
                    return HttpResponseRedirect(reverse("admin:portal_memberaccount_slips", args=[key]))
            preview = list(members.select_related("organization")[:PREVIEW_ROWS])
            total = members.count() if len(preview) == PREVIEW_ROWS else len(preview)
        return TemplateResponse(request, "portal/admin/issue.html", {
            **self.admin_site.each_context(request), "title": "签发党员门户激活码", "form": form,
            "preview": preview, "total": total, "opts": self.model._meta,
        })

    def slips_view(self, request, key):
        self._require_writer(request)
        context = slips.recall(request, key)
        return TemplateResponse(request, "portal/admin/slips.html", {
            **context, "title": "党员门户激活码", "key": key,
            "activate_url": request.build_absolute_uri(reverse("portal:activate")),
        })

    def slips_export_view(self, request, key):
        self._require_writer(request)
        context = slips.recall(request, key)
        content = slips.workbook(context, request.build_absolute_uri(reverse("portal:activate")))
        audit.record_export(actor=request.user, what="portal_activation_codes", rows=len(context["slips"]),
                            request=request)
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''portal-codes.xlsx"
        return response


@admin.register(ActivationCode)
class ActivationCodeAdmin(_ReadOnly, ScopedAdmin):
    """Which codes are out, used, void or expired (the codes themselves are never shown again)."""

    list_display = ["member", "organization_display", "issued_at", "expires_at", "state_display", "issued_by"]
    search_fields = ["member__name", "member__name_pinyin"]
    fields = ["member", "issued_at", "expires_at", "used_at", "revoked_at", "issued_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.code_list_for(request.user)

    @display(description="所在党组织")
    def organization_display(self, obj):
        return obj.member.organization.name

    @display(description="状态")
    def state_display(self, obj):
        if obj.used_at:
            return "已使用"
        if obj.revoked_at:
            return "已作废"
        return "未使用" if obj.is_usable else "已过期"


# ---------------------------------------------------------------- correction requests


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(_ReadOnly, ScopedAdmin):
    list_display = ["member", "organization_display", "fields_display", "created_at", "state"]
    list_filter = ["state"]
    search_fields = ["member__name", "member__name_pinyin"]
    fields = ["member", "created_at", "note", "state", "decided_by", "decided_at", "decision_reason"]
    readonly_fields = fields
    change_form_outer_after_template = "portal/admin/correction_decide.html"

    def get_queryset(self, request):
        return selectors.correction_list_for(request.user)

    @display(description="所在党组织")
    def organization_display(self, obj):
        return obj.member.organization.name

    @display(description="申请更正")
    def fields_display(self, obj):
        return "、".join(row["label"] for row in services.correction_rows(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if correction is not None:
            extra.update({
                "correction": correction, "rows": services.correction_rows(correction),
                "may_decide": correction.state == "pending" and scoping.can_write(request.user, correction.member),
                "history_url": reverse("admin:members_member_history", args=[correction.member_id]),
            })
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        return [
            path("<path:object_id>/decide/", self.admin_site.admin_view(self.decide_view),
                 name="portal_correctionrequest_decide"),
        ] + super().get_urls()

    def decide_view(self, request, object_id):
        """POST ``decision`` = approve | reject (with ``reason``). Outside scope: 404."""
        correction = selectors.correction_get_for(request.user, object_id)
        change_url = reverse("admin:portal_correctionrequest_change", args=[correction.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.correction_request_approve(actor=request.user, correction=correction, request=request)
                messages.success(request, f"已同意并更新{correction.member.name}的信息。")
            elif decision == "reject":
                services.correction_request_reject(actor=request.user, correction=correction,
                                                   reason=request.POST.get("reason", ""), request=request)
                messages.success(request, "已驳回该申请。")
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, first_message(error))
        return HttpResponseRedirect(change_url)
