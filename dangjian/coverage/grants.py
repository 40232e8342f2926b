"""The instructor role (党建工作指导员): no RoleAssignment row. A user linked to a current
appointment holds ``Role.INSTRUCTOR`` over the units assigned to them (open assignments), so the
fact "who looks after which unit" is entered once, in the coverage app, and the scope follows it."""

from django.utils import timezone

from dangjian.accounts.models import Role
from dangjian.accounts.scoping import Grant


def instructor_grants(actor) -> list[Grant]:
    """At most one query per request (scoping caches the grants on the user). A user holding a
    general role (an administrator, a leader) is not looked up: their area or organization grant
    already reaches the units, and every administrator's page is spared the query. An instructor's
    account is an account of its own (created with the appointment)."""
    from dangjian.accounts.scoping import grants_for
    from dangjian.coverage.derivation import instructor_active_q
    from dangjian.coverage.models import Instructor

    if getattr(actor, "is_superuser", False) or not getattr(actor, "is_staff", False):
        return []  # a portal member never holds it; a superuser needs no grant
    if any(grant.is_general for grant in grants_for(actor)):
        return []
    today = timezone.localdate()
    rows = list(Instructor.objects.filter(instructor_active_q(today), user=actor)
                .values_list("assignments__unit_id", "assignments__started_on", "assignments__ended_on"))
    if not rows:
        return []
    units = frozenset(unit for unit, started_on, ended_on in rows
                      if unit is not None and ended_on is None and started_on <= today)
    return [Grant(role=Role.INSTRUCTOR, scope_label="党建工作指导员", unit_ids=units)]
