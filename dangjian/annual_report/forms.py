"""The choice of area, year and as-of date: shape only; the selectors check the rest."""

from django import forms
from django.utils import timezone

INPUT = "border border-base-200 rounded-default px-2 py-1 bg-white dark:bg-base-900 dark:border-base-700"


class ReportForm(forms.Form):
    # Any area id is accepted here; the selector answers 404 outside the actor's reach.
    area = forms.IntegerField(label="统计范围", widget=forms.Select)
    year = forms.IntegerField(label="统计年度", min_value=2000, max_value=2100)
    as_of = forms.DateField(label="统计截止日期", required=False, help_text="留空为当年12月31日",
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [(area.pk, f"{'　' * max(area.depth - 1, 0)}{area.name}") for area in areas]
        self.fields["year"].initial = timezone.localdate().year - 1
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", INPUT)
