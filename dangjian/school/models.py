"""The community party school (社区党校, 一个阵地): where the community's members are educated."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.organizations.models import Area, AreaLevel


class PartySchool(models.Model):
    """A party school run by a street or a community (its Area)."""

    name = models.CharField(_("党校名称"), max_length=120)
    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="party_schools")
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    history = HistoricalRecords()
    scope_area_path = "area__"
    scope_school_path = ""

    class Meta:
        verbose_name = _("社区党校")
        verbose_name_plural = _("社区党校")
        ordering = ["area__path", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="partyschool_unique_name_in_area")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.area_id and self.area.level not in (AreaLevel.STREET, AreaLevel.COMMUNITY):
            raise ValidationError({"area": _("党校须由街道或社区举办。")})
