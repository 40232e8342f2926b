"""The two trees (Area: where things are; PartyOrganization: who reports to whom) and Units.

Both trees are treebeard materialized paths, so "everything under X" is a prefix range on
``path`` (indexed), never recursion in Python. The scoping module relies on that.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from dangjian.core.credit_codes import credit_code_validator
from dangjian.core.pinyin import full_pinyin


class AreaLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


# The level a child must have, by the level of its parent.
CHILD_LEVEL = {
    None: AreaLevel.CITY,
    AreaLevel.CITY: AreaLevel.DISTRICT,
    AreaLevel.DISTRICT: AreaLevel.STREET,
    AreaLevel.STREET: AreaLevel.COMMUNITY,
    AreaLevel.COMMUNITY: AreaLevel.GRID,
}


class Area(MP_Node):
    """A city, district (GB/T 2260 code), street or community (12-digit statistical code) or grid."""

    name = models.CharField(_("名称"), max_length=80)
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=AreaLevel.choices)
    name_pinyin = models.CharField(_("名称拼音"), max_length=200, blank=True, editable=False)

    node_order_by = ["code"]
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    # Scoping anchor (see accounts/scoping.py): an Area is its own area.
    scope_area_path = ""
    # An organization administrator sees the areas its organizations are located in.
    scope_organization_path = "party_organizations__"

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        indexes = [models.Index(fields=["level", "path"], name="area_level_path")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = full_pinyin(self.name)
        super().save(*args, **kwargs)


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    TEMPORARY_BRANCH = "temporary_branch", _("临时党支部")
    PARTY_GROUP = "party_group", _("党小组")


BRANCH_KINDS = (OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH, OrganizationKind.TEMPORARY_BRANCH)
# Organizations that count as a "basic party organization" covering a place (ORG-01, ORG-08).
BASIC_ORGANIZATION_KINDS = (
    OrganizationKind.COMMITTEE,
    OrganizationKind.WORKING_COMMITTEE,
    OrganizationKind.GENERAL_BRANCH,
    *BRANCH_KINDS,
)


class Sector(models.TextChoices):
    AGENCY = "agency", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("非公有制企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    OTHER = "other", _("其他")


NEW_ORGANIZATION_SECTORS = (Sector.NON_PUBLIC_ENTERPRISE, Sector.SOCIAL_ORGANIZATION)  # 两新组织


class SocialOrgType(models.TextChoices):
    ASSOCIATION = "association", _("社会团体")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("民办非企业单位")
    FOUNDATION = "foundation", _("基金会")


class Unit(models.Model):
    """A unit located in an Area (驻区单位): agency, institution, enterprise, social organization."""

    name = models.CharField(_("单位名称"), max_length=120)
    name_pinyin = models.CharField(_("名称拼音"), max_length=300, blank=True, editable=False)
    sector = models.CharField(_("单位类别"), max_length=30, choices=Sector.choices)
    social_org_type = models.CharField(
        _("社会组织类型"), max_length=30, choices=SocialOrgType.choices, blank=True
    )
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True,
        validators=[credit_code_validator],
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="units")
    staff_count = models.PositiveIntegerField(_("从业人员数"), default=0)
    is_operating = models.BooleanField(_("正常经营"), default=True)

    history = HistoricalRecords()
    scope_area_path = "area__"
    scope_organization_path = "party_organizations__"

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")
        ordering = ["name_pinyin", "id"]
        indexes = [models.Index(fields=["name_pinyin", "id"], name="unit_pinyin")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = full_pinyin(self.name)
        if not self.credit_code:
            self.credit_code = None  # unique allows many NULLs, not many ''
        super().save(*args, **kwargs)

    def clean(self):
        if self.sector == Sector.SOCIAL_ORGANIZATION and not self.social_org_type:
            raise ValidationError({"social_org_type": _("社会组织须选择类型（社会团体、民办非企业单位或基金会）。")})
        if self.sector != Sector.SOCIAL_ORGANIZATION and self.social_org_type:
            raise ValidationError({"social_org_type": _("只有社会组织才有社会组织类型。")})


class PartyOrganization(MP_Node):
    """A party organization; its place in the tree is who leads it, ``area`` is where it is."""

    name = models.CharField(_("组织名称"), max_length=120)
    name_pinyin = models.CharField(_("名称拼音"), max_length=300, blank=True, editable=False)
    kind = models.CharField(_("组织类别"), max_length=30, choices=OrganizationKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="party_organizations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="party_organizations",
        help_text=_("单位建立的党组织填写所在单位；社区党组织留空。"),
    )
    covered_units = models.ManyToManyField(
        Unit, verbose_name=_("联合覆盖单位"), blank=True, related_name="joint_organizations",
        help_text=_("联合党支部覆盖的单位（一般不超过5个）。"),
    )
    secretary_name = models.CharField(_("书记"), max_length=40, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("任期（年）"), null=True, blank=True,
        help_text=_("留空时按组织类别取默认任期：社区党组织5年、其他支部3年、基层党委5年。"),
    )
    is_active = models.BooleanField(_("存续"), default=True)

    node_order_by = ["name_pinyin"]
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])
    scope_area_path = "area__"
    scope_organization_path = ""

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["kind", "path"], name="org_kind_path")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin = full_pinyin(self.name)
        super().save(*args, **kwargs)

    @property
    def effective_term_years(self) -> int:
        """ORG-06: explicit term, or the default by kind and place."""
        if self.term_years:
            return self.term_years
        rules = settings.DANGJIAN_RULES
        if self.kind in (OrganizationKind.COMMITTEE, OrganizationKind.WORKING_COMMITTEE):
            return rules["ORG_TERM_YEARS_COMMITTEE"]
        if self.area_id and self.area.level == AreaLevel.COMMUNITY and self.unit_id is None:
            return rules["ORG_TERM_YEARS_COMMUNITY"]
        return rules["ORG_TERM_YEARS_BRANCH"]

    @property
    def term_ends_on(self) -> datetime.date | None:
        if not self.term_started_on:
            return None
        start = self.term_started_on
        years = self.effective_term_years
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)
