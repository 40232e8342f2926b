"""Forms for the roster's add/edit page and the lifecycle pages.

Forms check shape only (STYLE.md habit 4): every rule lives in ``members/services.py``, whose
Chinese ValidationError messages the views put back on the form. Choices that reach the user
(organizations, communities) come narrowed through the actor's scope.
"""

from django import forms
from django.utils import timezone
from unfold.widgets import (
    DATETIME_CLASSES,
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminRadioSelectWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from dangjian.accounts import scoping
from dangjian.core.models import Code, CodeTable
from dangjian.members import selectors
from dangjian.members.models import CareGroup, Employment, HelpKind, Member
from dangjian.members.services import LEAVING_STANDINGS
from dangjian.organizations.models import Area, OrganizationKind, PartyOrganization

# ---------------------------------------------------------------- the admin's add/edit form


class MemberForm(forms.ModelForm):
    """The roster's add/edit form. ``id_number`` is not a model field: the service encrypts it.

    On edit the masked number is shown and the field may stay blank to keep the number."""

    id_number = forms.CharField(
        label="身份证号码", max_length=30, required=True,
        help_text="18位居民身份证号码；出生日期和性别由号码自动推算。",
    )
    # The version the editor saw: the service refuses the save if the member changed since.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Member
        fields = [
            "name", "id_number", "ethnicity", "education", "phone", "organization", "status", "joined_on",
            "full_member_on", "employment", "workplace_unit", "workplace_text", "residence_area",
            "has_difficulty", "difficulty_reason", "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            id_field = self.fields["id_number"]
            id_field.required = False
            id_field.help_text = f"当前：{self.instance.id_number_masked}。留空则不修改；如需更正请填写完整号码。"
            id_field.widget.attrs["placeholder"] = self.instance.id_number_masked
            if "organization" in self.fields:
                organization = self.fields["organization"]
                organization.disabled = True
                organization.help_text = "变更所在党组织请办理组织关系转接。"


# ---------------------------------------------------------------- widgets


class NativeDateInput(forms.DateInput):
    """The phone's own date picker: no calendar script, works on every screen size."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": " ".join(DATETIME_CLASSES), **(attrs or {})}, format="%Y-%m-%d")


def _date(**kwargs):
    return forms.DateField(widget=NativeDateInput, **kwargs)


def _text(*, label, max_length=120, required=True, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=UnfoldAdminTextInputWidget, **kwargs)


def _today():
    return timezone.localdate()


class LifecycleForm(forms.Form):
    """A lifecycle step's form: the view passes the actor for scoped choices."""

    def __init__(self, *args, actor=None, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)


def branch_choices(actor, *, write: bool = True):
    """Organizations that can hold members (not party groups), narrowed to the actor's scope."""
    return (scoping.narrow(actor, PartyOrganization.objects.all(), write=write)
            .filter(is_active=True).exclude(kind=OrganizationKind.PARTY_GROUP)
            .select_related("area").order_by("path"))


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.area.name}）"


# ---------------------------------------------------------------- lifecycle forms


class MakeFullForm(LifecycleForm):
    full_member_on = _date(label="转正时间", initial=_today, help_text="支部大会讨论通过转正的日期。")


class TransferIssueForm(LifecycleForm):
    DESTINATION_CHOICES = [("inside", "本系统内的党组织"), ("outside", "系统外单位")]

    destination = forms.ChoiceField(label="转往", choices=DESTINATION_CHOICES, initial="inside",
                                    widget=UnfoldAdminRadioSelectWidget)
    to_organization = OrganizationChoiceField(
        label="转入党组织", queryset=PartyOrganization.objects.none(), required=False,
        widget=UnfoldAdminSelectWidget, help_text="您管辖范围内、与该党员在同一区的党组织。",
    )
    to_organization_name = _text(
        label="或：转入党组织全称", required=False,
        help_text="转往管辖范围以外的本系统党组织时，填写接收方提供的党组织全称（须完全一致）。",
    )
    to_outside = _text(label="系统外转入单位", required=False, help_text="如：北京市海淀区某某街道党工委。")
    letter_number = _text(label="介绍信编号", max_length=40)
    issued_on = _date(label="开具日期", initial=_today)
    valid_days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=365, required=False,
                                    widget=UnfoldAdminIntegerFieldWidget, help_text="留空按90天。")
    reason = _text(label="转接原因", max_length=200, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = branch_choices(self.actor, write=False)
        if member is not None:
            # The list stays short for a city administrator: organizations in the member's own
            # district; any other is reached by its exact full name below.
            area_path = member.organization.area.path
            choices = choices.filter(area__path__startswith=area_path[: 2 * Area.steplen]).exclude(
                pk=member.organization_id)
        self.fields["to_organization"].queryset = choices

    def clean(self):
        data = super().clean()
        if data.get("destination") == "outside":
            data["to_organization"] = None
            return data
        data["to_outside"] = ""
        name = (data.get("to_organization_name") or "").strip()
        if data.get("to_organization") is None and name:
            # An exact full name only: it reveals nothing the letter does not already say.
            found = selectors.transfer_target_by_full_name(name)
            if found is None:
                self.add_error("to_organization_name", "未找到名称完全一致的党组织，请核对全称。")
            else:
                data["to_organization"] = found
        return data


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TransferInFromOutsideForm(LifecycleForm):
    """A member arriving with a letter from outside the system: who they are, and the letter."""

    organization = OrganizationChoiceField(label="转入党组织", queryset=PartyOrganization.objects.none(),
                                           widget=UnfoldAdminSelectWidget)
    from_outside = _text(label="转出单位", help_text="介绍信的开具党组织，如：上海市徐汇区某某街道党工委。")
    letter_number = _text(label="介绍信编号", max_length=40)
    issued_on = _date(label="开具日期")
    valid_days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=365, required=False,
                                    widget=UnfoldAdminIntegerFieldWidget, help_text="留空按90天。")
    received_on = _date(label="接收日期", initial=_today)
    reason = _text(label="转接原因", max_length=200, required=False)
    name = _text(label="姓名", max_length=40)
    id_number = _text(label="身份证号码", max_length=30,
                      help_text="18位居民身份证号码。曾从本系统转出的党员按号码和姓名找回原记录。")
    ethnicity = CodeChoiceField(label="民族", queryset=Code.objects.none(), widget=UnfoldAdminSelectWidget)
    education = CodeChoiceField(label="学历", queryset=Code.objects.none(), required=False,
                                widget=UnfoldAdminSelectWidget)
    phone = _text(label="联系电话", max_length=20, required=False)
    joined_on = _date(label="入党时间")
    full_member_on = _date(label="转正时间", required=False, help_text="预备党员留空。")
    employment = forms.ChoiceField(label="就业状况", choices=Employment.choices, initial=Employment.EMPLOYED,
                                   widget=UnfoldAdminSelectWidget)
    workplace_text = _text(label="工作单位", required=False)

    MEMBER_FIELDS = ("name", "id_number", "ethnicity", "education", "phone", "joined_on", "full_member_on",
                     "employment", "workplace_text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = branch_choices(self.actor)
        self.fields["ethnicity"].queryset = Code.objects.of(CodeTable.ETHNICITY).order_by("sort_order", "code")
        self.fields["education"].queryset = Code.objects.of(CodeTable.EDUCATION).order_by("sort_order", "code")
        self.fields["ethnicity"].initial = Code.objects.of(CodeTable.ETHNICITY).filter(code="01").first()

    def member_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.MEMBER_FIELDS}


class TransferReceiveForm(LifecycleForm):
    received_on = _date(label="接收日期", initial=_today)


class TransferReturnForm(LifecycleForm):
    returned_on = _date(label="退回日期", initial=_today)
    note = _text(label="退回原因", max_length=200, required=False)


class FloatOutForm(LifecycleForm):
    place = _text(label="流入地", help_text="外出务工、经商或居住的地点。")
    reason = _text(label="外出原因", required=False)
    card_number = _text(label="流动党员活动证号", max_length=40, required=False)
    contact = _text(label="联系方式", max_length=60, required=False)
    started_on = _date(label="外出日期", initial=_today)


class FloatInForm(LifecycleForm):
    SOURCE_CHOICES = [("inside", "本系统内党员（按身份证号码查找）"), ("outside", "系统外党员")]

    host_organization = OrganizationChoiceField(label="流入地党组织（管理方）", queryset=PartyOrganization.objects.none(),
                                                widget=UnfoldAdminSelectWidget)
    source = forms.ChoiceField(label="党员来源", choices=SOURCE_CHOICES, initial="outside", widget=UnfoldAdminRadioSelectWidget)
    id_number = _text(label="身份证号码", max_length=30, required=False,
                      help_text="本系统内党员：填写完整身份证号码和姓名，二者一致才能关联。")
    outside_name = _text(label="姓名", max_length=40, required=False)
    outside_organization = _text(label="原党组织", required=False, help_text="系统外党员的组织关系所在党组织。")
    origin = _text(label="流出地")
    reason = _text(label="流动原因", required=False)
    card_number = _text(label="流动党员活动证号", max_length=40, required=False)
    contact = _text(label="联系方式", max_length=60, required=False)
    started_on = _date(label="流入日期", initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_organization"].queryset = branch_choices(self.actor)


class FloatingEndForm(LifecycleForm):
    ended_on = _date(label="结束日期", initial=_today, help_text="返回原地、转移组织关系或不再流动的日期。")


class FloatingContactForm(LifecycleForm):
    contacted_on = _date(label="联系日期", initial=_today)
    contact = _text(label="新的联系方式", max_length=60, required=False, help_text="留空则不变。")
    place = _text(label="新的所在地", required=False, help_text="留空则不变。")


class LostContactForm(LifecycleForm):
    since = _date(label="失联日期", help_text="最后一次联系不上之日起算。")


class RestoreContactForm(LifecycleForm):
    restored_on = _date(label="恢复联系日期", initial=_today)


class CloseForm(LifecycleForm):
    standing = forms.ChoiceField(label="出党或去世", widget=UnfoldAdminSelectWidget,
                                 choices=[(value.value, value.label) for value in LEAVING_STANDINGS])
    left_on = _date(label="日期")
    reason = _text(label="情况说明", max_length=200, required=False,
                   help_text="如：支部大会决议、上级党组织批复文号。")


class CareVisitForm(LifecycleForm):
    visited_on = _date(label="走访日期", initial=_today)
    visitor = _text(label="走访人", max_length=60)
    findings = forms.CharField(label="了解情况", required=False, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}))
    help_kinds = forms.MultipleChoiceField(label="帮扶方式", choices=HelpKind.choices, required=False,
                                           widget=UnfoldAdminCheckboxSelectMultipleWidget)
    amount = forms.DecimalField(label="慰问金额（元）", max_digits=10, decimal_places=2, required=False,
                                widget=UnfoldAdminDecimalFieldWidget)
    help_detail = _text(label="帮扶内容", max_length=200, required=False)


class CareCadenceForm(forms.Form):
    """One field per care group: months between visits (1–24)."""

    def __init__(self, *args, current: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for group in CareGroup:
            self.fields[group.value] = forms.IntegerField(
                label=f"{group.label}（每几个月走访一次）", min_value=1, max_value=24,
                initial=current[group.value], widget=UnfoldAdminIntegerFieldWidget,
            )

