"""Forms of the public pages and the staff pages. They check shape only; the services decide
(and their Chinese ValidationError is put back on the form by the views)."""

from django import forms

from dangjian.concerns import selectors
from dangjian.concerns.models import ConcernCategory, ConcernChannel, ConcernStatus, Rating

_TEXT = {"autocomplete": "off"}
# unfold's own utility classes (its stylesheet has no arbitrary values): a bordered input.
FILTER_INPUT = "border border-base-200 rounded-default px-2 py-2 bg-white dark:bg-base-900 dark:border-base-700"


class ResidentConcernForm(forms.Form):
    """What a resident (or a worker taking a call) writes down."""

    category = forms.ChoiceField(label="问题类别", choices=ConcernCategory.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择诉求类别。", "invalid_choice": "请选择诉求类别。"})
    community = forms.TypedChoiceField(label="所在社区", coerce=int, error_messages={
        "required": "请选择所在社区。", "invalid_choice": "请选择所在社区。"})
    grid = forms.CharField(label="网格（可不填）", max_length=60, required=False, widget=forms.TextInput(attrs=_TEXT))
    location = forms.CharField(label="具体位置（可不填）", max_length=120, required=False,
                               widget=forms.TextInput(attrs={**_TEXT, "placeholder": "如：3栋2单元楼道"}))
    description = forms.CharField(label="反映的问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                                  error_messages={"required": "请写明您反映的问题。"})
    resident_name = forms.CharField(label="您的称呼（可不填）", max_length=40, required=False,
                                    widget=forms.TextInput(attrs={**_TEXT, "autocomplete": "name"}))
    resident_phone = forms.CharField(label="联系电话（可不填）", max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = communities if communities is not None else selectors.communities_by_street()
        self.fields["community"].choices = [("", "请选择社区"), *[(street, pairs) for street, pairs in groups]]


class StaffIntakeForm(ResidentConcernForm):
    channel = forms.ChoiceField(label="来源", choices=[c for c in ConcernChannel.choices if c[0] != "online"],
                                initial=ConcernChannel.PHONE)
    field_order = ["channel", "category", "community", "grid", "location", "description", "resident_name",
                   "resident_phone"]


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=40, widget=forms.TextInput(attrs={
        **_TEXT, "autocapitalize": "characters", "spellcheck": "false", "placeholder": "例如 ABCD-EFGH-JKMN"}),
        error_messages={"required": "请输入查询码。"})


class RateForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    rating = forms.ChoiceField(label="您对办理结果是否满意？", choices=Rating.choices, widget=forms.RadioSelect,
                               error_messages={"required": "请选择满意、基本满意或不满意。",
                                               "invalid_choice": "请选择满意、基本满意或不满意。"})
    comment = forms.CharField(label="意见（不满意时请说明原因）", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    organization = forms.TypedChoiceField(label="党组织", coerce=int, required=False, empty_value=None)
    unit = forms.TypedChoiceField(label="驻区单位", coerce=int, required=False, empty_value=None)
    member = forms.TypedChoiceField(label="党员", coerce=int, required=False, empty_value=None)
    note = forms.CharField(label="交办意见（仅工作人员可见）", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organizations=(), units=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "——"), *[(o.pk, o.name) for o in organizations]]
        self.fields["unit"].choices = [("", "——"), *[(u.pk, u.name) for u in units]]
        self.fields["member"].choices = [("", "——"), *[(m.pk, f"{m.name}（{m.organization.name}）")
                                                       for m in members]]


class NoteForm(forms.Form):
    text = forms.CharField(label="办理情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写办理情况。"})
    public = forms.BooleanField(label="作为答复让居民看到", required=False)


class ResolveForm(forms.Form):
    reply = forms.CharField(label="给居民的答复（办理结果）", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 4}),
                            error_messages={"required": "请填写给居民的答复（办理结果）。"})


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[
        ("", "全部"), ("open", "未办结"), *ConcernStatus.choices])
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *ConcernCategory.choices])
    area = forms.TypedChoiceField(label="区域", required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label="已超期", required=False)
    unassigned = forms.BooleanField(label="未交办", required=False)
    code = forms.CharField(label="查询码", required=False, max_length=40)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "全部"), *[(a.pk, ("　" if a.level == "community" else "") + a.name)
                                                      for a in areas]]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = FILTER_INPUT
