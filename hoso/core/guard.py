"""Input refused at the door, before any view sees it (one normaliser for every text input):

- a body that is not a file upload (JSON, a form) larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``
  answers **413** at once, from its declared length, without reading it (file uploads have their
  own limits: records, imports, evidence);
- a control character (``core.text.CONTROL_CHARACTER``: C0 but tab, line feed and carriage
  return; DEL; C1) in the query
  string, a form field's name or value, or a JSON string (``\\u0000``…) answers **400** on a page
  and **422** on the API, naming the field: such characters are never data in a school record,
  and a NUL would otherwise reach the database (PostgreSQL refuses it in text: a 500).

Vietnamese messages; pages get the ``error.html`` page, the API ``{"code", "detail", "field"}``.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from hoso.core.text import CONTROL_CHARACTER

JSON_CONTROL = re.compile(
    rb"\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)

TOO_LARGE = "Dữ liệu gửi lên quá lớn: tối đa {mb} MB."
CONTROL_MESSAGE = "Dữ liệu có ký tự điều khiển không hợp lệ (ví dụ ký tự NUL){where}: hãy nhập lại."


def control_character_in(text: str) -> bool:
    return CONTROL_CHARACTER.search(text) is not None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._too_large(request) or self._control_characters(request)
        return refusal or self.get_response(request)

    # --- the two checks ---------------------------------------------------------------------

    def _too_large(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        content_type = request.META.get("CONTENT_TYPE", "")
        if limit is None or content_type.startswith("multipart/"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit:
            return None
        message = TOO_LARGE.format(mb=round(limit / (1024 * 1024), 1))
        return self._answer(request, "TOO_LARGE", message, None, page=413, api=413)

    def _control_characters(self, request):
        field = self._bad_field(request)
        if field is None:
            return None
        where = f" ở trường “{field}”" if field else ""
        message = CONTROL_MESSAGE.format(where=where)
        return self._answer(request, "CONTROL_CHARACTER", message, field or None, page=400, api=422)

    @staticmethod
    def _bad_field(request) -> str | None:
        """The name of the first field holding a control character ("" when it is the query or
        body as a whole), or None."""
        for data in (request.GET, request.POST if request.method == "POST" else {}):
            for key in data:
                if control_character_in(key):
                    return ""
                if any(control_character_in(v) for v in data.getlist(key)):
                    return key
        is_json = request.META.get("CONTENT_TYPE", "").startswith("application/json")
        if is_json and JSON_CONTROL.search(request.body):
            return ""
        return None

    @staticmethod
    def _answer(request, code: str, message: str, field, *, page: int, api: int):
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "detail": message, "field": field}, status=api)
        template = "413.html" if page == 413 else "error.html"
        return render(request, template, {"message": message}, status=page)
