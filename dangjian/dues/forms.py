"""Forms of the dues pages: shape only; the services decide and their refusals go back on the form."""

import datetime
import re

from django import forms

from dangjian.dues.models import DuesCategory

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FILTER_INPUT = "border border-base-200 rounded-default px-2 py-2 bg-white dark:bg-base-900 dark:border-base-700"


def parse_month(value: str | None) -> datetime.date | None:
    """'2026-03' → 2026-03-01; anything else → None."""
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1900 < year < 2200):
        return None
    return datetime.date(year, month, 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "class": FILTER_INPUT})
    default_error_messages = {"invalid": "请按“年-月”填写月份，如 2026-03。"}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


def _styled(form):
    for field in form.fields.values():
        if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            field.widget.attrs.setdefault("class", FILTER_INPUT)


class DeclareForm(forms.Form):
    category = forms.ChoiceField(label="党员类别", choices=DuesCategory.choices)
    income_base = forms.DecimalField(label="月收入基数（元，税后）", required=False, max_digits=12, decimal_places=2)
    agreed_amount = forms.DecimalField(label="约定月交纳额（元，农村党员）", required=False, max_digits=8,
                                       decimal_places=2)
    effective_from = MonthField(label="起算月份", error_messages={"required": "请填写起算月份。"})
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class PayForm(forms.Form):
    from_month = MonthField(label="起始月份", error_messages={"required": "请填写所交党费的起始月份。"})
    to_month = MonthField(label="截止月份（只交一个月可不填）", required=False)
    paid_on = forms.DateField(label="交纳日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "请填写交纳日期。", "invalid": "交纳日期格式不正确。"})
    amount = forms.DecimalField(label="每月金额（元，不填按应交金额）", required=False, max_digits=10, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class ExemptForm(forms.Form):
    from_month = MonthField(label="起始月份", error_messages={"required": "请填写起始月份。"})
    to_month = MonthField(label="截止月份", error_messages={"required": "请填写截止月份。"})
    reason = forms.CharField(label="原因", max_length=200, error_messages={"required": "请填写减免或缓交的原因。"})
    approval = forms.CharField(label="支部决定及上级党委批准情况", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class BranchMonthForm(forms.Form):
    """The treasurer's ticks: which members paid the month, and when."""

    members = forms.TypedMultipleChoiceField(coerce=int, widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": "请勾选本月已交党费的党员。"})
    paid_on = forms.DateField(label="交纳日期", widget=forms.DateInput(attrs={"type": "date", "class": FILTER_INPUT}),
                              error_messages={"required": "请填写交纳日期。", "invalid": "交纳日期格式不正确。"})

    def __init__(self, *args, payable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(member.pk, member.name) for member in payable]
        self.fields["members"].error_messages["invalid_choice"] = "所选党员本月不能登记（已交、免交或不在本支部）。"
