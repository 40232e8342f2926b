"""Coverage and co-construction checks (RULES.md COV-01, COV-02, COV-04, SVC-01, SVC-02).

The blank-spot rules read the derived coverage (``coverage.derivation``); the community without
an organization is the organizations app's ORG-08 and is not registered twice (its history is
still kept by ``services.blank_spots_sync``). A rule flags; it never changes anything.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from dangjian.core.periods import add_months
from dangjian.core.registry import Finding, Severity, rules
from dangjian.coverage import blank_spots
from dangjian.coverage.derivation import active_assignments
from dangjian.coverage.models import CommunityService, InstructorVisit, Pairing, PairingActivity
from dangjian.organizations.models import Unit

COV_SOURCE = "中共中央办公厅《关于加强和改进非公有制企业党的建设工作的意见（试行）》（中办发〔2012〕11号）；" \
             "《关于加强社会组织党的建设工作的意见（试行）》（2015）"
_PK = 987654321


def _unit_url():
    template = reverse("coverage:unit", args=[_PK])
    return lambda pk: template.replace(str(_PK), str(pk))


def _units(scope):
    return scope.narrow(Unit.objects.all(), "area__")


def _unit_findings(rule_code: str, scope, on_date):
    url = _unit_url()
    spots = list(blank_spots.CONDITIONS[rule_code](_units(scope), on_date).select_related("area")
                 .order_by("area__path", "name_pinyin", "pk"))
    candidates = blank_spots.joint_candidates_by_unit(spots) if rule_code == blank_spots.JOINT_BRANCH else {}
    for unit in spots:
        detail = {"members": unit.member_total, "staff": unit.staff_count}
        if unit.pk in candidates:
            detail["candidates"] = [neighbour.name for neighbour in candidates[unit.pk]]
        yield Finding(rule_code=rule_code, message=blank_spots.message(rule_code, unit), subject=unit,
                      anchor_label=unit.area.name, records_url=url(unit.pk), detail=detail)


@rules.register(code=blank_spots.OWN_ORGANIZATION, title="有3名以上正式党员的单位未单独建立党组织",
                citation=f"RULES.md COV-01：{COV_SOURCE}（正式党员3人以上的应单独建立党组织）",
                severity=Severity.SERIOUS, action="指导该单位单独建立党支部（报街道党工委审批）。")
def units_needing_own_organization(scope, on_date: datetime.date):
    yield from _unit_findings(blank_spots.OWN_ORGANIZATION, scope, on_date)


@rules.counts(blank_spots.OWN_ORGANIZATION)
def count_units_needing_own_organization(scope, on_date: datetime.date) -> int:
    return blank_spots.needs_own_organization(_units(scope), on_date).count()


@rules.register(code=blank_spots.JOINT_BRANCH, title="党员不足3名的单位未纳入联合党支部",
                citation=f"RULES.md COV-01：{COV_SOURCE}（党员不足3人的，建立联合党支部）",
                severity=Severity.WARNING,
                action="与同社区的邻近单位组建联合党支部，或纳入已有的联合党支部（见单位页的候选邻近单位）。")
def units_needing_joint_branch(scope, on_date: datetime.date):
    yield from _unit_findings(blank_spots.JOINT_BRANCH, scope, on_date)


@rules.counts(blank_spots.JOINT_BRANCH)
def count_units_needing_joint_branch(scope, on_date: datetime.date) -> int:
    return blank_spots.needs_joint_branch(_units(scope), on_date).count()


@rules.register(code=blank_spots.INSTRUCTOR, title="有从业人员无党员的单位未选派指导员",
                citation=f"RULES.md COV-02：{COV_SOURCE}（暂不具备建立党组织条件的，选派党建工作指导员）",
                severity=Severity.WARNING, action="为该单位选派党建工作指导员，实现党的工作覆盖。")
def units_needing_instructor(scope, on_date: datetime.date):
    yield from _unit_findings(blank_spots.INSTRUCTOR, scope, on_date)


@rules.counts(blank_spots.INSTRUCTOR)
def count_units_needing_instructor(scope, on_date: datetime.date) -> int:
    return blank_spots.needs_instructor(_units(scope), on_date).count()


# ---------------------------------------------------------------- COV-04 instructor visits


def visit_every_months() -> int:
    return int(settings.DANGJIAN_RULES.get("INSTRUCTOR_VISIT_EVERY_MONTHS", 3))


def _overdue_assignments(scope, on_date):
    cutoff = add_months(on_date, -visit_every_months())
    last = InstructorVisit.objects.filter(instructor=OuterRef("instructor"), unit=OuterRef("unit")).order_by()
    last = last.values("unit").annotate(at=Max("visited_on")).values("at")[:1]
    assignments = scope.narrow(active_assignments(on_date), "unit__area__").annotate(last_visit=Subquery(last))
    return assignments.filter(started_on__lt=cutoff).filter(Q(last_visit=None) | Q(last_visit__lt=cutoff))


@rules.register(code="COV-04", title="指导员未按期走访联系单位",
                citation="RULES.md COV-04：走访频次由街道确定（本地做法，默认每季度一次，"
                         "在 DANGJIAN_RULES.INSTRUCTOR_VISIT_EVERY_MONTHS 中配置）",
                severity=Severity.WARNING, action="提醒指导员尽快到单位走访指导，并登记走访情况。")
def instructor_visits_overdue(scope, on_date: datetime.date):
    url = _unit_url()
    every = visit_every_months()
    for assignment in _overdue_assignments(scope, on_date).select_related("instructor", "unit", "unit__area") \
            .order_by("unit__area__path", "pk"):
        since = f"上次走访{assignment.last_visit:%Y-%m-%d}" if assignment.last_visit else "指派后尚未走访"
        yield Finding(rule_code="COV-04", subject=assignment, anchor_label=assignment.unit.area.name,
                      message=f"指导员{assignment.instructor.name}联系的{assignment.unit.name}已超过{every}个月未走访（{since}）。",
                      records_url=url(assignment.unit_id), detail={"instructor": assignment.instructor.name})


@rules.counts("COV-04")
def count_instructor_visits_overdue(scope, on_date: datetime.date) -> int:
    return _overdue_assignments(scope, on_date).count()


# ---------------------------------------------------------------- SVC-02 pairings


PAIRING_AREA = "community_organization__area__"


def _pairings_flagged(scope, on_date):
    quarter_ago = add_months(on_date, -3)
    pairings = scope.narrow(Pairing.objects.filter(ended_on=None), PAIRING_AREA)
    latest = PairingActivity.objects.filter(pairing=OuterRef("pk")).order_by() \
        .values("pairing").annotate(at=Max("held_on")).values("at")[:1]
    pairings = pairings.annotate(last_activity=Subquery(latest))
    idle = Q(signed_on__lt=quarter_ago) & (Q(last_activity=None) | Q(last_activity__lt=quarter_ago))
    return pairings.filter(idle | Q(term_ends_on__lte=on_date))


@rules.register(code="SVC-02", title="结对共建期满未续签或一个季度无活动",
                citation="RULES.md SVC-02：结对共建每季度至少开展一次活动、每年评价一次（本地做法，可配置）；"
                         "种子材料“社区党组织与驻区单位党组织结对共建”",
                severity=Severity.INFO, action="期满的及时续签或终止结对；无活动的商定并开展共建活动。")
def pairings_flagged(scope, on_date: datetime.date):
    for pairing in _pairings_flagged(scope, on_date).select_related(
            "community_organization", "unit_organization", "community_organization__area"):
        if pairing.term_ends_on <= on_date:
            text = f"协议已于{pairing.term_ends_on:%Y-%m-%d}期满，未续签或终止"
        else:
            text = "近一个季度没有共建活动"
        yield Finding(rule_code="SVC-02", subject=pairing, anchor_label=pairing.community_organization.area.name,
                      message=f"{pairing}：{text}。", records_url=reverse("coverage:pairing", args=[pairing.pk]))


@rules.counts("SVC-02")
def count_pairings_flagged(scope, on_date: datetime.date) -> int:
    return _pairings_flagged(scope, on_date).count()


# ---------------------------------------------------------------- SVC-01 in-service members


def hours_per_year() -> int:
    return int(settings.DANGJIAN_RULES.get("SERVICE_HOURS_PER_YEAR", 20))


def _short_of_hours(scope, on_date):
    year_ago = add_months(on_date, -12)
    registrations = scope.narrow(CommunityService.objects.filter(ended_on=None, registered_on__lte=year_ago),
                                 "community__")
    served = Coalesce(Sum("records__hours", filter=Q(records__served_on__gt=year_ago,
                                                     records__confirmed_on__isnull=False)),
                      Value(Decimal(0)), output_field=DecimalField(max_digits=8, decimal_places=1))
    return registrations.annotate(served=served).filter(served__lt=hours_per_year())


@rules.register(code="SVC-01", title="报到党员近一年服务时长不足",
                citation="RULES.md SVC-01：在职党员到居住社区报到服务，服务时长为本地做法"
                         "（默认每年20小时，在 DANGJIAN_RULES.SERVICE_HOURS_PER_YEAR 中配置）",
                severity=Severity.INFO, action="社区与党员及其所在党组织沟通，安排合适的服务岗位和时间。")
def members_short_of_hours(scope, on_date: datetime.date):
    for registration in _short_of_hours(scope, on_date).select_related("member", "community"):
        yield Finding(rule_code="SVC-01", subject=registration, anchor_label=registration.community.name,
                      message=f"{registration.member.name}近一年经社区确认的服务时长为{registration.served}小时，"
                              f"少于{hours_per_year()}小时。",
                      records_url=reverse("coverage:services"))


@rules.counts("SVC-01")
def count_members_short_of_hours(scope, on_date: datetime.date) -> int:
    return _short_of_hours(scope, on_date).count()
