"""Services: the issue's bad input refused with a Chinese message and nothing written; the
co-construction flows; the pairing, visit and service-hour rules firing and counting alike."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts import scoping
from dangjian.accounts.models import AuditEntry
from dangjian.accounts.tests.factories import superuser
from dangjian.core.periods import Period, add_months
from dangjian.core.registry import metrics, rules
from dangjian.coverage import services, services_cobuild
from dangjian.coverage.models import (
    CommunityService,
    InstructorAssignment,
    InstructorVisit,
    Pairing,
    PairingActivity,
    ServiceRecord,
)
from dangjian.coverage.tests.factories import gap_community, instructor
from dangjian.members.tests.factories import member
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import OrganizationKind, Sector, Unit

pytestmark = pytest.mark.usefixtures("module_city")
DAY = datetime.timedelta(days=1)


def _nothing_written(model, before: int, audits: int):
    assert model.objects.count() == before
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_unit_credit_code_failing_its_checksum_is_refused(city):
    before, audits = Unit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        organization_services.unit_create(actor=superuser(), name="南京校验错误有限公司",
                                          sector=Sector.NON_PUBLIC_ENTERPRISE, credit_code="91320102MA00000010",
                                          area=city.dahanggong, staff_count=5)
    assert "credit_code" in refused.value.message_dict
    _nothing_written(Unit, before, audits)


@pytest.mark.django_db
def test_joint_branch_in_another_street_does_not_cover_the_unit(city, street_admin):
    gap = gap_community(city)
    elsewhere = organization_services.organization_create(
        actor=superuser(), parent=city.org(city.xinjiekou), name="新街口联合党支部", kind=OrganizationKind.JOINT_BRANCH,
        area=city.areas["320102003001"])
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.joint_branch_add_unit(actor=superuser(), organization=elsewhere, unit=gap.small)
    assert "其他街道" in str(refused.value)
    assert not elsewhere.covered_units.exists() and AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_instructor_visit_to_an_unassigned_unit_is_refused(city, instructor):
    gap = gap_community(city)
    before, audits = InstructorVisit.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.visit_record(actor=instructor, unit=gap.empty, visited_on=timezone.localdate(), topic="建组指导")
    assert "不是这位指导员的联系单位" in str(refused.value)
    _nothing_written(InstructorVisit, before, audits)
    # Their own unit is accepted; the future is not.
    own = city.uncovered_unit(city.meiyuan)
    services.visit_record(actor=instructor, unit=own, visited_on=timezone.localdate(), topic="宣传党的政策")
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.visit_record(actor=instructor, unit=own, visited_on=timezone.localdate() + DAY, topic="下次走访")


@pytest.mark.django_db
def test_assigning_outside_the_instructors_area_or_by_a_leader_is_refused(city, street_admin, leader):
    appointed = instructor(city)
    outside = city.uncovered_unit(city.xinjiekou)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.instructor_assign(actor=street_admin, instructor=appointed, unit=outside)
    with pytest.raises(PermissionDenied):
        services.instructor_assign(actor=leader, instructor=appointed, unit=city.uncovered_unit(city.meiyuan))
    assert not InstructorAssignment.objects.filter(instructor=appointed).exists()


@pytest.mark.django_db
def test_pairing_of_two_organizations_of_the_same_side_is_refused(city, street_admin):
    before, audits = Pairing.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services_cobuild.pairing_create(actor=street_admin, community_organization=city.org(city.changjianglu),
                                        unit_organization=city.org(city.dahanggong), signed_on=timezone.localdate(),
                                        commitments="共建")
    assert "同一类组织" in str(refused.value)
    _nothing_written(Pairing, before, audits)


def _post_and_worker(city, *, lives_in):
    post = services_cobuild.service_post_create(actor=superuser(), community=city.changjianglu, name="助老服务",
                                                capacity=1)
    worker = member(actor=superuser(), organization=city.unit_branch(city.meiyuan), name="赵在职",
                    employment="employed", residence_area=lives_in)
    return post, worker


@pytest.mark.django_db
def test_member_reporting_to_a_community_where_they_do_not_live_is_refused(city, street_admin):
    post, worker = _post_and_worker(city, lives_in=city.dahanggong)
    before, audits = CommunityService.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services_cobuild.service_register(actor=street_admin, member=worker, post=post)
    assert "居住的社区" in str(refused.value)
    _nothing_written(CommunityService, before, audits)


@pytest.mark.django_db
def test_service_hours_in_the_future_refused_and_confirmed_only_by_the_community(city, street_admin, community_admin):
    post, worker = _post_and_worker(city, lives_in=city.changjianglu)
    registration = services_cobuild.service_register(actor=street_admin, member=worker, post=post)
    before, audits = ServiceRecord.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services_cobuild.service_record(actor=street_admin, registration=registration,
                                        served_on=timezone.localdate() + DAY, hours=3, content="助老")
    _nothing_written(ServiceRecord, before, audits)
    # Capacity 1: a second member is refused the full post.
    other = member(actor=superuser(), organization=city.org(city.changjianglu), name="钱在职", employment="employed",
                   residence_area=city.changjianglu)
    with pytest.raises(ValidationError, match="已满"):
        services_cobuild.service_register(actor=street_admin, member=other, post=post)
    record = services_cobuild.service_record(actor=street_admin, registration=registration,
                                             served_on=timezone.localdate(), hours="2.5", content="助老")
    with pytest.raises(PermissionDenied):  # 大行宫社区's administrator is not the residence community
        services_cobuild.service_confirm(actor=community_admin, record=record)
    services_cobuild.service_confirm(actor=street_admin, record=record)
    record.refresh_from_db()
    assert record.confirmed_on == timezone.localdate()


@pytest.mark.django_db
def test_pairing_flags_and_visit_cadence_fire_and_count_alike(city, street_admin):
    today = timezone.localdate()
    long_ago = add_months(today, -30)
    pairing = services_cobuild.pairing_create(
        actor=street_admin, community_organization=city.org(city.changjianglu),
        unit_organization=city.unit_branch(city.meiyuan), signed_on=long_ago, term_months=24, commitments="共建")
    appointed = instructor(city, appointed_on=add_months(today, -6))
    services.instructor_assign(actor=street_admin, instructor=appointed, unit=city.uncovered_unit(city.meiyuan),
                               started_on=add_months(today, -5))
    scope = scoping.Scope(actor=street_admin)
    for code in ("SVC-02", "COV-04"):
        findings = list(rules.get(code).check(scope, today))
        assert len(findings) == 1 == rules.get(code).count(scope, today), code
    assert "期满" in next(iter(rules.get("SVC-02").check(scope, today))).message
    services.visit_record(actor=street_admin, instructor=appointed, unit=city.uncovered_unit(city.meiyuan),
                          visited_on=today, topic="指导建立工会")
    assert rules.get("COV-04").count(scope, today) == 0
    services_cobuild.pairing_end(actor=street_admin, pairing=pairing, ended_on=today)
    assert rules.get("SVC-02").count(scope, today) == 0
    with pytest.raises(ValidationError, match="已终止"):
        services_cobuild.pairing_activity_record(actor=street_admin, pairing=pairing, held_on=today, content="x")
    assert not PairingActivity.objects.exists()


@pytest.mark.django_db
def test_review_is_given_by_each_side_once_a_year(city, street_admin, org_admin):
    pairing = services_cobuild.pairing_create(
        actor=superuser(), community_organization=city.org(city.areas["320102003001"]),
        unit_organization=city.unit_branch(city.meiyuan), signed_on=timezone.localdate(), commitments="共建")
    year = timezone.localdate().year
    services_cobuild.pairing_review(actor=org_admin, pairing=pairing, year=year, side="community", rating=5)
    with pytest.raises(PermissionDenied):  # the unit's side is not 新街口's to rate
        services_cobuild.pairing_review(actor=org_admin, pairing=pairing, year=year, side="unit", rating=4)
    services_cobuild.pairing_review(actor=street_admin, pairing=pairing, year=year, side="unit", rating=4)
    with pytest.raises(ValidationError, match="已评价"):
        services_cobuild.pairing_review(actor=street_admin, pairing=pairing, year=year, side="unit", rating=3)


@pytest.mark.django_db
def test_metrics_follow_the_records(city, street_admin):
    gap = gap_community(city)
    services.blank_spots_sync()
    period = Period.containing(timezone.localdate(), "year")
    scope = scoping.Scope(actor=street_admin, focus_area=gap.community)
    value = {key: metrics.get(key).compute(scope, period) for key in (
        "coverage.organization_rate", "coverage.work_rate", "coverage.blank_spots_found",
        "coverage.blank_spots_resolved")}
    assert value == {"coverage.organization_rate": 0.0, "coverage.work_rate": 0.0,
                     "coverage.blank_spots_found": 5, "coverage.blank_spots_resolved": 0}
    services.instructor_assign(actor=street_admin, instructor=instructor(city), unit=gap.empty)
    scope = scoping.Scope(actor=street_admin, focus_area=gap.community)  # a scope serves one page
    assert metrics.get("coverage.work_rate").compute(scope, period) == 25.0
    assert metrics.get("coverage.blank_spots_resolved").compute(scope, period) == 1


@pytest.mark.django_db
def test_portal_card_shows_the_members_own_report(city, street_admin):
    from dangjian.portal.cards import cards_for

    post, worker = _post_and_worker(city, lives_in=city.changjianglu)
    invitation = next(c for c in cards_for(worker, today=timezone.localdate()) if c.key == "coverage.service")
    assert "可以到居住的社区报到" in invitation.lines[0]
    registration = services_cobuild.service_register(actor=street_admin, member=worker, post=post)
    record = services_cobuild.service_record(actor=street_admin, registration=registration,
                                             served_on=timezone.localdate(), hours=3, content="助老")
    services_cobuild.service_confirm(actor=street_admin, record=record)
    card = next(c for c in cards_for(worker, today=timezone.localdate()) if c.key == "coverage.service")
    assert "长江路社区" in card.lines[0] and "3.0 小时" in card.lines[1]
