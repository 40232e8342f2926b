"""The member's home-page card: the coming meetings of their branch (planned, from today on)."""


from dangjian.organizations.models import BRANCH_KINDS, OrganizationKind, PartyOrganization
from dangjian.orglife.models import MeetingStatus, OrgLifeMeeting
from dangjian.portal.cards import Card, register


def _branch_of(member):
    """The member's branch: their organization, or the branch above their party group."""
    organization = member.organization
    if organization.kind == OrganizationKind.PARTY_GROUP:
        return PartyOrganization.objects.filter(path=organization.path[:-PartyOrganization.steplen]).first()
    return organization if organization.kind in BRANCH_KINDS else None


@register(key="orglife.upcoming", title="支部组织生活", order=45)
def upcoming_meetings(member, *, today):
    branch = _branch_of(member)
    if branch is None:
        return None
    meetings = list(OrgLifeMeeting.objects.filter(organization=branch, status=MeetingStatus.PLANNED,
                                                  held_on__gte=today).order_by("held_on", "pk")[:3])
    lines = [f"{m.held_on:%m月%d日} {m.get_kind_display()}：{m.topic}" + (f"（{m.location}）" if m.location else "")
             for m in meetings]
    if not lines:
        return None  # nothing coming: the card is left out
    return Card(lines=lines)
