"""Back-office pages for users, role assignments, API tokens and the audit log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from dangjian.accounts import grant_targets, scoping, selectors, services, two_factor
from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.accounts.models import ApiToken, AuditArchive, AuditEntry, RoleAssignment, User


class RoleAssignmentInline(TabularInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ["role", "area", "organization", "unit", "school", "granted_at", "granted_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return scoping.has_any_role(request.user) or scoping.is_security_admin(request.user)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Accounts are managed by city administrators (and the system superuser)."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "display_name", "phone", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["username", "display_name", "phone"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    actions_detail = ["reset_two_factor"]

    def get_queryset(self, request):
        return selectors.users_for(request.user)

    def has_reset_two_factor_permission(self, request, object_id=None):
        return scoping.is_security_admin(request.user)

    @action(description=_("重置双因素认证"), url_path="reset-two-factor", permissions=["reset_two_factor"])
    def reset_two_factor(self, request, object_id):
        """GET: what a reset does; POST: the user's authenticator and recovery codes are removed
        (they bind a new one at their next sign-in). Security administrator only; audited."""
        user = get_object_or_404(selectors.users_for(request.user), pk=object_id)
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if request.method == "POST":
            two_factor.second_factor_reset(actor=request.user, user=user, request=request)
            messages.success(request, _("已重置%(user)s的双因素认证，其下次登录时须重新绑定验证器。") % {"user": user})
            return redirect(change_url)
        return render(request, "accounts/admin/two_factor_reset.html", {
            **self.admin_site.each_context(request), "title": _("重置双因素认证"), "target": user,
            "enrolled": two_factor.confirmed_totp(user) is not None, "change_url": change_url,
            "opts": self.model._meta,
        })

    def has_module_permission(self, request):
        return scoping.may_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return scoping.has_any_role(request.user) or scoping.is_security_admin(request.user)

    def has_add_permission(self, request):
        return scoping.may_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        return scoping.may_manage_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: the audit log refers to them

    def get_form(self, request, obj=None, **kwargs):
        # The stock user forms validate passwords and uniqueness themselves; no service form.
        return DjangoUserAdmin.get_form(self, request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.is_staff = True
        obj.save()


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "area", "organization", "unit", "school"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "area", "organization", "unit", "school", "granted_at", "granted_by"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "area", "organization", "unit", "school", "granted_by"]
    autocomplete_fields = ["user", "unit"]

    def get_queryset(self, request):
        return selectors.role_assignments_for(request.user).select_related(*self.list_select_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if scoping.is_security_admin(request.user):
            # The security administrator grants anywhere but holds no data scope of their own:
            # what a role is granted over is searched by name (grant_targets.py), not listed.
            kwargs["queryset"] = db_field.related_model._default_manager.all()
            if db_field.name in grant_targets.GRANT_TARGETS:
                kwargs["widget"] = grant_targets.GrantTargetWidget(db_field, self.admin_site)
            return super(ScopedAdmin, self).formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        search = self.admin_site.admin_view(grant_targets.GrantTargetSearch.as_view(admin_site=self.admin_site))
        return [path("grant-targets/", search, name=grant_targets.URL_NAME), *super().get_urls()]

    def _manages_roles(self, request):
        return scoping.may_write_anything(request.user) or scoping.is_security_admin(request.user)

    def has_module_permission(self, request):
        return scoping.has_any_role(request.user) or scoping.is_security_admin(request.user)

    def has_view_permission(self, request, obj=None):
        if scoping.is_security_admin(request.user):
            return True
        return super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._manages_roles(request)

    def has_change_permission(self, request, obj=None):
        # An assignment is granted or revoked, never edited in place.
        return obj is None and self._manages_roles(request)

    def has_delete_permission(self, request, obj=None):
        if scoping.is_security_admin(request.user):
            return True
        return super().has_delete_permission(request, obj)

    def save_through_service(self, request, *, original, data, change):
        return services.role_grant(actor=request.user, user=data["user"], role=data["role"], area=data.get("area"),
                                   organization=data.get("organization"), unit=data.get("unit"),
                                   school=data.get("school"), request=request)

    def delete_through_service(self, request, obj):
        services.role_revoke(actor=request.user, assignment=obj, request=request)


class ApiTokenForm(forms.ModelForm):
    valid_days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=3650, initial=365)

    class Meta:
        model = ApiToken
        fields = ["user", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    form = ApiTokenForm
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_select_related = ["user"]
    readonly_fields = ["prefix", "created_at", "created_by", "expires_at", "revoked_at", "last_used_at"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]

    def get_queryset(self, request):
        return selectors.token_list_for(request.user)

    def has_module_permission(self, request):
        return scoping.may_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return scoping.may_manage_accounts(request.user) or (obj is not None and obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return scoping.may_manage_accounts(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, *, original, data, change):
        token, secret = services.token_issue(actor=request.user, user=data["user"], name=data["name"],
                                             valid_days=data.get("valid_days"), request=request)
        messages.warning(request, _("令牌已签发，请立即复制保存，此后不再显示：%(secret)s") % {"secret": secret})
        return token

    @admin.action(description=_("吊销所选令牌"))
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(actor=request.user, token=token, request=request)
            revoked += 1
        self.message_user(request, _("已吊销 %(count)d 个令牌。") % {"count": revoked})

    def get_actions(self, request):
        return ModelAdmin.get_actions(self, request) if scoping.may_manage_accounts(request.user) else {}


@admin.register(AuditEntry)
class AuditEntryAdmin(ModelAdmin):
    """Read-only, for the audit administrator alone (三员分立): search, filter, export; nobody edits
    or deletes an entry."""

    list_display = ["at", "actor_label", "action", "object_type", "object_repr", "source_ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "object_id", "source_ip"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = ["export_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditEntry._meta.fields]

    def has_module_permission(self, request):
        return scoping.is_audit_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return scoping.is_audit_admin(request.user)

    @admin.action(description=_("导出所选审计日志（.xlsx）"))
    def export_selected(self, request, queryset):
        from dangjian.accounts.audit_export import audit_entries_workbook_response

        return audit_entries_workbook_response(actor=request.user, entries=queryset, request=request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditArchive)
class AuditArchiveAdmin(ModelAdmin):
    """The archive files the old audit entries were moved into (read-only, audit administrator)."""

    list_display = ["created_at", "file_name", "first_entry_id", "last_entry_id", "entry_count", "file_sha256"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in AuditArchive._meta.fields]

    def has_module_permission(self, request):
        return scoping.is_audit_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return scoping.is_audit_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
