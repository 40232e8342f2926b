"""Portal accounts built through the real services."""

from dangjian.portal import services

PORTAL_PASSWORD = "hongqi-piaopiao-2026"


def issue_code(*, actor, member) -> str:
    result = services.activation_codes_issue(actor=actor, members=[member])
    return result["issued"][0][1]


def activated(*, actor, member, password: str = PORTAL_PASSWORD):
    """The member's account, activated with a fresh code (the user has ``password``)."""
    code = issue_code(actor=actor, member=member)
    return services.account_activate(phone=member.phone, code=code, password=password)
