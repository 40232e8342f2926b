"""Member search (selectors.member_search): what a name, pinyin, initials or phone term finds,
and that each prefix is written in the form the database's indexes serve."""

import pytest
from django.db import connection

from dangjian.members import selectors
from dangjian.members.models import Member
from dangjian.members.selectors import _pinyin_or_initials, _prefix
from dangjian.members.tests.factories import member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]


@pytest.fixture
def people(city, superuser):
    organization = city.org(city.dahanggong)
    names = ["杨睿", "杨睿峰", "张杨睿", "欧阳睿峰", "杨帆", "王建国", "曾国藩", "单雄信", "阿依古丽·买买提"]
    return {name: member(actor=superuser, organization=organization, name=name,
                         phone=f"1391234{index:04d}") for index, name in enumerate(names)}


def _found(actor, term) -> set[str]:
    return set(selectors.member_search(selectors.member_list_for(actor), term).values_list("name", flat=True))


@pytest.mark.parametrize(("term", "expected"), [
    # one character: a surname
    ("杨", {"杨睿", "杨睿峰", "杨帆"}),
    ("睿", set()),
    # two: the start of the name (a two-character name, a surname and a first given character)
    # or its end (a given name), never the middle
    ("杨睿", {"杨睿", "杨睿峰", "张杨睿"}),
    ("建国", {"王建国"}),
    ("睿峰", {"杨睿峰", "欧阳睿峰"}),
    ("阳睿", set()),
    # three or more: anywhere in the name
    ("杨睿峰", {"杨睿峰"}),
    ("阳睿峰", {"欧阳睿峰"}),
    ("张杨睿", {"张杨睿"}),
])
def test_a_short_name_term_matches_at_the_edges_and_a_longer_one_anywhere(people, street_admin, term, expected):
    assert _found(street_admin, term) == expected


@pytest.mark.parametrize(("term", "expected"), [
    # surnames read more than one way (曾 zēng/céng, 单 shàn/dān): found whatever reading is stored
    ("曾", {"曾国藩"}),
    ("曾国", {"曾国藩"}),
    ("单雄", {"单雄信"}),
    # a name with a middle dot, and a term that is not a Chinese character at all
    ("阿依", {"阿依古丽·买买提"}),
    ("·买", set()),
    ("丽·买", {"阿依古丽·买买提"}),
])
def test_name_prefixes_are_exact_whatever_the_pinyin(people, street_admin, term, expected):
    assert _found(street_admin, term) == expected


@pytest.mark.parametrize(("term", "expected"), [
    ("yangrui", {"杨睿", "杨睿峰"}),
    ("YangRui", {"杨睿", "杨睿峰"}),
    ("yr", {"杨睿", "杨睿峰"}),
    ("yrf", {"杨睿峰"}),
    ("yang", {"杨睿", "杨睿峰", "杨帆"}),
    ("yangruj", set()),  # just past the range's end
    ("wjg", {"王建国"}),
    ("zz", set()),
])
def test_pinyin_and_initials_match_by_prefix(people, street_admin, term, expected):
    assert _found(street_admin, term) == expected


@pytest.mark.parametrize("term", ["yr", "yangrui", "wjg", "aygl", "a", "d", "s", "z", "zz"])
def test_the_first_letter_range_on_postgresql_never_changes_the_matches(people, term):
    # the PostgreSQL form adds a range on the pinyin's first letter for the planner's sake;
    # asked of the same rows, it finds exactly what the plain prefixes find
    plain = _prefix("name_pinyin", term, "postgresql") | _prefix("name_initials", term, "postgresql")
    ranged = _pinyin_or_initials(term, "postgresql")
    assert set(Member.objects.filter(ranged)) == set(Member.objects.filter(plain))
    assert {("name_pinyin__gte", term[0]), ("name_pinyin__lt", chr(ord(term[0]) + 1))} <= set(ranged.children)


def test_a_phone_prefix_finds_the_numbers_starting_with_it(people, street_admin):
    assert _found(street_admin, "13912340005") == {"王建国"}
    assert len(_found(street_admin, "1391234")) == 9
    assert _found(street_admin, "1391235") == set()


@pytest.mark.parametrize("term", ["yr", "1391234", "杨"])
def test_prefixes_use_the_index_friendly_form_of_the_database(term):
    sql = str(selectors.member_search(Member.objects.all(), term).query)
    if connection.vendor == "sqlite":
        # SQLite's LIKE never uses an index: a range does
        assert "LIKE" not in sql.upper() and " >= " in sql and " < " in sql
    else:
        assert "LIKE" in sql.upper()


def test_on_sqlite_a_surname_narrows_through_the_pinyin_index():
    sql = str(selectors.member_search(Member.objects.all(), "杨").query)
    if connection.vendor == "sqlite":
        assert '"name_pinyin" >= yang' in sql and '"name" >= 杨' in sql
    else:
        assert "name_pinyin" not in sql.split("WHERE")[1].split("ORDER BY")[0]


def test_on_sqlite_a_two_character_name_is_one_scan_of_the_table():
    sql = str(selectors.member_search(Member.objects.all(), "建国").query)
    if connection.vendor == "sqlite":
        # both ends checked inside one subquery, not the page's walk of the pinyin index
        assert '"id" IN (SELECT' in sql and "LIKE %建国" in sql
    else:
        assert "LIKE 建国%" in sql and "LIKE %建国" in sql


def test_the_range_form_ends_at_the_next_string():
    condition = _prefix("name_pinyin", "yangrui", "sqlite")
    assert dict(condition.children) == {"name_pinyin__gte": "yangrui", "name_pinyin__lt": "yangruj"}
    assert dict(_prefix("name", "杨睿", "sqlite").children) == {"name__gte": "杨睿", "name__lt": "杨" + chr(ord("睿") + 1)}


def test_the_pattern_form_on_postgresql_is_startswith():
    assert dict(_prefix("name", "杨睿", "postgresql").children) == {"name__startswith": "杨睿"}


@pytest.mark.django_db
def test_a_pinyin_prefix_is_served_by_the_index_that_sorts_the_roster():
    # On PostgreSQL the pinyin compares by code point (collation "C"), so the plain index that
    # sorts the roster also serves LIKE 'yang%': no second, pattern-ops index to maintain.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares bytes and answers a prefix with a range (tests above)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name, collation_name FROM information_schema.columns "
                       "WHERE table_name = 'members_member' AND column_name IN ('name_pinyin', 'id_number_digest')")
        assert dict(cursor.fetchall()) == {"name_pinyin": "C", "id_number_digest": "C"}
        # On the test's few rows the planner may as well scan a bitmap and sort; forbid the
        # alternatives so the plan shows whether the one index *can* serve both the range and
        # the order. Without the "C" collation it could not, and a Sort or a scan without the range would remain.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN SELECT id FROM members_member WHERE name_pinyin::text LIKE 'yang%' "
                       "ORDER BY name_pinyin LIMIT 50")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "member_pinyin" in plan and "Sort " not in plan
    assert "Index Cond: (((name_pinyin)::text >= 'yang'::text)" in plan, plan
