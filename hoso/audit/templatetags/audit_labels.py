from django import template

from hoso.audit.labels import event_label

register = template.Library()
register.filter("event_label", event_label)
