"""What /api/v1/openapi.json promises beyond what ninja writes by itself.

* **Error answers.** Errors are raised as exceptions and turned into ``{"detail": …}`` by the
  handlers in ``dangjian/api.py``, so no route declares them; ``document_errors`` adds
  401/403/404/422 (and 400 where a body is parsed) with their body to every operation, so a
  client — and schemathesis (tests/security/test_api_fuzz.py) — finds them in the contract.
* **One component per schema class.** ninja names a component after the class alone and merges
  every route's definitions into one dict, so two apps' ``UnitOut`` (or ``Ref``, ``MeetingOut``…)
  silently became one and the contract described the wrong body for half of them. A class whose
  name another app's class shares is published as ``<App><Name>`` (``CoverageUnitOut``);
  unique names stay as they were.
"""

import functools
from collections import defaultdict

from ninja import Field, Schema
from ninja.openapi import schema as ninja_openapi
from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel


class ErrorOut(Schema):
    """Every error answer (see the exception handlers in dangjian/api.py)."""

    detail: str = Field(description="中文说明")
    errors: dict[str, list[str]] | list[dict] | None = Field(
        None, description="数据校验不通过时的原因：按字段列出（服务校验），或请求参数的逐项错误（格式校验）")


ERRORS_OF_EVERY_OPERATION = {403: "无权执行（或 CSRF 校验失败）", 404: "对象不存在或不在管辖范围内",
                             422: "请求参数或数据校验不通过"}
ERROR_OF_AUTHENTICATED = {401: "未登录、令牌无效或已过期"}
ERROR_OF_A_BODY = {400: "请求内容无法解析（不是 JSON）"}


def document_errors(schema: dict) -> dict:
    """Add the error answers each operation can give (and the ErrorOut component) to ``schema``."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            errors = dict(ERRORS_OF_EVERY_OPERATION)
            if operation.get("security"):
                errors.update(ERROR_OF_AUTHENTICATED)
            if "requestBody" in operation:
                errors.update(ERROR_OF_A_BODY)
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": description, "content": content}
    return schema


def _app_of(model) -> str | None:
    """The app a schema class belongs to: its module's, or for ninja's generated ``Paged<Item>``
    wrapper (module ninja.pagination), its items' class's."""
    module = model.__module__
    if module.startswith("dangjian.") and ".tests" not in module:
        return module.split(".")[1]
    items = getattr(model, "model_fields", {}).get("items")
    if model.__name__.startswith("Paged") and items is not None:
        item_types = getattr(items.annotation, "__args__", ())
        if len(item_types) == 1 and isinstance(item_types[0], type):
            return _app_of(item_types[0])
    return None


@functools.cache
def _qualified_names() -> dict[int, str]:
    """{id(class): "<App><Name>"} for each schema class whose name a class of another app shares.
    Read once, after every router is imported (dangjian/api.py imports them all before any schema
    is generated); keyed by id because pydantic's reference names the class by id."""
    classes_by_name: dict[str, list[tuple[str, type]]] = defaultdict(list)
    pending = [BaseModel]
    while pending:
        for subclass in pending.pop().__subclasses__():
            app = _app_of(subclass)
            if app is not None:
                classes_by_name[subclass.__name__].append((app, subclass))
            pending.append(subclass)
    return {id(model): f"{app.capitalize()}{name}"
            for name, classes in classes_by_name.items() if len({app for app, _model in classes}) > 1
            for app, model in classes}


class AppQualifiedJsonSchema(NinjaGenerateJsonSchema):
    """ninja's JSON schema generator, preferring ``<App><Name>`` for a shared class name."""

    def get_defs_ref(self, core_mode_ref):
        defs_ref = super().get_defs_ref(core_mode_ref)
        core_ref, _mode = core_mode_ref
        _dotted, _, identity = core_ref.rpartition(":")
        qualified = _qualified_names().get(int(identity)) if identity.isdigit() else None
        if qualified:
            choices = self._prioritized_defsref_choices[defs_ref]
            self._prioritized_defsref_choices[defs_ref] = [self.normalize_name(qualified), *choices]
        return defs_ref


# ninja passes its generator by this module-level name when it builds the document; ours only
# renames the shared names (the one API in the project is ours).
ninja_openapi.NinjaGenerateJsonSchema = AppQualifiedJsonSchema
