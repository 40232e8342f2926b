"""Code tables (GB standards) held as data, loaded by data migrations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeTable(models.TextChoices):
    SEX = "sex", _("性别（GB/T 2261.1）")
    ETHNICITY = "ethnicity", _("民族（GB 3304）")
    EDUCATION = "education", _("学历（GB/T 4658）")
    DIVISION = "division", _("行政区划（GB/T 2260）")


class CodeQuerySet(models.QuerySet):
    def of(self, table: str):
        return self.filter(table=table, is_active=True)


class Code(models.Model):
    """One entry of a national code table, e.g. ethnicity 01 汉族."""

    table = models.CharField(_("代码表"), max_length=20, choices=CodeTable.choices)
    code = models.CharField(_("代码"), max_length=12)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=80, blank=True)
    parent_code = models.CharField(_("上级代码"), max_length=12, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = CodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("代码")
        verbose_name_plural = _("代码表")
        ordering = ["table", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="core_code_unique_per_table")]

    def __str__(self):
        return f"{self.code} {self.name}"
