"""The roster's plain filter selects as HTML, written once per distinct choice.

The markup is unfold's DropdownFilter's (same classes, names and ids; see
``roster_filter.html``'s history). Rendered through the template engine, the seven selects and
their forty options took 3–5 ms of a page; the same string written here takes a few
microseconds, and each (filter, language, chosen value) is written once per process.
"""

import functools

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

_SELECT_CLASSES = (
    "border border-base-200 bg-white font-medium min-w-20 placeholder-base-400 rounded-default shadow-xs "
    "text-font-default-light text-sm focus:outline-2 focus:-outline-offset-2 focus:outline-primary-600 "
    "group-[.errors]:border-red-600 focus:group-[.errors]:outline-red-600 dark:bg-base-900 dark:border-base-700 "
    "dark:text-font-default-dark dark:group-[.errors]:border-red-500 dark:focus:group-[.errors]:outline-red-500 "
    "dark:scheme-dark group-[.primary]:border-transparent disabled:!bg-base-50 dark:disabled:!bg-base-800 "
    "px-3 py-2 w-full pr-8! max-w-2xl appearance-none text-ellipsis unfold-admin-autocomplete admin-autocomplete"
)
_ICON_CLASSES = (
    "material-symbols-outlined absolute group-[.primary]:text-white pointer-events-none mr-[12px] right-0 "
    "text-base-400 top-0 top-1/2 hover:text-base-700 dark:text-base-500 dark:hover:text-base-200 -translate-y-1/2"
)


@functools.lru_cache(maxsize=1024)
def roster_filter_markup(name: str, title: str, options: tuple[tuple[str, str], ...], selected: str) -> str:
    """One filter's select, its option ``selected`` marked (the texts are already translated)."""
    rendered = format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if value == selected else "", label) for value, label in options),
    )
    return format_html(
        '<div class="flex flex-col group mb-4">\n'
        '    <div class="flex flex-col gap-2">\n'
        '        <label for="id_{name}" class="block font-semibold text-important">以 {title}</label>\n'
        '        <div class="grow relative max-w-2xl">\n'
        '            <select name="{name}" data-theme="admin-autocomplete" class="{select_classes}" id="id_{name}">\n'
        '                {options}\n'
        '            </select>\n'
        '            <span class="{icon_classes}">expand_more</span>\n'
        '        </div>\n'
        '    </div>\n'
        '</div>\n',
        name=name, title=title, select_classes=_SELECT_CLASSES, icon_classes=_ICON_CLASSES, options=rendered,
    )
