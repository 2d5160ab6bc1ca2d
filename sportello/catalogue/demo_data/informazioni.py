"""Demo category «Informazioni commerciali e creditizie»."""

from sportello.catalogue.demo_data.blocks import (
    DemoCategory,
    DemoChoice,
    DemoField,
    DemoService,
    referente,
    telefono,
)
from sportello.catalogue.models import FieldType

INFORMAZIONI = DemoCategory(
    slug="informazioni-commerciali-e-creditizie",
    name="Informazioni commerciali e creditizie",
    description=(
        "Report sull'affidabilità di imprese e persone – dati camerali, bilanci, protesti e "
        "pregiudizievoli – per valutare clienti, fornitori e controparti."
    ),
    services=(
        DemoService(
            slug="report-affidabilita-impresa",
            name="Report di affidabilità creditizia su impresa",
            summary="Dati camerali, indicatori di bilancio, rating e fido consigliato di "
            "un'impresa italiana.",
            description=(
                "Il report raccoglie in un unico documento i dati ufficiali del Registro delle "
                "Imprese, gli indicatori economico-finanziari, l'esposizione a protesti e "
                "procedure concorsuali, un rating di affidabilità e il fido commerciale "
                "consigliato.\n\n"
                "È lo strumento per decidere condizioni di pagamento e affidamenti a clienti "
                "nuovi o esistenti. Puoi aggiungere i bilanci completi, le pregiudizievoli di "
                "conservatoria e le partecipazioni degli esponenti."
            ),
            delivery_time="In giornata",
            net_price="59.00",
            featured=True,
            fields=(
                DemoField(
                    "partita_iva",
                    "Partita IVA dell'impresa",
                    FieldType.PARTITA_IVA,
                    help_text="Le 11 cifre della partita IVA",
                ),
                DemoField(
                    "ragione_sociale",
                    "Ragione sociale",
                    FieldType.TEXT,
                    required=False,
                ),
                DemoField(
                    "sezioni_aggiuntive",
                    "Sezioni aggiuntive",
                    FieldType.MULTIPLE_CHOICE,
                    required=False,
                    choices=(
                        DemoChoice("bilanci", "Bilanci degli ultimi 3 esercizi", "25.00"),
                        DemoChoice("pregiudizievoli", "Pregiudizievoli di conservatoria", "15.00"),
                        DemoChoice("esponenti", "Esponenti e partecipazioni", "20.00"),
                    ),
                ),
                DemoField(
                    "motivo",
                    "Motivo della richiesta",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("nuovo-cliente", "Valutazione di un nuovo cliente"),
                        DemoChoice("fornitore", "Valutazione di un fornitore"),
                        DemoChoice("recupero-crediti", "Recupero crediti"),
                        DemoChoice("altro", "Altro"),
                    ),
                ),
            ),
        ),
        DemoService(
            slug="visura-camerale",
            name="Visura camerale",
            summary="Il documento ufficiale del Registro delle Imprese: sede, soci, "
            "amministratori, capitale e attività.",
            description=(
                "La visura camerale ordinaria riporta i dati legali dell'impresa: "
                "denominazione, sede, forma giuridica, capitale sociale, attività, "
                "amministratori e sindaci.\n\n"
                "La visura storica aggiunge tutte le modifiche intervenute nel tempo "
                "(trasferimenti di sede, cambi di amministratori, variazioni del capitale)."
            ),
            delivery_time="Entro 1 ora lavorativa",
            net_price="12.00",
            fields=(
                # The registry finds a company by its codice fiscale: 11 digits (for most, the
                # same as the partita IVA), or the owner's 16 characters for a sole trader.
                DemoField(
                    "partita_iva",
                    "Partita IVA o codice fiscale dell'impresa",
                    FieldType.CODICE_FISCALE,
                    help_text=(
                        "11 cifre per una società; per una ditta individuale anche il codice "
                        "fiscale del titolare (16 caratteri)"
                    ),
                ),
                DemoField(
                    "tipo_visura",
                    "Tipo di visura",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("ordinaria", "Ordinaria"),
                        DemoChoice("storica", "Storica", "8.00"),
                    ),
                ),
            ),
        ),
        DemoService(
            slug="verifica-protesti-persona",
            name="Verifica protesti e pregiudizievoli su persona",
            summary="Protesti, ipoteche giudiziali e pignoramenti a carico di una persona fisica.",
            description=(
                "La verifica consulta il Registro Informatico dei Protesti e le conservatorie "
                "dei registri immobiliari per individuare protesti, ipoteche giudiziali, "
                "pignoramenti e altre pregiudizievoli a carico di una persona fisica.\n\n"
                "Il servizio è riservato a chi ha un legittimo interesse (ad esempio la "
                "valutazione di un garante o di un conduttore), da indicare nella richiesta."
            ),
            delivery_time="1 giorno lavorativo",
            net_price="35.00",
            fields=(
                DemoField("codice_fiscale", "Codice fiscale", FieldType.CODICE_FISCALE),
                DemoField("cognome_nome", "Cognome e nome", FieldType.TEXT),
                DemoField("data_nascita", "Data di nascita", FieldType.DATE, date_limit="birth"),
                DemoField(
                    "legittimo_interesse",
                    "Motivo della richiesta (legittimo interesse)",
                    FieldType.TEXTAREA,
                ),
            ),
        ),
        DemoService(
            slug="monitoraggio-portafoglio-clienti",
            name="Monitoraggio del portafoglio clienti",
            summary="Avvisi su variazioni, protesti e procedure dei tuoi clienti, con report "
            "periodici.",
            description=(
                "Monitoriamo le imprese del tuo portafoglio e ti avvisiamo per e-mail quando "
                "cambia qualcosa di rilevante: nuovi protesti, procedure concorsuali, "
                "variazioni di sede, di amministratori o di capitale, peggioramenti del "
                "rating.\n\n"
                "Il canone dipende dal numero di posizioni e dalla frequenza dei report: "
                "allega l'elenco delle partite IVA e ti invieremo un preventivo."
            ),
            delivery_time="Attivazione in 5 giorni lavorativi",
            net_price=None,
            fields=(
                DemoField("ragione_sociale", "La tua ragione sociale", FieldType.TEXT),
                DemoField("partita_iva", "La tua partita IVA", FieldType.PARTITA_IVA),
                DemoField(
                    "numero_posizioni",
                    "Numero di imprese da monitorare",
                    FieldType.INTEGER,
                    min_value="1",
                ),
                DemoField(
                    "elenco",
                    "Elenco delle imprese (PDF)",
                    FieldType.FILE,
                    required=False,
                    help_text="Ragione sociale e partita IVA di ciascuna impresa",
                    extensions="pdf",
                ),
                DemoField(
                    "frequenza",
                    "Frequenza dei report",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("mensile", "Mensile"),
                        DemoChoice("trimestrale", "Trimestrale"),
                    ),
                ),
                DemoField(
                    "email_avvisi",
                    "E-mail per gli avvisi",
                    FieldType.EMAIL,
                ),
                referente(),
                telefono(),
            ),
        ),
    ),
)
