"""The base every back-office ModelAdmin builds on.

* Reads go through ``accounts.scoping`` (``get_queryset``; foreign-key choices too), so an
  object outside the actor's scope is simply not there (404).
* Permissions come from role assignments, not Django's per-model permissions: anyone with a
  role may view what is in scope; writing roles may change what they write to.
* Writes go through the app's services: a form's ``clean()`` calls ``save_through_service``
  inside the admin's transaction, so the service's Chinese ValidationError becomes a form
  error and nothing is half-written; ``save_model`` then has nothing left to do.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from dangjian.accounts import scoping


class ScopedAdmin(ModelAdmin):
    # Deleting many rows at once would bypass the per-row service checks.
    actions = None
    show_full_result_count = False
    list_per_page = 50

    # --- reads -----------------------------------------------------------------------
    def get_queryset(self, request):
        return scoping.narrow(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if scoping.is_scoped_model(related):
            kwargs["queryset"] = scoping.narrow(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if scoping.is_scoped_model(related):
            kwargs["queryset"] = scoping.narrow(request.user, related._default_manager.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- permissions -----------------------------------------------------------------
    def has_module_permission(self, request):
        return scoping.has_any_role(request.user)

    def has_view_permission(self, request, obj=None):
        return scoping.has_any_role(request.user) and (obj is None or scoping.can_see(request.user, obj))

    def has_add_permission(self, request):
        return scoping.may_write_anything(request.user)

    def has_change_permission(self, request, obj=None):
        if not scoping.may_write_anything(request.user):
            return False
        return obj is None or scoping.can_write(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    # --- writes through services --------------------------------------------------------
    def save_through_service(self, request, *, original, data: dict, change: bool):
        """Call the app's service; return the saved object. Subclasses implement it."""
        raise NotImplementedError

    def delete_through_service(self, request, obj) -> None:
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                if self.errors:
                    return cleaned_data
                try:
                    saved = model_admin.save_through_service(
                        request, original=obj, data=cleaned_data, change=obj is not None
                    )
                except ValidationError as error:
                    if hasattr(error, "error_dict"):
                        for field, field_errors in error.error_dict.items():
                            self.add_error(field if field in self.fields else None, field_errors)
                    else:
                        self.add_error(None, error)
                    return cleaned_data
                except PermissionDenied as error:
                    self.add_error(None, str(error) or "您没有权限执行此操作。")
                    return cleaned_data
                self.instance = saved
                return cleaned_data

            def _post_clean(self):
                # The service validated and saved the instance; the model validation the
                # ModelForm would run here is the service's job.
                pass

        return form_class if request.method != "POST" else ServiceForm

    def save_model(self, request, obj, form, change):
        """Already saved by the service in the form's clean()."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.delete_through_service(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            self.message_user(request, message, level=messages.ERROR)
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")


def first_message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return str(error) or "操作失败。"


class ScopedHistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped admin with django-simple-history's change history. History of an object
    outside the actor's scope is a 404, like the object itself; reverting is disabled
    (SIMPLE_HISTORY_REVERT_DISABLED) because it would bypass the services."""

    def _require_visible(self, request, object_id):
        try:
            visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, TypeError):
            visible = False
        if not visible:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
