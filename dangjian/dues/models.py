"""Party dues (党费): the rate table, each member's declared base, payments month by month, and
the exemptions a branch records (RULES.md DUES-01 … DUES-10, from 《关于中国共产党党费收缴、使用和管理
的规定》(中组发〔2008〕3号)).

The rates are data with an effective date, not code: a row of ``DuesRate`` is one bracket of one
category in force from ``effective_from``; the brackets in force for a month are those of the
latest effective date on or before it. The monthly amount of a member is computed from the
declaration in force for that month (``amounts.py``). Months are stored as the first day of the
month (a DateField: indexable, readable, the same on SQLite and PostgreSQL).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DuesCategory(models.TextChoices):
    """Who pays by which rule: the categories of DUES-02/03/04."""

    IN_SERVICE = "in_service", _("在职党员（按月工资收入）")
    RETIRED = "retired", _("离退休党员（按离退休费）")
    FLAT = "flat", _("学生、下岗失业、领取生活补助或低保党员")
    RURAL = "rural", _("农村党员")


# Categories whose amount is a percentage of a declared income base (DUES-01/02/03).
PERCENT_CATEGORIES = (DuesCategory.IN_SERVICE, DuesCategory.RETIRED)


class DuesRate(models.Model):
    """One bracket of the rate table: ``category`` members whose base is at most
    ``income_up_to`` (inclusive; empty = no upper bound) pay ``percent`` of it, or a fixed
    ``fixed_amount`` (up to ``fixed_amount_max`` when the branch agrees a higher amount: rural
    members pay 0.2–1 yuan, DUES-04). In force from ``effective_from`` until a later table of the
    same category."""

    category = models.CharField(_("党员类别"), max_length=20, choices=DuesCategory.choices)
    effective_from = models.DateField(_("执行日期"), help_text=_("每月1日"))
    income_up_to = models.DecimalField(_("收入上限（含）"), max_digits=12, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("交纳比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(_("定额（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    fixed_amount_max = models.DecimalField(_("定额上限（元）"), max_digits=8, decimal_places=2, null=True, blank=True)
    citation = models.CharField(_("依据"), max_length=200)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("党费交纳标准")
        verbose_name_plural = _("党费交纳标准")
        ordering = ["category", "-effective_from", models.F("income_up_to").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["category", "effective_from", "income_up_to"],
                                    name="dues_rate_one_bracket"),
            models.CheckConstraint(
                name="dues_rate_percent_or_fixed",
                condition=(Q(percent__isnull=False, fixed_amount__isnull=True)
                           | Q(percent__isnull=True, fixed_amount__isnull=False)),
                violation_error_message=_("每档须填写交纳比例或定额，且只能填写其一。")),
        ]

    def __str__(self):
        bound = f"≤{self.income_up_to}" if self.income_up_to is not None else "以上"
        what = f"{self.percent}%" if self.percent is not None else f"{self.fixed_amount}元"
        return f"{self.get_category_display()} {bound} {what}（{self.effective_from:%Y-%m-%d}起）"


class DuesDeclaration(models.Model):
    """A member's declared category and monthly income base, in force from ``effective_from``
    (DUES-06: a pay change applies from the month it is received). Never edited: a change is a
    new declaration, so the history says who declared what and when."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="dues_declarations")
    category = models.CharField(_("党员类别"), max_length=20, choices=DuesCategory.choices)
    income_base = models.DecimalField(_("月收入基数（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
                                      help_text=_("在职：每月工资收入（税后）；离退休：离退休费"))
    agreed_amount = models.DecimalField(_("约定月交纳额（元）"), max_digits=8, decimal_places=2, null=True,
                                        blank=True, help_text=_("农村党员在定额范围内约定的金额"))
    effective_from = models.DateField(_("起算月份"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    declared_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("党费基数申报")
        verbose_name_plural = _("党费基数申报")
        ordering = ["member", "-effective_from", "-id"]
        indexes = [models.Index(fields=["member", "effective_from"], name="dues_decl_member_month")]

    def __str__(self):
        return f"{self.member} {self.effective_from:%Y年%m月}起 {self.get_category_display()}"


class DuesPayment(models.Model):
    """One month of one member's dues, paid (ahead or back-paid) on ``paid_on``."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="dues_payments")
    month = models.DateField(_("所属月份"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    due_amount = models.DecimalField(_("应交金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("交纳日期"))
    # DUES-08: a single voluntary payment of 1000 yuan or more goes entirely to the Centre.
    to_centre = models.BooleanField(_("全额上缴中央"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("党费交纳记录")
        verbose_name_plural = _("党费交纳记录")
        ordering = ["-month", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_payment_one_per_month"),
            models.CheckConstraint(name="dues_payment_positive", condition=Q(amount__gt=0),
                                   violation_error_message=_("交纳金额必须大于零。")),
        ]
        indexes = [models.Index(fields=["month", "member"], name="dues_payment_month"),
                   models.Index(fields=["paid_on"], name="dues_payment_paid_on")]

    def __str__(self):
        return f"{self.member} {self.month:%Y年%m月} {self.amount}元"


class DuesExemption(models.Model):
    """Months a member owes nothing, or is not behind, for a recorded reason: hardship waived
    by the branch with the next-higher committee's approval (DUES-05), or another good reason
    (serious illness, abroad) that keeps the months out of DUES-10 / MEM-02."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="dues_exemptions")
    from_month = models.DateField(_("起始月份"))
    to_month = models.DateField(_("截止月份"))
    reason = models.CharField(_("原因"), max_length=200)
    approval = models.CharField(_("支部决定及上级党委批准情况"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    scope_organization_path = "member__organization__"
    scope_area_path = "member__organization__area__"

    class Meta:
        verbose_name = _("党费减免及缓交")
        verbose_name_plural = _("党费减免及缓交")
        ordering = ["member", "-from_month", "-id"]
        indexes = [models.Index(fields=["member", "from_month", "to_month"], name="dues_exemption_member")]
        constraints = [models.CheckConstraint(name="dues_exemption_order", condition=Q(to_month__gte=models.F("from_month")),
                                              violation_error_message=_("截止月份不能早于起始月份。"))]

    def __str__(self):
        return f"{self.member} {self.from_month:%Y年%m月}—{self.to_month:%Y年%m月}"

    def covers(self, month) -> bool:
        return self.from_month <= month <= self.to_month
