"""Assessment (考核评价, 比学赶超): schemes of weighted indicators, the evaluating office's manual
scores with their evidence, scoring runs and the scores they produce.

Scoping (accounts/scoping.py): a scheme, its runs and its published ranking hang on the
evaluating area (the city for a district scheme); an area's own result and the manual scores
and evidence about it hang on the evaluated area too, so a district sees its own breakdown and
its own evidence and never a peer's (``scope_area_path`` tuples).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.organizations.models import Area, AreaLevel

EVALUATED_LEVELS = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


class IndicatorKind(models.TextChoices):
    AUTOMATIC = "automatic", _("自动（取自业务记录）")
    MANUAL = "manual", _("人工评分（考核办评定）")


class Curve(models.TextChoices):
    # points = weight × (value − baseline) / (target − baseline), clamped to [0, weight]. A target
    # below the baseline scores "lower is better" (e.g. overdue concerns).
    LINEAR = "linear", _("线性（基准值得0分，达到目标值得满分）")
    THRESHOLD = "threshold", _("达标（达到目标值得满分，否则0分）")


class AssessmentScheme(models.Model):
    """A scheme for one year and one level, owned by the evaluating area. Versioned: once results
    are published it is frozen, and a revision is a new version that supersedes it."""

    name = models.CharField(_("名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("考核年度"))
    level = models.CharField(_("考核对象层级"), max_length=10,
                             choices=[(level.value, level.label) for level in EVALUATED_LEVELS])
    evaluator_area = models.ForeignKey(Area, verbose_name=_("考核单位（区域）"), on_delete=models.PROTECT,
                                       related_name="assessment_schemes")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("取代的版本"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    title_label = models.CharField(_("称号"), max_length=20, default="先进")
    title_top_share = models.PositiveSmallIntegerField(_("称号授予前百分之几"), null=True, blank=True)
    title_min_score = models.DecimalField(_("称号最低得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    published_at = models.DateTimeField(_("结果发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    scope_area_path = "evaluator_area__"

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "level", "name", "-version", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluator_area", "year", "level", "name", "version"],
                                               name="scheme_unique_version")]

    def __str__(self):
        return f"{self.year}年{self.name}（第{self.version}版）"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by")


class Indicator(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("指标名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=IndicatorKind.choices)
    weight = models.DecimalField(_("权重（分值）"), max_digits=5, decimal_places=1)
    metric_key = models.CharField(_("统计指标"), max_length=80, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(_("基准值"), max_digits=12, decimal_places=2, default=0)
    curve = models.CharField(_("计分方式"), max_length=10, choices=Curve.choices, default=Curve.LINEAR)
    evidence_required = models.BooleanField(_("须附佐证材料"), default=False)
    guidance = models.CharField(_("评分标准"), max_length=500, blank=True)

    scope_area_path = "scheme__evaluator_area__"

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "code", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class ManualScore(models.Model):
    """The evaluating office's score of a manual indicator for one evaluated area."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_scores")
    area = models.ForeignKey(Area, verbose_name=_("被考核区域"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    note = models.CharField(_("评分说明"), max_length=500, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("评分时间"), default=timezone.now)

    # The office sees every area's evidence; an evaluated area only its own.
    scope_area_path = ("indicator__scheme__evaluator_area__", "area__")

    class Meta:
        verbose_name = _("人工评分")
        verbose_name_plural = _("人工评分")
        ordering = ["indicator", "area__path", "id"]
        constraints = [models.UniqueConstraint(fields=["indicator", "area"], name="manual_score_unique")]

    def __str__(self):
        return f"{self.indicator.name} · {self.area.name}"


class Evidence(models.Model):
    manual_score = models.ForeignKey(ManualScore, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evaluation/%Y/")
    file_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_area_path = ("manual_score__indicator__scheme__evaluator_area__", "manual_score__area__")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["manual_score", "id"]

    def __str__(self):
        return self.file_name


class ScoringRun(models.Model):
    """One scoring of a scheme (a background task with progress)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("评分中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="runs")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    published = models.BooleanField(_("已发布"), default=False)

    scope_area_path = "scheme__evaluator_area__"

    class Meta:
        verbose_name = _("评分批次")
        verbose_name_plural = _("评分批次")
        ordering = ["-queued_at", "-id"]

    def __str__(self):
        return f"{self.scheme} · {self.queued_at:%Y-%m-%d %H:%M}"


class Score(models.Model):
    """One evaluated area's total in a run, its rank among its peers and the title it earned."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(Area, verbose_name=_("被考核区域"), on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    title = models.CharField(_("称号"), max_length=20, blank=True)
    previous_total = models.DecimalField(_("上期总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    previous_rank = models.PositiveSmallIntegerField(_("上期名次"), null=True, blank=True)

    scope_area_path = ("run__scheme__evaluator_area__", "area__")

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["run", "rank", "area__path", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "area"], name="score_unique_area")]

    def __str__(self):
        return f"{self.area.name} {self.total}分"

    @property
    def change(self):
        return None if self.previous_total is None else self.total - self.previous_total


class IndicatorScore(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("实际值"), max_digits=14, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    scope_area_path = ("score__run__scheme__evaluator_area__", "score__area__")

    class Meta:
        verbose_name = _("分项得分")
        verbose_name_plural = _("分项得分")
        ordering = ["score", "indicator__code", "id"]

    def __str__(self):
        return f"{self.indicator.name} {self.points}"

    @property
    def lost(self):
        return self.indicator.weight - self.points
