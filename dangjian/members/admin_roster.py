"""The roster changelist's page and its total, counted apart.

The page request never counts the list: it reads one row past the page (is there a next page?)
and, when the list goes on, leaves the total to a small request the page makes once it is shown
(``MemberAdmin.roster_count_view``, htmx ``hx-trigger="load"``). That request builds the same
changelist (the same scope, filters and search: ``RosterCountList`` differs only in what it
fetches) and runs the one bounded count; its answer replaces the placeholder and, below the cap,
brings the numbered pagination (an out-of-band swap). On the reference city the bounded count
of a filtered district or city list is 15–45 ms of SQL: the rows are shown without waiting for
it. Without JavaScript the page is whole but for the total (previous/next paging works).
"""

from django.core.paginator import Paginator
from django.utils import timezone
from unfold.paginator import InfinitePaginator
from unfold.views import ChangeList

from dangjian.members import selectors

# Past this many rows (a district or the city) the roster pages forward without an exact count:
# COUNT(*) over the city alone eats the page budget (ARCHITECTURE.md "Scale and budgets").
ROSTER_COUNT_CAP = 10_000


def bounded_count(queryset) -> int:
    """The list's size up to the cap plus one, without the page's ordering."""
    return queryset.order_by().values("pk")[: ROSTER_COUNT_CAP + 1].count()


def roster_paginator(queryset, per_page, orphans=0, allow_empty_first_page=True):
    """A paginator from one bounded count: exact up to the cap, and past it (a district, the
    city) the pages go forward without a total."""
    count = bounded_count(queryset)
    if count > ROSTER_COUNT_CAP:
        return InfinitePaginator(queryset, per_page, orphans, allow_empty_first_page)
    return CountedPaginator(queryset, per_page, count=count, orphans=orphans,
                            allow_empty_first_page=allow_empty_first_page)


class CountedPaginator(Paginator):
    """A paginator told its count."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count


class RosterChangeList(ChangeList):
    """The roster page: one lean page query, no count, and per-page lookups.

    unfold renders each row's cells with the column headers recomputed (STACK_NOTES.md,
    "unfold's render cost"); their sort links are the same for the whole page, so each query
    string and the ordering columns are computed once per changelist (the rows themselves are
    rendered by ``members/templatetags/roster_list.py``)."""

    count_deferred = False  # the page asks for its total after it is shown
    count_is_capped = False

    @property
    def count_cap(self) -> int:
        return ROSTER_COUNT_CAP

    def get_queryset(self, request, exclude_parameters=None):
        # the columns shown, no join before the LIMIT (a street page on the city: 56 → ~12 ms)
        return selectors.member_roster_rows(super().get_queryset(request, exclude_parameters))

    def get_results(self, request):
        if self.show_all or self.page_num < 1 or not self._page_without_count():
            # "show all" and a page past the end keep Django's count-then-page path
            super().get_results(request)
            self.count_is_capped = isinstance(self.paginator, InfinitePaginator)
        self._mark_rows()

    def _page_without_count(self) -> bool:
        """The page and one row more: the total is known when this is the last page."""
        per_page = self.list_per_page
        offset = (self.page_num - 1) * per_page
        rows = list(self.queryset[offset:offset + per_page + 1])
        if not rows and self.page_num > 1:
            return False
        more = len(rows) > per_page
        self.result_list = rows[:per_page]
        self.full_result_count = None
        self.show_full_result_count = False
        self.show_admin_actions = True
        if more:
            self.count_deferred = True
            self.paginator = InfinitePaginator(self.queryset, per_page)
            self.result_count = self.paginator.count
            self.multi_page = True
            self.can_show_all = False
            return True
        total = offset + len(rows)
        self.paginator = CountedPaginator(self.queryset, per_page, count=total)
        self.result_count = total
        self.multi_page = total > per_page
        self.can_show_all = total <= self.list_max_show_all
        return True

    def _mark_rows(self):
        today = timezone.localdate()  # once per page, not twice per row
        for member in self.result_list:
            member.shown_on = today

    def get_query_string(self, new_params=None, remove=None):
        key = (tuple(sorted((new_params or {}).items(), key=lambda item: item[0])), tuple(remove or ()))
        cache = self.__dict__.setdefault("_query_strings", {})
        if key not in cache:
            cache[key] = super().get_query_string(new_params, remove)
        return cache[key]

    def get_ordering_field_columns(self):
        if "_ordering_field_columns" not in self.__dict__:
            self._ordering_field_columns = super().get_ordering_field_columns()
        return self._ordering_field_columns


class RosterCountList(RosterChangeList):
    """The same list as the page (scope, filters, search, page number), counted and not read:
    the total the page asked for, with the paginator the page would have had with it."""

    def get_results(self, request):
        paginator = roster_paginator(self.queryset, self.list_per_page)
        self.paginator = paginator
        self.result_list = []
        self.count_is_capped = isinstance(paginator, InfinitePaginator)
        self.result_count = paginator.count
        self.full_result_count = None
        self.show_full_result_count = False
        self.multi_page = paginator.count > self.list_per_page
        self.can_show_all = paginator.count <= self.list_max_show_all
        # the numbered pages are sent with the total when the page asking is one of them
        self.sends_pagination = not self.count_is_capped and 1 <= self.page_num <= paginator.num_pages
