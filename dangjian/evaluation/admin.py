"""Assessment in the admin: read-only lists for the evaluating office (narrowed by scoping).
Schemes are written on the /evaluation/ pages and the API, which call the services; a scheme's
indicators, weights and versions must be checked together, which an admin inline cannot do."""

from django.contrib import admin
from unfold.admin import TabularInline

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.evaluation.models import AssessmentScheme, Indicator, Score


class _ReadOnly:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorInline(_ReadOnly, TabularInline):
    model = Indicator
    fields = ("code", "name", "kind", "weight", "metric_key", "target", "baseline", "curve", "evidence_required")
    readonly_fields = fields
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(_ReadOnly, ScopedAdmin):
    list_display = ("name", "year", "level", "version", "evaluator_area", "published_at")
    list_filter = ("year", "level")
    list_select_related = ("evaluator_area",)
    inlines = [IndicatorInline]
    readonly_fields = ("name", "year", "level", "version", "evaluator_area", "supersedes", "title_label",
                       "title_top_share", "title_min_score", "published_at", "created_by", "created_at")
    fields = readonly_fields


@admin.register(Score)
class ScoreAdmin(_ReadOnly, ScopedAdmin):
    list_display = ("area", "total", "rank", "title", "run")
    list_select_related = ("area", "run__scheme")
    readonly_fields = ("run", "area", "total", "rank", "title", "previous_total", "previous_rank")
    fields = readonly_fields
