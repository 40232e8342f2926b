"""Forms of the coverage pages: they only shape input; the services decide (their Chinese
refusals are put back on the form by ``core.form_errors``). Choices are built by the view from
the selectors, so a form never offers what the actor cannot see."""

from django import forms
from django.utils import timezone

from dangjian.coverage.models import PairingSide

_INPUT = "border border-base-200 rounded-default px-3 py-2 bg-white dark:bg-base-900 dark:border-base-700"


def _styled(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", _INPUT)
    return form


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class AssignInstructorForm(_Styled):
    instructor = forms.TypedChoiceField(label="指导员", coerce=int)
    started_on = _date_field("指派日期", initial=timezone.localdate)

    def __init__(self, *args, instructors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].choices = [(i.pk, f"{i.name}（{i.appointed_by}）") for i in instructors]


class JointBranchForm(_Styled):
    organization = forms.TypedChoiceField(label="联合党支部", coerce=int)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in branches]


class ProfileForm(_Styled):
    members_registered_elsewhere = forms.IntegerField(label="组织关系在外的党员数", min_value=0)
    note = forms.CharField(label="备注", required=False, max_length=200)


class AppointForm(_Styled):
    name = forms.CharField(label="姓名", max_length=40)
    area = forms.TypedChoiceField(label="聘任区域", coerce=int)
    appointed_by = forms.CharField(label="聘任机关", max_length=80)
    appointed_on = _date_field("聘任日期", initial=timezone.localdate)
    term_months = forms.IntegerField(label="聘期（月）", initial=24, min_value=1, max_value=120)
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    username = forms.CharField(label="登录用户名（可不填）", required=False, max_length=150)
    password = forms.CharField(label="初始密码", required=False, widget=forms.PasswordInput)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class VisitForm(_Styled):
    unit = forms.TypedChoiceField(label="联系单位", coerce=int)
    visited_on = _date_field("走访日期", initial=timezone.localdate)
    topic = forms.CharField(label="指导事项", max_length=120)
    outcome = forms.CharField(label="成效", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class PairingForm(_Styled):
    community_organization = forms.TypedChoiceField(label="社区党组织", coerce=int)
    unit_organization = forms.TypedChoiceField(label="单位党组织", coerce=int)
    signed_on = _date_field("协议签订日期", initial=timezone.localdate)
    term_months = forms.IntegerField(label="协议期限（月）", initial=24, min_value=1, max_value=120)
    commitments = forms.CharField(label="共建承诺", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(o.pk, o.name) for o in organizations]
        self.fields["community_organization"].choices = choices
        self.fields["unit_organization"].choices = choices


class ActivityForm(_Styled):
    held_on = _date_field("活动日期", initial=timezone.localdate)
    content = forms.CharField(label="活动内容", max_length=200)
    participants = forms.IntegerField(label="参加人数", min_value=0, initial=0)
    resources = forms.CharField(label="投入资源", required=False, max_length=200)


class ReviewForm(_Styled):
    year = forms.IntegerField(label="年度", initial=lambda: timezone.localdate().year)
    side = forms.ChoiceField(label="评价方", choices=PairingSide.choices)
    rating = forms.TypedChoiceField(label="评分", coerce=int, choices=[(n, f"{n}分") for n in range(5, 0, -1)])
    comment = forms.CharField(label="评价意见", required=False, max_length=300)


class PostForm(_Styled):
    community = forms.TypedChoiceField(label="社区", coerce=int)
    name = forms.CharField(label="岗位名称", max_length=60)
    capacity = forms.IntegerField(label="人数上限", min_value=1, initial=10)
    description = forms.CharField(label="岗位说明", required=False, max_length=200)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(c.pk, c.name) for c in communities]


class RegisterForm(_Styled):
    member = forms.TypedChoiceField(label="在职党员", coerce=int)
    post = forms.TypedChoiceField(label="服务岗位", coerce=int)
    registered_on = _date_field("报到日期", initial=timezone.localdate)

    def __init__(self, *args, members=(), posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.name}（居住：{m.residence_area.name}）") for m in members]
        self.fields["post"].choices = [(p.pk, f"{p.community.name}·{p.name}") for p in posts]


class ServiceRecordForm(_Styled):
    served_on = _date_field("服务日期", initial=timezone.localdate)
    hours = forms.DecimalField(label="时长（小时）", max_digits=4, decimal_places=1)
    content = forms.CharField(label="服务内容", max_length=200)


class EndForm(_Styled):
    """Ending an appointment, an assignment or a pairing: the date, and an explicit confirmation
    (a checkbox the server requires, so no script is needed and a stray POST ends nothing)."""

    ended_on = _date_field("结束日期", initial=timezone.localdate)
    confirm = forms.BooleanField(label="确认", error_messages={"required": "请勾选确认后再提交。"})

    def __init__(self, *args, date_label: str = "结束日期", confirm_label: str = "确认", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].label = date_label
        self.fields["confirm"].label = confirm_label
        self.fields["confirm"].widget.attrs["class"] = ""


def instructor_end_form(data=None) -> EndForm:
    return EndForm(data, prefix="end", date_label="解聘日期",
                   confirm_label="确认解聘：该指导员的全部联系单位指派同时结束，其指导员账号不再有联系单位")


def assignment_end_form(data=None, assignment=None) -> EndForm:
    return EndForm(data, prefix=f"end{assignment.pk}" if assignment else "end", date_label="结束日期",
                   confirm_label="确认结束该指导员对本单位的联系")


def pairing_end_form(data=None) -> EndForm:
    return EndForm(data, prefix="end", date_label="终止日期",
                   confirm_label="确认终止结对协议：终止后不能再登记共建活动")


def registration_end_form(data=None, registration=None) -> EndForm:
    return EndForm(data, prefix=f"end{registration.pk}" if registration else "end", date_label="结束日期",
                   confirm_label="确认结束报到（服务记录保留，岗位名额释放）")


class MemberServiceForm(forms.Form):
    """The member's own service record on the phone (portal look: no back-office classes; the
    hours as text with a decimal keypad, so the portal's input style applies)."""

    served_on = forms.DateField(label="服务日期", initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    hours = forms.DecimalField(label="时长（小时）", max_digits=4, decimal_places=1,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    content = forms.CharField(label="服务内容", max_length=200)
