from django import template

from sportello.notifications.rendering import absolute_url as build_absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(path_or_urlname, *args, **kwargs):
    """{% absolute_url "orders:detail" order.pk %} -> https://shop.example.it/… (from SITE_URL)."""
    return build_absolute_url(path_or_urlname, *args, **kwargs)
