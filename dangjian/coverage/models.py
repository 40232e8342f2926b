"""Coverage and co-construction: the facts a person records. Coverage itself (own organization /
joint branch / instructor only / not covered) is never stored: ``coverage.derivation`` computes it
from organizations, joint branches and instructor assignments, so it cannot disagree with them.

Scope anchors: a unit's records reach their Area through the unit (``unit__area__``) and the
instructor role through ``scope_unit_path``; pairings are seen by both organizations; in-service
service by the residence community and by the member's own organization.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.members.models import Member
from dangjian.organizations.models import Area, PartyOrganization, Unit


class CoverageStatus(models.TextChoices):
    OWN = "own", _("单独建立党组织")
    JOINT = "joint", _("纳入联合党支部")
    INSTRUCTOR = "instructor", _("仅选派指导员")
    NONE = "none", _("未覆盖")


class UnitProfile(models.Model):
    """What coverage needs about a unit that ``organizations.Unit`` does not hold (kept here, one
    to one, rather than migrating the registry's table)."""

    unit = models.OneToOneField(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="coverage_profile")
    members_registered_elsewhere = models.PositiveSmallIntegerField(
        _("组织关系在外的党员数"), default=0,
        help_text=_("在本单位工作、组织关系不在本系统（或在其他党组织）的正式党员人数，由街道核实后填写。"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_area_path = "unit__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("单位覆盖信息")
        verbose_name_plural = _("单位覆盖信息")

    def __str__(self):
        return str(self.unit)


class Instructor(models.Model):
    """特聘党建工作指导员: an appointment by a street (or district) for a term."""

    name = models.CharField(_("姓名"), max_length=40)
    member = models.ForeignKey(Member, verbose_name=_("党员档案"), on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="instructor_appointments")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("聘任区域"), on_delete=models.PROTECT, related_name="+",
                             help_text=_("聘任机关所在的街道或区；指导员只能联系该区域内的单位。"))
    appointed_by = models.CharField(_("聘任机关"), max_length=80)
    appointed_on = models.DateField(_("聘任日期"))
    term_months = models.PositiveSmallIntegerField(_("聘期（月）"), default=24)
    # Stored (the appointment service sets it from the two above) so "active on a day" is a plain
    # range condition in SQL.
    term_ends_on = models.DateField(_("聘期届满"), editable=False)
    ended_on = models.DateField(_("解聘日期"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_area_path = "area__"

    class Meta:
        verbose_name = _("党建工作指导员")
        verbose_name_plural = _("党建工作指导员")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def is_active_on(self, on_date: datetime.date) -> bool:
        return self.ended_on is None and self.appointed_on <= on_date < self.term_ends_on


class InstructorAssignment(models.Model):
    """An instructor assigned to a unit, from one date until ended."""

    instructor = models.ForeignKey(Instructor, verbose_name=_("指导员"), on_delete=models.PROTECT,
                                   related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("联系单位"), on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("指派日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    scope_area_path = "unit__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("指导员联系单位")
        verbose_name_plural = _("指导员联系单位")
        constraints = [models.UniqueConstraint(fields=["instructor", "unit"], condition=models.Q(ended_on=None),
                                               name="one_open_assignment_per_unit_and_instructor")]

    def __str__(self):
        return f"{self.instructor}→{self.unit}"


class InstructorVisit(models.Model):
    """One visit by an instructor to an assigned unit (COV-04)."""

    instructor = models.ForeignKey(Instructor, verbose_name=_("指导员"), on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("走访日期"))
    topic = models.CharField(_("指导事项"), max_length=120)
    outcome = models.TextField(_("成效"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    scope_area_path = "unit__area__"
    scope_unit_path = "unit__"

    class Meta:
        verbose_name = _("指导员走访")
        verbose_name_plural = _("指导员走访")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["unit", "visited_on"], name="visit_unit_date")]

    def __str__(self):
        return f"{self.unit} {self.visited_on}"


class BlankSpotRecord(models.Model):
    """The history of one blank spot (空白点): found by a rule, resolved when the data changed.
    Written by ``services.blank_spots_sync`` only (the daily task and every coverage service)."""

    rule_code = models.CharField(_("规则"), max_length=12)
    area = models.ForeignKey(Area, verbose_name=_("所在社区"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    message = models.CharField(_("情况"), max_length=300)
    found_on = models.DateField(_("发现日期"))
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    resolution = models.CharField(_("消除方式"), max_length=120, blank=True)

    scope_area_path = "area__"

    class Meta:
        verbose_name = _("空白点记录")
        verbose_name_plural = _("空白点记录")
        ordering = ["-found_on", "-pk"]
        # One open record per (rule, area, unit) is kept by the sync service (a unit-less record
        # has a NULL unit, which a unique constraint would not compare).
        indexes = [models.Index(fields=["rule_code", "area", "unit", "resolved_on"], name="blank_spot_key")]

    def __str__(self):
        return self.message


class PairingSide(models.TextChoices):
    COMMUNITY = "community", _("社区党组织")
    UNIT = "unit", _("单位党组织")


class Pairing(models.Model):
    """结对共建: a community party organization paired with a unit party organization."""

    community_organization = models.ForeignKey(PartyOrganization, verbose_name=_("社区党组织"),
                                               on_delete=models.PROTECT, related_name="+")
    unit_organization = models.ForeignKey(PartyOrganization, verbose_name=_("单位党组织"), on_delete=models.PROTECT,
                                          related_name="+")
    signed_on = models.DateField(_("协议签订日期"))
    term_months = models.PositiveSmallIntegerField(_("协议期限（月）"), default=24)
    term_ends_on = models.DateField(_("协议期满"), editable=False)  # set by the service, queried by SVC-02
    commitments = models.TextField(_("共建承诺"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)

    scope_area_path = ("community_organization__area__", "unit_organization__area__")
    scope_organization_path = ("community_organization__", "unit_organization__")

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return f"{self.community_organization}—{self.unit_organization}"



class PairingActivity(models.Model):
    pairing = models.ForeignKey(Pairing, verbose_name=_("结对"), on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("活动日期"))
    content = models.CharField(_("活动内容"), max_length=200)
    participants = models.PositiveSmallIntegerField(_("参加人数"), default=0)
    resources = models.CharField(_("投入资源"), max_length=200, blank=True)

    scope_area_path = ("pairing__community_organization__area__", "pairing__unit_organization__area__")
    scope_organization_path = ("pairing__community_organization__", "pairing__unit_organization__")

    class Meta:
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.content


class PairingReview(models.Model):
    """The annual review: each side rates the pairing once a year (1 poor … 5 excellent)."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对"), on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("年度"))
    side = models.CharField(_("评价方"), max_length=10, choices=PairingSide.choices)
    rating = models.PositiveSmallIntegerField(_("评分（1-5）"))
    comment = models.CharField(_("评价意见"), max_length=300, blank=True)

    scope_area_path = ("pairing__community_organization__area__", "pairing__unit_organization__area__")
    scope_organization_path = ("pairing__community_organization__", "pairing__unit_organization__")

    class Meta:
        verbose_name = _("共建年度评价")
        verbose_name_plural = _("共建年度评价")
        constraints = [models.UniqueConstraint(fields=["pairing", "year", "side"], name="one_review_per_side_year")]

    def __str__(self):
        return f"{self.pairing} {self.year}"


class ServicePost(models.Model):
    """A service post a community offers to in-service members (with its capacity)."""

    community = models.ForeignKey(Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("岗位名称"), max_length=60)
    description = models.CharField(_("岗位说明"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("人数上限"), default=10)
    is_open = models.BooleanField(_("开放报名"), default=True)

    scope_area_path = "community__"

    class Meta:
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        ordering = ["community", "name"]

    def __str__(self):
        return self.name


class CommunityService(models.Model):
    """在职党员到社区报到: a member registered with the community where they live, on a post."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(Area, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(ServicePost, verbose_name=_("服务岗位"), on_delete=models.PROTECT,
                             related_name="registrations")
    registered_on = models.DateField(_("报到日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    scope_area_path = ("community__", "member__organization__area__")
    scope_organization_path = "member__organization__"

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["-registered_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(ended_on=None),
                                               name="one_open_registration_per_member")]

    def __str__(self):
        return f"{self.member}→{self.community}"


class ServiceRecord(models.Model):
    registration = models.ForeignKey(CommunityService, verbose_name=_("报到"), on_delete=models.CASCADE,
                                     related_name="records")
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=200)
    confirmed_on = models.DateField(_("社区确认日期"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    scope_area_path = ("registration__community__", "registration__member__organization__area__")
    scope_organization_path = "registration__member__organization__"

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-served_on", "-pk"]

    def __str__(self):
        return f"{self.registration} {self.served_on}"
