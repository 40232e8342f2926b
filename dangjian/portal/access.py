"""Who is a member account, and the member behind it.

A member account holds no role and is not staff, so the admin and the back-office pages
already turn it away; the back-office API asks :func:`is_member_account` to refuse it too.
"""

from django.http import Http404

_CACHE_ATTR = "_dangjian_member_account"


def member_account_of(user):
    """The user's MemberAccount (with its member, organization and areas), or None. Cached on the user."""
    from dangjian.portal.models import MemberAccount

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)
    account = (MemberAccount.objects
               .select_related("member", "member__organization", "member__organization__area",
                               "member__residence_area", "member__education")
               .filter(user=user).first())
    setattr(user, _CACHE_ATTR, account)
    return account


def is_member_account(user) -> bool:
    """A portal-only user. Staff (back-office users, who may also be members) are answered
    without a query, so the back-office API pays nothing for the check."""
    if user is None or getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return False
    return member_account_of(user) is not None


def member_of(user):
    """The signed-in member (on the roll), or 404 for anyone else."""
    account = member_account_of(user)
    if account is None or account.member.standing != "active":
        raise Http404("党员不存在。")
    return account.member
