"""Forms of the conference pages. They check shape only; the services decide (their Chinese
ValidationError is put back on the form by the views)."""

import datetime
import re

from django import forms

from dangjian.conference.models import (
    AttendanceStatus,
    DocumentKind,
    DocumentStatus,
    MeetingKind,
    ProjectStatus,
    ResourceKind,
    SeatPost,
)
from dangjian.conference.services_lists import MilestonePlan

_DATE = forms.DateInput(attrs={"type": "date"})
REQUIRED = {"required": "此项为必填项。"}


class ConferenceForm(forms.Form):
    area = forms.TypedChoiceField(label="设在（区或街道）", coerce=int, error_messages={"required": "请选择区或街道。"})
    name = forms.CharField(label="名称（不填则为“某某社区党建联席会”）", max_length=120, required=False)
    established_on = forms.DateField(label="成立日期", widget=_DATE,
                                     error_messages={"required": "请填写成立日期。", "invalid": "日期格式不正确。"})

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "请选择"), *[(area.pk, area.name) for area in areas]]


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
    milestones = forms.CharField(label="进度节点（每行一个，可在末尾写计划完成日期，如：招募志愿者 2026-03-31）",
                                 max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=(), resources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].choices = [("", "请选择"), *[(u.pk, u.name) for u in units]]
        self.fields["resources"].choices = [(r.pk, str(r)) for r in resources]

    def clean_milestones(self) -> list[MilestonePlan]:
        return milestone_lines(self.cleaned_data["milestones"])


_TRAILING_DATE = re.compile(r"^(?P<title>.*?)[\s　]+(?P<date>\d{4}-\d{1,2}-\d{1,2})$")


def milestone_lines(text: str) -> list[MilestonePlan]:
    """One milestone per line; a date (YYYY-MM-DD) at the end of a line is its due date."""
    plans = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _TRAILING_DATE.match(line)
        if match is None:
            plans.append(MilestonePlan(line))
            continue
        try:
            due_on = datetime.date.fromisoformat("-".join(f"{int(part):02d}" for part in match["date"].split("-")))
        except ValueError:
            raise forms.ValidationError(f"第{number}行的日期“{match['date']}”不正确。") from None
        plans.append(MilestonePlan(match["title"].strip(), due_on))
    return plans


# ---------------------------------------------------------------- library


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=DocumentKind.choices)
    title = forms.CharField(label="标题", max_length=120, error_messages={"required": "请填写标题。"})
    issuer = forms.CharField(label="发文单位", max_length=80, error_messages={"required": "请填写发文单位。"})
    number = forms.CharField(label="文号", max_length=40, required=False)
    effective_on = forms.DateField(label="施行日期", widget=_DATE, error_messages={"required": "请填写施行日期。"})
    text = forms.CharField(label="正文", max_length=50000, widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": "请填写正文。"})
    attachment = forms.FileField(label="附件（PDF、DOCX、PNG、JPG，可不传）", required=False)
    plenary_per_year = forms.IntegerField(label="每年全体成员大会次数（章程填写，不填按默认）", required=False,
                                          min_value=0, max_value=52)
    research_per_year = forms.IntegerField(label="每年工作研讨交流次数（章程填写，不填按默认）", required=False,
                                           min_value=0, max_value=52)


class DocumentReviseForm(forms.Form):
    title = forms.CharField(label="标题", max_length=120, error_messages={"required": "请填写标题。"})
    number = forms.CharField(label="文号", max_length=40, required=False)
    effective_on = forms.DateField(label="新版施行日期", widget=_DATE, error_messages={"required": "请填写施行日期。"})
    text = forms.CharField(label="正文", max_length=50000, widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": "请填写正文。"})
    note = forms.CharField(label="修订说明", max_length=200, error_messages={"required": "请填写修订说明。"})
    attachment = forms.FileField(label="新附件（不传则沿用原附件）", required=False)


class DocumentStatusForm(forms.Form):
    status = forms.ChoiceField(label="改为", choices=[(DocumentStatus.SUPERSEDED, DocumentStatus.SUPERSEDED.label),
                                                     (DocumentStatus.REPEALED, DocumentStatus.REPEALED.label)])


# ---------------------------------------------------------------- seats


class SeatPostForm(forms.Form):
    post = forms.ChoiceField(label="职务", choices=SeatPost.choices, widget=forms.Select(attrs=_SMALL))


class SeatLeaveForm(forms.Form):
    on_date = forms.DateField(label="退出日期", widget=_DATE, error_messages={"required": "请填写退出日期。"})


# ---------------------------------------------------------------- projects and milestones


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(label="改为", choices=[(s, s.label) for s in ProjectStatus if s != ProjectStatus.PLANNED])
    outcome = forms.CharField(label="成效（完成时必填）", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    on_date = forms.DateField(label="完成日期（不填为今天）", widget=_DATE, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="进度节点", max_length=120, error_messages={"required": "请填写进度节点的名称。"})
    due_on = forms.DateField(label="计划完成日期（可不填）", widget=_DATE, required=False)


class MilestoneEditForm(MilestoneForm):
    position = forms.IntegerField(label="序号", min_value=1, required=False)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=_DATE, required=False)
    reopen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not data.get("reopen") and not data.get("done_on") and "done_on" not in self.errors:
            self.add_error("done_on", "请填写完成日期。")
        return data
