"""The community party school (社区党校, 一个阵地): where the community's members are educated.

A school belongs to a street or a community (its Area) and has venues, a leadership with terms,
part-time teachers, a course catalogue, an education plan per year (target study hours and
audience, the classes planned by month), the classes actually scheduled, and attendance — taken
on a list by the school, by the member scanning the class's QR code, or as make-up study (补学).
Study hours are never typed in: they are the sum of a member's attendance (RULES.md EDU-01).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dangjian.organizations.models import Area, AreaLevel

# Everything of a school hangs on the school: its administrators reach it through the school,
# the area administrators above it through the school's area.
SCHOOL_AREA = "school__area__"


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


class SchoolRecord(models.Model):
    """A record of one school: scoped through it."""

    scope_area_path = SCHOOL_AREA
    scope_school_path = "school__"

    class Meta:
        abstract = True


class Venue(SchoolRecord):
    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("场所名称"), max_length=80)
    address = models.CharField(_("地址"), max_length=160, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("教学场所")
        verbose_name_plural = _("教学场所")
        ordering = ["school", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="venue_unique_name_in_school")]

    def __str__(self):
        return f"{self.name}（{self.capacity}人）"


class OfficerPosition(models.TextChoices):
    PRINCIPAL = "principal", _("校长")
    VICE_PRINCIPAL = "vice_principal", _("副校长")
    ACADEMIC_OFFICER = "academic_officer", _("教务主任")
    MEMBER = "member", _("校务委员")


class SchoolOfficer(SchoolRecord):
    """A member of the school's leadership (校务领导班子) for a term."""

    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="officers")
    name = models.CharField(_("姓名"), max_length=40)
    position = models.CharField(_("职务"), max_length=20, choices=OfficerPosition.choices)
    affiliation = models.CharField(_("单位职务"), max_length=120, blank=True)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("校务领导")
        verbose_name_plural = _("校务领导")
        ordering = ["school", "position", "term_start", "pk"]

    def __str__(self):
        return f"{self.get_position_display()} {self.name}"

    def serving_on(self, day: datetime.date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class Teacher(SchoolRecord):
    """A part-time teacher (兼职教员) drawn from the community's experts and scholars."""

    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="teachers")
    name = models.CharField(_("姓名"), max_length=40)
    affiliation = models.CharField(_("工作单位"), max_length=120, blank=True)
    title = models.CharField(_("职称职务"), max_length=60, blank=True)
    expertise = models.CharField(_("专长"), max_length=200, blank=True, help_text=_("多个专长用顿号或逗号分隔"))
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在聘"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("兼职教员")
        verbose_name_plural = _("兼职教员")
        ordering = ["school", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def expertise_tags(self) -> list[str]:
        return [tag for tag in self.expertise.replace(",", "、").replace("，", "、").split("、") if tag.strip()]


class Course(SchoolRecord):
    """A course in the school's catalogue; ``teacher`` is who usually teaches it."""

    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("课程名称"), max_length=120)
    topic = models.CharField(_("专题"), max_length=60, blank=True)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))])
    teacher = models.ForeignKey(Teacher, verbose_name=_("授课教员"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="courses")
    materials = models.TextField(_("教材资料"), blank=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        ordering = ["school", "title", "pk"]

    def __str__(self):
        return self.title


class Audience(models.TextChoices):
    """Who a plan or a class is for: every member under the school's area, or one care group
    (the members app's definitions: members.selectors.member_filter)."""

    ALL = "all", _("辖区全体党员")
    OFF_POST = "off_post", _("离岗党员（离退休、下岗失业）")
    FLOATING = "floating", _("流动党员（流出）")
    PROBATIONARY = "probationary", _("预备党员")
    DIFFICULTY = "difficulty", _("困难党员")


class EducationPlan(SchoolRecord):
    """The school's education plan (教育计划) for one year and one audience."""

    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("计划名称"), max_length=120)
    target_hours = models.DecimalField(_("每名党员目标学时"), max_digits=5, decimal_places=1,
                                       validators=[MinValueValidator(Decimal("1"))])
    audience = models.CharField(_("教育对象"), max_length=20, choices=Audience.choices, default=Audience.ALL)
    notes = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("教育计划")
        verbose_name_plural = _("教育计划")
        ordering = ["school", "-year", "audience", "pk"]
        constraints = [models.UniqueConstraint(fields=["school", "year", "audience"],
                                               name="plan_unique_school_year_audience")]

    def __str__(self):
        return f"{self.year}年{self.title}"


class PlannedClass(models.Model):
    """A class the plan puts in a month; a scheduled class may fulfil it."""

    plan = models.ForeignKey(EducationPlan, verbose_name=_("教育计划"), on_delete=models.CASCADE,
                             related_name="planned_classes")
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="planned")

    scope_area_path = "plan__school__area__"
    scope_school_path = "plan__school__"

    class Meta:
        verbose_name = _("计划课程")
        verbose_name_plural = _("计划课程")
        ordering = ["plan", "month", "pk"]

    def __str__(self):
        return f"{self.month}月 {self.course}"


class ClassStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排课")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class ClassSession(SchoolRecord):
    """A scheduled class (one sitting) at a venue with a teacher."""

    school = models.ForeignKey(PartySchool, verbose_name=_("党校"), on_delete=models.CASCADE, related_name="sessions")
    plan = models.ForeignKey(EducationPlan, verbose_name=_("教育计划"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="sessions")
    planned = models.ForeignKey(PlannedClass, verbose_name=_("对应计划课程"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="sessions")
    course = models.ForeignKey(Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="sessions")
    teacher = models.ForeignKey(Teacher, verbose_name=_("授课教员"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="sessions")
    venue = models.ForeignKey(Venue, verbose_name=_("教学场所"), on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(_("计入学时"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    audience = models.CharField(_("教育对象"), max_length=20, choices=Audience.choices, default=Audience.ALL)
    expected_attendees = models.PositiveIntegerField(_("预计人数"), default=0)
    notice = models.TextField(_("开课通知"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ClassStatus.choices, default=ClassStatus.SCHEDULED)
    feedback_score = models.DecimalField(_("学员评价（5分制）"), max_digits=3, decimal_places=1, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["school", "starts_at"], name="session_school_start"),
                   models.Index(fields=["venue", "starts_at"], name="session_venue_start"),
                   models.Index(fields=["teacher", "starts_at"], name="session_teacher_start")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="session_ends_after_start")]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} {self.course}"

    @property
    def length_hours(self) -> Decimal:
        """The sitting's length in hours: no one is credited more than they sat through."""
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.1"))


class AttendanceMethod(models.TextChoices):
    ROSTER = "roster", _("名单登记")
    QR = "qr", _("扫码签到")
    MAKEUP = "makeup", _("补学")


class Attendance(models.Model):
    """A member attended a class (or made it up): the only source of study hours."""

    session = models.ForeignKey(ClassSession, verbose_name=_("班次"), on_delete=models.CASCADE,
                                related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="school_attendances")
    method = models.CharField(_("方式"), max_length=10, choices=AttendanceMethod.choices)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5"))])
    # The day the hours count for: the class's day, or the day of the make-up study.
    credited_on = models.DateField(_("计入日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_area_path = "session__school__area__"
    scope_school_path = "session__school__"

    class Meta:
        verbose_name = _("出勤记录")
        verbose_name_plural = _("出勤记录")
        ordering = ["session", "member__name_pinyin", "pk"]
        indexes = [models.Index(fields=["member", "credited_on"], name="attendance_member_day")]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once_per_member")]

    def __str__(self):
        return f"{self.member} · {self.session}"
