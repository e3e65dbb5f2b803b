"""``{{ term|in_sentence }}`` — a label inside a sentence ("học kỳ II", not "học kỳ ii").

Built in (settings ``TEMPLATES`` ``builtins``): every template has it without ``{% load %}``."""

from django import template

from hoso.core.text import in_sentence as _in_sentence

register = template.Library()


@register.filter
def in_sentence(value) -> str:
    return _in_sentence(str(value or ""))
