"""Forms of the assessment pages: they check shape; the services check the rules."""

from django import forms

from dangjian.core.registry import metrics
from dangjian.evaluation.models import EVALUATED_LEVELS, Curve, IndicatorKind

INPUT = "border border-base-200 rounded-default px-2 py-1 bg-white dark:bg-base-900 dark:border-base-700"


def _metric_choices():
    return [("", "（人工指标不选）")] + [(metric.key, f"{metric.label}（{metric.key}）")
                                    for metric in metrics.all() if not metric.breakdown]


class SchemeForm(forms.Form):
    name = forms.CharField(label="方案名称", max_length=120)
    year = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(label="考核对象", choices=[(level.value, level.label) for level in EVALUATED_LEVELS])
    evaluator_area = forms.TypedChoiceField(label="考核单位（区域）", coerce=int)
    title_label = forms.CharField(label="称号", max_length=20, initial="先进")
    title_top_share = forms.IntegerField(label="授予前百分之几", required=False, min_value=1, max_value=100)
    title_min_score = forms.DecimalField(label="称号最低得分", required=False, min_value=0, max_value=100)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator_area"].choices = [(area.pk, area.name) for area in areas]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", INPUT)


class ReviseForm(forms.Form):
    """A scheme's own fields that a revision may change (year, level and office stay)."""

    name = forms.CharField(label="方案名称", max_length=120)
    title_label = forms.CharField(label="称号", max_length=20)
    title_top_share = forms.IntegerField(label="授予前百分之几", required=False, min_value=1, max_value=100)
    title_min_score = forms.DecimalField(label="称号最低得分", required=False, min_value=0, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", INPUT)


class IndicatorForm(forms.Form):
    code = forms.CharField(label="编号", max_length=20, required=False)
    name = forms.CharField(label="指标名称", max_length=120, required=False)
    kind = forms.ChoiceField(label="类型", choices=IndicatorKind.choices, required=False)
    weight = forms.DecimalField(label="权重", required=False, min_value=0, max_value=100)
    metric_key = forms.ChoiceField(label="统计指标", required=False)
    target = forms.DecimalField(label="目标值", required=False)
    baseline = forms.DecimalField(label="基准值", required=False)
    curve = forms.ChoiceField(label="计分方式", choices=Curve.choices, required=False)
    evidence_required = forms.BooleanField(label="须附佐证", required=False)
    guidance = forms.CharField(label="评分标准", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = _metric_choices()
        for name, field in self.fields.items():
            if name != "evidence_required":
                field.widget.attrs.setdefault("class", INPUT + " w-full")


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=6, max_num=30)
RevisionFormSet = forms.formset_factory(IndicatorForm, extra=3, max_num=30)

INDICATOR_INITIAL_FIELDS = ("code", "name", "kind", "weight", "metric_key", "target", "baseline", "curve",
                            "evidence_required", "guidance")


def indicator_initial(indicators) -> list[dict]:
    """A scheme's indicators as the formset's initial rows (the revision starts from them)."""
    return [{name: getattr(indicator, name) for name in INDICATOR_INITIAL_FIELDS} for indicator in indicators]


def indicator_rows(formset) -> list[dict]:
    """The filled rows of the formset as the service takes them (blank rows skipped)."""
    return [{key: ("" if value is None else value) for key, value in form.cleaned_data.items()}
            for form in formset.forms if form.cleaned_data.get("name")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ManualScoreForm(forms.Form):
    area = forms.TypedChoiceField(label="被考核区域", coerce=int)
    points = forms.DecimalField(label="得分", min_value=0, max_digits=5, decimal_places=1)
    note = forms.CharField(label="评分说明（扣分原因）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label="佐证材料（PDF、Word、Excel）", required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(area.pk, area.name) for area in areas]
