"""Reads of the member registry that reach a user, narrowed to the actor's scope.

Search never decrypts the table. A name term of one character is a surname (a prefix); of two
characters, the start or the end of the name (a two-character name such as 杨睿, a surname and
the first given character, or a given name such as 建国 in 王建国); of three or more, anywhere in
the name. A two-character term anywhere would have no trigram for PostgreSQL's index and scan
the city (≈ 200 ms; start-or-end is ≈ 20 ms through the prefix and trigram indexes). A pinyin or initials
query matches by prefix on the stored keys, a phone by prefix, and a full ID number through its
blind-index digest. Every prefix is written so that the database's indexes serve it
(docs/benchmarks.md): ``LIKE 'x%'`` on PostgreSQL (``varchar_pattern_ops`` indexes, or a plain
one where the column compares by code point, ``core.fields.CodePointCharField``), a range
``>= 'x' AND < 'y'`` on SQLite, whose ``LIKE`` never uses an index.
"""

import itertools
import re
import sys

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from pypinyin import Style, pinyin

from dangjian.accounts import scoping
from dangjian.core import crypto
from dangjian.core.id_numbers import normalize_id_number, validate_id_number
from dangjian.core.models import Code
from dangjian.core.periods import years_before
from dangjian.core.pinyin import full_pinyin
from dangjian.members.models import (
    OFF_POST,
    CareVisit,
    FloatingDirection,
    FloatingRecord,
    Member,
    Standing,
    Transfer,
)
from dangjian.organizations.models import OrganizationKind, PartyOrganization

_LATIN = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d{3,}$")
# Up to this many characters a name term matches at the start or the end of the name, not in the
# middle: PostgreSQL's trigram index serves neither a one- nor a two-character substring.
NAME_EDGE_MAX_LENGTH = 2
_MAX_PINYIN_RANGES = 16


def member_list_for(actor, *, include_left: bool = False) -> QuerySet:
    members = scoping.narrow(actor, Member.objects.all()).select_related(
        "organization", "sex", "ethnicity", "education"
    )
    return members if include_left else members.filter(standing=Standing.ACTIVE)


# What a roster row shows (the back-office changelist's columns); nothing else leaves the table.
ROSTER_COLUMNS = ("name", "name_pinyin", "standing", "sex", "id_number_masked", "birth_date", "organization",
                  "status", "employment", "full_member_on", "phone", "lost_contact_since", "has_difficulty")


def member_roster_rows(members: QuerySet) -> QuerySet:
    """``members`` as roster rows: the listed columns only, with no join before the page's LIMIT.

    Joined, PostgreSQL builds every row of the scope with its organization and codes before
    sorting (a street of the reference city: ≈ 45 ms, plus ≈ 20 ms of planning the joins); the
    narrow rows sort in ≈ 12 ms. Each row's organization name, sex and open outflow are scalar
    subqueries in the select list (``organization_name``, ``sex_name``, ``floating_record_id``):
    PostgreSQL evaluates them after the sort and the LIMIT, for the page's rows only (a subplan
    above the Sort), so the page is one query instead of four (≈ 7 → 3 ms of CPU, two round
    trips fewer); on SQLite the street and district pages also got faster (≈ 65 → 50 ms).
    """
    return members.select_related(None).only(*ROSTER_COLUMNS).annotate(
        organization_name=Subquery(PartyOrganization.objects.filter(pk=OuterRef("organization_id"))
                                   .order_by().values("name")[:1]),
        sex_name=Subquery(Code.objects.filter(pk=OuterRef("sex_id")).order_by().values("name")[:1]),
        floating_record_id=Subquery(FloatingRecord.objects.filter(
            member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW, ended_on__isnull=True,
        ).order_by().values("pk")[:1]),
    )


def member_get_for(actor, pk) -> Member:
    try:
        return member_list_for(actor, include_left=True).select_related("residence_area", "workplace_unit").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise Http404("党员不存在。") from None


HISTORY_TYPES = {"+": "新增", "~": "修改", "-": "删除"}


def member_history(member: Member, *, limit: int = 200) -> list[dict]:
    """``member``'s change history, newest first: when, by whom, and each changed field with its
    value before and after (the history keeps no full ID number: only the masked one)."""
    records = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if older is not None and record.history_type == "~":
            for change in record.diff_against(older).changes:
                field = Member._meta.get_field(change.field)
                changes.append({"field": change.field, "label": str(field.verbose_name),
                                "old": _history_value(change.old), "new": _history_value(change.new)})
        user = record.history_user
        entries.append({"at": record.history_date, "by": user.get_full_name() or user.get_username() if user else "",
                        "type": record.history_type, "type_label": HISTORY_TYPES.get(record.history_type, ""),
                        "changes": changes})
    return entries


def _history_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def member_search(queryset: QuerySet, query: str) -> QuerySet:
    """Narrow ``queryset`` by a name, full pinyin, pinyin initials, phone or full ID number."""
    query = (query or "").strip()
    if not query:
        return queryset
    compact = normalize_id_number(query)
    if len(compact) == 18 and compact[:17].isdigit():
        try:
            digests = crypto.blind_indexes(validate_id_number(compact))
        except ValidationError:
            return queryset.none()
        return queryset.filter(id_number_digest__in=digests)
    vendor = connections[queryset.db].vendor
    lowered = query.lower().replace(" ", "")
    if _LATIN.match(lowered):
        return queryset.filter(_pinyin_or_initials(lowered, vendor))
    if _DIGITS.match(lowered):
        return queryset.filter(_prefix("phone", lowered, vendor))
    if len(query) <= NAME_EDGE_MAX_LENGTH:
        return queryset.filter(_name_edges(queryset, query, vendor))
    return queryset.filter(_scanned_on_sqlite(queryset, Q(name__contains=query), vendor))


def _pinyin_or_initials(prefix: str, vendor: str) -> Q:
    """The stored pinyin or initials start with ``prefix`` (lower-case Latin letters).

    On PostgreSQL the page walks the pinyin index in its order and filters: initials such as
    ``hj`` match thousands of members over the city, all of them past every name before 'h'
    (≈ 110,000 rows read, ≈ 300 ms). Both keys come from the same syllables
    (``core.pinyin.pinyin_keys``), so every match has a pinyin starting with the term's first
    letter; said as a range on the pinyin (the column sorts by code point, collation "C"), it
    starts the walk at that letter or lets the planner collect the matches and sort them
    (5–50 ms, docs/benchmarks.md). It never changes which rows match. SQLite's plans are left alone.
    """
    matches = _prefix("name_pinyin", prefix, vendor) | _prefix("name_initials", prefix, vendor)
    if vendor != "postgresql":
        return matches
    first = prefix[0]
    return matches & Q(name_pinyin__gte=first, name_pinyin__lt=chr(ord(first) + 1))


def _name_edges(queryset: QuerySet, term: str, vendor: str) -> Q:
    """A surname (one character), or a name starting or ending with two characters."""
    starts = _prefix("name", term, vendor)
    if len(term) == 1:
        return starts & _pinyin_ranges_of_name_prefix(term) if vendor == "sqlite" else starts
    # '%建国' is served by the trigram index on PostgreSQL (the name's end is a trigram boundary);
    # on SQLite both ends are checked in one scan of the table
    return _scanned_on_sqlite(queryset, starts | Q(name__endswith=term), vendor)


def _scanned_on_sqlite(queryset: QuerySet, condition: Q, vendor: str) -> Q:
    """``condition``, which no SQLite index serves, as a subquery there.

    Asked directly, SQLite walks the pinyin index in the page's order and reads every row
    (≈ 250 ms for 50,000 members under load); as a subquery it scans the table once and sorts
    the few matches (≈ 35 ms)."""
    if vendor != "sqlite":
        return condition
    return Q(pk__in=queryset.model._base_manager.filter(condition).values("pk"))


def _prefix(field: str, prefix: str, vendor: str) -> Q:
    """``field`` starts with ``prefix``, in the form the database's index serves.

    SQLite's LIKE (Django's ``startswith``) is case-insensitive and never uses an index; the
    equivalent range over the column's binary order does (``'yangrui' <= x < 'yangruj'``)."""
    if vendor == "sqlite" and ord(prefix[-1]) < sys.maxunicode:
        successor = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": successor})
    return Q(**{f"{field}__startswith": prefix})


def _pinyin_ranges_of_name_prefix(prefix: str) -> Q:
    """A condition every name starting with ``prefix`` meets, on the indexed pinyin key.

    SQLite has no index on ``name`` (migration members/0003 indexes it on PostgreSQL only), so
    without this a name prefix walks the whole roster (≈ 250 ms for 50,000 members under load).
    A name starting with 杨睿 has a stored pinyin starting with one reading of 杨 followed by
    one reading of 睿: the ranges of every combination of readings narrow through the pinyin
    index, and the exact name condition beside it keeps the result exact."""
    if not all(_is_han(ch) for ch in prefix):
        return Q()
    readings = [set(char_readings) for char_readings in pinyin(prefix, style=Style.NORMAL, heteronym=True)]
    combinations = {"".join(combo).lower() for combo in itertools.product(*readings)}
    combinations.add(full_pinyin(prefix))
    if len(combinations) > _MAX_PINYIN_RANGES or not all(combinations):
        return Q()
    condition = Q(pk__in=[])
    for reading in combinations:
        condition |= _prefix("name_pinyin", reading, "sqlite")
    return condition


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"


def member_filter(queryset: QuerySet, *, organization=None, status=None, employment=None, care_group=None,
                  age_band=None, standing_years=None, education=None, on_date=None) -> QuerySet:
    """The roster's filters; every argument is optional."""
    on_date = on_date or timezone.localdate()
    if organization is not None:
        queryset = queryset.filter(organization__path__startswith=organization.path)
    if status:
        queryset = queryset.filter(status=status)
    if employment:
        queryset = queryset.filter(employment=employment)
    if education:
        queryset = queryset.filter(education__code=education)
    if care_group == "off_post":
        queryset = queryset.filter(employment__in=OFF_POST)
    elif care_group == "floating":
        queryset = queryset.filter(Exists(FloatingRecord.objects.filter(
            member=OuterRef("pk"), direction=FloatingDirection.OUTFLOW, ended_on__isnull=True)))
    elif care_group == "lost_contact":
        queryset = queryset.filter(lost_contact_since__isnull=False)
    elif care_group == "difficulty":
        queryset = queryset.filter(has_difficulty=True)
    if age_band:
        low, _, high = age_band.partition("-")
        # age ≥ low  ⇔ born on or before (on_date − low years); age ≤ high ⇔ born after (on_date − high−1 years)
        if low:
            queryset = queryset.filter(birth_date__lte=years_before(on_date, int(low)))
        if high:
            queryset = queryset.filter(birth_date__gt=years_before(on_date, int(high) + 1))
    if standing_years:
        low, _, high = standing_years.partition("-")
        if low:
            queryset = queryset.filter(full_member_on__lte=years_before(on_date, int(low)))
        if high:
            queryset = queryset.filter(full_member_on__gt=years_before(on_date, int(high) + 1))
    return queryset


def transfer_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, Transfer.objects.all()).select_related(
        "member", "from_organization", "to_organization")


def floating_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, FloatingRecord.objects.all()).select_related(
        "member", "member__organization", "host_organization")


def care_visit_list_for(actor) -> QuerySet:
    return scoping.narrow(actor, CareVisit.objects.all()).select_related("member")


# A letter or a floating member crosses scopes: the other side is named by what the papers say
# (an organization's exact full name; a member's full ID number with their name), never by an id,
# so the answer reveals nothing the caller does not already hold. Pages and the API both use these.


def transfer_target_by_full_name(name: str):
    """The one active, non-group organization with exactly this name, anywhere; else None."""
    found = list(PartyOrganization.objects.filter(name=(name or "").strip(), is_active=True)
                 .exclude(kind=OrganizationKind.PARTY_GROUP)[:2])
    return found[0] if len(found) == 1 else None


def member_by_id_number_and_name(id_number: str, name: str) -> Member | None:
    """An on-roll member whose full ID number (blind index) and exact name both match, anywhere.

    A malformed number raises the Chinese ValidationError of ``validate_id_number``."""
    digests = crypto.blind_indexes(validate_id_number(id_number))
    return Member.objects.on_roll().filter(id_number_digest__in=digests, name=(name or "").strip()).first()
