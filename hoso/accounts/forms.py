from __future__ import annotations

from django import forms
from django.utils import timezone


class LoginForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=80)
    password = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="Mật khẩu hiện tại", widget=forms.PasswordInput)
    new_password = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="Nhập lại mật khẩu mới", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "Hai lần nhập mật khẩu mới không giống nhau.")
        return data


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(label="Tên đăng nhập hoặc e-mail", max_length=200)


class SetPasswordForm(forms.Form):
    new_password = forms.CharField(label="Mật khẩu mới", widget=forms.PasswordInput)
    new_password2 = forms.CharField(label="Nhập lại mật khẩu mới", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "Hai lần nhập mật khẩu mới không giống nhau.")
        return data


class DelegationForm(forms.Form):
    grantee = forms.ChoiceField(label="Người được ủy quyền")
    starts_at = forms.DateTimeField(
        label="Từ", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Đến", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label="Lý do", max_length=300, required=False)

    def __init__(self, *args, grantees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [(s.pk, s.full_name) for s in grantees]
        if not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("starts_at", now.strftime("%Y-%m-%dT%H:%M"))
