"""Plain HTML forms of the member portal (no JavaScript: a WeChat in-app browser posts them as is)."""

from django import forms

from dangjian.core.models import Code, CodeTable

_PHONE_ATTRS = {"inputmode": "tel", "autocomplete": "tel"}


class ActivateForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20, widget=forms.TextInput(attrs=_PHONE_ATTRS))
    code = forms.CharField(label="激活码", max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
    password = forms.CharField(label="设置密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="至少10位，不要只用数字，不要与手机号相似。")
    password_again = forms.CharField(label="再次输入密码",
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "两次输入的密码不一致。")
        return data


class LoginForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20, widget=forms.TextInput(attrs=_PHONE_ATTRS))
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码",
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    password = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label="再次输入新密码",
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "两次输入的密码不一致。")
        return data


class CorrectionForm(forms.Form):
    """Only what the member wants changed is filled in; empty fields stay as they are."""

    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            widget=forms.TextInput(attrs=_PHONE_ATTRS))
    id_number = forms.CharField(label="身份证号码", max_length=20, required=False)
    education = forms.ChoiceField(label="学历", required=False)
    residence_area = forms.ChoiceField(label="居住社区", required=False)
    workplace_text = forms.CharField(label="工作单位", max_length=120, required=False)
    note = forms.CharField(label="补充说明", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, residence_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["education"].choices = [("", "（不变）")] + [
            (code.code, code.name) for code in Code.objects.of(CodeTable.EDUCATION).order_by("code")]
        self.fields["residence_area"].choices = [("", "（不变）")] + [
            (str(area.pk), area.name) for area in residence_choices]

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "note" and value}


class FloatingReportForm(forms.Form):
    place = forms.CharField(label="我现在在（城市）", max_length=120)
    contact = forms.CharField(label="联系方式", max_length=60, help_text="手机号、微信号等，方便党组织联系您。")
