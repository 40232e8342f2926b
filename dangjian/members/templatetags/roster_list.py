"""The roster's result rows, rendered once per page instead of once per cell.

unfold's ``items_for_result`` recomputes every column header (label, sort links) for each row
and resolves the admin's optional attributes through the template engine per row; on the
50-row roster that was most of the page's server time (docs/benchmarks.md, "What the figures
say"). Here the headers, the cells' classes and the change-link pattern are computed once for
the page; each cell is the HTML unfold writes (same tags, same ``data-label``) except that
unfold's ~550-character utility class list, repeated on every cell (277 KB of a 330 KB page),
is one class, ``roster-cell`` (``roster-link`` for the change link), whose rules are those
utilities copied into ``dangjian/static/dangjian/roster.css``, so the page looks and behaves as
before. A column is a display method on the admin or a plain (non-relational) model field.
"""

import html

from django import template
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, result_hidden_fields
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from unfold.templatetags.unfold_list import result_headers
from unfold.utils import display_for_field, display_for_value

register = template.Library()

_PK_MARKER = "__roster_pk__"
# Defined in dangjian/static/dangjian/roster.css (unfold's ROW_CLASSES and LINK_CLASSES).
_CELL_CLASS = "roster-cell"
_LINK_CLASS = "roster-link"


def _method_display(method, empty, boolean, translated):
    if boolean:
        return lambda member: display_for_value(method(member), empty, boolean)

    def shown(member):
        value = method(member)
        # The roster's display methods return text (plain or already-safe HTML) or a choice's
        # lazily translated label: ``display_for_value`` would return the same text after
        # walking its type checks, 500 times a page.
        if isinstance(value, str):
            return value
        if isinstance(value, Promise):
            # a label is translated once per page (the entry keeps the label alive, so its id
            # is not reused within the page)
            entry = translated.get(id(value))
            if entry is None or entry[0] is not value:
                entry = translated[id(value)] = (value, str(value))
            return entry[1]
        return display_for_value(value, empty, boolean)

    return shown


def _field_display(field, empty):
    if field.is_relation:
        raise TypeError(f"roster column {field.name}: relations are shown through a display method")
    attname = field.attname
    if type(field) in (models.CharField, models.TextField) and not field.choices:
        # display_for_field's answer for plain text, without its walk through the field types
        return lambda member: getattr(member, attname) or empty
    return lambda member: display_for_field(getattr(member, attname), field, empty)


def _row_cells(cl, headers):
    """A function rendering one member's cells, with everything page-wide computed here."""
    model_admin = cl.model_admin
    opts = cl.opts
    empty = model_admin.get_empty_value_display()
    link_columns = set(cl.list_display_links or cl.list_display[:1])
    columns = []
    translated = {}  # id(lazy label) -> (label, its text), for this page
    for index, field_name in enumerate(cl.list_display):
        classes = [f"field-{_coerce_field_name(field_name, index)}", _CELL_CLASS]
        if hasattr(model_admin, field_name):
            method = getattr(model_admin, field_name)
            shown = _method_display(method, getattr(method, "empty_value_display", empty),
                                    getattr(method, "boolean", False), translated)
        else:
            field = opts.get_field(field_name)
            shown = _field_display(field, empty)
            if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
                classes.append("nowrap")
        columns.append((shown, mark_safe(" ".join(classes)), headers[index]["text"], field_name in link_columns))
    change_url = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": opts},
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[_PK_MARKER],
                current_app=model_admin.admin_site.name),
    )
    # Each cell's opening and closing tags are the same on every row: built (and escaped) once,
    # so a row costs one escape per value instead of a format_html per cell.
    prepared = []
    first_link = True
    for display, classes, label, is_link in columns:
        if is_link:
            tag = "th" if first_link else "td"
            first_link = False
            opening = format_html('<{} class="{}" data-label="{}"><a href="', tag, classes, label)
            closing = format_html("</a></{}>", tag)
        else:
            opening = format_html('<td class="{}" data-label="{}">', classes, label)
            closing = mark_safe("</td>")
        # plain ``str`` (escaped above): a SafeString in an f-string costs a Python-level __str__
        prepared.append((display, is_link, str.__str__(opening), str.__str__(closing)))
    url_head, _, url_tail = change_url.partition(_PK_MARKER)
    link_middle = str.__str__(format_html('" class="{}" >', _LINK_CLASS))

    def cells(member):
        """The row's cells as one safe string (one template variable per row, not per cell)."""
        rendered = []
        for display, is_link, opening, closing in prepared:
            shown = _escaped(display(member))
            if is_link:
                href = html.escape(f"{url_head}{member.pk}{url_tail}")
                rendered.append(f"{opening}{href}{link_middle}{shown}{closing}")
            else:
                rendered.append(f"{opening}{shown}{closing}")
        return mark_safe("".join(rendered))

    return cells


def _escaped(value):
    """``conditional_escape`` without its lazy-string wrapper, ~450 times a page: the same
    output (Django's ``escape`` is the standard library's, marked safe), as a plain ``str``."""
    if hasattr(value, "__html__"):
        return str.__str__(value.__html__())
    return html.escape(str(value))


# unfold's row wrappers (change_list_results.html), every other row shaded as its ``cycle`` does
_ROW_OPENINGS = (
    '<tbody class="block relative lg:table-row-group ">'
    '<tr class="data-row block border border-base-200 mb-3 relative rounded-default lg:table-row lg:border-none '
    'lg:mb-0 lg:rounded-none dark:border-base-800">',
    '<tbody class="block relative lg:table-row-group bg-base-50 dark:bg-white/[.02]">'
    '<tr class="data-row block border border-base-200 mb-3 relative rounded-default lg:table-row lg:border-none '
    'lg:mb-0 lg:rounded-none dark:border-base-800">',
)


def _rows(rows) -> str:
    """The rows with their wrappers as one string: no template loop and no ``cycle`` per row."""
    return mark_safe("\n".join(f"{_ROW_OPENINGS[index % 2]}{row}</tr></tbody>" for index, row in enumerate(rows)))


@register.inclusion_tag("members/admin/roster_results.html", takes_context=True)
def roster_result_list(context, cl):
    headers = list(result_headers(cl))
    cells = _row_cells(cl, headers)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "rows": _rows(cells(member) for member in cl.result_list),
        "has_add_permission": cl.model_admin.has_add_permission(context["request"]),
        "request": context["request"],
    }
