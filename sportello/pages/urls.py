from django.urls import path

from sportello.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("cookie/", views.cookie_policy, name="cookies"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("prezzi/", views.buyer_kind, name="buyer_kind"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("favicon.ico", views.favicon, name="favicon"),
]
