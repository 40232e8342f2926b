"""Every text a user typed comes back escaped, on every page that shows it.

One record of (nearly) every kind is built through the apps' own factories; then every text
column of every model of ours — found by introspection, not listed — is overwritten with a
script payload or a quote-breaking one. Every GET route the URL resolver knows is filled with
real ids and requested as the superuser (the back office, the API) and as a member (the
portal); list pages also get the payload as their search term. No HTML answer may contain a
payload unescaped; JSON answers must say they are JSON (a browser then never renders them).
"""

import datetime
import re

import pytest
from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.test_scoping_matrix import _classify, _route_strings

SCRIPT = "<script>alert(1)</script>"
QUOTE = "\"'><img src=x onerror=alert(1)>"
ESCAPED = ("&lt;script&gt;alert(1)", "&lt;img src=x onerror=alert(1)&gt;")
# What must never reach a page raw: the payloads' tags (escaped they read &lt;script&gt;…).
RAW = ("<script>alert(1)", "<img src=x onerror=alert(1)>")
# Columns that are not text a person typed (keys, digests, tree paths, stored secrets).
NOT_TYPED = re.compile(r"(^|_)(path|digest|hash|ciphertext|prefix|password|key|token|secret|sha256|salt|"
                       r"session_key|ip|user_agent|username|content_type|mime|extension|state|status|kind)($|_)")
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SKIPPED_ROUTES = re.compile(r"logout|i18n/setlang|openapi\.json|api/v1/docs|\.(xlsx|docx|pdf|csv)$|/export|"
                            r"\(\?P<url>")


@pytest.fixture
def everything(city, city_users, settings, tmp_path):
    """One of each kind of record, built by the apps' own factories (the portal member included)."""
    from dangjian.activities.tests.factories import announced
    from dangjian.concerns.tests.factories import assigned
    from dangjian.conference.tests.factories import street_conference, task
    from dangjian.coverage.services_cobuild import pairing_create
    from dangjian.coverage.tests.factories import instructor, social_organization
    from dangjian.dues.tests.factories import declared_member
    from dangjian.evaluation.tests.factories import scheme
    from dangjian.members import services as member_services
    from dangjian.members.tests.factories import member
    from dangjian.notices.services import notice_post
    from dangjian.organizations.models import PartyOrganization
    from dangjian.orglife.tests.factories import held
    from dangjian.portal.tests.factories import activated
    from dangjian.school.tests.factories import build_school

    settings.MEDIA_ROOT = str(tmp_path)
    actor, branch = city_users.superuser, city.org(city.dahanggong)
    someone = member(actor=actor, organization=branch, name="李党员", phone="13912340001")
    account = activated(actor=actor, member=someone)
    leaving = member(actor=actor, organization=branch, name="王转出", phone="13912340002")
    member_services.member_transfer_issue(actor=actor, member=leaving, letter_number="转001",
                                          issued_on=leaving.joined_on, to_outside="系统外某党委")
    member_services.member_float_out(actor=actor, member=someone, place="苏州", started_on=someone.joined_on)
    notice_post(actor=actor, title="通知", body="正文", organization=branch)
    assigned(actor=actor, community=city.dahanggong, organization=branch)
    street = street_conference(city, actor=actor)
    task(street, street.tech, actor=actor)
    build_school(actor=actor, city=city)
    held(actor=actor, organization=branch)
    announced(actor=actor, city=city)
    instructor(city)
    social_organization(city.meiyuan)
    unit_side = PartyOrganization.objects.filter(unit__isnull=False, area__path__startswith=city.xuanwu.path).first()
    if unit_side is not None:
        pairing_create(actor=actor, community_organization=branch, unit_organization=unit_side,
                       signed_on=timezone.localdate() - datetime.timedelta(days=10), commitments="共建")
    scheme(actor, city)
    declared_member(actor=actor, organization=branch, name="赵党费")
    return account.user


def _text_columns(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices and not field.unique
            and not field.primary_key and not NOT_TYPED.search(field.name)
            and (field.max_length is None or field.max_length >= len(SCRIPT))]


def _fill_every_text_column() -> int:
    """Write a payload into every typed text column of every model of ours; returns how many."""
    filled = 0
    for model in apps.get_models():
        if not model.__module__.startswith("dangjian.") or model is AuditEntry or model._meta.proxy:
            continue  # the audit trail refuses updates, by design
        for index, field in enumerate(_text_columns(model)):
            payload = QUOTE if index % 2 and (field.max_length or 999) >= len(QUOTE) else SCRIPT
            with transaction.atomic():
                model._base_manager.update(**{field.attname: payload})
            filled += 1
    return filled


def _fill_route(route: str, ids: dict) -> str | None:
    """The route with every <id> replaced by a real object's id (None when one is missing)."""
    clean = route.lstrip("^").rstrip("$").replace("\\Z", "")
    kind = _classify(route)
    model_of_route = kind[1] if isinstance(kind, tuple) else None
    placeholders = list(PARAMETER.finditer(clean))
    for match in reversed(placeholders):
        name = match.group("name")
        if name == "fmt":
            value = "xlsx"
        elif name in ("month",):
            value = timezone.localdate().strftime("%Y-%m")
        else:
            model = ids.get(name) if len(placeholders) > 1 or model_of_route is None else model_of_route
            if isinstance(model, type):
                found = model._base_manager.order_by("pk").values_list("pk", flat=True).first()
                value = found
            else:
                value = None
            if value is None:
                return None
        clean = clean[:match.start()] + str(value) + clean[match.end():]
    if "(?P" in clean or "<" in clean:
        return None
    return "/" + clean


def _check(client: Client, url: str, failures: list, echoed: set) -> bool:
    """GET ``url``: False unless it answered 200; a raw payload goes to ``failures``, a page that
    shows a payload (escaped) to ``echoed``."""
    response = client.get(url)
    content_type = response.get("Content-Type", "")
    if response.status_code != 200:
        return False
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    attachment = response.get("Content-Disposition", "").startswith("attachment")
    if url.startswith("/api/"):
        if not (content_type.startswith("application/json") or attachment):
            failures.append((url, f"API answered {content_type}"))
    elif content_type.startswith("text/html"):
        if any(escaped in text for escaped in ESCAPED):
            echoed.add(url)
        for raw in RAW:
            if raw in text:
                at = text.index(raw)
                failures.append((url, text[max(0, at - 160):at + 60]))
    return True


@pytest.mark.django_db
def test_every_text_field_comes_back_escaped_on_every_page(everything, city_users):
    from dangjian.conference.models import (
        ConferenceMeeting,
        ConferenceTask,
        Demand,
        Document,
        JointConference,
        Seat,
    )
    from dangjian.members.models import FloatingRecord, Member, Transfer
    from dangjian.organizations.models import Area, PartyOrganization, Unit
    from dangjian.orglife.models import MeetingAttachment, OrgLifeMeeting

    filled = _fill_every_text_column()
    assert filled > 100, filled
    # Routes with several ids name each; the conference's meeting ids are its own (the scoping
    # matrix knows the model of a one-id route).
    ids = {"member_id": Member, "transfer_id": Transfer, "record_id": FloatingRecord, "area_id": Area,
           "organization_id": PartyOrganization, "branch_id": PartyOrganization, "unit_id": Unit,
           "conference_id": JointConference, "meeting_id": OrgLifeMeeting, "attachment_id": MeetingAttachment,
           "task_id": ConferenceTask, "seat_id": Seat, "document_id": Document, "demand_id": Demand,
           "content_type_id": None, "object_id": None}
    del ConferenceMeeting
    routes = [route for route in _route_strings() if not SKIPPED_ROUTES.search(route)]
    failures: list = []
    staff = Client()
    staff.force_login(city_users.superuser)
    portal = Client()
    portal.force_login(everything)
    shown, echoed = 0, set()
    for route in routes:
        url = _fill_route(route, ids)
        if url is None:
            continue
        is_portal = url.startswith(("/m/", "/activities/m/", "/api/v1/portal"))
        client = portal if is_portal else staff
        shown += _check(client, url, failures, echoed)
        if "<" not in route and not url.startswith("/api/"):  # a list page: the search term comes back too
            _check(client, f"{url}?q={SCRIPT}&search={QUOTE}", failures, echoed)
    print(f"{shown} pages answered, {len(echoed)} show a payload (escaped):", sorted(echoed))
    assert shown > 150, shown
    # the payloads did reach the pages (else this test would prove nothing), the portal's too
    assert len(echoed) > 100 and any(url.startswith("/m/") for url in echoed), sorted(echoed)
    assert not failures, "\n\n".join(f"{url}\n{excerpt}" for url, excerpt in failures)
