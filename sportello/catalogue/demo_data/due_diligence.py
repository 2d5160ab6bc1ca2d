"""Demo category «Due diligence»."""

from sportello.catalogue.demo_data.blocks import (
    DemoCategory,
    DemoChoice,
    DemoField,
    DemoService,
    codice_fiscale_intestatario,
    comune,
    consegna_urgente,
    email_referente,
    foglio,
    particella,
    provincia,
    referente,
    subalterno,
    telefono,
)
from sportello.catalogue.models import FieldType

DUE_DILIGENCE = DemoCategory(
    slug="due-diligence",
    name="Due diligence",
    description=(
        "Analisi complete su immobili e controparti per acquisti, finanziamenti e "
        "investimenti, coordinate da un unico referente."
    ),
    services=(
        DemoService(
            slug="due-diligence-immobiliare",
            name="Due diligence immobiliare",
            summary="Verifica tecnica, urbanistica, catastale, legale e ambientale prima di "
            "un'operazione immobiliare.",
            description=(
                "La due diligence immobiliare esamina un immobile o un portafoglio prima di "
                "un acquisto, di un finanziamento o di un conferimento: conformità "
                "urbanistica e catastale, provenienze e gravami, stato manutentivo, aspetti "
                "ambientali ed energetici.\n\n"
                "Scegli gli ambiti da analizzare e indica le scadenze dell'operazione: "
                "prepariamo un preventivo con perimetro, tempi e gruppo di lavoro."
            ),
            delivery_time="Da concordare in base al perimetro",
            net_price=None,
            featured=True,
            fields=(
                DemoField(
                    "operazione",
                    "Tipo di operazione",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("acquisto", "Acquisto"),
                        DemoChoice("finanziamento", "Finanziamento"),
                        DemoChoice("conferimento", "Conferimento a fondo"),
                        DemoChoice("cessione", "Cessione"),
                    ),
                ),
                DemoField(
                    "numero_immobili", "Numero di immobili", FieldType.INTEGER, min_value="1"
                ),
                DemoField(
                    "localizzazione",
                    "Comuni e province degli immobili",
                    FieldType.TEXTAREA,
                ),
                DemoField(
                    "ambiti",
                    "Ambiti da analizzare",
                    FieldType.MULTIPLE_CHOICE,
                    choices=(
                        DemoChoice("tecnico-urbanistica", "Tecnico-urbanistica"),
                        DemoChoice("catastale", "Catastale"),
                        DemoChoice("legale", "Ipotecaria e legale"),
                        DemoChoice("ambientale", "Ambientale"),
                        DemoChoice("energetica", "Energetica"),
                    ),
                ),
                DemoField(
                    "scadenza",
                    "Data entro cui serve il report",
                    FieldType.DATE,
                    required=False,
                    date_limit="future",
                ),
                DemoField(
                    "documenti",
                    "Documentazione disponibile (PDF)",
                    FieldType.FILE,
                    required=False,
                    extensions="pdf",
                ),
                referente(),
                email_referente(),
                telefono(),
                DemoField("note", "Note", FieldType.TEXTAREA, required=False),
            ),
        ),
        DemoService(
            slug="relazione-notarile-ventennale",
            name="Relazione ventennale preliminare",
            summary="Ricostruzione delle provenienze e dei gravami dell'immobile negli ultimi "
            "vent'anni.",
            description=(
                "La relazione ventennale ricostruisce i passaggi di proprietà e le formalità "
                "(ipoteche, pignoramenti, servitù) che hanno interessato l'immobile negli "
                "ultimi vent'anni. È richiesta dalle banche per i mutui e consigliata prima di "
                "ogni acquisto.\n\n"
                "Con la consegna urgente la ricevi in 3 giorni lavorativi."
            ),
            delivery_time="7 giorni lavorativi",
            net_price="290.00",
            fields=(
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(),
                codice_fiscale_intestatario(),
                consegna_urgente("60.00", "Relazione in 3 giorni lavorativi"),
            ),
        ),
    ),
)
