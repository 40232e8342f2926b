"""Notices in the back office: post one (through ``notices.services.notice_post``) and see
who has read it and who has not."""

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from unfold.decorators import display

from dangjian.accounts.admin_base import ScopedAdmin
from dangjian.notices import selectors, services
from dangjian.notices.models import Notice, NoticeRead

READERS_SHOWN = 200


@admin.register(Notice)
class NoticeAdmin(ScopedAdmin):
    list_display = ["title", "target_display", "audience", "posted_at", "author", "read_display"]
    list_filter = ["audience"]
    search_fields = ["title"]
    fields = ["title", "body", "organization", "area", "audience"]
    autocomplete_fields = ["organization", "area"]
    change_form_outer_after_template = "notices/admin/reads.html"

    def get_queryset(self, request):
        reads = (NoticeRead.objects.filter(notice=OuterRef("pk")).order_by().values("notice")
                 .annotate(n=Count("pk")).values("n"))
        return selectors.notice_list_for(request.user).annotate(read_count=Coalesce(Subquery(reads), 0))

    @display(description="发送范围")
    def target_display(self, obj):
        return obj.target

    @display(description="已读人数")
    def read_display(self, obj):
        return obj.read_count

    # Posted notices are not edited: a reader must be able to trust what they read.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, *, original, data: dict, change: bool):
        return services.notice_post(actor=request.user, title=data.get("title"), body=data.get("body"),
                                    organization=data.get("organization"), area=data.get("area"),
                                    audience=data.get("audience") or "", request=request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        notice = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if notice is not None:
            readers = selectors.notice_readers(notice)
            non_readers = selectors.notice_non_readers(notice)
            extra.update({
                "notice": notice,
                "readers": list(readers[:READERS_SHOWN]),
                "reader_count": readers.count(),
                "non_readers": list(non_readers[:READERS_SHOWN]),
                "non_reader_count": non_readers.count(),
                "shown_limit": READERS_SHOWN,
            })
        return super().change_view(request, object_id, form_url, extra)
