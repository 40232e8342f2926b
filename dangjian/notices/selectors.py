"""Reads of notices: the back office's scoped lists, a member's notices resolved at read time,
and who has (not) read a notice.

A member's notices are found from the member's side: the notices aimed at one of the
ancestors of the member's organization (or of the area it sits in) — a handful of indexed
``path IN (…)`` lookups — then narrowed to the care groups the member belongs to. Nothing is
stored per member until they read.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.members.models import OFF_POST, FloatingDirection, FloatingRecord, Member, MemberStatus
from dangjian.members.selectors import member_filter
from dangjian.notices.models import Audience, Notice, NoticeRead
from dangjian.organizations.models import Area, PartyOrganization

# ---------------------------------------------------------------- back office


def notice_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Notice.objects.all()).select_related("organization", "area", "author")


def notice_get_for(actor, pk) -> Notice:
    try:
        return notice_list_for(actor).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404("通知不存在。") from None


def notice_audience(notice: Notice) -> QuerySet:
    """The on-roll members a notice is addressed to, as of now."""
    members = Member.objects.on_roll()
    if notice.organization_id:
        organizations = PartyOrganization.objects.filter(path__startswith=notice.organization.path)
    else:
        organizations = PartyOrganization.objects.filter(area__path__startswith=notice.area.path)
    members = members.filter(organization__in=organizations.values("pk"))
    if notice.audience == Audience.PROBATIONARY:
        return members.filter(status=MemberStatus.PROBATIONARY)
    if notice.audience:
        return member_filter(members, care_group=notice.audience)
    return members


def notice_readers(notice: Notice) -> QuerySet:
    return (NoticeRead.objects.filter(notice=notice).select_related("member", "member__organization")
            .order_by("-read_at", "-id"))


def notice_non_readers(notice: Notice) -> QuerySet:
    return (notice_audience(notice).exclude(Exists(NoticeRead.objects.filter(notice=notice, member=OuterRef("pk"))))
            .select_related("organization"))


# ---------------------------------------------------------------- the member's side


def _ancestor_paths(path: str, steplen: int) -> list[str]:
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]


def member_care_groups(member: Member) -> list[str]:
    groups = [Audience.EVERYONE.value]
    if member.employment in OFF_POST:
        groups.append(Audience.OFF_POST.value)
    if member.lost_contact_since:
        groups.append(Audience.LOST_CONTACT.value)
    if member.status == MemberStatus.PROBATIONARY:
        groups.append(Audience.PROBATIONARY.value)
    if member.has_difficulty:
        groups.append(Audience.DIFFICULTY.value)
    if FloatingRecord.objects.filter(member=member, direction=FloatingDirection.OUTFLOW,
                                     ended_on__isnull=True).exists():
        groups.append(Audience.FLOATING.value)
    return groups


def notices_for_member(member: Member) -> QuerySet:
    """The notices addressed to ``member``, newest first, each with ``is_read``."""
    organization = member.organization
    organization_paths = _ancestor_paths(organization.path, PartyOrganization.steplen)
    area_paths = _ancestor_paths(organization.area.path, Area.steplen)
    return (Notice.objects
            .filter(Q(organization__path__in=organization_paths) | Q(area__path__in=area_paths))
            .filter(audience__in=member_care_groups(member))
            .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), member=member)))
            .select_related("organization", "area"))


def notice_get_for_member(member: Member, pk) -> Notice:
    """One of the member's notices; any other id answers 404."""
    try:
        return notices_for_member(member).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404("通知不存在。") from None


def unread_count_for_member(member: Member) -> int:
    return notices_for_member(member).filter(is_read=False).count()
