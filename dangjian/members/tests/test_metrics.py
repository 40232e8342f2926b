"""Member metrics: the figures a street or district sees on its dashboard, as of a period's end."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.accounts.scoping import Scope
from dangjian.core.periods import Period
from dangjian.core.registry import metrics, rules
from dangjian.members import services
from dangjian.members.tests.factories import member, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_city")]

TODAY = datetime.date.today()
THIS_YEAR = Period.containing(TODAY, "year")
LAST_YEAR = THIS_YEAR.previous()


def _metric(key, actor, period=THIS_YEAR, focus=None):
    return metrics.get(key).compute(Scope(actor=actor, focus_area=focus), period)


@pytest.fixture
def people(city, superuser):
    """Five members in 大行宫社区's branch and one in another district."""
    branch = city.org(city.dahanggong)
    born = {"old": datetime.date(1940, 3, 1), "mid": datetime.date(1975, 6, 1), "young": datetime.date(1995, 1, 9)}
    made = {
        "retired": member(actor=superuser, organization=branch, name="王退休", birth=born["old"],
                          id_number=valid_id_number(birth=born["old"]), employment="retired",
                          joined_on=datetime.date(1965, 7, 1), full_member_on=datetime.date(1966, 7, 1),
                          education="61"),
        "laid_off": member(actor=superuser, organization=branch, name="李下岗", birth=born["mid"],
                           id_number=valid_id_number(birth=born["mid"], female=True), employment="laid_off",
                           education="31"),
        "floating": member(actor=superuser, organization=branch, name="阿依古丽·买买提", birth=born["young"],
                           id_number=valid_id_number(birth=born["young"], female=True), ethnicity="05",
                           joined_on=datetime.date(2018, 7, 1), full_member_on=datetime.date(2019, 7, 1),
                           education="21"),
        "new": member(actor=superuser, organization=branch, name="赵预备", birth=born["young"],
                      id_number=valid_id_number(birth=born["young"]), joined_on=TODAY.replace(day=1),
                      full_member_on=None, education="14"),
        "deceased": member(actor=superuser, organization=branch, name="钱故去"),
        "elsewhere": member(actor=superuser, organization=city.unit_branch(city.fuzimiao), name="孙秦淮"),
    }
    services.member_float_out(actor=superuser, member=made["floating"], place="上海市", started_on=TODAY)
    services.member_close(actor=superuser, member=made["deceased"], standing="deceased",
                          left_on=TODAY.replace(month=1, day=1))
    return made


def test_totals_count_the_roll_at_the_period_end(people, street_admin, superuser):
    assert _metric("members.total", street_admin) == 4  # the deceased member no longer counts
    # last year: the newly joined member had not joined, the deceased was still on the roll
    assert _metric("members.total", street_admin, LAST_YEAR) == 4 - 1 + 1
    assert _metric("members.total", superuser) == 5


def test_breakdowns_by_status_sex_ethnicity_employment_and_education(people, street_admin):
    assert _metric("members.by_status", street_admin) == {"正式党员": 3, "预备党员": 1}
    assert _metric("members.by_sex", street_admin) == {"男": 2, "女": 2}
    ethnicity = _metric("members.by_ethnicity", street_admin)
    assert ethnicity == {"汉族": 3, "维吾尔族": 1}
    employment = _metric("members.by_employment", street_admin)
    assert (employment["离退休"], employment["下岗失业"], employment["在职"]) == (1, 1, 2)
    education = _metric("members.by_education", street_admin)
    assert (education["研究生"], education["大学本科"], education["大学专科"], education["高中"]) == (1, 1, 1, 1)


def test_age_bands_use_the_age_at_the_period_end(people, street_admin):
    bands = _metric("members.by_age_band", street_admin)
    assert sum(bands.values()) == 4
    assert bands["81岁及以上"] == 1  # born 1940
    assert bands["35岁及以下"] == 2  # born 1995
    assert bands["46至55岁"] == 1  # born 1975 (is 51 in 2026)


def test_shares_of_off_post_and_floating_members(people, street_admin, leader):
    assert _metric("members.off_post_share", street_admin) == 50.0  # retired + laid-off of four
    assert _metric("members.floating_share", street_admin) == 25.0
    # last year nobody was away yet
    assert _metric("members.floating_share", street_admin, LAST_YEAR) == 0.0


def test_empty_scope_gives_no_share_rather_than_zero(city, street_admin):
    assert _metric("members.total", street_admin) == 0
    assert _metric("members.off_post_share", street_admin) is None
    assert _metric("members.floating_share", street_admin) is None


def test_scope_focus_narrows_to_a_community(people, district_admin, city):
    assert _metric("members.total", district_admin) == 4
    assert _metric("members.total", district_admin, focus=city.changjianglu) == 0


def test_member_metrics_share_one_summary_query_per_scope_and_day(people, street_admin):
    scope = Scope(actor=street_admin)
    metrics.get("members.total").compute(scope, THIS_YEAR)  # the grants, the code ids, the summary
    with CaptureQueriesContext(connection) as queries:
        for key in ("members.total", "members.by_status", "members.by_employment", "members.by_age_band",
                    "members.by_education", "members.by_sex", "members.off_post_share"):
            metrics.get(key).compute(scope, THIS_YEAR)
    assert len(queries) == 0
    # the ethnicities, who is away (the floating share) and the counts of MEM-01 and MEM-03 for
    # today were counted in the same pass
    with CaptureQueriesContext(connection) as queries:
        metrics.get("members.by_ethnicity").compute(scope, THIS_YEAR)
        metrics.get("members.floating_share").compute(scope, THIS_YEAR)
        for code in ("MEM-01", "MEM-03"):
            rules.get(code).count(scope, timezone.localdate())
    assert len(queries) == 0
    # the previous period (the dashboard's change) was counted in the same pass, both figures
    with CaptureQueriesContext(connection) as queries:
        metrics.get("members.total").compute(scope, LAST_YEAR)
        metrics.get("members.floating_share").compute(scope, LAST_YEAR)
    assert len(queries) == 0
    # any other day is counted afresh
    with CaptureQueriesContext(connection) as queries:
        metrics.get("members.total").compute(scope, LAST_YEAR.previous())
    assert len(queries) == 1


def test_a_fresh_scope_counts_afresh(people, street_admin, superuser, city):
    assert _metric("members.total", street_admin) == 4
    member(actor=superuser, organization=city.org(city.dahanggong), name="后来者")
    assert _metric("members.total", street_admin) == 5
