"""Indicators over organizational life: meetings held, periods missed by kind, and the share of
due periods that were held — all from the records and the LIFE frequencies (compliance.py)."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import metrics
from dangjian.orglife.compliance import RULE_OF_KIND
from dangjian.orglife.models import MeetingKind, MeetingStatus, OrgLifeMeeting
from dangjian.orglife.rules import scope_misses

MEETING_AREA = "organization__area__"


def _held(scope, period):
    return scope.narrow(OrgLifeMeeting.objects.filter(status=MeetingStatus.HELD, held_on__gte=period.start,
                                                      held_on__lte=period.end), MEETING_AREA).order_by()


def _as_of(period):
    """The end of the period, or today while it is still running (a month not over is not missed)."""
    return min(period.end, timezone.localdate())


def _list_url(scope):
    return reverse("orglife:list")


@metrics.register(key="orglife.meetings_held", label="召开组织生活会议", unit="次", records_url=_list_url,
                  description="期内各党支部已召开的“三会一课”、主题党日、组织生活会和民主评议党员")
def meetings_held(scope, period):
    return _held(scope, period).count()


@metrics.register(key="orglife.held_by_kind", label="组织生活会议类型", unit="次", breakdown=True,
                  records_url=_list_url, description="期内已召开的会议按类型")
def held_by_kind(scope, period):
    counts = dict(_held(scope, period).values_list("kind").annotate(n=Count("pk")))
    return {str(label): counts.get(value, 0) for value, label in MeetingKind.choices}


@metrics.register(key="orglife.missed_by_kind", label="未按期召开（期数）", unit="期", breakdown=True,
                  records_url=lambda scope: reverse("orglife:branches"),
                  description="截至期末前12个月内应开未开的期数，按会议类型（LIFE-01…07，频次见 RULES.md）")
def missed_by_kind(scope, period):
    found = scope_misses(scope, _as_of(period))
    return {str(MeetingKind(kind).label): sum(len(miss.periods) for miss in found[code])
            for kind, code in RULE_OF_KIND.items()}
