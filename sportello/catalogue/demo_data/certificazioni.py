"""Demo category «Certificazioni energetiche e tecniche»."""

from sportello.catalogue.demo_data.blocks import (
    DemoCategory,
    DemoChoice,
    DemoField,
    DemoService,
    cap,
    codice_fiscale_intestatario,
    comune,
    consegna_urgente,
    foglio,
    indirizzo,
    particella,
    planimetria,
    provincia,
    sopralluogo,
    subalterno,
    superficie,
    telefono,
    tipologia_immobile,
)
from sportello.catalogue.models import FieldType

CERTIFICAZIONI = DemoCategory(
    slug="certificazioni-energetiche-e-tecniche",
    name="Certificazioni energetiche e tecniche",
    description=(
        "Attestati di prestazione energetica, verifiche di conformità e aggiornamenti "
        "catastali redatti da tecnici abilitati, sopralluogo incluso."
    ),
    services=(
        DemoService(
            slug="attestato-prestazione-energetica",
            name="Attestato di Prestazione Energetica (APE)",
            summary="L'APE obbligatorio per vendere o affittare, con sopralluogo e invio al "
            "catasto energetico regionale.",
            description=(
                "L'Attestato di Prestazione Energetica indica la classe energetica "
                "dell'immobile ed è obbligatorio negli annunci e negli atti di compravendita e "
                "locazione. Ha una validità di 10 anni.\n\n"
                "Un certificatore abilitato esegue il sopralluogo, rileva involucro e impianti, "
                "redige l'attestato e lo trasmette al catasto energetico della Regione. Il "
                "prezzo comprende il sopralluogo e l'invio telematico."
            ),
            delivery_time="5 giorni lavorativi dal sopralluogo",
            net_price="180.00",
            featured=True,
            fields=(
                indirizzo(),
                cap(),
                comune(),
                provincia(),
                tipologia_immobile(),
                superficie("Superficie utile (m²)"),
                DemoField(
                    "riscaldamento",
                    "Impianto di riscaldamento",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("autonomo", "Autonomo a gas"),
                        DemoChoice("centralizzato", "Centralizzato"),
                        DemoChoice("pompa-di-calore", "Pompa di calore"),
                        DemoChoice("assente", "Altro o assente"),
                    ),
                ),
                DemoField(
                    "motivo",
                    "Motivo della richiesta",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("vendita", "Vendita"),
                        DemoChoice("locazione", "Locazione"),
                        DemoChoice("incentivi", "Ristrutturazione o incentivi fiscali"),
                    ),
                ),
                DemoField(
                    "libretto_impianto",
                    "Libretto dell'impianto termico",
                    FieldType.FILE,
                    required=False,
                    help_text="PDF o foto, se disponibile: velocizza il sopralluogo",
                ),
                *sopralluogo(),
                consegna_urgente("40.00", "Attestato entro 48 ore dal sopralluogo"),
            ),
        ),
        DemoService(
            slug="verifica-conformita-urbanistica-catastale",
            name="Verifica di conformità urbanistica e catastale",
            summary="Controllo della corrispondenza tra stato di fatto, planimetria catastale "
            "e titoli edilizi.",
            description=(
                "Dal 2010 l'atto di compravendita deve dichiarare la conformità tra lo stato "
                "di fatto e la planimetria catastale. Un tecnico verifica la planimetria, "
                "esegue il sopralluogo e segnala le eventuali difformità con le soluzioni per "
                "regolarizzarle.\n\n"
                "Puoi estendere la verifica ai titoli edilizi con l'accesso agli atti presso il "
                "Comune, all'agibilità e alle dichiarazioni di conformità degli impianti."
            ),
            delivery_time="15 giorni lavorativi",
            net_price="350.00",
            fields=(
                indirizzo(),
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(required=True),
                planimetria(required=True),
                DemoField(
                    "controlli_aggiuntivi",
                    "Controlli aggiuntivi",
                    FieldType.MULTIPLE_CHOICE,
                    required=False,
                    choices=(
                        DemoChoice("accesso-atti", "Accesso agli atti presso il Comune", "120.00"),
                        DemoChoice("agibilita", "Verifica dell'agibilità", "60.00"),
                        DemoChoice("impianti", "Verifica delle conformità degli impianti", "80.00"),
                    ),
                ),
                telefono("Telefono per il sopralluogo"),
            ),
        ),
        DemoService(
            slug="aggiornamento-catastale-docfa",
            name="Aggiornamento catastale (pratica DOCFA)",
            summary="Variazione catastale per diversa distribuzione degli spazi, ampliamenti, "
            "frazionamenti e fusioni.",
            description=(
                "Quando la planimetria catastale non corrisponde più allo stato di fatto "
                "serve una variazione catastale con procedura DOCFA. Il tecnico esegue il "
                "rilievo, redige la nuova planimetria e presenta la pratica all'Agenzia delle "
                "Entrate.\n\n"
                "Il prezzo comprende rilievo, pratica e tributi speciali catastali per una "
                "unità immobiliare; frazionamenti e fusioni richiedono un supplemento."
            ),
            delivery_time="15 giorni lavorativi",
            net_price="450.00",
            fields=(
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(required=True),
                codice_fiscale_intestatario(),
                DemoField(
                    "tipo_variazione",
                    "Tipo di variazione",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("distribuzione", "Diversa distribuzione degli spazi interni"),
                        DemoChoice("ampliamento", "Ampliamento"),
                        DemoChoice("frazionamento", "Frazionamento o fusione", "150.00"),
                    ),
                ),
                planimetria(),
                telefono("Telefono per il sopralluogo"),
            ),
        ),
    ),
)
