"""Publish the first privacy notice, so that a fresh database can take registrations."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

VERSION = "1.0"
TITLE = "Informativa sul trattamento dei dati personali"

BODY = """Informativa resa ai sensi dell'art. 13 del Regolamento (UE) 2016/679 ("GDPR") e del \
D.Lgs. 196/2003 come modificato dal D.Lgs. 101/2018, a chi si registra e acquista servizi su \
questo sito.

1. Titolare del trattamento
Il titolare del trattamento è {company_name}, con sede in {company_address}, P.IVA \
{company_vat_number}, e-mail {company_email}. Il Titolare non è tenuto a nominare un \
Responsabile della protezione dei dati (DPO); per qualsiasi richiesta puoi scrivere \
all'indirizzo indicato.

2. Quali dati trattiamo
- Dati anagrafici e di contatto: nome, cognome, indirizzo e-mail, numero di telefono.
- Dati di fatturazione: codice fiscale, partita IVA, ragione sociale, indirizzo, codice \
destinatario SDI o PEC.
- Dati inseriti nei moduli dei servizi: ad esempio dati catastali (comune, foglio, particella, \
subalterno), dati dell'immobile, dati dell'impresa, codici fiscali di terzi intestatari e \
documenti caricati. Se inserisci dati di altre persone, ti impegni a informarle e a trattarli \
nel rispetto della legge.
- Dati relativi a ordini, pagamenti, preventivi e comunicazioni con il nostro servizio clienti. \
I dati della carta di pagamento sono trattati direttamente dal prestatore del servizio di \
pagamento e non sono conservati da noi.
- Dati tecnici: indirizzo IP, data e ora degli accessi, necessari alla sicurezza del sito.

3. Finalità e basi giuridiche
a) Registrazione e gestione dell'account, esecuzione dei servizi acquistati, gestione delle \
richieste di preventivo e dell'assistenza: esecuzione di un contratto o di misure \
precontrattuali adottate su tua richiesta (art. 6, par. 1, lett. b GDPR).
b) Adempimenti amministrativi, contabili e fiscali, compresa la fatturazione elettronica: \
obbligo di legge (art. 6, par. 1, lett. c GDPR).
c) Sicurezza del sito e prevenzione di frodi e abusi, ad esempio la limitazione dei tentativi di \
accesso: legittimo interesse del Titolare (art. 6, par. 1, lett. f GDPR).
d) Invio via e-mail di comunicazioni commerciali e aggiornamenti sui nostri servizi: solo con il \
tuo consenso (art. 6, par. 1, lett. a GDPR), facoltativo e revocabile in ogni momento.
e) Accertamento, esercizio o difesa di un diritto in sede giudiziaria: legittimo interesse del \
Titolare (art. 6, par. 1, lett. f GDPR).

4. Natura del conferimento
Il conferimento dei dati per le finalità a) e b) è necessario: senza di essi non è possibile \
registrarsi, acquistare i servizi o ricevere la fattura. Il consenso per la finalità d) è \
facoltativo: se non lo dai puoi comunque registrarti e acquistare.

5. Destinatari
I dati sono trattati dal personale autorizzato del Titolare e possono essere comunicati a: \
fornitori che agiscono come responsabili del trattamento (hosting, posta elettronica, \
assistenza informatica); professionisti e tecnici incaricati di eseguire i servizi (periti, \
tecnici certificatori); prestatori di servizi di pagamento, in qualità di titolari autonomi; \
consulenti fiscali; pubbliche amministrazioni e uffici (Agenzia delle Entrate, Catasto, \
Conservatorie, Camere di Commercio) quando è necessario per eseguire il servizio richiesto o per \
obbligo di legge. I dati non sono diffusi.

6. Trasferimento fuori dall'Unione europea
I dati sono trattati nell'Unione europea. Se un fornitore dovesse trattarli fuori dallo Spazio \
economico europeo, il trasferimento avverrà solo sulla base di una decisione di adeguatezza della \
Commissione europea o di clausole contrattuali tipo (artt. 45 e 46 GDPR).

7. Per quanto tempo conserviamo i dati
- Dati dell'account: per tutta la durata del rapporto e fino alla chiusura dell'account.
- Ordini, fatture e documenti contabili: 10 anni dalla loro data, come richiesto dall'art. 2220 \
del Codice civile e dalla normativa fiscale.
- Richieste di preventivo non accettate: 24 mesi dalla richiesta.
- Consenso alle comunicazioni commerciali: fino alla revoca e comunque non oltre 24 mesi \
dall'ultimo contatto.
- Registri tecnici di sicurezza: 12 mesi.
Alla scadenza i dati sono cancellati o resi anonimi.

8. I tuoi diritti
Puoi chiedere in ogni momento l'accesso ai tuoi dati (art. 15), la rettifica (art. 16), la \
cancellazione (art. 17), la limitazione del trattamento (art. 18), la portabilità dei dati \
(art. 20) e opporti al trattamento basato sul legittimo interesse (art. 21). Puoi revocare il \
consenso in qualsiasi momento, senza pregiudicare la liceità del trattamento svolto prima della \
revoca (art. 7, par. 3). Puoi esercitare i tuoi diritti dall'area IL MIO ACCOUNT, sezione \
INFORMAZIONI PRIVACY, oppure scrivendo a {company_email}. Hai inoltre diritto di proporre \
reclamo al Garante per la protezione dei dati personali (www.garanteprivacy.it).

9. Processi decisionali automatizzati
Non adottiamo decisioni basate unicamente su trattamenti automatizzati, compresa la \
profilazione.

10. Contatti
Per qualsiasi domanda su questa informativa o sul trattamento dei tuoi dati scrivi a \
{company_email} o a {company_name}, {company_address}.

11. Modifiche
Questa informativa può essere aggiornata. Ogni versione è numerata e datata; la versione in \
vigore è sempre pubblicata su questa pagina e, in caso di modifiche rilevanti, ti sarà \
comunicata."""


def publish_first_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("privacy", "PrivacyNotice")
    if PrivacyNotice.objects.filter(version=VERSION).exists():
        return
    PrivacyNotice.objects.create(
        version=VERSION,
        title=TITLE,
        body=BODY.format(
            company_name=settings.COMPANY_NAME,
            company_address=settings.COMPANY_ADDRESS,
            company_vat_number=settings.COMPANY_VAT_NUMBER,
            company_email=settings.COMPANY_EMAIL,
        ),
        published_at=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0002_consent_source_and_notice_date")]

    operations = [migrations.RunPython(publish_first_notice, migrations.RunPython.noop)]
