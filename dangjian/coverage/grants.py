"""The instructor role (党建工作指导员): no RoleAssignment row. A user linked to a current
appointment holds ``Role.INSTRUCTOR`` over the units assigned to them (open assignments), so the
fact "who looks after which unit" is entered once, in the coverage app, and the scope follows it.

Anyone may be appointed, an administrator or a leader included (a street's organizer is often
also the instructor of a few enterprises elsewhere in the district): the role is added to the
general grants, never replaces them.
"""

from django.utils import timezone

from dangjian.accounts.models import Role
from dangjian.accounts.scoping import Grant


def instructor_grants(actor) -> list[Grant]:
    """One query per user per request, for every staff user: ``scoping.grants_for`` runs the
    grant sources once and caches the result on the user object (``request.user`` lives for one
    request), so a page pays it once however many checks it makes. A portal member (not staff)
    and a superuser (who needs no grant) are answered without a query."""
    from dangjian.coverage.derivation import instructor_active_q
    from dangjian.coverage.models import Instructor

    if getattr(actor, "is_superuser", False) or not getattr(actor, "is_staff", False):
        return []
    today = timezone.localdate()
    rows = list(Instructor.objects.filter(instructor_active_q(today), user=actor)
                .values_list("assignments__unit_id", "assignments__started_on", "assignments__ended_on"))
    if not rows:
        return []
    units = frozenset(unit for unit, started_on, ended_on in rows
                      if unit is not None and ended_on is None and started_on <= today)
    return [Grant(role=Role.INSTRUCTOR, scope_label="党建工作指导员", unit_ids=units)]
