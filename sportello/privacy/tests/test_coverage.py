"""Privacy inverted: each app declares what it exports and, field by field, what erasure does;
these tests fail when a model or a field holding personal data is covered by neither."""

from django.apps import apps

from sportello.privacy.erasure import ERASERS
from sportello.privacy.export import EXPORTED_MODELS, EXPORTERS


def _erasure_declarations() -> dict[str, dict[str, str]]:
    declared: dict[str, dict[str, str]] = {}
    for module in EXPORTERS:
        for label, fields in module.ERASURE.items():
            assert label not in declared, f"{label} declared twice"
            declared[label] = fields
    return declared


def test_every_field_of_every_exported_model_has_an_erasure_treatment():
    declared = _erasure_declarations()
    missing_models = set(EXPORTED_MODELS) - set(declared)
    assert not missing_models, f"Say in the app's privacy.py ERASURE what happens: {missing_models}"
    for label, treatments in declared.items():
        model = apps.get_model(label)
        fields = {field.name for field in model._meta.concrete_fields}
        assert not fields - set(treatments), (
            f"{label}: erasure says nothing about {sorted(fields - set(treatments))}"
        )
        assert not set(treatments) - fields, f"{label}: stale fields {set(treatments) - fields}"
        assert all(how.strip() for how in treatments.values())


def test_each_app_exports_only_its_own_models_or_framework_ones():
    for module in EXPORTERS:
        app = module.__name__.split(".")[1]
        for label in (*module.EXPORTED_MODELS, *module.ERASURE):
            owner = apps.get_model(label)._meta.app_config.name
            assert owner.endswith(f".{app}") or not owner.startswith("sportello."), (
                f"{module.__name__} declares {label}, which belongs to {owner}"
            )


def test_apps_that_delete_or_change_data_are_run_by_the_erasure():
    def changes_something(module) -> bool:
        return any(
            not how.startswith("kept")
            for fields in module.ERASURE.values()
            for how in fields.values()
        )

    changing = {module for module in EXPORTERS if changes_something(module)}
    assert changing == set(ERASERS)
    assert all(callable(module.erase_data) for module in ERASERS)
