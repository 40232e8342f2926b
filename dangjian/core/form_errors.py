"""Putting a service's refusal back on the form that asked for it.

Services raise ``ValidationError`` (Chinese messages, per field or for the whole request) or
``PermissionDenied``; every page shows them the same way: a field's message under that field
when the form has it, anything else at the top of the form. Nothing is written by a refused
service (they are atomic), so the page only has to re-render.
"""

from django.core.exceptions import PermissionDenied


def put_service_errors_on(form, error: Exception) -> None:
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "您没有权限执行此操作。")
    elif hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)
