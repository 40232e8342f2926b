"""The sidebar's groups, rendered once per distinct content.

The markup is unfold's (``dashboard/sidebar_groups.html``) and reads nothing but the items:
their titles, icons, links, badges and the two per-request flags ``has_permission`` and
``active``. The rendered HTML is therefore kept under a key made of exactly those values: two
requests share it only when they would render the same bytes, whoever the users are, so nothing
of one user's scope can reach another (a street and a city administrator see different items,
hence different keys). Callables are never rendered (a permission callback is read through
``has_permission``); an item carrying any other value that is not plain text, a number or a
flag (a badge callback, say) is rendered afresh every time.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()

_PLAIN = (str, int, bool, type(None))  # bool is an int; listed for the reader
_RENDERED: dict[tuple, str] = {}
# Distinct sidebars in a deployment: the combinations of roles × the pages marking an item
# active × the languages; a few hundred. Past this the cache starts over rather than grow.
_MAX_RENDERED = 1024


def _key(groups) -> tuple | None:
    parts = []
    for group in groups:
        items = []
        for item in group.get("items", ()):
            # in the dict's own order: the same construction gives the same key (another order
            # would only miss the cache, never share it)
            shown = tuple((name, value) for name, value in item.items() if not callable(value))
            if not all(isinstance(value, _PLAIN) for _name, value in shown):
                return None
            items.append(shown)
        shown_group = tuple((name, value) for name, value in group.items() if name != "items")
        if not all(isinstance(value, _PLAIN) for _name, value in shown_group):
            return None
        parts.append((shown_group, tuple(items)))
    return tuple(parts)


@register.simple_tag
def sidebar_groups(groups):
    key = _key(groups)
    if key is not None and key in _RENDERED:
        return _RENDERED[key]
    rendered = mark_safe(render_to_string("dashboard/sidebar_groups.html", {"sidebar_navigation": groups}))
    if key is not None:
        if len(_RENDERED) >= _MAX_RENDERED:
            _RENDERED.clear()
        _RENDERED[key] = rendered
    return rendered
