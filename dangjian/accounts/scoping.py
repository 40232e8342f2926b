"""The single place that narrows querysets to what an actor may see or change.

A RoleAssignment grants a role over an Area subtree or a PartyOrganization subtree. Every
scoped model names its anchors as class attributes:

* ``scope_area_path`` — lookup prefix from the model to an ``Area`` ("" for Area itself,
  "area__" for a model with an ``area`` foreign key);
* ``scope_organization_path`` — lookup prefix to a ``PartyOrganization`` ("" for the
  organization itself); either attribute may be a tuple of prefixes (a transfer is seen by
  both the sending and the receiving organization). A prefix may cross a reverse relation
  (a Unit is reached through the organizations located in it); it is then applied as an
  ``IN`` subquery so rows never repeat, and an organization grant reaching that way reads only.

Because both trees are materialized paths, "under X" is ``path__startswith=X.path``: an
indexed prefix range. Selectors, the admin, pages and the API all call :func:`narrow`.

The function roles (a member unit's liaison, a party school's administrator, an instructor) hold
no subtree but a set of objects: their grants carry ``unit_ids`` / ``school_ids``, and they reach
only the models that declare the matching anchor, ``scope_unit_path`` or ``scope_school_path``
(lookup prefixes to a Unit or a PartySchool, same conventions as above). A model without that
anchor is simply outside their scope. An instructor's units are not a role assignment but the
coverage app's record of which units they are assigned to: apps add such grants with
:func:`register_grant_source`, so the fact is entered once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression, Model, Q, QuerySet

from dangjian.accounts.models import DUTY_ROLES, GENERAL_ROLES, WRITING_ROLES, Role, RoleAssignment

_CACHE_ATTR = "_dangjian_grants"

# Object anchors of the function roles: the model attribute naming the lookup prefix, and the
# Grant field holding the ids the grant reaches.
ID_ANCHORS = (("scope_unit_path", "unit_ids"), ("scope_school_path", "school_ids"))
ANCHOR_ATTRS = ("scope_area_path", "scope_organization_path", *(attr for attr, _field in ID_ANCHORS))


@dataclass(frozen=True)
class Grant:
    role: str
    area_path: str | None = None
    organization_path: str | None = None
    scope_pk: int | None = None
    scope_label: str = ""
    unit_ids: frozenset = frozenset()
    school_ids: frozenset = frozenset()

    @property
    def may_write(self) -> bool:
        return self.role in WRITING_ROLES

    @property
    def is_general(self) -> bool:
        return self.role in GENERAL_ROLES


_grant_sources: list[Callable[[object], Iterable[Grant]]] = []
_grant_probes: dict[Callable, Callable[[], Expression]] = {}


def register_grant_source(source: Callable[[object], Iterable[Grant]], *,
                          probe: Callable[[], Expression] | None = None) -> Callable:
    """Add grants that follow from an app's own records (an instructor's assigned units).
    Called from the app's ``AppConfig.ready``; ``source(actor)`` runs once per request, after the
    role rows are read (``grants_for(actor)`` inside a source returns those).

    ``probe()``, when given, returns a boolean expression over a RoleAssignment row
    (``OuterRef("user")``: "may this user have grants from the source?", e.g. an ``Exists`` on
    the app's table). It is annotated onto the role-row query, so a user holding role rows is
    checked in that same query and the source's own query runs only when the probe says yes:
    every administrator is still consulted, and only those the source concerns pay for it."""
    if source not in _grant_sources:
        _grant_sources.append(source)
    if probe is not None:
        _grant_probes[source] = probe
    return source


def is_scoped_model(model: type[Model]) -> bool:
    """Does the model declare any scope anchor (so :func:`narrow` knows how to scope it)?"""
    return any(hasattr(model, attr) for attr in ANCHOR_ATTRS)


def grants_for(actor) -> list[Grant]:
    """The actor's grants, loaded once per request (cached on the user object)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    cached = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    probes = {f"_probe_{index}": _grant_probes[source]()
              for index, source in enumerate(_grant_sources) if source in _grant_probes}
    # Only the columns a grant needs: every request of every staff user asks this, and the
    # related rows in full (select_related) cost ≈ 3 ms to compile and build, the SQL ≈ 1 ms.
    # The scope's label is its name, as each scope model's __str__ says.
    rows = list(RoleAssignment.objects.filter(user=actor).annotate(**probes).values(
        "role", "area_id", "organization_id", "unit_id", "school_id", "area__path", "organization__path",
        "area__name", "organization__name", "unit__name", "school__name", *probes))
    grants = [
        Grant(
            role=row["role"],
            # A duty role (三员) is granted over the city but scopes no data: no area path.
            area_path=row["area__path"] if row["area_id"] and row["role"] not in DUTY_ROLES else None,
            organization_path=row["organization__path"] if row["organization_id"] else None,
            scope_pk=row["area_id"] or row["organization_id"] or row["unit_id"] or row["school_id"],
            scope_label=(row["area__name"] or row["organization__name"] or row["unit__name"]
                         or row["school__name"] or ""),
            unit_ids=frozenset({row["unit_id"]} if row["unit_id"] else ()),
            school_ids=frozenset({row["school_id"]} if row["school_id"] else ()),
        )
        for row in rows
    ]
    # Cached before the sources run: a source may read the role-row grants through grants_for()
    # without recursing. The list (sources' grants included) then serves every check of the
    # request: a source's query is paid once per user per request, never once per check, and
    # not at all when its probe (read with the role rows) says it has nothing for the user.
    setattr(actor, _CACHE_ATTR, grants)
    for index, source in enumerate(_grant_sources):
        if rows and f"_probe_{index}" in probes and not rows[0][f"_probe_{index}"]:
            continue  # the probe, read with the role rows, says the source has nothing for this user
        grants.extend(source(actor))
    return grants


def forget_grants(actor) -> None:
    """Drop the cached grants after the actor's roles change."""
    if actor is not None and hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def is_superuser(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_superuser", False) and actor.is_active)


def has_any_role(actor) -> bool:
    """A general back-office role (administrator or leader): the registry, rosters, dashboards.
    A function role alone (liaison, school administrator, instructor) does not count."""
    return is_superuser(actor) or any(grant.is_general for grant in grants_for(actor))


def may_write_anything(actor) -> bool:
    """A general writing role: may change something in the registry or the rosters."""
    return is_superuser(actor) or any(grant.is_general and grant.may_write for grant in grants_for(actor))


def holds_role(actor, *roles: str) -> bool:
    """Does the actor hold one of ``roles`` (function roles included)?"""
    return any(grant.role in roles for grant in grants_for(actor))


def is_security_admin(actor) -> bool:
    """安全管理员 (or the bootstrap superuser): manages accounts, roles, scopes and tokens."""
    return is_superuser(actor) or holds_role(actor, Role.SECURITY_ADMIN)


def is_audit_admin(actor) -> bool:
    """审计管理员 (or the bootstrap superuser): the only reader of the audit log."""
    return is_superuser(actor) or holds_role(actor, Role.AUDIT_ADMIN)


def is_system_admin(actor) -> bool:
    """系统管理员 (or the bootstrap superuser): configuration and the system's state."""
    return is_superuser(actor) or holds_role(actor, Role.SYSTEM_ADMIN)


def may_manage_accounts(actor) -> bool:
    """Create users, issue tokens to others, see every role assignment: the security administrator;
    a city administrator keeps it for the business roles (分级授权, see docs/permissions.md)."""
    return is_security_admin(actor) or is_city_admin(actor)


def has_back_office_access(actor) -> bool:
    """Any staff role at all, general or function: may sign in to the back office."""
    return is_superuser(actor) or bool(grants_for(actor))


def is_city_admin(actor) -> bool:
    return is_superuser(actor) or any(grant.role == Role.CITY_ADMIN for grant in grants_for(actor))


def _prefixes(model: type[Model], attr: str) -> tuple[str, ...]:
    """A model's anchors of one kind: one lookup prefix, or a tuple of them (a transfer is
    seen by the sending and by the receiving organization)."""
    value = getattr(model, attr, None)
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def scope_condition(actor, model: type[Model], *, write: bool = False, hops_as_subquery: bool = True) -> Q | None:
    """A Q narrowing ``model`` to the actor's scope; None means unrestricted.

    A deployment serves one city, so a city administrator's scope is everything.
    ``hops_as_subquery``: see :func:`_prefix_condition` (:func:`narrow` decides per database)."""
    if is_superuser(actor) or is_city_admin(actor):
        return None
    area_prefixes = _prefixes(model, "scope_area_path")
    organization_prefixes = _prefixes(model, "scope_organization_path")
    if not is_scoped_model(model):
        raise TypeError(f"{model.__name__} declares no scope anchor ({' / '.join(ANCHOR_ATTRS)})")

    grants = [grant for grant in grants_for(actor) if grant.may_write or not write]
    area_paths = [grant.area_path for grant in grants if grant.area_path is not None]
    organization_paths = [grant.organization_path for grant in grants if grant.organization_path is not None]
    condition = Q(pk__in=[])
    for prefix in area_prefixes:
        condition |= _prefix_condition(model, prefix, area_paths, hops_as_subquery)
    for prefix in organization_prefixes:
        if write and _org_reach_is_read_only(model, prefix):
            continue
        condition |= _prefix_condition(model, prefix, organization_paths, hops_as_subquery)
    for anchor_attr, grant_field in ID_ANCHORS:
        ids = frozenset().union(*(getattr(grant, grant_field) for grant in grants))
        for prefix in _prefixes(model, anchor_attr):
            if write and _org_reach_is_read_only(model, prefix):
                continue  # a liaison sees the conference its unit sits on; changing it is the chair's
            condition |= _ids_condition(model, prefix, ids)
    return condition


def _ids_condition(model: type[Model], prefix: str, ids: frozenset) -> Q:
    """Rows whose object anchor (a Unit, a PartySchool reached through ``prefix``) is one of ``ids``."""
    if not ids:
        return Q(pk__in=[])
    under = Q(**{f"{prefix}pk__in": sorted(ids)})
    if prefix and _crosses_to_many(model, prefix):
        return Q(pk__in=model._base_manager.filter(under).values("pk"))
    return under


def _prefix_condition(model: type[Model], prefix: str | None, paths: list[str], hops_as_subquery: bool = True) -> Q:
    """Rows whose anchor (reached through ``prefix``) lies under one of ``paths``."""
    if prefix is None or not paths:
        return Q(pk__in=[])
    under = Q(pk__in=[])
    for path in paths:
        under |= Q(**{f"{prefix}path__startswith": path})
    if prefix and _crosses_to_many(model, prefix):
        # Reached through a relation that may repeat rows: apply as a subquery.
        return Q(pk__in=model._base_manager.filter(under).values("pk"))
    hops = prefix.strip("_").split("__") if prefix else []
    if len(hops) >= 2 and hops_as_subquery:
        # Two or more forward hops (a member → its organization → that organization's area):
        # filter the foreign key by a subquery on the related table. As a join, PostgreSQL
        # walks the list's sort index over the whole city and filters late (48–60 ms for a
        # street roster); as ``organization_id IN (…)`` it reads the street's rows (4–5 ms).
        # SQLite serves a street or a district, whose scope is most of its table: there the
        # subquery gathers and sorts every member (a 50,000-member district roster page
        # ≈ 90 ms under load) where the join walks the sort index and stops after 50 (≈ 20 ms).
        # The IN list is of tree nodes (organizations, areas: hundreds to thousands), never of
        # records: a floating record reaches its area through its member, and "member_id IN
        # (every member of the district)" hashed 55,000 members to filter 7,000 records; joined
        # to its member it filters on "member.organization_id IN (the district's organizations)".
        joined, owner = _hops_to_tree(model, hops)
        first, rest = hops[joined], "".join(f"{hop}__" for hop in hops[joined + 1:])
        related = owner._meta.get_field(first).related_model
        inner = _prefix_condition(related, rest, paths)
        through = "".join(f"{hop}__" for hop in hops[:joined])
        return Q(**{f"{through}{first}__in": related._base_manager.filter(inner).values("pk")})
    return under


def _hops_to_tree(model: type[Model], hops: list[str]) -> tuple[int, type[Model]]:
    """(index of the first hop that lands on a tree model, the model that hop starts from).
    A prefix ends at a tree node (it holds the path), so some hop does."""
    owner = model
    for index, hop in enumerate(hops):
        related = owner._meta.get_field(hop).related_model
        if _is_tree(related):
            return index, owner
        owner = related
    return 0, model


def _is_tree(model: type[Model]) -> bool:
    """Areas and party organizations: materialized-path trees, the anchors of every scope."""
    return any(field.name == "path" for field in model._meta.concrete_fields)


def _org_reach_is_read_only(model: type[Model], prefix: str | None) -> bool:
    """An organization grant reaches an area or a unit only because organizations sit there:
    the organization's administrator may see them, but changing them is the area's business."""
    return bool(prefix) and _crosses_to_many(model, prefix)


def _crosses_to_many(model: type[Model], prefix: str) -> bool:
    """Does the lookup ``prefix`` cross a reverse or many-to-many relation anywhere?"""
    for field_name in prefix.strip("_").split("__"):
        field = model._meta.get_field(field_name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


def narrow(actor, queryset: QuerySet, *, write: bool = False) -> QuerySet:
    """Restrict ``queryset`` to the rows the actor may see (or, with ``write``, change)."""
    condition = scope_condition(actor, queryset.model, write=write,
                                hops_as_subquery=connections[queryset.db].vendor != "sqlite")
    if condition is None:
        return queryset
    return queryset.filter(condition)


def under_area(queryset: QuerySet, area, area_prefixes: tuple[str, ...]) -> QuerySet:
    """Rows of ``queryset`` whose anchor, reached through any of ``area_prefixes``, lies under
    ``area`` (a focus, not a permission: combine with :func:`narrow` or :func:`sees_all_under`).
    Built as :func:`narrow` builds it: an IN list of organizations, not joins to the area path."""
    hops_as_subquery = connections[queryset.db].vendor != "sqlite"
    condition = Q(pk__in=[])
    for prefix in area_prefixes:
        condition |= _prefix_condition(queryset.model, prefix, [area.path], hops_as_subquery)
    return queryset.filter(condition)


def sees_all_under(actor, model: type[Model], area, area_prefixes: tuple[str, ...]) -> bool:
    """Does the actor see every ``model`` row anchored under ``area`` through ``area_prefixes``?
    Then a focus on that area needs no :func:`narrow` as well: for a district administrator on
    their own district both built the same IN list of the district's organizations, and the
    database intersected the two."""
    if area is None:
        return is_superuser(actor) or is_city_admin(actor)
    if not set(area_prefixes) <= set(_prefixes(model, "scope_area_path")):
        return False
    if is_superuser(actor) or is_city_admin(actor):
        return True
    return any(grant.area_path is not None and area.path.startswith(grant.area_path)
               for grant in grants_for(actor))


def _anchor_path(obj: Model, prefix: str | None) -> str | None:
    """The tree path of ``obj``'s anchor when reachable through forward relations only."""
    if prefix is None:
        return None
    if prefix and _crosses_to_many(type(obj), prefix):
        raise LookupError
    target = obj
    for name in prefix.strip("_").split("__") if prefix else []:
        target = getattr(target, name)
        if target is None:
            return None
    return target.path


def _in_scope(actor, obj: Model, *, write: bool) -> bool:
    """Decided in Python from the grants' paths where the anchor is a forward relation,
    so list pages ask no query per row; otherwise one EXISTS query."""
    if is_superuser(actor) or is_city_admin(actor):
        return True
    if obj.pk is None:
        return False
    model = type(obj)
    grants = [grant for grant in grants_for(actor) if grant.may_write or not write]
    needs_query = False
    for prefix_attr, grant_attr in (("scope_area_path", "area_path"),
                                    ("scope_organization_path", "organization_path")):
        grant_paths = [getattr(grant, grant_attr) for grant in grants if getattr(grant, grant_attr)]
        if not grant_paths:
            continue
        for prefix in _prefixes(model, prefix_attr):
            if write and grant_attr == "organization_path" and _org_reach_is_read_only(model, prefix):
                continue
            try:
                anchor = _anchor_path(obj, prefix)
            except LookupError:
                needs_query = True
                continue
            if anchor is not None and any(anchor.startswith(path) for path in grant_paths):
                return True
    for anchor_attr, grant_field in ID_ANCHORS:
        ids = frozenset().union(*(getattr(grant, grant_field) for grant in grants))
        if not ids:
            continue
        for prefix in _prefixes(model, anchor_attr):
            if write and _org_reach_is_read_only(model, prefix):
                continue
            try:
                anchor_pk = _anchor_pk(obj, prefix)
            except LookupError:
                needs_query = True
                continue
            if anchor_pk in ids:
                return True
    if needs_query:
        return narrow(actor, model._base_manager.filter(pk=obj.pk), write=write).exists()
    return False


def _anchor_pk(obj: Model, prefix: str):
    """The pk of ``obj``'s object anchor when reachable through forward relations only."""
    if prefix and _crosses_to_many(type(obj), prefix):
        raise LookupError
    hops = prefix.strip("_").split("__") if prefix else []
    target = obj
    for name in hops[:-1]:
        target = getattr(target, name)
        if target is None:
            return None
    return getattr(target, f"{hops[-1]}_id") if hops else target.pk


def can_see(actor, obj: Model) -> bool:
    return _in_scope(actor, obj, write=False)


def can_write(actor, obj: Model) -> bool:
    return _in_scope(actor, obj, write=True)


def is_scope_root(actor, obj: Model) -> bool:
    """True when ``obj`` is the root node of one of the actor's own grants.

    Nobody moves or deletes the root of their own scope: that needs someone above them.
    """
    if is_superuser(actor):
        return False
    path = getattr(obj, "path", None)
    # The two trees number their paths independently: compare with the grants of obj's own tree.
    if getattr(obj, "scope_area_path", None) == "":
        return any(path == grant.area_path for grant in grants_for(actor))
    if getattr(obj, "scope_organization_path", None) == "":
        return any(path == grant.organization_path for grant in grants_for(actor))
    return False


@dataclass
class Scope:
    """What a metric or a rule computes over: the actor's visible records, optionally
    focused on one area subtree (the dashboard's drill-down)."""

    actor: object
    focus_area: object | None = None

    def _focus(self, queryset: QuerySet, area_prefix: str) -> QuerySet:
        queryset = narrow(self.actor, queryset)
        if self.focus_area is not None:
            queryset = queryset.filter(**{f"{area_prefix}path__startswith": self.focus_area.path})
        return queryset

    def areas(self) -> QuerySet:
        from dangjian.organizations.models import Area

        return self._focus(Area.objects.all(), "")

    def organizations(self) -> QuerySet:
        from dangjian.organizations.models import PartyOrganization

        return self._focus(PartyOrganization.objects.all(), "area__")

    def units(self) -> QuerySet:
        from dangjian.organizations.models import Unit

        return self._focus(Unit.objects.all(), "area__")

    def narrow(self, queryset: QuerySet, area_prefix: str) -> QuerySet:
        """Any other app's queryset narrowed to this scope through its area anchor."""
        return self._focus(queryset, area_prefix)
