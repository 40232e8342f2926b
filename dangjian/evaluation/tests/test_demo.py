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
