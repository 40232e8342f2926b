"""Demo members: realistic, valid, every care group and rule case present, and idempotent; the
bulk path for the big cities derives exactly what the services derive."""

import datetime
import random

import pytest
from stdnum.cn import ric

from dangjian.accounts.models import AuditEntry
from dangjian.accounts.scoping import Scope
from dangjian.core import crypto
from dangjian.core.demo import SIZES, DemoContext
from dangjian.core.id_numbers import birth_date_from_id, sex_code_from_id, validate_id_number
from dangjian.core.masking import mask_id_number
from dangjian.core.pinyin import full_pinyin, pinyin_initials
from dangjian.core.registry import rules
from dangjian.members import bulk, demo
from dangjian.members.models import CareVisit, FloatingRecord, Member, Transfer
from dangjian.members.tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
NANJING = set(bulk.NANJING_DISTRICTS) | set(bulk.OLD_CODES.values())


def _context(actor, size="demo"):
    return DemoContext(size=SIZES[size], actor=actor, log=lambda text: None)


def _counts():
    return {model.__name__: model.objects.count() for model in (Member, FloatingRecord, Transfer, CareVisit,
                                                                 AuditEntry)}


def test_generated_people_have_valid_consistent_id_numbers():
    generator = bulk.PeopleGenerator(today=TODAY)
    rng = random.Random(1)  # noqa: S311
    people = [generator.person(rng, district_code="320102", kind=kind) for kind in ("community", "unit") * 500]
    numbers = [person.id_number for person in people]
    assert len(set(numbers)) == len(numbers)
    for person in people:
        assert validate_id_number(person.id_number) == person.id_number
        assert birth_date_from_id(person.id_number) == person.birth_date
        assert sex_code_from_id(person.id_number) == ("2" if person.female else "1")
        assert person.joined_on >= bulk.add_years(person.birth_date, 18)
        assert person.joined_on <= TODAY
        if person.full_member_on:
            assert person.full_member_on >= bulk.add_years(person.joined_on, 1)
    local = sum(person.id_number[:6] in NANJING for person in people)
    assert local / len(people) > 0.6  # most were first registered in Nanjing
    assert any(person.id_number[:6] not in NANJING for person in people)


def test_generation_is_deterministic():
    def names():
        generator = bulk.PeopleGenerator(today=TODAY)
        rng = random.Random("x")  # noqa: S311
        return [generator.person(rng, district_code="320104").id_number for _ in range(50)]

    assert names() == names()


def test_demo_members_cover_every_branch_care_group_and_rule_and_are_idempotent(city, superuser):
    demo.build_through_services(_context(superuser))
    branches = demo.branches()
    sizes = {branch.pk: branch.members.count() for branch in branches}
    assert sizes[branches[0].pk] in (52, 53)  # ORG-03 shows (a received transfer may add one)
    assert all(15 <= sizes[branch.pk] <= 41 for branch in branches[1:])  # a received transfer may add one
    members = list(Member.objects.all())
    # names: plausible, some with a middle dot; the pinyin keys drop the dot
    dotted = [member for member in members if "·" in member.name]
    assert dotted and "·" not in dotted[0].name_pinyin
    # ID numbers: valid, consistent with birth date and sex, mostly Nanjing region codes
    for member in members[:200]:
        number = crypto.decrypt(member.id_number_ciphertext)
        assert validate_id_number(number) == number
        assert ric.get_birth_date(number) == member.birth_date
        assert member.id_number_masked == mask_id_number(number)
    # the seed's care groups
    assert Member.objects.filter(employment="retired").exists()
    assert Member.objects.filter(employment="laid_off").exists()
    assert Member.objects.filter(has_difficulty=True).exclude(difficulty_reason="").exists()
    assert Member.objects.filter(lost_contact_since__isnull=False).exists()
    assert FloatingRecord.objects.filter(direction="outflow").exists()
    assert FloatingRecord.objects.filter(direction="inflow").exists()
    # transfers: one in transit, one expired, one received
    assert set(Transfer.objects.values_list("status", flat=True)) >= {"issued", "expired", "received"}
    # the rules have something to show
    scope = Scope(actor=superuser)
    for code in ("ORG-03", "MEM-01", "MEM-03", "MEM-04", "MEM-06", "MEM-08"):
        assert list(rules.get(code).check(scope, TODAY)), code
    # visits: most care-group members visited, some overdue
    assert CareVisit.objects.filter(visited_on__gte=TODAY - datetime.timedelta(days=60)).exists()
    # a second run finds everyone already there and writes nothing (not even an audit entry)
    before = _counts()
    demo.build_through_services(_context(superuser))
    assert _counts() == before


def test_bulk_path_derives_what_the_services_derive_and_is_idempotent(city, superuser):
    demo.build_in_bulk(_context(superuser, "district"), total=400)
    assert Member.objects.count() == 400
    for member in Member.objects.select_related("sex").order_by("?")[:100]:
        number = crypto.decrypt(member.id_number_ciphertext)
        assert validate_id_number(number) == number
        assert member.id_number_digest == crypto.blind_index(number)
        assert member.id_number_masked == mask_id_number(number)
        assert member.birth_date == birth_date_from_id(number)
        assert member.sex.code == sex_code_from_id(number)
        assert (member.name_pinyin, member.name_initials) == (full_pinyin(member.name), pinyin_initials(member.name))
        member.full_clean()  # every model constraint holds
    assert CareVisit.objects.exists() and FloatingRecord.objects.exists()
    before = _counts()
    demo.build_in_bulk(_context(superuser, "district"), total=400)
    assert _counts() == before
    # a member added afterwards gets a fresh id after the explicit ones (the sequences moved on)
    added = factories.member(actor=superuser, organization=city.org(city.dahanggong), name="新来的")
    assert added.pk > max(Member.objects.exclude(pk=added.pk).values_list("pk", flat=True))


def test_the_big_cities_keep_branches_under_the_org03_limit_but_a_few(settings):
    from types import SimpleNamespace

    limit = settings.DANGJIAN_RULES["BRANCH_MAX_MEMBERS"]
    area = SimpleNamespace(code="320102002001")
    branches = [SimpleNamespace(area=area, name=f"第{i}党支部", unit_id=i if i % 2 else None) for i in range(2400)]
    counts = demo._counts(branches, 2400 * 42)
    assert sum(counts) == 2400 * 42
    oversized = [count for count in counts if count > limit]
    assert 5 <= len(oversized) <= 40  # about one branch in 120
    assert min(counts) >= 10
    # community branches are fuller than unit branches
    assert sum(counts[0::2]) > sum(counts[1::2])
