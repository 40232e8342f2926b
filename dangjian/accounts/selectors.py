"""Reads of accounts that reach a user. Tokens and users are not in the two trees, so their
narrowing is a plain rule rather than ``scoping.narrow``: your own, or everyone's for a city
administrator or the security administrator. The admin and the API both use these."""

from django.db.models import QuerySet
from django.http import Http404

from dangjian.accounts import scoping
from dangjian.accounts.models import ApiToken, User


def token_list_for(actor) -> QuerySet:
    tokens = ApiToken.objects.select_related("user", "created_by")
    return tokens if scoping.may_manage_accounts(actor) else tokens.filter(user=actor)


def token_get_for(actor, pk) -> ApiToken:
    try:
        return token_list_for(actor).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("接口令牌不存在。") from None


def active_user_get_for(actor, pk) -> User:
    """A user a token may be issued to: anyone active for a city administrator, else oneself."""
    users = User.objects.filter(is_active=True)
    if not scoping.may_manage_accounts(actor):
        users = users.filter(pk=actor.pk)
    try:
        return users.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("用户不存在或已停用。") from None


def role_assignments_for(actor) -> QuerySet:
    """Role assignments an actor may see: every one for the security administrator (they hold no
    data scope, so ``narrow`` would give them none), else those in the actor's scope."""
    from dangjian.accounts.models import RoleAssignment

    assignments = RoleAssignment.objects.all()
    return assignments if scoping.is_security_admin(actor) else scoping.narrow(actor, assignments)


def users_for(actor) -> QuerySet:
    return User.objects.all() if scoping.is_security_admin(actor) else scoping.narrow(actor, User.objects.all())
