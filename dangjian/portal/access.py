"""Who is a member account, and the member behind it.

A member account holds no role and is not staff, so the admin and the back-office pages
already turn it away; the back-office API asks :func:`is_member_account` to refuse it too.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

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


def member_required(view):
    """A portal page: signed in as a member account (else the portal's sign-in page, coming back
    to this page); a back-office user has no member record here (404). Sets ``request.member``.
    Every app's member pages use this one gate."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        if member_account_of(request.user) is None:
            raise Http404("这里是党员门户，请使用党员账号登录。")
        request.member = member_of(request.user)
        return view(request, *args, **kwargs)

    return wrapped
