"""Counting failed portal attempts (activation, sign-in) per phone number and per address.

The counters live in Django's cache with a fixed window (settings.PORTAL). Past the limit the
caller answers the same generic message as for a wrong code, so a guesser learns nothing.
"""

from django.conf import settings
from django.core.cache import cache


def _keys(kind: str, phone: str, request) -> list[str]:
    address = (request.META.get("REMOTE_ADDR") if request is not None else "") or "-"
    return [f"portal:{kind}:phone:{phone}", f"portal:{kind}:ip:{address}"]


def _limits() -> tuple[int, int]:
    portal = settings.PORTAL
    return portal["ATTEMPTS_PER_PHONE"], portal["ATTEMPTS_PER_IP"]


def is_blocked(kind: str, phone: str, request) -> bool:
    phone_key, ip_key = _keys(kind, phone, request)
    phone_limit, ip_limit = _limits()
    counts = cache.get_many([phone_key, ip_key])
    return counts.get(phone_key, 0) >= phone_limit or counts.get(ip_key, 0) >= ip_limit


def record_failure(kind: str, phone: str, request) -> None:
    window = settings.PORTAL["ATTEMPT_WINDOW_SECONDS"]
    for key in _keys(kind, phone, request):
        # add() starts the window only if the counter does not exist yet; incr() keeps its expiry.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window)


def clear(kind: str, phone: str) -> None:
    """A success forgets the phone's failures (not the address's: one address may try many phones)."""
    cache.delete(f"portal:{kind}:phone:{phone}")
