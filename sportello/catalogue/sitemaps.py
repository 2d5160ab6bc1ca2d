"""sitemap.xml: the public catalogue (categories and services), on SITE_URL's address."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from sportello.catalogue.models import Category
from sportello.catalogue.queries import active_services


class _OnSiteUrl(Sitemap):
    # Links point at the public address (SITE_URL), not at whatever Host the request had.
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(_OnSiteUrl):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Category.objects.filter(is_active=True).only("slug", "updated_at")


class ServiceSitemap(_OnSiteUrl):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return (
            active_services().only("slug", "updated_at").order_by("category_id", "position", "id")
        )


class PagesSitemap(_OnSiteUrl):
    """The home page and the whole catalogue."""

    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["pages:home", "catalogue:index"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return None


SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {
    "pagine": PagesSitemap,
    "categorie": CategorySitemap,
    "servizi": ServiceSitemap,
}
