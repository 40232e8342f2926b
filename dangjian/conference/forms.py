"""Forms of the conference pages. They check shape only; the services decide (their Chinese
ValidationError is put back on the form by the views)."""

from django import forms

from dangjian.conference.models import (
    AttendanceStatus,
    DocumentKind,
    DocumentStatus,
    MeetingKind,
    ResourceKind,
    SeatPost,
)

_DATE = forms.DateInput(attrs={"type": "date"})
REQUIRED = {"required": "此项为必填项。"}


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=120, error_messages={"required": "请填写会议名称。"})
    held_on = forms.DateField(label="会议日期", widget=_DATE,
                              error_messages={"required": "请填写会议日期。", "invalid": "日期格式不正确。"})
    place = forms.CharField(label="地点", max_length=120, error_messages={"required": "请填写会议地点。"})
    agenda = forms.CharField(label="议程（每行一项；全体成员大会自动加入未完成任务的落实情况）", required=False,
                             widget=forms.Textarea(attrs={"rows": 4}))
    work_report = forms.TypedChoiceField(label="工作报告（文库中的文件，可不选）", coerce=int, required=False,
                                         empty_value=None)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_report"].choices = [("", "不选"), *[(d.pk, d.title) for d in documents]]


class SeatForm(forms.Form):
    unit = forms.TypedChoiceField(label="成员单位", coerce=int, error_messages={"required": "请选择成员单位。"})
    post = forms.ChoiceField(label="职务", choices=SeatPost.choices)
    holder_name = forms.CharField(label="担任人", max_length=40, error_messages={"required": "请填写席位的担任人。"})
    holder_title = forms.CharField(label="单位职务", max_length=60, required=False)
    starts_on = forms.DateField(label="任期开始", widget=_DATE, error_messages={"required": "请填写任期开始日期。"})
    term_ends_on = forms.DateField(label="届满日期（可不填）", widget=_DATE, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择"), *[(u.pk, u.name) for u in units]]


class HandoverForm(forms.Form):
    holder_name = forms.CharField(label="新担任人", max_length=40, error_messages={"required": "请填写新担任人。"})
    holder_title = forms.CharField(label="单位职务", max_length=60, required=False)
    on_date = forms.DateField(label="交接日期", widget=_DATE, error_messages={"required": "请填写交接日期。"})
    term_ends_on = forms.DateField(label="届满日期（可不填）", widget=_DATE, required=False)


# unfold's own utility classes (its stylesheet has no arbitrary values): a small bordered input.
_SMALL = {"class": "border border-base-200 rounded-default px-1 py-1 bg-white dark:bg-base-900 dark:border-base-700"}


class AttendanceForm(forms.Form):
    seat = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="出席情况", choices=AttendanceStatus.choices, widget=forms.Select(attrs=_SMALL))
    attendee_name = forms.CharField(label="出席人", max_length=40, required=False,
                                    widget=forms.TextInput(attrs={**_SMALL, "size": 8}))
    reason = forms.CharField(label="请假事由", max_length=200, required=False,
                             widget=forms.TextInput(attrs={**_SMALL, "size": 12}))
    delegate_name = forms.CharField(label="受委托人", max_length=40, required=False,
                                    widget=forms.TextInput(attrs={**_SMALL, "size": 8}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="会议纪要", max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                              error_messages={"required": "请填写会议纪要。"})


class ResolutionForm(forms.Form):
    text = forms.CharField(label="决议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写决议内容。"})


class TaskForm(forms.Form):
    resolution = forms.TypedChoiceField(label="所属决议", coerce=int, error_messages={"required": "请选择决议。"})
    seat = forms.TypedChoiceField(label="负责单位（席位）", coerce=int, required=False, empty_value=None)
    title = forms.CharField(label="任务", max_length=200, error_messages={"required": "请填写任务内容。"})
    deadline = forms.DateField(label="完成时限", widget=_DATE, required=False)

    def __init__(self, *args, resolutions=(), seats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = [(r.pk, f"决议{r.number}") for r in resolutions]
        self.fields["seat"].choices = [("", "请选择"), *[(s.pk, s.unit.name) for s in seats]]


class ProgressForm(forms.Form):
    text = forms.CharField(label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写进展情况。"})
    done = forms.BooleanField(label="任务已完成", required=False)
    attachment = forms.FileField(label="附件（PDF、DOCX、PNG、JPG，可不传）", required=False)


class DocumentSearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=60, required=False)
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *DocumentKind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *DocumentStatus.choices], required=False)


class DemandForm(forms.Form):
    community = forms.TypedChoiceField(label="提出社区", coerce=int, error_messages={"required": "请选择社区。"})
    kind = forms.ChoiceField(label="需要的帮助", choices=ResourceKind.choices)
    title = forms.CharField(label="需求", max_length=120, error_messages={"required": "请填写需求名称。"})
    description = forms.CharField(label="需求说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请填写需求说明。"})
    expected_help = forms.CharField(label="期望的帮助", max_length=300, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "请选择"), *[(a.pk, a.name) for a in communities]]


class ResourceForm(forms.Form):
    unit = forms.TypedChoiceField(label="提供单位", coerce=int, error_messages={"required": "请选择成员单位。"})
    kind = forms.ChoiceField(label="资源类别", choices=ResourceKind.choices)
    title = forms.CharField(label="资源", max_length=120, error_messages={"required": "请填写资源名称。"})
    quantity = forms.CharField(label="数量", max_length=60, required=False)
    availability = forms.CharField(label="可提供时间", max_length=120, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "请选择"), *[(u.pk, u.name) for u in units]]


class ProjectForm(forms.Form):
    demand = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="项目名称", max_length=120, error_messages={"required": "请填写项目名称。"})
    owner_unit = forms.TypedChoiceField(label="牵头单位", coerce=int, error_messages={"required": "请选择牵头单位。"})
    resources = forms.TypedMultipleChoiceField(label="使用资源", coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    milestones = forms.CharField(label="进度节点（每行一个）", max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=(), resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].choices = [("", "请选择"), *[(u.pk, u.name) for u in units]]
        self.fields["resources"].choices = [(r.pk, str(r)) for r in resources]
