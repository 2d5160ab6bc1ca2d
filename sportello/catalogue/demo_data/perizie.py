"""Demo category «Perizie e valutazioni immobiliari»."""

from sportello.catalogue.demo_data.blocks import (
    DemoCategory,
    DemoChoice,
    DemoField,
    DemoService,
    cap,
    comune,
    consegna_urgente,
    email_referente,
    indirizzo,
    planimetria,
    provincia,
    referente,
    sopralluogo,
    superficie,
    telefono,
    tipologia_immobile,
)
from sportello.catalogue.models import FieldType

PERIZIE = DemoCategory(
    slug="perizie-e-valutazioni-immobiliari",
    name="Perizie e valutazioni immobiliari",
    description=(
        "Stime del valore di mercato redatte da periti iscritti agli albi professionali, "
        "secondo gli standard di valutazione internazionali e le Linee guida ABI."
    ),
    services=(
        DemoService(
            slug="perizia-immobile-residenziale",
            name="Perizia di stima di immobile residenziale",
            summary="Valore di mercato di un immobile con sopralluogo di un perito certificato.",
            description=(
                "Un perito iscritto all'albo esegue il sopralluogo, verifica la documentazione "
                "catastale e urbanistica e stima il valore di mercato con il metodo del "
                "confronto (Market Comparison Approach).\n\n"
                "La relazione di stima comprende descrizione dell'immobile, documentazione "
                "fotografica, analisi del mercato locale, comparabili utilizzati e valore "
                "finale. È adatta a compravendite, divisioni, successioni e richieste di "
                "finanziamento.\n\n"
                "Con la consegna urgente ricevi la perizia in 5 giorni lavorativi dal "
                "sopralluogo."
            ),
            delivery_time="10 giorni lavorativi dal sopralluogo",
            net_price="390.00",
            featured=True,
            fields=(
                indirizzo(),
                cap(),
                comune(),
                provincia(),
                tipologia_immobile(),
                superficie(),
                DemoField(
                    "piano",
                    "Piano",
                    FieldType.INTEGER,
                    required=False,
                    help_text="0 per il piano terra, -1 per il primo interrato",
                    min_value="-5",
                ),
                *sopralluogo(),
                planimetria(),
                DemoField(
                    "tempi_consegna",
                    "Tempi di consegna",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("standard", "Standard (10 giorni lavorativi)"),
                        DemoChoice("urgente", "Consegna urgente (5 giorni lavorativi)", "30.00"),
                    ),
                ),
            ),
        ),
        DemoService(
            slug="valutazione-desktop",
            name="Valutazione immobiliare desktop",
            summary="Stima del valore senza sopralluogo, basata su dati di mercato e catastali.",
            description=(
                "La valutazione desktop stima il valore di un immobile senza sopralluogo, "
                "incrociando i dati catastali con le quotazioni dell'Osservatorio del Mercato "
                "Immobiliare e le compravendite recenti della zona.\n\n"
                "È la soluzione rapida per un primo orientamento prima di una compravendita, "
                "per il monitoraggio delle garanzie o per la revisione di un portafoglio."
            ),
            delivery_time="3 giorni lavorativi",
            net_price="120.00",
            fields=(
                indirizzo(),
                comune(),
                provincia(),
                tipologia_immobile(),
                superficie(),
                DemoField(
                    "anno_costruzione",
                    "Anno di costruzione",
                    FieldType.INTEGER,
                    required=False,
                    min_value="1000",
                ),
                DemoField(
                    "stato",
                    "Stato di conservazione",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("da-ristrutturare", "Da ristrutturare"),
                        DemoChoice("buono", "Buono"),
                        DemoChoice("ristrutturato", "Ristrutturato o nuovo"),
                    ),
                ),
                consegna_urgente("30.00", "Consegna entro 1 giorno lavorativo"),
            ),
        ),
        DemoService(
            slug="perizia-contenzioso",
            name="Perizia per contenzioso e consulenza tecnica di parte",
            summary="Stime e consulenze tecniche di parte per cause civili, divisioni "
            "ereditarie ed esecuzioni.",
            description=(
                "Affianchiamo avvocati e privati nei procedimenti che riguardano immobili: "
                "consulenza tecnica di parte (CTP), controdeduzioni alla CTU, stime per "
                "divisioni ereditarie e per separazioni, valutazioni nelle esecuzioni "
                "immobiliari.\n\n"
                "Il compenso dipende dal numero di immobili, dalla documentazione disponibile e "
                "dalle scadenze del procedimento: descrivici il caso e ti invieremo un "
                "preventivo dettagliato."
            ),
            delivery_time="Da concordare in base al procedimento",
            net_price=None,
            fields=(
                DemoField(
                    "procedimento",
                    "Tipo di procedimento",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("civile", "Causa civile"),
                        DemoChoice("divisione", "Divisione ereditaria"),
                        DemoChoice("esecuzione", "Esecuzione immobiliare"),
                        DemoChoice("separazione", "Separazione o divorzio"),
                        DemoChoice("altro", "Altro"),
                    ),
                ),
                DemoField("tribunale", "Tribunale", FieldType.TEXT, required=False),
                DemoField(
                    "numero_immobili", "Numero di immobili", FieldType.INTEGER, min_value="1"
                ),
                comune("Comune dell'immobile principale"),
                provincia(),
                DemoField(
                    "descrizione",
                    "Descrizione del caso",
                    FieldType.TEXTAREA,
                    help_text="Oggetto della controversia, quesiti, stato del procedimento",
                ),
                DemoField(
                    "scadenza",
                    "Prossima scadenza o udienza",
                    FieldType.DATE,
                    required=False,
                    date_limit="future",
                ),
                DemoField(
                    "documenti",
                    "Documenti utili (PDF)",
                    FieldType.FILE,
                    required=False,
                    help_text="Ad esempio la relazione del CTU o l'atto di citazione",
                    extensions="pdf",
                ),
                referente(),
                telefono(),
                email_referente(),
            ),
        ),
        DemoService(
            slug="valutazione-portafoglio-immobiliare",
            name="Valutazione di portafoglio immobiliare",
            summary="Valutazione di più immobili per bilanci, fondi, finanziamenti e cessioni.",
            description=(
                "Valutiamo portafogli di immobili residenziali, direzionali, commerciali e "
                "logistici per società, fondi immobiliari e istituti di credito, con un "
                "gruppo di lavoro dedicato e un unico referente.\n\n"
                "Le valutazioni seguono gli standard RICS e IVS e sono adatte al bilancio "
                "(IFRS 13), alla due diligence di acquisizioni e alle garanzie di "
                "finanziamenti. Allega l'elenco degli immobili: ti invieremo un preventivo "
                "con tempi e modalità di lavoro."
            ),
            delivery_time="Da concordare (in genere 3-6 settimane)",
            net_price=None,
            fields=(
                DemoField("ragione_sociale", "Ragione sociale", FieldType.TEXT),
                DemoField("partita_iva", "Partita IVA", FieldType.PARTITA_IVA),
                DemoField(
                    "numero_immobili", "Numero di immobili", FieldType.INTEGER, min_value="1"
                ),
                DemoField(
                    "destinazioni",
                    "Destinazioni d'uso presenti",
                    FieldType.MULTIPLE_CHOICE,
                    choices=(
                        DemoChoice("residenziale", "Residenziale"),
                        DemoChoice("uffici", "Uffici"),
                        DemoChoice("commerciale", "Commerciale"),
                        DemoChoice("logistica", "Industriale e logistica"),
                        DemoChoice("terreni", "Terreni"),
                    ),
                ),
                DemoField(
                    "finalita",
                    "Finalità della valutazione",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("bilancio", "Bilancio (IFRS 13)"),
                        DemoChoice("finanziamento", "Finanziamento"),
                        DemoChoice("acquisizione", "Acquisizione o cessione"),
                        DemoChoice("fondo", "Fondo immobiliare"),
                    ),
                ),
                DemoField(
                    "elenco_immobili",
                    "Elenco degli immobili (PDF)",
                    FieldType.FILE,
                    help_text="Indirizzi, destinazioni e superfici",
                    extensions="pdf",
                ),
                DemoField(
                    "data_riferimento",
                    "Data di riferimento della valutazione",
                    FieldType.DATE,
                    required=False,
                ),
                referente(),
                email_referente(),
                telefono(),
            ),
        ),
    ),
)
