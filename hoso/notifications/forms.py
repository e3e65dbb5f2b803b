"""The preferences form (cài đặt nhận thông báo): what the person typed is kept on errors."""

from __future__ import annotations

from django import forms


class PreferencesForm(forms.Form):
    email = forms.BooleanField(label="Thư điện tử", required=False)
    email_address = forms.EmailField(
        label="Địa chỉ thư (để trống: địa chỉ của tài khoản)", required=False
    )
    push = forms.BooleanField(label="Thông báo đẩy trên điện thoại, máy tính", required=False)
    sms = forms.BooleanField(label="Tin nhắn SMS", required=False)
    zalo = forms.BooleanField(label="Zalo", required=False)
    phone = forms.CharField(
        label="Số điện thoại nhận tin (để trống: số đã khai với nhà trường)",
        required=False,
        max_length=20,
    )
    quiet_start = forms.TimeField(label="Không nhận tin từ", required=False)
    quiet_end = forms.TimeField(label="đến", required=False)
    weekly_digest = forms.BooleanField(
        label="Gộp tin không khẩn thành một bản tin mỗi tuần", required=False
    )


class SchoolSettingsForm(forms.Form):
    quiet_start = forms.TimeField(label="Giờ yên lặng từ")
    quiet_end = forms.TimeField(label="đến")
    digest_weekday = forms.TypedChoiceField(
        label="Ngày gửi bản tin tuần",
        coerce=int,
        choices=[
            (0, "Thứ Hai"),
            (1, "Thứ Ba"),
            (2, "Thứ Tư"),
            (3, "Thứ Năm"),
            (4, "Thứ Sáu"),
            (5, "Thứ Bảy"),
            (6, "Chủ nhật"),
        ],
    )
    digest_hour = forms.IntegerField(label="Giờ gửi bản tin tuần", min_value=0, max_value=23)
