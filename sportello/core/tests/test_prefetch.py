"""attach_prefetched: read from memory, refuse to chain (it would read the whole table)."""

import pytest

from sportello.catalogue.models import FieldChoice, FormField
from sportello.catalogue.tests.factories import FieldChoiceFactory, FormFieldFactory
from sportello.core.prefetch import attach_prefetched

pytestmark = pytest.mark.django_db


def test_answers_from_memory_and_refuses_to_chain(django_assert_num_queries):
    field = FormFieldFactory(field_type="choice")
    FieldChoiceFactory(field=field, position=1, value="a")
    FieldChoiceFactory(field=FormFieldFactory(field_type="choice"), value="elsewhere")
    rows = list(FieldChoice.objects.filter(field=field))
    loaded = FormField.objects.get(pk=field.pk)
    attach_prefetched(loaded, "choices", FieldChoice, rows)
    with django_assert_num_queries(0):
        assert [c.value for c in loaded.choices.all()] == ["a"]
        assert loaded.choices.count() == 1
        assert loaded.choices.exists()
        assert loaded.choices.first().value == "a"
        assert loaded.choices.all()[0].value == "a"
    for chained in (
        lambda: loaded.choices.filter(value="elsewhere"),
        lambda: loaded.choices.exclude(value="a"),
        lambda: loaded.choices.order_by("-position"),
    ):
        with pytest.raises(TypeError, match="loaded in memory"):
            chained()
