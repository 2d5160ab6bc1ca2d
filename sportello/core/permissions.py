"""The back-office's permission names in Italian.

Django writes each model's default permissions ("Can add ordine", "Can change ordine", …) in
English when it migrates, and shows the stored name as it is: staff choosing permissions
would read English. After every migrate (`post_migrate`, after auth's own handler that creates
them) the English verbs become Italian ones; names staff gave by hand are left alone.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS

ITALIAN_VERBS = {
    "add": "Può aggiungere",
    "change": "Può modificare",
    "delete": "Può eliminare",
    "view": "Può vedere",
}


def italian_permission_names(sender, *, apps=None, using=DEFAULT_DB_ALIAS, **kwargs) -> int:
    """Rename the default permissions still in English; returns how many changed."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    try:
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:  # auth not migrated yet in this plan
        return 0
    renamed = []
    for action, verb in ITALIAN_VERBS.items():
        english = f"Can {action} "
        for permission in permission_model.objects.using(using).filter(
            codename__startswith=f"{action}_", name__startswith=english
        ):
            permission.name = f"{verb} {permission.name[len(english) :]}"
            renamed.append(permission)
    permission_model.objects.using(using).bulk_update(renamed, ["name"])
    return len(renamed)
