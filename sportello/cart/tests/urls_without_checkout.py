"""The project's URLs as they are before the checkout app has its start page."""

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [p for p in project_urlpatterns if getattr(p, "namespace", None) != "checkout"]
