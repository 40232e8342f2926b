"""The demo assessment: two years scored and published over the demo districts, idempotent."""

import pytest

from dangjian.core.demo import SIZES, DemoContext
from dangjian.dashboard.models import FindingsRun
from dangjian.evaluation import demo
from dangjian.evaluation.models import AssessmentScheme, Evidence, Score

pytestmark = pytest.mark.django_db


def test_the_demo_scores_and_ranks_the_districts_once(city, superuser):
    context = DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None)
    demo.build_assessment(context)
    schemes = list(AssessmentScheme.objects.order_by("year"))
    assert len(schemes) == 2 and all(scheme.is_published for scheme in schemes)
    latest = Score.objects.filter(run__scheme=schemes[1])
    assert sorted(score.area.name for score in latest) == ["玄武区", "秦淮区"]
    assert all(score.previous_total is not None for score in latest)  # the change since last year
    assert Evidence.objects.count() == 4
    assert FindingsRun.objects.exists()
    demo.build_assessment(context)
    assert AssessmentScheme.objects.count() == 2


def test_each_district_administrator_sees_the_public_ranking_and_only_its_own_breakdown(city, superuser,
                                                                                       district_admin):
    """Issue 9, done-when: the demo scheme (automatic and manual indicators) scores and ranks the
    districts; 玄武区's and 秦淮区's administrators each see the ranking of both and open only
    their own breakdown, manual scores and evidence."""
    from django.test import Client

    from dangjian.accounts.models import Role
    from dangjian.accounts.tests.factories import user_with_role
    from dangjian.evaluation.models import IndicatorKind

    demo.build_assessment(DemoContext(size=SIZES["demo"], actor=superuser, log=lambda text: None))
    scheme = AssessmentScheme.objects.order_by("-year").first()
    assert {i.kind for i in scheme.indicators.all()} == {IndicatorKind.AUTOMATIC, IndicatorKind.MANUAL}
    run = scheme.runs.get(published=True)
    assert sorted(score.rank for score in run.scores.all())[0] == 1
    qinhuai_admin = user_with_role(role=Role.AREA_ADMIN, area=city.qinhuai, username="qinhuai_admin")
    for admin, own, peer in ((district_admin, city.xuanwu, city.qinhuai), (qinhuai_admin, city.qinhuai, city.xuanwu)):
        client = Client()
        client.force_login(admin)
        ranking = client.get(f"/api/v1/evaluation/runs/{run.pk}/ranking").json()
        assert {row["area"]["name"] for row in ranking} == {"玄武区", "秦淮区"}
        page = client.get(f"/evaluation/{scheme.pk}/").content.decode()
        own_score, peer_score = run.scores.get(area=own), run.scores.get(area=peer)
        assert f"/evaluation/scores/{own_score.pk}/" in page and f"/evaluation/scores/{peer_score.pk}/" not in page
        breakdown = client.get(f"/api/v1/evaluation/scores/{own_score.pk}").json()
        assert {line["indicator"]["code"] for line in breakdown["lines"]} == {i.code for i in scheme.indicators.all()}
        assert client.get(f"/api/v1/evaluation/scores/{peer_score.pk}").status_code == 404
        assert client.get(f"/evaluation/scores/{peer_score.pk}/").status_code == 404
        manual = client.get(f"/api/v1/evaluation/schemes/{scheme.pk}/manual-scores").json()
        assert [row["area"]["name"] for row in manual] == [own.name]
        peer_evidence = Evidence.objects.get(manual_score__area=peer, manual_score__indicator__scheme=scheme)
        assert client.get(f"/evaluation/evidence/{peer_evidence.pk}/").status_code == 404
