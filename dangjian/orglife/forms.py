"""Forms of the organizational-life pages: shape only; the services decide."""

from django import forms

from dangjian.orglife.models import MeetingKind, MeetingStatus

FILTER_INPUT = "border border-base-200 rounded-default px-2 py-2 bg-white dark:bg-base-900 dark:border-base-700"


class MeetingForm(forms.Form):
    organization = forms.TypedChoiceField(label="党支部", coerce=int, error_messages={
        "required": "请选择党支部。", "invalid_choice": "请选择党支部。"})
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices,
                             error_messages={"required": "请选择会议类型。"})
    status = forms.ChoiceField(label="状态", choices=MeetingStatus.choices, initial=MeetingStatus.HELD)
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "请填写会议日期。", "invalid": "日期格式应为 年-月-日。"})
    topic = forms.CharField(label="主题", max_length=200, error_messages={"required": "请填写会议主题。"})
    host = forms.CharField(label="主持人", max_length=40, error_messages={"required": "请填写主持人。"})
    location = forms.CharField(label="地点", max_length=120, required=False)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "请选择党支部"), *[(b.pk, b.name) for b in branches]]


class ListFilterForm(forms.Form):
    organization = forms.TypedChoiceField(label="党支部", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label="会议类型", choices=[("", "全部"), *MeetingKind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *MeetingStatus.choices], required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "全部"), *[(b.pk, b.name) for b in branches]]
        for field in self.fields.values():
            field.widget.attrs["class"] = FILTER_INPUT


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件", error_messages={"required": "请选择要上传的文件。"})
