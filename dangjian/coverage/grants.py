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


def appointment_probe():
    """Read with the role rows (``register_grant_source(probe=…)``): is the user linked to a
    current appointment? An administrator who is not an instructor then pays no query for the
    role, one who is pays one (``instructor_grants``), and nobody is skipped."""
    from django.db.models import Exists, OuterRef

    from dangjian.coverage.derivation import instructor_active_q
    from dangjian.coverage.models import Instructor

    return Exists(Instructor.objects.filter(instructor_active_q(timezone.localdate()), user=OuterRef("user")))


def instructor_grants(actor) -> list[Grant]:
    """The instructor's grant: at most one query per user per request (``scoping.grants_for``
    runs the sources once and caches the grants on the user object, which lives for one request,
    so a page pays it once however many checks it makes), and none for a user holding role rows
    whose probe said no. A portal member (not staff) and a superuser (who needs no grant) are
    answered without a query."""
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
