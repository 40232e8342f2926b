"""Per-address limits on the public concern pages and endpoints (no login, no captcha).

Fixed windows counted in Django's cache: ``settings.CONCERN_RATE_LIMITS[action]`` gives
``count`` attempts per ``seconds``. Filing counts concerns filed (a typo corrected and sent
again costs nothing); a lookup counts every tracking code tried, found or not, on the
tracking page, the rating form and the API alike, so codes cannot be guessed in bulk.
"""

import time

from django.conf import settings
from django.core.cache import cache

FILE, LOOKUP = "file", "lookup"
MESSAGES = {
    FILE: "提交过于频繁：同一网络每{window}最多提交{count}件诉求，请稍后再试；情况紧急的请直接拨打社区电话。",
    LOOKUP: "查询过于频繁：同一网络每{window}最多查询{count}次，请稍后再试。",
}


def _limit(action: str) -> tuple[int, int]:
    limit = settings.CONCERN_RATE_LIMITS[action]
    return int(limit["count"]), int(limit["seconds"])


def _key(request, action: str) -> str:
    _count, seconds = _limit(action)
    # Behind a reverse proxy REMOTE_ADDR must be the client's (the proxy sets it; see docs/deploy.md).
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return f"concerns:rate:{action}:{address}:{int(time.time() // seconds)}"


def exceeded(request, action: str) -> bool:
    """Has this address used up its attempts in the current window?"""
    count, _seconds = _limit(action)
    return (cache.get(_key(request, action)) or 0) >= count


def count_attempt(request, action: str) -> None:
    _count, seconds = _limit(action)
    key = _key(request, action)
    cache.add(key, 0, timeout=seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)


def take(request, action: str) -> bool:
    """Count one attempt; False when the address had none left (the attempt is refused)."""
    if exceeded(request, action):
        return False
    count_attempt(request, action)
    return True


def message(action: str) -> str:
    count, seconds = _limit(action)
    window = f"{seconds // 3600}小时" if seconds % 3600 == 0 else f"{max(1, seconds // 60)}分钟"
    return MESSAGES[action].format(window=window.replace("1小时", "小时"), count=count)
