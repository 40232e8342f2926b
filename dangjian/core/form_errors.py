"""Putting a service's refusal back on the form that asked for it.

Services raise ``ValidationError`` (Chinese messages, per field or for the whole request) or
``PermissionDenied``; every page shows them the same way: a field's message under that field
when the form has it, anything else at the top of the form. Nothing is written by a refused
service (they are atomic), so the page only has to re-render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect


def put_service_errors_on(form, error: Exception) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "您没有权限执行此操作。")
    elif hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def form_step(request, form, call, *, done: str, success_url, page_again):
    """One write from a page: a valid ``form``'s cleaned data goes to ``call`` (which calls one
    service); on success a message and a redirect to ``success_url`` (a URL, or a callable taking
    what ``call`` returned, e.g. the created record's page), else ``page_again(form)`` — the page
    re-rendered with the service's Chinese refusal on the form (the service wrote nothing)."""
    if form.is_valid():
        try:
            result = call(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            put_service_errors_on(form, error)
        else:
            messages.success(request, done(result) if callable(done) else done)
            return redirect(success_url(result) if callable(success_url) else success_url)
    return page_again(form)
