"""Back-office lists of dues records (read-only: every write has its own page and service, which
check the caps, the months already paid and the rate table; the admin's generic form would not)."""

from django.contrib import admin

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.dues.models import DuesDeclaration, DuesExemption, DuesPayment


class ReadOnlyDuesAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuesPayment)
class DuesPaymentAdmin(ReadOnlyDuesAdmin):
    list_display = ("member", "month", "amount", "due_amount", "paid_on", "to_centre", "recorded_by")
    list_select_related = ("member", "recorded_by")
    list_filter = ("to_centre",)
    ordering = ("-month", "member_id")


@admin.register(DuesDeclaration)
class DuesDeclarationAdmin(ReadOnlyDuesAdmin):
    list_display = ("member", "category", "income_base", "agreed_amount", "effective_from", "declared_by",
                    "declared_at")
    list_select_related = ("member", "declared_by")
    list_filter = ("category",)


@admin.register(DuesExemption)
class DuesExemptionAdmin(ReadOnlyDuesAdmin):
    list_display = ("member", "from_month", "to_month", "reason", "approval", "recorded_by")
    list_select_related = ("member", "recorded_by")
