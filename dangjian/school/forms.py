"""Forms of the school pages: shape only; the services decide (and refuse in Chinese)."""

from django import forms
from django.utils import timezone
from unfold.widgets import INPUT_CLASSES

from dangjian.school.models import Audience, OfficerPosition

# unfold's look for plain inputs (its own widgets are for ModelAdmin forms).
_INPUT = " ".join(INPUT_CLASSES)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                field.widget.attrs.setdefault("class", _INPUT)


_DATE = forms.DateInput(attrs={"type": "date"})
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VenueForm(StyledForm):
    name = forms.CharField(label="场所名称", max_length=80)
    address = forms.CharField(label="地址", max_length=160, required=False)
    capacity = forms.IntegerField(label="容纳人数", min_value=1)


class OfficerForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=40)
    position = forms.ChoiceField(label="职务", choices=OfficerPosition.choices)
    affiliation = forms.CharField(label="单位职务", max_length=120, required=False)
    term_start = forms.DateField(label="任期开始", widget=_DATE)
    term_end = forms.DateField(label="任期结束", widget=_DATE, required=False)


class TeacherForm(StyledForm):
    name = forms.CharField(label="姓名", max_length=40)
    affiliation = forms.CharField(label="工作单位", max_length=120, required=False)
    title = forms.CharField(label="职称职务", max_length=60, required=False)
    expertise = forms.CharField(label="专长（用顿号分隔）", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class CourseForm(StyledForm):
    title = forms.CharField(label="课程名称", max_length=120)
    topic = forms.CharField(label="专题", max_length=60, required=False)
    hours = forms.DecimalField(label="学时", max_digits=4, decimal_places=1)
    teacher = forms.TypedChoiceField(label="授课教员", coerce=int, required=False, empty_value=None)
    materials = forms.CharField(label="教材资料", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].choices = [("", "—")] + [(t.pk, t.name) for t in teachers]


class PlanForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=120, required=False)
    audience = forms.ChoiceField(label="教育对象", choices=Audience.choices)
    target_hours = forms.DecimalField(label="每名党员目标学时（不填按每年32学时）", max_digits=5, decimal_places=1,
                                      required=False)
    notes = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "audience": Audience.ALL})
        super().__init__(*args, **kwargs)


class PlannedClassForm(StyledForm):
    month = forms.IntegerField(label="月份", min_value=1, max_value=12)
    course = forms.TypedChoiceField(label="课程", coerce=int)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c.pk, c.title) for c in courses]


class SessionForm(StyledForm):
    course = forms.TypedChoiceField(label="课程", coerce=int)
    venue = forms.TypedChoiceField(label="教学场所", coerce=int)
    teacher = forms.TypedChoiceField(label="授课教员（不选则按课程）", coerce=int, required=False, empty_value=None)
    plan = forms.TypedChoiceField(label="教育计划", coerce=int, required=False, empty_value=None)
    planned = forms.TypedChoiceField(label="对应计划课程", coerce=int, required=False, empty_value=None)
    starts_at = forms.DateTimeField(label="开始时间", widget=_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    hours = forms.DecimalField(label="计入学时（不填按课程）", max_digits=4, decimal_places=1, required=False)
    audience = forms.ChoiceField(label="教育对象（不选则按计划）", choices=[("", "—"), *Audience.choices], required=False)
    expected_attendees = forms.IntegerField(label="预计人数", min_value=0, required=False)
    notice = forms.CharField(label="通知补充说明（随开课通知发给教育对象）", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, courses=(), venues=(), teachers=(), plans=(), planned=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c.pk, f"{c.title}（{c.hours}学时）") for c in courses]
        self.fields["venue"].choices = [(v.pk, str(v)) for v in venues]
        self.fields["teacher"].choices = [("", "—")] + [(t.pk, t.name) for t in teachers]
        self.fields["plan"].choices = [("", "—")] + [(p.pk, str(p)) for p in plans]
        self.fields["planned"].choices = [("", "—")] + [(p.pk, f"{p.plan.year}年{p}") for p in planned]


class MarkForm(StyledForm):
    members = forms.TypedMultipleChoiceField(label="出勤党员", coerce=int, widget=forms.CheckboxSelectMultiple)
    hours = forms.DecimalField(label="学时（不填按班次学时）", max_digits=4, decimal_places=1, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, f"{m.name}（{m.organization.name}）") for m in candidates]


class MakeupForm(StyledForm):
    member = forms.TypedChoiceField(label="补学党员", coerce=int)
    hours = forms.DecimalField(label="学时", max_digits=4, decimal_places=1)
    studied_on = forms.DateField(label="补学日期", widget=_DATE)
    note = forms.CharField(label="补学方式", max_length=200)

    def __init__(self, *args, candidates=(), **kwargs):
        kwargs.setdefault("initial", {"studied_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name}（{m.organization.name}）") for m in candidates]


class HeldForm(StyledForm):
    feedback_score = forms.DecimalField(label="学员评价平均分（1–5，可不填）", max_digits=3, decimal_places=1,
                                        required=False)


def year_from(value, default: int | None = None) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default or timezone.localdate().year
    return year if 2000 <= year <= 2100 else (default or timezone.localdate().year)



# ---------------------------------------------------------------- changing what exists


class SchoolForm(StyledForm):
    name = forms.CharField(label="党校名称", max_length=120)
    founded_on = forms.DateField(label="成立日期", widget=_DATE, required=False)
    notes = forms.CharField(label="备注", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SchoolCreateForm(SchoolForm):
    area = forms.TypedChoiceField(label="举办的街道或社区", coerce=int)

    field_order = ["area", "name", "founded_on", "notes"]

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.pk, area.name) for area in areas]


class VenueEditForm(VenueForm):
    is_active = forms.BooleanField(label="在用（取消勾选即停用）", required=False)


class TeacherEditForm(TeacherForm):
    is_active = forms.BooleanField(label="在聘（取消勾选即解聘）", required=False)


class PlanEditForm(StyledForm):
    title = forms.CharField(label="计划名称", max_length=120, required=False)
    target_hours = forms.DecimalField(label="每名党员目标学时", max_digits=5, decimal_places=1)
    notes = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RescheduleForm(StyledForm):
    venue = forms.TypedChoiceField(label="教学场所", coerce=int)
    teacher = forms.TypedChoiceField(label="授课教员", coerce=int, required=False, empty_value=None)
    starts_at = forms.DateTimeField(label="开始时间", widget=_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    hours = forms.DecimalField(label="计入学时（不填按课程）", max_digits=4, decimal_places=1, required=False)
    expected_attendees = forms.IntegerField(label="预计人数", min_value=0, required=False)
    notice = forms.CharField(label="通知补充说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, venues=(), teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [(v.pk, str(v)) for v in venues]
        self.fields["teacher"].choices = [("", "—")] + [(t.pk, t.name) for t in teachers]
