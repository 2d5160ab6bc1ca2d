from decimal import Decimal

from django import forms

from sportello.catalogue.forms import ItalianDecimalField
from sportello.core.money import format_euro, to_money
from sportello.withdrawals.queries import service_labels


class ServicesForm(forms.Form):
    """I MIEI ORDINI: which of the order's services the consumer withdraws from."""

    lines = forms.TypedMultipleChoiceField(
        label="Servizi da cui recedi",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Scegli almeno un servizio da cui recedere.",
            "invalid_choice": "Questo servizio non è più disponibile per il recesso.",
        },
    )

    def __init__(self, *args, lines, all_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled among all the order's services: two of the same are told apart.
        labels = service_labels(lines if all_lines is None else all_lines)
        choices = [(line.pk, labels[line.pk]) for line in lines]
        self.fields["lines"].choices = choices  # type: ignore[attr-defined]


class AnonymousWithdrawalForm(forms.Form):
    """The public form: only what identifies the contract and where to send the receipt."""

    customer_name = forms.CharField(
        label="Nome e cognome",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Scrivi il tuo nome e cognome."},
    )
    email = forms.EmailField(
        label="E-mail usata per l'ordine",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Scrivi l'indirizzo e-mail con cui hai fatto l'ordine.",
            "invalid": "Scrivi un indirizzo e-mail valido, ad esempio nome@esempio.it.",
        },
    )
    order_number = forms.CharField(
        label="Numero dell'ordine",
        max_length=40,
        help_text="Lo trovi nell'e-mail di conferma dell'ordine, ad esempio 2026-000042.",
        error_messages={"required": "Scrivi il numero dell'ordine."},
    )
    services_text = forms.CharField(
        label="Servizi da cui recedi",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Lascia vuoto per recedere da tutti i servizi dell'ordine.",
    )


class CloseUnmatchedForm(forms.Form):
    """Staff close a statement that matched no order, saying what they did."""

    note = forms.CharField(
        label="Cosa è stato fatto",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ad esempio: cliente ricontattato, ha rifatto il recesso da I MIEI ORDINI. "
        "Resta nello storico; il cliente non riceve e-mail.",
        error_messages={"required": "Scrivi cosa è stato fatto."},
    )


class AttachToOrderForm(forms.Form):
    """Staff attach a statement that matched no order to the order it was meant for."""

    order_number = forms.CharField(
        label="Numero d'ordine corretto",
        max_length=32,
        error_messages={"required": "Scrivi il numero dell'ordine."},
    )
    note = forms.CharField(
        label="Come è stato verificato",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ad esempio: cliente ricontattato per telefono, ha confermato l'ordine. "
        "Resta nello storico; il cliente non riceve e-mail ora, ma quando il recesso è gestito.",
        error_messages={"required": "Scrivi come è stato verificato."},
    )


class ProcessWithdrawalForm(forms.Form):
    """Staff settle a withdrawal: the started services get the refund staff enter."""

    note = forms.CharField(
        label="Nota per il cliente",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Inviata al cliente nell'e-mail che conferma la gestione del recesso.",
    )

    def __init__(self, *args, started_lines, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_lines = list(started_lines)
        labels = labels or {}
        for line in self.started_lines:
            # Typed the Italian way ("12,50"), as every amount staff enter.
            self.fields[f"refund_{line.pk}"] = ItalianDecimalField(
                label=f"Rimborso per «{labels.get(line.pk, line.service_name)}» (già iniziato)",
                min_value=0,
                max_value=line.gross,
                decimal_places=2,
                help_text=(
                    f"Pagato {format_euro(line.gross)}. Servizio iniziato su richiesta espressa "
                    "del cliente: "
                    "rimborsa la parte non prestata."
                ),
                error_messages={
                    "required": "Indica l'importo da rimborsare per questo servizio.",
                    "max_value": "L'importo non può superare quanto pagato per il servizio.",
                    "min_value": "L'importo non può essere negativo.",
                },
            )

    def started_refunds(self) -> dict[int, Decimal]:
        return {
            line.pk: to_money(self.cleaned_data[f"refund_{line.pk}"]) for line in self.started_lines
        }
