"""Reads of organizational life that reach a user, narrowed by accounts.scoping: an object
outside scope is a 404 that reveals nothing."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.organizations.models import BRANCH_KINDS, PartyOrganization
from dangjian.orglife.compliance import Branch, branch_facts
from dangjian.orglife.models import AttendanceStatus, OrgLifeMeeting
from dangjian.orglife.services import roster_filter


def meeting_list_for(actor) -> QuerySet:
    return (scoping.narrow(actor, OrgLifeMeeting.objects.all())
            .select_related("organization", "organization__area")
            .annotate(present_count=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
                      attendance_count=Count("attendance"))
            .order_by("-held_on", "-id"))


def meeting_get_for(actor, pk) -> OrgLifeMeeting:
    try:
        return meeting_list_for(actor).select_related("recorded_by").get(pk=pk)
    except (OrgLifeMeeting.DoesNotExist, ValueError, TypeError):
        raise Http404("会议不存在。") from None


def meeting_filter(queryset: QuerySet, *, organization=None, kind: str = "", year: int | None = None,
                   status: str = "") -> QuerySet:
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(held_on__year=year)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def meeting_attendance(meeting: OrgLifeMeeting) -> QuerySet:
    return meeting.attendance.select_related("member").order_by("member__name_pinyin", "pk")


def meeting_attachments(meeting: OrgLifeMeeting) -> QuerySet:
    return meeting.attachments.all()


def attachment_get_for(actor, meeting: OrgLifeMeeting, pk):
    try:
        return scoping.narrow(actor, meeting.attachments.all()).get(pk=pk)
    except (meeting.attachments.model.DoesNotExist, ValueError, TypeError):
        raise Http404("附件不存在。") from None


def meeting_roster(meeting: OrgLifeMeeting) -> QuerySet:
    """Who may be on the meeting's attendance (the branch and its groups, plus hosted inflow members)."""
    from dangjian.members.models import Member

    return (Member.objects.filter(roster_filter(meeting.organization, meeting.held_on))
            .distinct().select_related("organization").order_by("name_pinyin", "pk"))


def branch_list_for(actor, *, write: bool = False) -> QuerySet:
    """The branches the actor may see (or record meetings for)."""
    return (scoping.narrow(actor, PartyOrganization.objects.filter(kind__in=BRANCH_KINDS, is_active=True),
                           write=write).select_related("area").order_by("path"))


def branch_get_for(actor, pk) -> PartyOrganization:
    try:
        return branch_list_for(actor).get(pk=pk)
    except (PartyOrganization.DoesNotExist, ValueError, TypeError):
        raise Http404("党支部不存在。") from None


def branch_facts_for(branch: PartyOrganization) -> Branch:
    return branch_facts(PartyOrganization.objects.filter(pk=branch.pk))[0]


def ledger_meetings(branch: PartyOrganization, year: int) -> list[OrgLifeMeeting]:
    """The year's meetings of the branch with their attendance (two queries), for the ledger."""
    return list(OrgLifeMeeting.objects.filter(organization=branch, held_on__gte=datetime.date(year, 1, 1),
                                              held_on__lte=datetime.date(year, 12, 31))
                .prefetch_related("attendance__member").order_by("held_on", "pk"))


def attendee_get_for(actor, meeting: OrgLifeMeeting, pk):
    """A member named on a meeting's attendance: anyone on its roster (a floating member hosted
    here may belong to an organization outside the actor's scope), else a member in scope —
    whom the service then refuses as not in the branch; else 404."""
    from dangjian.members import selectors as member_selectors

    found = meeting_roster(meeting).filter(pk=pk).first() if isinstance(pk, int) else None
    return found or member_selectors.member_get_for(actor, pk)
