from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Base"
    name = "sportello.core"
    label = "core"

    def ready(self) -> None:
        from django.contrib.admin.templatetags import admin_list

        from sportello.core import checks  # noqa: F401  (registers the deployment checks)
        from sportello.core.admin import boolean_icon

        # Django's yes/no icons in the back-office carry alt="True"/"False" (not translated):
        # screen readers would read English. Its callers look the function up when they run.
        admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]

        from django.db.models.signals import post_migrate

        from sportello.core.permissions import italian_permission_names

        # Connected after django.contrib.auth's handler (core comes later in INSTALLED_APPS),
        # so the permissions it creates are there to rename.
        post_migrate.connect(italian_permission_names, dispatch_uid="italian_permission_names")
