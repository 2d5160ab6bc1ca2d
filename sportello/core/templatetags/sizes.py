"""`{{ size|file_size }}`: a file size in Italian (see sportello.core.sizes)."""

from django import template

from sportello.core.sizes import file_size as _file_size

register = template.Library()


@register.filter
def file_size(value):
    return _file_size(value)
