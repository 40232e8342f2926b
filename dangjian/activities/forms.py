"""Forms of the activity pages: shape only; the services decide."""

from django import forms

from dangjian.activities.models import ActivityKind

CHOICES_MAX = 300


class ActivityForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=120, error_messages={"required": "请填写活动名称。"})
    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices)
    community = forms.TypedChoiceField(label="所在社区", coerce=int, error_messages={"required": "请选择社区。"})
    organizer_organization = forms.TypedChoiceField(label="主办党组织", coerce=int, required=False, empty_value=None)
    organizer_unit = forms.TypedChoiceField(label="或主办单位（联席会成员单位等）", coerce=int, required=False,
                                            empty_value=None)
    starts_at = forms.DateTimeField(label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    error_messages={"required": "请填写开始时间。", "invalid": "时间格式不正确。"})
    ends_at = forms.DateTimeField(label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                  error_messages={"required": "请填写结束时间。", "invalid": "时间格式不正确。"})
    place = forms.CharField(label="地点", max_length=120, error_messages={"required": "请填写活动地点。"})
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=10000,
                                  error_messages={"required": "请填写名额。", "min_value": "名额至少为1人。"})
    keeps_waitlist = forms.BooleanField(label="名额满后可候补", required=False, initial=True)
    description = forms.CharField(label="活动内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, communities=(), organizations=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "请选择社区"), *[(a.pk, a.name) for a in communities]]
        self.fields["organizer_organization"].choices = [("", "—"), *[(o.pk, o.name) for o in organizations]]
        self.fields["organizer_unit"].choices = [("", "—"), *[(u.pk, u.name) for u in units]]


class ReportForm(forms.Form):
    report = forms.CharField(label="活动小结", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写活动小结。"})


class PhotoForm(forms.Form):
    file = forms.FileField(label="活动照片（可选）", error_messages={"required": "请选择照片。"})


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=10000,
                                  error_messages={"required": "请填写名额。", "min_value": "名额至少为1人。"})
