"""Demo category «Visure e certificati catastali»."""

from sportello.catalogue.demo_data.blocks import (
    DemoCategory,
    DemoChoice,
    DemoField,
    DemoService,
    codice_fiscale_intestatario,
    comune,
    foglio,
    particella,
    provincia,
    subalterno,
)
from sportello.catalogue.models import FieldType

VISURE = DemoCategory(
    slug="visure-e-certificati-catastali",
    name="Visure e certificati catastali",
    description=(
        "Visure, certificati, planimetrie ed estratti di mappa dell'Agenzia delle Entrate – "
        "Territorio e ispezioni ipotecarie, per fabbricati e terreni in tutta Italia."
    ),
    services=(
        DemoService(
            slug="visura-catastale",
            name="Visura catastale per immobile",
            summary="Dati catastali aggiornati di un fabbricato o di un terreno: intestatari, "
            "classamento e rendita.",
            description=(
                "La visura catastale riporta i dati identificativi dell'immobile (foglio, "
                "particella, subalterno), la categoria, la classe, la consistenza, la rendita e "
                "gli intestatari con le rispettive quote di proprietà.\n\n"
                "È il documento di partenza per compravendite, successioni, calcolo dell'IMU e "
                "verifiche preliminari. Puoi aggiungere la visura storica, che ricostruisce "
                "tutte le variazioni intervenute dall'impianto meccanografico.\n\n"
                "Ricevi il documento ufficiale in formato PDF nella tua area riservata."
            ),
            delivery_time="In giornata (entro 4 ore lavorative)",
            net_price="18.00",
            featured=True,
            fields=(
                DemoField(
                    "catasto",
                    "Catasto",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("fabbricati", "Catasto fabbricati"),
                        DemoChoice("terreni", "Catasto terreni"),
                    ),
                ),
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(),
                DemoField(
                    "visura_storica",
                    "Aggiungi la visura storica",
                    FieldType.BOOLEAN,
                    required=False,
                    supplement="12.00",
                ),
            ),
        ),
        DemoService(
            slug="certificato-catastale",
            name="Certificato catastale",
            summary="Certificazione ufficiale dei dati catastali per atti notarili, successioni "
            "e pratiche amministrative.",
            description=(
                "Il certificato catastale attesta, con valore legale, i dati censuari e gli "
                "intestatari di un immobile alla data del rilascio. È richiesto per atti "
                "notarili, dichiarazioni di successione, pratiche presso enti pubblici e "
                "procedimenti giudiziari.\n\n"
                "Indica i dati catastali dell'immobile e il codice fiscale dell'intestatario: "
                "verifichiamo la corrispondenza prima di inoltrare la richiesta all'ufficio "
                "provinciale competente."
            ),
            delivery_time="3 giorni lavorativi",
            net_price="35.00",
            fields=(
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(),
                codice_fiscale_intestatario(),
                DemoField(
                    "uso",
                    "Uso del certificato",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("atto-notarile", "Atto notarile"),
                        DemoChoice("successione", "Dichiarazione di successione"),
                        DemoChoice("pratica-amministrativa", "Pratica amministrativa"),
                        DemoChoice("giudiziario", "Procedimento giudiziario"),
                    ),
                ),
            ),
        ),
        DemoService(
            slug="planimetria-catastale",
            name="Planimetria catastale",
            summary="La planimetria depositata in catasto di un'unità immobiliare urbana.",
            description=(
                "La planimetria catastale è il disegno dell'unità immobiliare depositato presso "
                "il catasto: serve per la compravendita, per verificare la conformità dello "
                "stato di fatto e per le pratiche edilizie.\n\n"
                "Può essere rilasciata solo all'intestatario o a un suo delegato: se non sei "
                "l'intestatario, allega la delega firmata con la copia di un documento "
                "d'identità."
            ),
            delivery_time="2 giorni lavorativi",
            net_price="39.00",
            fields=(
                comune(),
                provincia(),
                foglio(),
                particella(),
                subalterno(required=True),
                codice_fiscale_intestatario(),
                DemoField(
                    "delega",
                    "Delega dell'intestatario (PDF)",
                    FieldType.FILE,
                    required=False,
                    help_text="Solo se non sei l'intestatario: delega firmata e documento "
                    "d'identità in un unico PDF",
                    extensions="pdf",
                ),
            ),
        ),
        DemoService(
            slug="estratto-di-mappa",
            name="Estratto di mappa catastale",
            summary="Stralcio della mappa catastale con la particella evidenziata.",
            description=(
                "L'estratto di mappa rappresenta la particella e i terreni o fabbricati "
                "confinanti, con la scala e l'orientamento della mappa ufficiale. È "
                "indispensabile per frazionamenti, tipi mappali, progetti e verifiche dei "
                "confini.\n\n"
                "Su richiesta forniamo anche il file vettoriale, pronto per i software CAD."
            ),
            delivery_time="2 giorni lavorativi",
            net_price="29.00",
            fields=(
                comune(),
                provincia(),
                foglio(),
                particella(),
                DemoField(
                    "formato",
                    "Formato di consegna",
                    FieldType.CHOICE,
                    choices=(
                        DemoChoice("pdf", "PDF"),
                        DemoChoice("pdf-dxf", "PDF e file vettoriale DXF", "15.00"),
                    ),
                ),
            ),
        ),
        DemoService(
            slug="ispezione-ipotecaria",
            name="Ispezione ipotecaria per nominativo",
            summary="Elenco delle trascrizioni e delle iscrizioni (ipoteche, pignoramenti) a "
            "carico di una persona o di una società.",
            description=(
                "L'ispezione ipotecaria consulta i registri immobiliari della conservatoria e "
                "restituisce l'elenco delle formalità a favore e contro il soggetto: "
                "compravendite, ipoteche, pignoramenti, sequestri e domande giudiziali.\n\n"
                "Puoi aggiungere la copia delle singole note, utile per conoscere importi, "
                "creditori e immobili coinvolti."
            ),
            delivery_time="2 giorni lavorativi",
            net_price="49.00",
            fields=(
                DemoField(
                    "codice_fiscale",
                    "Codice fiscale del soggetto",
                    FieldType.CODICE_FISCALE,
                    help_text="Persona fisica (16 caratteri) o società (11 cifre)",
                ),
                DemoField(
                    "nominativo",
                    "Cognome e nome o denominazione",
                    FieldType.TEXT,
                ),
                provincia("Conservatoria (provincia)"),
                DemoField(
                    "copie_note",
                    "Copie da allegare",
                    FieldType.MULTIPLE_CHOICE,
                    required=False,
                    choices=(
                        DemoChoice("trascrizioni", "Note di trascrizione", "20.00"),
                        DemoChoice("iscrizioni", "Note di iscrizione (ipoteche)", "20.00"),
                        DemoChoice("ventennio", "Ispezione estesa al ventennio", "40.00"),
                    ),
                ),
            ),
        ),
    ),
)
