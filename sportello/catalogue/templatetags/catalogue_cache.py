"""`{% catalogue_fragment "name" vary… %}…{% endcatalogue_fragment %}`: a rendered piece of a
catalogue page, kept by the catalogue cache (see sportello/catalogue/cache.py).

Put only catalogue content inside: nothing that depends on the visitor (cart counters, login,
CSRF token, messages) except what is passed as a vary value (e.g. `is_consumer_pricing`).
With the cache off, or when the name resolves to nothing, the tag only renders its content.
"""

from django import template
from django.conf import settings
from django.core.cache import cache

from sportello.catalogue import cache as catalogue_cache

register = template.Library()


class CatalogueFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        name = self.name.resolve(context)
        # A name that resolves to nothing (None, "") means: this time, do not cache.
        if request is None or not name or not catalogue_cache.is_enabled():
            return self.nodelist.render(context)
        parts = [value.resolve(context) for value in self.vary_on]
        cache_key = catalogue_cache.key(request, "fragment", name, *parts)
        fragment = cache.get(cache_key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            cache.set(cache_key, fragment, settings.CATALOGUE_CACHE_SECONDS)
        return fragment


@register.tag("catalogue_fragment")
def catalogue_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name")
    nodelist = parser.parse(("endcatalogue_fragment",))
    parser.delete_first_token()
    return CatalogueFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
