"""The demo terms of sale: a realistic text for a services company, published once.

Used by the first data migration (a fresh database can take orders at once) and by
`manage.py load_demo_terms` (run by `make run`; tests that flush the database call it too).
"""

from django.conf import settings
from django.utils import timezone

from sportello.core.seller import seller

VERSION = "1.0"
TITLE = "Condizioni generali di vendita"

BODY = """Le presenti condizioni generali di vendita regolano l'acquisto dei servizi offerti sul \
sito {site_name}. Sono redatte ai sensi del D.Lgs. 206/2005 ("Codice del Consumo") e del \
D.Lgs. 70/2003 sul commercio elettronico.

1. Chi siamo
Il venditore è {seller_name}, con sede legale in {seller_address}, partita IVA {seller_vat}, \
iscritta al Registro delle Imprese di {seller_rea_office} con numero REA {seller_rea}, \
capitale sociale {seller_capital}, PEC {seller_pec}, e-mail {seller_email} ("il Venditore").

2. Oggetto
Il Venditore presta servizi professionali: perizie e stime immobiliari, visure e certificati \
catastali, attestati di prestazione energetica, relazioni di due diligence e rapporti \
informativi commerciali. Le caratteristiche di ciascun servizio, i dati da fornire e i tempi di \
consegna sono descritti nella pagina del servizio, che fa parte del contratto.

3. Come si conclude il contratto
Il cliente sceglie i servizi, compila il modulo di ciascuno, inserisce i dati di fatturazione, \
sceglie il metodo di pagamento e, nel Riepilogo, accetta le presenti condizioni e preme \
"COMPLETA L'ACQUISTO". Il contratto è concluso in quel momento. Il cliente riceve per e-mail la \
conferma dell'ordine con il riepilogo e, in allegato, le presenti condizioni nella versione \
accettata. I servizi senza prezzo fisso sono offerti su preventivo: il contratto si conclude \
quando il cliente accetta il preventivo e lo acquista.

4. Prezzi
I prezzi sono espressi in euro. Per i consumatori il prezzo indicato come principale è il \
prezzo finale comprensivo di IVA; l'imponibile è indicato accanto. Per imprese e professionisti \
il prezzo è indicato al netto dell'IVA, che è aggiunta nella misura di legge. Eventuali \
supplementi (ad esempio per urgenza o per immobili aggiuntivi) sono mostrati prima \
dell'acquisto. Non sono previste spese di consegna: i risultati sono messi a disposizione in \
formato elettronico.

5. Pagamento
Il pagamento avviene con carta di pagamento tramite il prestatore indicato al momento \
dell'acquisto oppure con bonifico bancario anticipato. I dati della carta sono trattati \
esclusivamente dal prestatore del servizio di pagamento. Il lavoro inizia solo dopo la \
ricezione del pagamento. La fattura elettronica è emessa al ricevimento del pagamento.

6. Tempi di esecuzione e consegna
I tempi indicati nella pagina di ciascun servizio decorrono dal giorno lavorativo successivo al \
ricevimento del pagamento e dei dati necessari, e, per i consumatori che non hanno chiesto \
l'esecuzione immediata, dalla fine del periodo di recesso. Se mancano dati o documenti, il \
Venditore li chiede al cliente e i tempi restano sospesi fino alla risposta. Gli esiti sono \
pubblicati nell'area I MIEI ORDINI e il cliente ne riceve avviso per e-mail.

7. Diritto di recesso del consumatore
Il cliente che acquista come consumatore (persona fisica che agisce per scopi estranei \
all'attività imprenditoriale, commerciale, artigianale o professionale) può recedere dal \
contratto senza indicarne le ragioni entro 14 giorni dalla conclusione del contratto. Per \
esercitarlo basta premere "Recedi dal contratto qui" nell'area I MIEI ORDINI o nella pagina \
raggiungibile dal piede di ogni pagina del sito, oppure inviare una dichiarazione esplicita, \
anche usando il modulo di recesso tipo riportato in fondo, a {seller_email} o a {seller_pec}. \
Il Venditore conferma subito per e-mail il ricevimento della dichiarazione, con data e ora.
In caso di recesso il Venditore rimborsa tutti i pagamenti ricevuti senza indebito ritardo e \
comunque entro 14 giorni dal giorno in cui è informato del recesso, con lo stesso mezzo di \
pagamento usato dal cliente, senza alcun costo per lui.

8. Esecuzione prima della fine del periodo di recesso ed eccezioni
Senza una richiesta espressa del consumatore il Venditore non inizia il servizio prima della \
fine del periodo di recesso. Se il consumatore chiede espressamente, nel Riepilogo, che \
l'esecuzione inizi subito e poi recede, paga un importo proporzionale a quanto prestato fino al \
momento del recesso. Il diritto di recesso è escluso, ai sensi dell'art. 59, lett. a) del \
Codice del Consumo, per i servizi completamente prestati, se l'esecuzione è iniziata con \
l'accordo espresso del consumatore e con la sua accettazione del fatto che perderà il diritto \
di recesso a seguito della piena esecuzione del contratto.

9. Clienti imprese e professionisti
A chi acquista con partita IVA per scopi legati alla propria attività non si applicano le \
norme del Codice del Consumo sul recesso: il servizio può iniziare subito dopo il pagamento.

10. Obblighi del cliente
Il cliente garantisce che i dati forniti sono corretti e di poterli comunicare. Il Venditore \
non risponde di ritardi o errori dovuti a dati incompleti o inesatti forniti dal cliente.

11. Garanzia e responsabilità
Il Venditore presta i servizi con la diligenza professionale richiesta. Restano salvi i diritti \
del consumatore previsti dalla legge.

12. Reclami
Eventuali reclami vanno inviati a {seller_email} o a {seller_pec}, indicando il numero \
dell'ordine. Il Venditore risponde entro 10 giorni lavorativi. Il consumatore può inoltre \
ricorrere alla piattaforma europea per la risoluzione delle controversie online e agli \
organismi di risoluzione alternativa delle controversie previsti dal Codice del Consumo.

13. Dati personali
I dati personali sono trattati secondo l'informativa privacy pubblicata sul sito.

14. Legge applicabile e foro competente
Il contratto è regolato dalla legge italiana. Per le controversie con i consumatori è \
competente il giudice del luogo di residenza o di domicilio del consumatore, se ubicati in \
Italia. Per le controversie con imprese e professionisti è competente in via esclusiva il foro \
della sede legale del Venditore.

15. Modifiche
Le condizioni possono essere aggiornate. Ogni versione è numerata e datata; a ciascun ordine si \
applica la versione accettata al momento dell'acquisto, che resta consultabile dalla pagina \
dell'ordine."""


def terms_body() -> str:
    data = seller()
    return BODY.format(
        site_name=settings.SITE_NAME,
        seller_name=data.name,
        seller_address=data.address,
        seller_vat=data.vat_number,
        seller_rea_office=data.rea_office,
        seller_rea=data.rea,
        seller_capital=data.share_capital,
        seller_pec=data.pec,
        seller_email=data.email,
    )


def publish_demo_terms(model=None):
    """Publish version 1.0 unless it exists; returns it. `model` is the migration's model."""
    if model is None:
        # Here, not at the top: the data migration imports this module and passes its own
        # historical model; the current one is needed only outside migrations.
        from sportello.contracts.models import TermsOfSale

        model = TermsOfSale
    existing = model.objects.filter(version=VERSION).first()
    if existing is not None:
        return existing
    return model.objects.create(
        version=VERSION, title=TITLE, body=terms_body(), published_at=timezone.now()
    )
