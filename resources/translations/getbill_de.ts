<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>MainWindow</name>
    <message>
        <source>GetBill Reports</source>
        <translation>GetBill Reports</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <source>GetBill Reports logo</source>
        <translation>GetBill-Reports-Logo</translation>
    </message>
    <message>
        <source>Welcome to GetBill Reports</source>
        <translation>Willkommen bei GetBill Reports</translation>
    </message>
    <message>
        <source>List your company&apos;s GetBill reports and save them where you want, in one click.
Sign in with your company&apos;s API access, or look around first with sample reports.</source>
        <translation>Listen Sie die GetBill-Berichte Ihres Unternehmens auf und speichern Sie sie mit einem Klick, wo Sie möchten.
Melden Sie sich mit dem API-Zugang Ihres Unternehmens an oder sehen Sie sich zuerst Beispielberichte an.</translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation>&amp;Anmelden…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>&amp;Explore with demo data</source>
        <translation>Mit &amp;Demodaten ausprobieren</translation>
    </message>
    <message>
        <source>Explore with demo data</source>
        <translation>Mit Demodaten ausprobieren</translation>
    </message>
    <message>
        <source>Demo data runs on this computer only: nothing is sent anywhere.</source>
        <translation>Die Demodaten bleiben auf diesem Computer: Es wird nichts gesendet.</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Berichte</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Reports</source>
        <translation>Berichte</translation>
    </message>
    <message>
        <source>Search reports (Ctrl+F)</source>
        <translation>Berichte durchsuchen (Strg+F)</translation>
    </message>
    <message>
        <source>Search reports</source>
        <translation>Berichte durchsuchen</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Typ:</translation>
    </message>
    <message>
        <source>Report type</source>
        <translation>Berichtstyp</translation>
    </message>
    <message>
        <source>Report count</source>
        <translation>Anzahl der Berichte</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Akt&amp;ualisieren</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the list from GetBill (F5)</source>
        <translation>Liste erneut von GetBill laden (F5)</translation>
    </message>
    <message>
        <source>Show all reports</source>
        <translation>Alle Berichte anzeigen</translation>
    </message>
    <message>
        <source>Report list</source>
        <translation>Berichtsliste</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>&amp;API address:</source>
        <translation>&amp;API-Adresse:</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>API-Adresse</translation>
    </message>
    <message>
        <source>The address of the account in use. Another address is another account: sign in there (File › Sign in…).</source>
        <translation>Die Adresse des verwendeten Kontos. Eine andere Adresse ist ein anderes Konto: Melden Sie sich dort an (Datei › Anmelden…).</translation>
    </message>
    <message>
        <source>E&amp;xtra certificates:</source>
        <translation>&amp;Zusätzliche Zertifikate:</translation>
    </message>
    <message>
        <source>Extra certificates file</source>
        <translation>Datei mit zusätzlichen Zertifikaten</translation>
    </message>
    <message>
        <source>PEM file of a company proxy&apos;s CA (optional)</source>
        <translation>PEM-Datei der Zertifizierungsstelle eines Firmen-Proxys (optional)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>Choose certificates file</source>
        <translation>Zertifikatsdatei auswählen</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>As&amp;k where to save each report</source>
        <translation>Bei jedem Bericht &amp;fragen, wo er gespeichert wird</translation>
    </message>
    <message>
        <source>Ask where to save each report</source>
        <translation>Bei jedem Bericht fragen, wo er gespeichert wird</translation>
    </message>
    <message>
        <source>Always save to this &amp;folder (existing files are never replaced):</source>
        <translation>Immer in diesem &amp;Ordner speichern (nie eine Datei ersetzen):</translation>
    </message>
    <message>
        <source>Always save to this folder</source>
        <translation>Immer in diesem Ordner speichern</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>Download-Ordner</translation>
    </message>
    <message>
        <source>Choose download folder</source>
        <translation>Download-Ordner auswählen</translation>
    </message>
    <message>
        <source>Downloads at &amp;once:</source>
        <translation>Gleichzeitige &amp;Downloads:</translation>
    </message>
    <message>
        <source>Downloads at once</source>
        <translation>Gleichzeitige Downloads</translation>
    </message>
    <message>
        <source>Keep downloading in the &amp;tray when the window closes</source>
        <translation>Nach dem Schließen im Infobereich &amp;weiter herunterladen</translation>
    </message>
    <message>
        <source>Keep downloading in the tray when the window closes</source>
        <translation>Nach dem Schließen im Infobereich weiter herunterladen</translation>
    </message>
    <message>
        <source>Settings error</source>
        <translation>Fehler in den Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Create the folder</source>
        <translation>Ordner &amp;erstellen</translation>
    </message>
    <message>
        <source>Create the folder</source>
        <translation>Ordner erstellen</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>A change applies the next time GetBill Reports starts.</source>
        <translation>Eine Änderung wird beim nächsten Start von GetBill Reports wirksam.</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Seiten der Einstellungen</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>All&amp;gemein</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to GetBill</source>
        <translation>Bei GetBill anmelden</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <source>API &amp;address:</source>
        <translation>API-&amp;Adresse:</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>API-Adresse</translation>
    </message>
    <message>
        <source>https address of the GetBill API, or http on this computer</source>
        <translation>https-Adresse der GetBill-API oder http auf diesem Computer</translation>
    </message>
    <message>
        <source>Sign in with</source>
        <translation>Anmelden mit</translation>
    </message>
    <message>
        <source>Kind of credential</source>
        <translation>Art der Zugangsdaten</translation>
    </message>
    <message>
        <source>An access &amp;token</source>
        <translation>Ein &amp;Zugriffstoken</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Zugriffstoken</translation>
    </message>
    <message>
        <source>Access toke&amp;n:</source>
        <translation>Zugriffs&amp;token:</translation>
    </message>
    <message>
        <source>Access token value</source>
        <translation>Wert des Zugriffstokens</translation>
    </message>
    <message>
        <source>Paste the access token</source>
        <translation>Zugriffstoken einfügen</translation>
    </message>
    <message>
        <source>An API &amp;client (id + secret), stays signed in</source>
        <translation>Ein API-&amp;Client (ID + Secret), bleibt angemeldet</translation>
    </message>
    <message>
        <source>API client</source>
        <translation>API-Client</translation>
    </message>
    <message>
        <source>Client &amp;id:</source>
        <translation>Client-&amp;ID:</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>Client-ID</translation>
    </message>
    <message>
        <source>Client s&amp;ecret:</source>
        <translation>Client-S&amp;ecret:</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>Client-Secret</translation>
    </message>
    <message>
        <source>S&amp;how the token and the secret</source>
        <translation>Token und Secret a&amp;nzeigen</translation>
    </message>
    <message>
        <source>Show the token and the secret</source>
        <translation>Token und Secret anzeigen</translation>
    </message>
    <message>
        <source>Testing the credential</source>
        <translation>Zugangsdaten werden geprüft</translation>
    </message>
    <message>
        <source>&amp;Keep for this session only</source>
        <translation>Nur für diese Sitzung &amp;behalten</translation>
    </message>
    <message>
        <source>Keep for this session only</source>
        <translation>Nur für diese Sitzung behalten</translation>
    </message>
    <message>
        <source>Use the credential until the application quits, without saving it anywhere</source>
        <translation>Die Zugangsdaten bis zum Beenden der Anwendung verwenden, ohne sie irgendwo zu speichern</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Ab&amp;melden</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Test and &amp;save</source>
        <translation>Testen und &amp;speichern</translation>
    </message>
    <message>
        <source>Test and save</source>
        <translation>Testen und speichern</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>What went wrong while signing in</source>
        <translation>Was bei der Anmeldung schiefgelaufen ist</translation>
    </message>
</context>
<context>
    <name>getbill::Account</name>
    <message>
        <source>The keychain item of this account is not readable by this version. Sign in again.</source>
        <translation>Der Schlüsselbundeintrag dieses Kontos kann von dieser Version nicht gelesen werden. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Nothing to save: not signed in.</source>
        <translation>Nichts zu speichern: nicht angemeldet.</translation>
    </message>
    <message>
        <source>Not signed in to GetBill. Sign in with an access token or an API client first.</source>
        <translation>Nicht bei GetBill angemeldet. Melden Sie sich zuerst mit einem Zugriffstoken oder einem API-Client an.</translation>
    </message>
</context>
<context>
    <name>getbill::ApiClient</name>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid report id.</source>
        <translation>„%1“ ist keine gültige Berichts-ID.</translation>
    </message>
    <message>
        <source>Report %1</source>
        <translation>Bericht %1</translation>
    </message>
    <message>
        <source>GetBill sent the download information of another report (%1).</source>
        <translation>GetBill hat die Download-Informationen eines anderen Berichts gesendet (%1).</translation>
    </message>
    <message>
        <source>GetBill announced %1 pages for %2 reports; the list was not loaded.</source>
        <translation>GetBill hat %1 Seiten für %2 Berichte angekündigt; die Liste wurde nicht geladen.</translation>
    </message>
    <message>
        <source>GetBill sent page %1 of the report list again; the list was not loaded.</source>
        <translation>GetBill hat Seite %1 der Berichtsliste erneut gesendet; die Liste wurde nicht geladen.</translation>
    </message>
</context>
<context>
    <name>getbill::ApiError</name>
    <message>
        <source>The request was not accepted by GetBill (400).</source>
        <translation>Die Anfrage wurde von GetBill nicht angenommen (400).</translation>
    </message>
    <message>
        <source>Authentication credentials are missing or invalid. Sign in again.</source>
        <translation>Die Zugangsdaten fehlen oder sind ungültig. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Access denied (403).</source>
        <translation>Zugriff verweigert (403).</translation>
    </message>
    <message>
        <source>Not found (404).</source>
        <translation>Nicht gefunden (404).</translation>
    </message>
    <message>
        <source>The request could not be processed (422).</source>
        <translation>Die Anfrage konnte nicht verarbeitet werden (422).</translation>
    </message>
    <message>
        <source>Rate limit exceeded. Please try again later.</source>
        <translation>Anfragelimit überschritten. Bitte versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>GetBill is having trouble right now (HTTP %1). Try again in a moment.</source>
        <translation>GetBill hat gerade Probleme (HTTP %1). Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>GetBill answered with HTTP status %1.</source>
        <translation>GetBill hat mit dem HTTP-Status %1 geantwortet.</translation>
    </message>
</context>
<context>
    <name>getbill::ClientCredentials</name>
    <message>
        <source>Signed out: GetBill does not accept the access tokens issued to the API client &quot;%1&quot; (it may have been revoked, or lost the scope reports:read). Sign in again.</source>
        <translation>Abgemeldet: GetBill akzeptiert die Zugriffstokens des API-Clients „%1“ nicht (er wurde vielleicht widerrufen oder hat den Scope reports:read verloren). Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The sign-in address %1 is not allowed: GetBill credentials are only sent over https (or to this computer).</source>
        <translation>Die Anmeldeadresse %1 ist nicht erlaubt: GetBill-Zugangsdaten werden nur über https (oder an diesen Computer) gesendet.</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>GetBill refused the API client &quot;%1&quot;: %2 Check the client id and secret (an administrator can create a new secret in GetBill under Company, API Client Management).</source>
        <translation>GetBill hat den API-Client „%1“ abgelehnt: %2 Prüfen Sie Client-ID und Secret (ein Administrator kann in GetBill unter Unternehmen, API-Client-Verwaltung ein neues Secret erstellen).</translation>
    </message>
    <message>
        <source>The API client &quot;%1&quot; may not read reports (scope reports:read): %2</source>
        <translation>Der API-Client „%1“ darf keine Berichte lesen (Scope reports:read): %2</translation>
    </message>
    <message>
        <source>GetBill sign-in (%1)</source>
        <translation>GetBill-Anmeldung (%1)</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 did not send a bearer access token.</source>
        <translation>Der GetBill-Anmeldedienst unter %1 hat kein Bearer-Zugriffstoken gesendet.</translation>
    </message>
</context>
<context>
    <name>getbill::Credential</name>
    <message>
        <source>access token</source>
        <translation>Zugriffstoken</translation>
    </message>
    <message>
        <source>API client</source>
        <translation>API-Client</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>getbill::CredentialCheck</name>
    <message>
        <source>Enter an access token, or an API client id and secret.</source>
        <translation>Geben Sie ein Zugriffstoken oder die ID und das Secret eines API-Clients ein.</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must start with https:// (or point to this computer).</source>
        <translation>Die API-Adresse %1 ist nicht erlaubt: Sie muss mit https:// beginnen (oder auf diesen Computer zeigen).</translation>
    </message>
</context>
<context>
    <name>getbill::DemoHost</name>
    <message>
        <source>The demo data could not be started: %1</source>
        <translation>Die Demodaten konnten nicht gestartet werden: %1</translation>
    </message>
</context>
<context>
    <name>getbill::DesktopNotifier</name>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadController</name>
    <message>
        <source>“%1” cannot be downloaded: %2</source>
        <translation>„%1“ kann nicht heruntergeladen werden: %2</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadHistory</name>
    <message>
        <source>too large</source>
        <translation>zu groß</translation>
    </message>
    <message>
        <source>not a history file</source>
        <translation>keine Verlaufsdatei</translation>
    </message>
    <message>
        <source>Cannot read the download history %1: %2</source>
        <translation>Der Download-Verlauf %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The download history %1 could not be read (%2); a new one was started.</source>
        <translation>Der Download-Verlauf %1 konnte nicht gelesen werden (%2); ein neuer Verlauf wurde begonnen.</translation>
    </message>
    <message>
        <source>The download history %1 is locked by another program; the change is kept in memory.</source>
        <translation>Der Download-Verlauf %1 ist von einem anderen Programm gesperrt; die Änderung bleibt im Speicher.</translation>
    </message>
    <message>
        <source>Cannot lock the download history %1: its folder cannot be written.</source>
        <translation>Der Download-Verlauf %1 kann nicht gesperrt werden: In seinen Ordner kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Cannot save the download history %1: %2</source>
        <translation>Der Download-Verlauf %1 kann nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadJob</name>
    <message>
        <source>The download link is not secure (not https); the file was not downloaded.</source>
        <translation>Der Download-Link ist nicht sicher (kein https); die Datei wurde nicht heruntergeladen.</translation>
    </message>
    <message>
        <source>GetBill did not say how large the file is.</source>
        <translation>GetBill hat die Größe der Datei nicht angegeben.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 ist ein Ordner.</translation>
    </message>
    <message>
        <source>%1 already exists; it was left untouched.</source>
        <translation>%1 existiert bereits; die Datei wurde nicht verändert.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: permission denied.</source>
        <translation>In den Ordner %1 kann nicht geschrieben werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: %2</source>
        <translation>In den Ordner %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Not enough free space in %1: the report needs %2, %3 are free.</source>
        <translation>Nicht genug freier Speicherplatz in %1: Der Bericht benötigt %2, frei sind %3.</translation>
    </message>
    <message>
        <source>The download server %1 answered HTTP %2.</source>
        <translation>Der Download-Server %1 hat mit HTTP %2 geantwortet.</translation>
    </message>
    <message>
        <source>The download server announced %1 bytes, but GetBill said the report has %2 bytes; the file was not saved.</source>
        <translation>Der Download-Server hat %1 Bytes angekündigt, laut GetBill hat der Bericht aber %2 Bytes; die Datei wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>The download server %1 sent the wrong part of the file; the file was not saved.</source>
        <translation>Der Download-Server %1 hat den falschen Teil der Datei gesendet; die Datei wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>The download server sent more than the %1 bytes GetBill announced; the file was not saved.</source>
        <translation>Der Download-Server hat mehr als die von GetBill angekündigten %1 Bytes gesendet; die Datei wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>The download from %1 ended early: %2 of %3 bytes arrived.</source>
        <translation>Der Download von %1 endete zu früh: %2 von %3 Bytes sind angekommen.</translation>
    </message>
    <message>
        <source>The downloaded file does not match the checksum the download server announced; the file was not saved.</source>
        <translation>Die heruntergeladene Datei stimmt nicht mit der vom Download-Server angekündigten Prüfsumme überein; die Datei wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>Pausiert; der Download wird beim nächsten Start der Anwendung fortgesetzt.</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadQueue</name>
    <message>
        <source>the GetBill rate limit is almost used up.</source>
        <translation>das GetBill-Anfragelimit ist fast aufgebraucht.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>Pausiert; der Download wird beim nächsten Start der Anwendung fortgesetzt.</translation>
    </message>
</context>
<context>
    <name>getbill::FileCommit</name>
    <message>
        <source>%1 already exists.</source>
        <translation>%1 existiert bereits.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1.</source>
        <translation>Die heruntergeladene Datei kann nicht nach %1 verschoben werden.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1: %2</source>
        <translation>Die heruntergeladene Datei kann nicht nach %1 verschoben werden: %2</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1: its partial file was replaced by another one.</source>
        <translation>Die heruntergeladene Datei kann nicht nach %1 verschoben werden: Ihre Teildatei wurde durch eine andere ersetzt.</translation>
    </message>
</context>
<context>
    <name>getbill::Format</name>
    <message>
        <source>unknown size</source>
        <translation>unbekannte Größe</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Financial</source>
        <translation>Finanzen</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>Inkasso</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>PDF-Dokument</translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation>Excel-Arbeitsmappe</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV-Datei</translation>
    </message>
    <message>
        <source>GetBill has not started generating this report yet. It can be downloaded once it is completed.</source>
        <translation>GetBill hat noch nicht begonnen, diesen Bericht zu erstellen. Er kann heruntergeladen werden, sobald er abgeschlossen ist.</translation>
    </message>
    <message>
        <source>GetBill is still generating this report. It can be downloaded once it is completed.</source>
        <translation>GetBill erstellt diesen Bericht noch. Er kann heruntergeladen werden, sobald er abgeschlossen ist.</translation>
    </message>
    <message>
        <source>GetBill could not generate this report, so there is no file to download. Ask for it to be generated again in the GetBill dashboard.</source>
        <translation>GetBill konnte diesen Bericht nicht erstellen, daher gibt es keine Datei zum Herunterladen. Lassen Sie ihn im GetBill-Dashboard erneut erstellen.</translation>
    </message>
    <message>
        <source>GetBill does not offer this report for download at the moment.</source>
        <translation>GetBill bietet diesen Bericht derzeit nicht zum Herunterladen an.</translation>
    </message>
    <message>
        <source>This report is not ready (status: %1).</source>
        <translation>Dieser Bericht ist nicht bereit (Status: %1).</translation>
    </message>
    <message>
        <source>Waiting until %1: %2</source>
        <translation>Warten bis %1: %2</translation>
    </message>
    <message>
        <source>Waiting until %1.</source>
        <translation>Warten bis %1.</translation>
    </message>
    <message>
        <source>%1 Trying again in %2 s (waiting until %3).</source>
        <translation>%1 Neuer Versuch in %2 s (warten bis %3).</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: it is used up for now.</source>
        <translation>Warten bis %1 wegen des GetBill-Anfragelimits: Es ist vorerst aufgebraucht.</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: 1 request kept for your other work.</source>
        <translation>Warten bis %1 wegen des GetBill-Anfragelimits: 1 Anfrage bleibt für Ihre andere Arbeit reserviert.</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: %2 requests kept for your other work.</source>
        <translation>Warten bis %1 wegen des GetBill-Anfragelimits: %2 Anfragen bleiben für Ihre andere Arbeit reserviert.</translation>
    </message>
    <message numerus="yes">
        <source>%n report id(s)</source>
        <translation>
            <numerusform>%n Berichts-ID</numerusform>
            <numerusform>%n Berichts-IDs</numerusform>
        </translation>
    </message>
    <message>
        <source>Aging</source>
        <translation>Altersstruktur</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Zahlungseingänge</translation>
    </message>
    <message>
        <source>The download link expired at %1; a new one is asked for when the download continues.</source>
        <translation>Der Download-Link ist um %1 abgelaufen; ein neuer wird angefordert, wenn der Download fortgesetzt wird.</translation>
    </message>
    <message>
        <source>The download link expires at %1; a new one is asked for if the download needs longer.</source>
        <translation>Der Download-Link läuft um %1 ab; ein neuer wird angefordert, falls der Download länger dauert.</translation>
    </message>
</context>
<context>
    <name>getbill::HttpJob</name>
    <message>
        <source>The download link was refused by %1 (HTTP %2): it has expired or was already used.</source>
        <translation>Der Download-Link wurde von %1 abgelehnt (HTTP %2): Er ist abgelaufen oder wurde bereits verwendet.</translation>
    </message>
    <message>
        <source>The download server %1 answered HTTP %2.</source>
        <translation>Der Download-Server %1 hat mit HTTP %2 geantwortet.</translation>
    </message>
    <message>
        <source>GetBill (%1) did not answer within %2 seconds.</source>
        <translation>GetBill (%1) hat nicht innerhalb von %2 Sekunden geantwortet.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 did not answer in time.</source>
        <translation>Der GetBill-Anmeldedienst unter %1 hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>The download from %1 stalled: no data for %2 seconds.</source>
        <translation>Der Download von %1 hängt: seit %2 Sekunden keine Daten.</translation>
    </message>
    <message>
        <source>The secure connection to %1 could not be verified (untrusted or invalid certificate). If your company inspects TLS traffic, add its CA in the settings or GETBILL_CA_BUNDLE.</source>
        <translation>Die sichere Verbindung zu %1 konnte nicht überprüft werden (nicht vertrauenswürdiges oder ungültiges Zertifikat). Wenn Ihr Unternehmen TLS-Verkehr prüft, fügen Sie dessen Zertifizierungsstelle in den Einstellungen oder in GETBILL_CA_BUNDLE hinzu.</translation>
    </message>
    <message>
        <source>The secure connection to the GetBill sign-in service at %1 could not be verified (untrusted or invalid certificate).</source>
        <translation>Die sichere Verbindung zum GetBill-Anmeldedienst unter %1 konnte nicht überprüft werden (nicht vertrauenswürdiges oder ungültiges Zertifikat).</translation>
    </message>
    <message>
        <source>The secure connection to the download server %1 could not be verified (untrusted or invalid certificate).</source>
        <translation>Die sichere Verbindung zum Download-Server %1 konnte nicht überprüft werden (nicht vertrauenswürdiges oder ungültiges Zertifikat).</translation>
    </message>
    <message>
        <source>The network proxy %1 asked for a user name and password and did not accept the ones given (on the way to %2). Give them in the proxy address (http://user:password@proxy:port) or with GETBILL_PROXY_USER and GETBILL_PROXY_PASSWORD.</source>
        <translation>Der Netzwerk-Proxy %1 hat nach Benutzername und Passwort gefragt und die angegebenen nicht akzeptiert (auf dem Weg zu %2). Geben Sie sie in der Proxy-Adresse (http://benutzer:passwort@proxy:port) oder mit GETBILL_PROXY_USER und GETBILL_PROXY_PASSWORD an.</translation>
    </message>
    <message>
        <source>(system setting)</source>
        <translation>(Systemeinstellung)</translation>
    </message>
    <message>
        <source>The network proxy %1 on the way to %2 could not be used. Check the proxy settings (https_proxy, no_proxy, or the desktop&apos;s network settings).</source>
        <translation>Der Netzwerk-Proxy %1 auf dem Weg zu %2 konnte nicht verwendet werden. Prüfen Sie die Proxy-Einstellungen (https_proxy, no_proxy oder die Netzwerkeinstellungen des Desktops).</translation>
    </message>
    <message>
        <source>The network proxy %1 refused the connection to %2 (wrong user name or password, or not allowed). Check the proxy settings and credentials.</source>
        <translation>Der Netzwerk-Proxy %1 hat die Verbindung zu %2 abgelehnt (falscher Benutzername oder falsches Passwort oder nicht erlaubt). Prüfen Sie die Proxy-Einstellungen und -Zugangsdaten.</translation>
    </message>
    <message>
        <source>Cannot connect to GetBill at %1: connection refused.</source>
        <translation>Keine Verbindung zu GetBill unter %1: Verbindung abgelehnt.</translation>
    </message>
    <message>
        <source>Cannot find the server %1. Check your connection.</source>
        <translation>Der Server %1 wurde nicht gefunden. Prüfen Sie Ihre Verbindung.</translation>
    </message>
    <message>
        <source>GetBill (%1) closed the connection early.</source>
        <translation>GetBill (%1) hat die Verbindung vorzeitig geschlossen.</translation>
    </message>
    <message>
        <source>Network error while talking to GetBill at %1.</source>
        <translation>Netzwerkfehler bei der Kommunikation mit GetBill unter %1.</translation>
    </message>
    <message>
        <source>Cannot reach the GetBill sign-in service at %1. Check your connection.</source>
        <translation>Der GetBill-Anmeldedienst unter %1 ist nicht erreichbar. Prüfen Sie Ihre Verbindung.</translation>
    </message>
    <message>
        <source>The download server %1 closed the connection after %2 of %3.</source>
        <translation>Der Download-Server %1 hat die Verbindung nach %2 von %3 geschlossen.</translation>
    </message>
    <message>
        <source>The download from %1 failed after %2 of %3 (network error).</source>
        <translation>Der Download von %1 ist nach %2 von %3 fehlgeschlagen (Netzwerkfehler).</translation>
    </message>
    <message>
        <source>Network error while talking to %1.</source>
        <translation>Netzwerkfehler bei der Kommunikation mit %1.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 redirected the request to another address; it was not followed so that your client secret stays with GetBill.</source>
        <translation>Der GetBill-Anmeldedienst unter %1 hat die Anfrage an eine andere Adresse umgeleitet; der Umleitung wurde nicht gefolgt, damit Ihr Client-Secret bei GetBill bleibt.</translation>
    </message>
    <message>
        <source>The GetBill API at %1 redirected the request to another site; it was not followed so that your access token stays with GetBill.</source>
        <translation>Die GetBill-API unter %1 hat die Anfrage auf eine andere Website umgeleitet; der Umleitung wurde nicht gefolgt, damit Ihr Zugriffstoken bei GetBill bleibt.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 sent an oversized answer.</source>
        <translation>Der GetBill-Anmeldedienst unter %1 hat eine zu große Antwort gesendet.</translation>
    </message>
    <message>
        <source>GetBill sent an answer larger than %1; it was not read.</source>
        <translation>GetBill hat eine Antwort größer als %1 gesendet; sie wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>The download link is not secure (not https); the file was not downloaded.</source>
        <translation>Der Download-Link ist nicht sicher (kein https); die Datei wurde nicht heruntergeladen.</translation>
    </message>
    <message>
        <source>The address %1 is not allowed: it must be https (plain http only to this computer).</source>
        <translation>Die Adresse %1 ist nicht erlaubt: Sie muss https verwenden (einfaches http nur zu diesem Computer).</translation>
    </message>
    <message>
        <source>The account changed or was signed out; the request to %1 was not sent.</source>
        <translation>Das Konto wurde gewechselt oder abgemeldet; die Anfrage an %1 wurde nicht gesendet.</translation>
    </message>
    <message>
        <source>The download server redirected too often.</source>
        <translation>Der Download-Server hat zu oft umgeleitet.</translation>
    </message>
    <message>
        <source>The download server redirected to an insecure address (%1); it was not followed.</source>
        <translation>Der Download-Server hat auf eine unsichere Adresse umgeleitet (%1); der Umleitung wurde nicht gefolgt.</translation>
    </message>
</context>
<context>
    <name>getbill::Job</name>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
</context>
<context>
    <name>getbill::KeychainSecretStore</name>
    <message>
        <source>No keychain is available: this session has no D-Bus connection, so the system keychain (Secret Service) cannot be reached. Log in to a desktop session, or start one with dbus-run-session and a keyring such as GNOME Keyring.</source>
        <translation>Kein Schlüsselbund verfügbar: Diese Sitzung hat keine D-Bus-Verbindung, daher ist der Schlüsselbund des Systems (Secret Service) nicht erreichbar. Melden Sie sich an einer Desktop-Sitzung an oder starten Sie eine mit dbus-run-session und einem Schlüsselbund wie GNOME Keyring.</translation>
    </message>
    <message>
        <source>No keychain is available: no Secret Service (such as GNOME Keyring or KDE Wallet) is running in this session. Install or start one, then try again.</source>
        <translation>Kein Schlüsselbund verfügbar: In dieser Sitzung läuft kein Secret Service (wie GNOME Keyring oder KDE Wallet). Installieren oder starten Sie einen und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The keychain is locked. Unlock it (for example in &quot;Passwords and Keys&quot;, or by logging in again) and try again.</source>
        <translation>Der Schlüsselbund ist gesperrt. Entsperren Sie ihn (zum Beispiel in „Passwörter und Verschlüsselung“ oder durch erneutes Anmelden) und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The keychain did not give access: its prompt was cancelled or could not be shown. Try again and accept the keychain&apos;s prompt.</source>
        <translation>Der Schlüsselbund hat keinen Zugriff gewährt: Seine Abfrage wurde abgebrochen oder konnte nicht angezeigt werden. Versuchen Sie es erneut und bestätigen Sie die Abfrage des Schlüsselbunds.</translation>
    </message>
    <message>
        <source>the system keychain</source>
        <translation>der Schlüsselbund des Systems</translation>
    </message>
    <message>
        <source>Nothing is saved in the keychain for this account.</source>
        <translation>Für dieses Konto ist nichts im Schlüsselbund gespeichert.</translation>
    </message>
    <message>
        <source>read from</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <source>save to</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>remove from</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Could not %1 the keychain: %2. Check that your keyring works (for example with &quot;Passwords and Keys&quot;) and try again.</source>
        <translation>Schlüsselbund-Fehler (%1): %2. Prüfen Sie, ob Ihr Schlüsselbund funktioniert (zum Beispiel mit „Passwörter und Verschlüsselung“), und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
</context>
<context>
    <name>getbill::LocalCopyJob</name>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 ist ein Ordner.</translation>
    </message>
    <message>
        <source>%1 already exists; it was left untouched.</source>
        <translation>%1 existiert bereits; die Datei wurde nicht verändert.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: permission denied.</source>
        <translation>In den Ordner %1 kann nicht geschrieben werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>The copy kept for the preview is gone or has changed.</source>
        <translation>Die für die Vorschau aufbewahrte Kopie fehlt oder wurde verändert.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: %2</source>
        <translation>In den Ordner %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The copy kept for the preview could not be read: %1</source>
        <translation>Die für die Vorschau aufbewahrte Kopie konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The copy kept for the preview does not match the checksum of its download.</source>
        <translation>Die für die Vorschau aufbewahrte Kopie stimmt nicht mit der Prüfsumme ihres Downloads überein.</translation>
    </message>
</context>
<context>
    <name>getbill::MemorySecretStore</name>
    <message>
        <source>Nothing is saved for this account.</source>
        <translation>Für dieses Konto ist nichts gespeichert.</translation>
    </message>
    <message>
        <source>memory, for this session only</source>
        <translation>der Arbeitsspeicher, nur für diese Sitzung</translation>
    </message>
</context>
<context>
    <name>getbill::NetworkOptions</name>
    <message>
        <source>Cannot read the CA bundle %1: %2</source>
        <translation>Das CA-Bundle %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The CA bundle %1 holds no PEM certificate.</source>
        <translation>Das CA-Bundle %1 enthält kein PEM-Zertifikat.</translation>
    </message>
</context>
<context>
    <name>getbill::PartFile</name>
    <message>
        <source>%1 is already being downloaded.</source>
        <translation>%1 wird bereits heruntergeladen.</translation>
    </message>
    <message>
        <source>Cannot keep track of the download of %1: the application&apos;s data folder %2 cannot be written.</source>
        <translation>Der Download von %1 kann nicht verfolgt werden: In den Datenordner %2 der Anwendung kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>The application&apos;s data folder %1 cannot be written.</source>
        <translation>In den Datenordner %1 der Anwendung kann nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>getbill::PartWriter</name>
    <message>
        <source>The file is not open.</source>
        <translation>Die Datei ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file.</source>
        <translation>Die heruntergeladene Datei kann nicht verschoben werden.</translation>
    </message>
</context>
<context>
    <name>getbill::PreviewCache</name>
    <message>
        <source>The preview cache %1 is not a private folder of yours; previews will not be kept.</source>
        <translation>Der Vorschau-Cache %1 ist kein privater Ordner von Ihnen; Vorschauen werden nicht aufbewahrt.</translation>
    </message>
</context>
<context>
    <name>getbill::PreviewFileJob</name>
    <message>
        <source>There is nothing to preview yet: %1</source>
        <translation>Es gibt noch nichts für die Vorschau: %1</translation>
    </message>
    <message>
        <source>There is no private folder to keep previews in, so this report cannot be previewed before it is saved.</source>
        <translation>Es gibt keinen privaten Ordner für Vorschauen, daher kann dieser Bericht erst nach dem Speichern angezeigt werden.</translation>
    </message>
    <message>
        <source>This report is too large to preview (%1; previews keep at most %2). Save it and open it with its usual application.</source>
        <translation>Dieser Bericht ist zu groß für die Vorschau (%1; Vorschauen behalten höchstens %2). Speichern Sie ihn und öffnen Sie ihn mit seiner üblichen Anwendung.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>getbill::ReportDownloadJob</name>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>No place to save was chosen.</source>
        <translation>Es wurde kein Speicherort ausgewählt.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Report %1</source>
        <translation>Bericht %1</translation>
    </message>
    <message>
        <source>%1 Try again after %2.</source>
        <translation>%1 Versuchen Sie es nach %2 erneut.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>Pausiert; der Download wird beim nächsten Start der Anwendung fortgesetzt.</translation>
    </message>
</context>
<context>
    <name>getbill::RequestGate</name>
    <message>
        <source>A reserve of %1 requests cannot be kept: GetBill allows %2 requests in its window. Choose a smaller reserve.</source>
        <translation>Eine Reserve von %1 Anfragen ist nicht möglich: GetBill erlaubt %2 Anfragen pro Zeitfenster. Wählen Sie eine kleinere Reserve.</translation>
    </message>
</context>
<context>
    <name>getbill::SecretFile</name>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 ist leer.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link; give the file itself.</source>
        <translation>%1 ist ein symbolischer Link; geben Sie die Datei selbst an.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a regular file.</source>
        <translation>%1 ist keine reguläre Datei.</translation>
    </message>
    <message>
        <source>%1 belongs to another user; it must be yours.</source>
        <translation>%1 gehört einem anderen Benutzer; die Datei muss Ihnen gehören.</translation>
    </message>
    <message>
        <source>%1 can be read or changed by any user (mode %2); systemd&apos;s credentials never can.</source>
        <translation>%1 kann von jedem Benutzer gelesen oder geändert werden (Modus %2); die Zugangsdaten von systemd nie.</translation>
    </message>
    <message>
        <source>%1 can be read or changed by other users (mode %2); it must be yours alone: chmod 600 %1</source>
        <translation>%1 kann von anderen Benutzern gelesen oder geändert werden (Modus %2); die Datei darf nur Ihnen zugänglich sein: chmod 600 %1</translation>
    </message>
    <message>
        <source>%1 is too large for a credential.</source>
        <translation>%1 ist zu groß für Zugangsdaten.</translation>
    </message>
</context>
<context>
    <name>getbill::SecureFile</name>
    <message>
        <source>it is a link</source>
        <translation>es ist ein Link</translation>
    </message>
    <message>
        <source>it is not the file this application created</source>
        <translation>es ist nicht die Datei, die diese Anwendung erstellt hat</translation>
    </message>
</context>
<context>
    <name>getbill::StaticToken</name>
    <message>
        <source>Not signed in: no GetBill access token is set.</source>
        <translation>Nicht angemeldet: Es ist kein GetBill-Zugriffstoken gesetzt.</translation>
    </message>
</context>
<context>
    <name>getbill::SyncJob</name>
    <message>
        <source>A sync needs an API client and a download history.</source>
        <translation>Eine Synchronisierung benötigt einen API-Client und einen Download-Verlauf.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht erstellt werden.</translation>
    </message>
    <message>
        <source>1 report is still being generated; not fetched this time (--wait-pending waits for reports being generated).</source>
        <translation>1 Bericht wird noch erstellt; er wurde diesmal nicht abgerufen (--wait-pending wartet auf Berichte, die noch erstellt werden).</translation>
    </message>
    <message>
        <source>Report %1 is already being downloaded into %2 by another sync; skipped.</source>
        <translation>Der Bericht %1 wird bereits von einer anderen Synchronisierung nach %2 heruntergeladen; übersprungen.</translation>
    </message>
    <message>
        <source>Report %1: the application&apos;s data folder cannot be written.</source>
        <translation>Bericht %1: In den Datenordner der Anwendung kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Report %1: cannot create the folder %2.</source>
        <translation>Bericht %1: Der Ordner %2 kann nicht erstellt werden.</translation>
    </message>
    <message>
        <source>Report %1: the folder %2 leads outside %3 (a symbolic link); it was not saved.</source>
        <translation>Bericht %1: Der Ordner %2 führt aus %3 heraus (ein symbolischer Link); der Bericht wurde nicht gespeichert.</translation>
    </message>
    <message>
        <source>Report %1 was not generated (status %2); nothing to fetch.</source>
        <translation>Der Bericht %1 wurde nicht erstellt (Status %2); nichts abzurufen.</translation>
    </message>
    <message>
        <source>The wait ended with reports still being generated: %1</source>
        <translation>Die Wartezeit ist abgelaufen, während noch Berichte erstellt werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n reports are still being generated; not fetched this time (--wait-pending waits for reports being generated).</source>
        <translation>
            <numerusform>%n Bericht wird noch erstellt; er wurde diesmal nicht abgerufen (--wait-pending wartet auf Berichte, die noch erstellt werden).</numerusform>
            <numerusform>%n Berichte werden noch erstellt; sie wurden diesmal nicht abgerufen (--wait-pending wartet auf Berichte, die noch erstellt werden).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::SyncPlan</name>
    <message>
        <source>Report %1: its place under the template would leave %2; it was not saved.</source>
        <translation>Bericht %1: Sein Platz laut Vorlage läge außerhalb von %2; er wurde nicht gespeichert.</translation>
    </message>
</context>
<context>
    <name>getbill::SyncTemplate</name>
    <message>
        <source>unbalanced braces in the template: &quot;}&quot; without &quot;{&quot;</source>
        <translation>unausgeglichene Klammern in der Vorlage: „}“ ohne „{“</translation>
    </message>
    <message>
        <source>unbalanced braces in the template: &quot;%1&quot; has no closing &quot;}&quot;</source>
        <translation>unausgeglichene Klammern in der Vorlage: „%1“ hat keine schließende „}“</translation>
    </message>
    <message>
        <source>empty field {} in the template (known fields: %1)</source>
        <translation>leeres Feld {} in der Vorlage (bekannte Felder: %1)</translation>
    </message>
    <message>
        <source>unknown field {%1} in the template (known fields: %2)</source>
        <translation>unbekanntes Feld {%1} in der Vorlage (bekannte Felder: %2)</translation>
    </message>
    <message>
        <source>the field {%1} takes no format (only dates do: {period_from:yyyy-MM})</source>
        <translation>das Feld {%1} nimmt kein Format an (nur Datumsfelder: {period_from:yyyy-MM})</translation>
    </message>
    <message>
        <source>bad date format &quot;%1&quot; for {%2}: use y, M and d (and H, m, s for {generated_at}) with - _ . or spaces between them, as in {%2:yyyy-MM}</source>
        <translation>ungültiges Datumsformat „%1“ für {%2}: Verwenden Sie y, M und d (und H, m, s für {generated_at}) mit - _ . oder Leerzeichen dazwischen, wie in {%2:yyyy-MM}</translation>
    </message>
    <message>
        <source>the template is empty</source>
        <translation>die Vorlage ist leer</translation>
    </message>
    <message>
        <source>the template must be a path relative to the output folder (it starts with &quot;%1&quot;)</source>
        <translation>die Vorlage muss ein Pfad relativ zum Ausgabeordner sein (sie beginnt mit „%1“)</translation>
    </message>
    <message>
        <source>a field cannot contain &quot;/&quot; (&quot;%1&quot;): put one field in each folder, as in {period_from:yyyy}/{period_from:MM}</source>
        <translation>ein Feld darf kein „/“ enthalten („%1“): Ein Feld pro Ordner, wie in {period_from:yyyy}/{period_from:MM}</translation>
    </message>
    <message>
        <source>the template has %1 parts; at most %2 are allowed</source>
        <translation>die Vorlage hat %1 Teile; höchstens %2 sind erlaubt</translation>
    </message>
    <message>
        <source>the template has an empty folder name (two &quot;/&quot; in a row, or one at the end)</source>
        <translation>die Vorlage enthält einen leeren Ordnernamen (zwei „/“ hintereinander oder eines am Ende)</translation>
    </message>
    <message>
        <source>the template cannot use &quot;%1&quot; as a folder: files stay inside the output folder</source>
        <translation>die Vorlage kann „%1“ nicht als Ordner verwenden: Dateien bleiben im Ausgabeordner</translation>
    </message>
</context>
<context>
    <name>getbill::WatchRule</name>
    <message>
        <source>Name: give the rule a name.</source>
        <translation>Name: Geben Sie der Regel einen Namen.</translation>
    </message>
    <message>
        <source>Folder: choose the folder (a full path) to save the reports to.</source>
        <translation>Ordner: Wählen Sie den Ordner (einen vollständigen Pfad), in dem die Berichte gespeichert werden.</translation>
    </message>
    <message>
        <source>Template: %1.</source>
        <translation>Vorlage: %1.</translation>
    </message>
</context>
<context>
    <name>getbill::WatchScheduler</name>
    <message>
        <source>The rule “%1” is already running.</source>
        <translation>Die Regel „%1“ wird bereits ausgeführt.</translation>
    </message>
    <message>
        <source>The folder %1 of the watch rule “%2” cannot be written.</source>
        <translation>In den Ordner %1 der Überwachungsregel „%2“ kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>The folder %1 of the watch rule “%2” is gone (moved, deleted, or on a drive that is not connected).</source>
        <translation>Der Ordner %1 der Überwachungsregel „%2“ ist nicht mehr vorhanden (verschoben, gelöscht oder auf einem nicht angeschlossenen Laufwerk).</translation>
    </message>
</context>
<context>
    <name>getbill::cli</name>
    <message>
        <source>Interrupted; no partial file was left behind.</source>
        <translation>Unterbrochen; es wurde keine Teildatei zurückgelassen.</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Not signed in: set GETBILL_TOKEN or run `getbill-reports-cli auth set-token`</source>
        <translation>Nicht angemeldet: Setzen Sie GETBILL_TOKEN oder führen Sie `getbill-reports-cli auth set-token` aus</translation>
    </message>
    <message>
        <source>Check GETBILL_TOKEN or sign in again with `getbill-reports-cli auth set-token`.</source>
        <translation>Prüfen Sie GETBILL_TOKEN oder melden Sie sich mit `getbill-reports-cli auth set-token` erneut an.</translation>
    </message>
    <message>
        <source>GetBill asks to wait %1 before trying again.</source>
        <translation>GetBill bittet, %1 zu warten, bevor es erneut versucht wird.</translation>
    </message>
    <message>
        <source>Fetching the report list: page %1 of %2</source>
        <translation>Berichtsliste wird abgerufen: Seite %1 von %2</translation>
    </message>
    <message>
        <source>No reports.</source>
        <translation>Keine Berichte.</translation>
    </message>
    <message>
        <source>No reports of type %1.</source>
        <translation>Keine Berichte vom Typ %1.</translation>
    </message>
    <message>
        <source>[downloaded]</source>
        <translation>[heruntergeladen]</translation>
    </message>
</context>
<context>
    <name>getbill::cli::AuthCommand</name>
    <message>
        <source>Usage: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear</source>
        <translation>Aufruf: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must be an https:// address (plain http only for localhost), without query or fragment.</source>
        <translation>Die API-Adresse %1 ist nicht erlaubt: Sie muss eine https://-Adresse sein (einfaches http nur für localhost), ohne Query oder Fragment.</translation>
    </message>
    <message>
        <source>Access token (not shown):</source>
        <translation>Zugriffstoken (wird nicht angezeigt):</translation>
    </message>
    <message>
        <source>auth set-client needs --client-id ID (the secret is read from standard input, never from the command line).</source>
        <translation>auth set-client benötigt --client-id ID (das Secret wird von der Standardeingabe gelesen, nie von der Befehlszeile).</translation>
    </message>
    <message>
        <source>Client secret (not shown):</source>
        <translation>Client-Secret (wird nicht angezeigt):</translation>
    </message>
    <message>
        <source>Nothing was read from standard input. Pipe the secret in, for example: printf &apos;%s&apos; &quot;$SECRET&quot; | getbill-reports-cli auth ...</source>
        <translation>Von der Standardeingabe wurde nichts gelesen. Übergeben Sie das Secret über eine Pipe, zum Beispiel: printf &apos;%s&apos; &quot;$SECRET&quot; | getbill-reports-cli auth ...</translation>
    </message>
    <message>
        <source>GetBill did not accept the credential, so it was not saved: %1</source>
        <translation>GetBill hat die Zugangsdaten nicht akzeptiert, daher wurden sie nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>The credential works, but it could not be saved in the keychain: %1 For scripts and CI, set GETBILL_TOKEN to an access token instead.</source>
        <translation>Die Zugangsdaten funktionieren, konnten aber nicht im Schlüsselbund gespeichert werden: %1 Setzen Sie für Skripte und CI stattdessen GETBILL_TOKEN auf ein Zugriffstoken.</translation>
    </message>
    <message>
        <source>Signed in to %1 with %2; saved in the system keychain.</source>
        <translation>Bei %1 mit %2 angemeldet; im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>the API client %1</source>
        <translation>dem API-Client %1</translation>
    </message>
    <message>
        <source>an access token</source>
        <translation>einem Zugriffstoken</translation>
    </message>
    <message>
        <source>API URL: %1</source>
        <translation>API-URL: %1</translation>
    </message>
    <message>
        <source>Credential: API client (client id %1), token URL %2</source>
        <translation>Zugangsdaten: API-Client (Client-ID %1), Token-URL %2</translation>
    </message>
    <message>
        <source>Credential: access token</source>
        <translation>Zugangsdaten: Zugriffstoken</translation>
    </message>
    <message>
        <source>Credential: none saved</source>
        <translation>Zugangsdaten: keine gespeichert</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN: not set</source>
        <translation>GETBILL_TOKEN: nicht gesetzt</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN: set (overrides the keychain)</source>
        <translation>GETBILL_TOKEN: gesetzt (hat Vorrang vor dem Schlüsselbund)</translation>
    </message>
    <message>
        <source>Keychain: unavailable. %1</source>
        <translation>Schlüsselbund: nicht verfügbar. %1</translation>
    </message>
    <message>
        <source>Keychain: available</source>
        <translation>Schlüsselbund: verfügbar</translation>
    </message>
    <message>
        <source>The saved credential could not be removed: %1</source>
        <translation>Die gespeicherten Zugangsdaten konnten nicht entfernt werden: %1</translation>
    </message>
    <message>
        <source>Signed out of %1: no credential is saved for it any more.</source>
        <translation>Von %1 abgemeldet: Für diese Adresse sind keine Zugangsdaten mehr gespeichert.</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN is still set and is used by the next commands.</source>
        <translation>GETBILL_TOKEN ist weiterhin gesetzt und wird von den nächsten Befehlen verwendet.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_SECRET_FILE is set but GETBILL_CLIENT_ID is not: set both.</source>
        <translation>GETBILL_CLIENT_SECRET_FILE ist gesetzt, GETBILL_CLIENT_ID aber nicht: Setzen Sie beide.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_ID is set but GETBILL_CLIENT_SECRET_FILE is not: put the client secret in a file only you can read (chmod 600) and point GETBILL_CLIENT_SECRET_FILE at it.</source>
        <translation>GETBILL_CLIENT_ID ist gesetzt, GETBILL_CLIENT_SECRET_FILE aber nicht: Legen Sie das Client-Secret in eine Datei, die nur Sie lesen können (chmod 600), und lassen Sie GETBILL_CLIENT_SECRET_FILE darauf zeigen.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_SECRET_FILE: %1</source>
        <translation>GETBILL_CLIENT_SECRET_FILE: %1</translation>
    </message>
    <message>
        <source>CREDENTIALS_DIRECTORY: %1</source>
        <translation>CREDENTIALS_DIRECTORY: %1</translation>
    </message>
    <message>
        <source>CREDENTIALS_DIRECTORY has %1 but no usable %2: %3</source>
        <translation>CREDENTIALS_DIRECTORY enthält %1, aber kein verwendbares %2: %3</translation>
    </message>
    <message>
        <source>Cannot read the saved GetBill credential: %1</source>
        <translation>Die gespeicherten GetBill-Zugangsdaten können nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>getbill::cli::CliOptions</name>
    <message>
        <source>option %1 needs a value</source>
        <translation>die Option %1 benötigt einen Wert</translation>
    </message>
    <message>
        <source>option --type needs a value</source>
        <translation>die Option --type benötigt einen Wert</translation>
    </message>
    <message>
        <source>--since needs a date as YYYY-MM-DD (got &quot;%1&quot;)</source>
        <translation>--since benötigt ein Datum im Format JJJJ-MM-TT (erhalten: „%1“)</translation>
    </message>
    <message>
        <source>--template: %1</source>
        <translation>--template: %1</translation>
    </message>
    <message>
        <source>--wait-pending takes a duration such as 90s, 15m or 2h (at most 7 days)</source>
        <translation>--wait-pending erwartet eine Dauer wie 90s, 15m oder 2h (höchstens 7 Tage)</translation>
    </message>
    <message>
        <source>--reserve must be a number of requests from 0 to %1</source>
        <translation>--reserve muss eine Anzahl von Anfragen zwischen 0 und %1 sein</translation>
    </message>
    <message>
        <source>Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] COMMAND

Commands:
  list [--type TYPE] [--json]      list every report (all pages), as a table or a JSON array
  show ID [--json]                 show one report
  download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]
                                   download reports; prints the absolute path of each saved file
  auth set-token                   read an access token from standard input into the keychain
  auth set-client --client-id ID   read an OAuth client secret from standard input
  auth status | auth clear
  sync --output-dir DIR [--type TYPE]... [--since YYYY-MM-DD] [--template TEMPLATE] [--dry-run]
       [--wait-pending[=DURATION]] [--jobs N] [--refetch-missing] [--reserve N]
                                   fetch every completed report not already fetched into DIR;
                                   prints the absolute path of each new file (nothing when none)

Sync templates: folders separated by /, fields {id} {type} {title} {filename} {stem} {ext}
  {period_from} {period_to} {generated_at}, dates with a format: {period_from:yyyy-MM}.
  Default {filename}. Example: --template &apos;{type}/{period_from:yyyy}/{filename}&apos;

Options:
  --api-url URL   the GetBill API (https, or http on localhost only)
  --demo          use a built-in sandbox with sample reports; no account needed
  --verbose       log each HTTP request on standard error (method, host, path, status, time),
                  without tokens, secrets or link signatures; standard output is unchanged
  --help          show this text
  --version       show the version

Environment:
  GETBILL_API_URL    default https://getbill.io/external-api/v1
  GETBILL_TOKEN_URL  default https://getbill.io/token
  GETBILL_TOKEN      an access token; overrides the keychain
  GETBILL_CLIENT_ID, GETBILL_CLIENT_SECRET_FILE
                     an API client for unattended runs (the file: yours, mode 0600)
  CREDENTIALS_DIRECTORY  systemd&apos;s LoadCredential=: getbill-client-id, getbill-client-secret
  GETBILL_CA_BUNDLE  a PEM file of extra trusted certificate authorities

Exit status: 0 done, 2 usage, 3 not signed in, 4 refused by GetBill, 5 network or server problem,
6 size mismatch, 7 local file problem, 130 interrupted.
</source>
        <translation>Aufruf: getbill-reports-cli [--api-url URL] [--demo] [--verbose] BEFEHL

Befehle:
  list [--type TYPE] [--json]      alle Berichte auflisten (alle Seiten), als Tabelle oder JSON-Array
  show ID [--json]                 einen Bericht anzeigen
  download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]
                                   Berichte herunterladen; gibt den absoluten Pfad jeder gespeicherten Datei aus
  auth set-token                   ein Zugriffstoken von der Standardeingabe in den Schlüsselbund lesen
  auth set-client --client-id ID   ein OAuth-Client-Secret von der Standardeingabe lesen
  auth status | auth clear
  sync --output-dir DIR [--type TYPE]... [--since YYYY-MM-DD] [--template TEMPLATE] [--dry-run]
       [--wait-pending[=DURATION]] [--jobs N] [--refetch-missing] [--reserve N]
                                   jeden abgeschlossenen Bericht abrufen, der noch nicht in DIR abgerufen wurde;
                                   gibt den absoluten Pfad jeder neuen Datei aus (nichts, wenn es keine gibt)

Sync-Vorlagen: Ordner durch / getrennt, Felder {id} {type} {title} {filename} {stem} {ext}
  {period_from} {period_to} {generated_at}, Datumsfelder mit Format: {period_from:yyyy-MM}.
  Standard {filename}. Beispiel: --template &apos;{type}/{period_from:yyyy}/{filename}&apos;

Optionen:
  --api-url URL   die GetBill-API (https oder http nur auf localhost)
  --demo          eine eingebaute Sandbox mit Beispielberichten verwenden; kein Konto nötig
  --verbose       jede HTTP-Anfrage auf der Standardfehlerausgabe protokollieren (Methode, Host, Pfad, Status, Dauer),
                  ohne Tokens, Secrets oder Link-Signaturen; die Standardausgabe bleibt unverändert
  --help          diesen Text anzeigen
  --version       die Version anzeigen

Umgebung:
  GETBILL_API_URL    Standard https://getbill.io/external-api/v1
  GETBILL_TOKEN_URL  Standard https://getbill.io/token
  GETBILL_TOKEN      ein Zugriffstoken; hat Vorrang vor dem Schlüsselbund
  GETBILL_CLIENT_ID, GETBILL_CLIENT_SECRET_FILE
                     ein API-Client für unbeaufsichtigte Läufe (die Datei: Ihre, Modus 0600)
  CREDENTIALS_DIRECTORY  LoadCredential= von systemd: getbill-client-id, getbill-client-secret
  GETBILL_CA_BUNDLE  eine PEM-Datei mit zusätzlichen vertrauenswürdigen Zertifizierungsstellen

Exit-Status: 0 erledigt, 2 Aufruf, 3 nicht angemeldet, 4 von GetBill abgelehnt, 5 Netzwerk- oder Serverproblem,
6 Größe stimmt nicht, 7 Problem mit lokaler Datei, 130 unterbrochen.
</translation>
    </message>
    <message>
        <source>Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] list|show|download|sync|auth ...
Run `getbill-reports-cli --help` for the commands and their options.</source>
        <translation>Aufruf: getbill-reports-cli [--api-url URL] [--demo] [--verbose] list|show|download|sync|auth ...
Führen Sie `getbill-reports-cli --help` aus, um die Befehle und ihre Optionen zu sehen.</translation>
    </message>
    <message>
        <source>unknown command &quot;%1&quot;</source>
        <translation>unbekannter Befehl „%1“</translation>
    </message>
    <message>
        <source>option --api-url needs a value</source>
        <translation>die Option --api-url benötigt einen Wert</translation>
    </message>
    <message>
        <source>--jobs must be a number from 1 to %1</source>
        <translation>--jobs muss eine Zahl zwischen 1 und %1 sein</translation>
    </message>
    <message>
        <source>unknown option %1</source>
        <translation>unbekannte Option %1</translation>
    </message>
    <message>
        <source>--demo and --api-url cannot be used together</source>
        <translation>--demo und --api-url können nicht zusammen verwendet werden</translation>
    </message>
    <message>
        <source>no command given</source>
        <translation>kein Befehl angegeben</translation>
    </message>
    <message>
        <source>list takes no argument (got &quot;%1&quot;)</source>
        <translation>list nimmt kein Argument an (erhalten: „%1“)</translation>
    </message>
    <message>
        <source>show needs a report id</source>
        <translation>show benötigt eine Berichts-ID</translation>
    </message>
    <message>
        <source>show takes exactly one report id</source>
        <translation>show nimmt genau eine Berichts-ID an</translation>
    </message>
    <message>
        <source>download needs at least one report id</source>
        <translation>download benötigt mindestens eine Berichts-ID</translation>
    </message>
    <message>
        <source>use either --output-dir or --output, not both</source>
        <translation>verwenden Sie entweder --output-dir oder --output, nicht beide</translation>
    </message>
    <message>
        <source>option --output needs a value</source>
        <translation>die Option --output benötigt einen Wert</translation>
    </message>
    <message>
        <source>--output needs exactly one report id; use --output-dir for several</source>
        <translation>--output benötigt genau eine Berichts-ID; verwenden Sie --output-dir für mehrere</translation>
    </message>
    <message>
        <source>option --output-dir needs a value</source>
        <translation>die Option --output-dir benötigt einen Wert</translation>
    </message>
    <message>
        <source>sync takes no argument (got &quot;%1&quot;); a wait is written --wait-pending=%1</source>
        <translation>sync nimmt kein Argument an (erhalten: „%1“); eine Wartezeit schreibt man --wait-pending=%1</translation>
    </message>
    <message>
        <source>sync takes no argument (got &quot;%1&quot;)</source>
        <translation>sync nimmt kein Argument an (erhalten: „%1“)</translation>
    </message>
    <message>
        <source>sync needs --output-dir DIR</source>
        <translation>sync benötigt --output-dir DIR</translation>
    </message>
</context>
<context>
    <name>getbill::cli::CliSession</name>
    <message>
        <source>The command failed.</source>
        <translation>Der Befehl ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>GETBILL_CA_BUNDLE: %1</source>
        <translation>GETBILL_CA_BUNDLE: %1</translation>
    </message>
    <message>
        <source>The demo server could not start: %1</source>
        <translation>Der Demo-Server konnte nicht gestartet werden: %1</translation>
    </message>
    <message>
        <source>(not a valid address)</source>
        <translation>(keine gültige Adresse)</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must be an https:// address (plain http only for localhost), without query or fragment.</source>
        <translation>Die API-Adresse %1 ist nicht erlaubt: Sie muss eine https://-Adresse sein (einfaches http nur für localhost), ohne Query oder Fragment.</translation>
    </message>
</context>
<context>
    <name>getbill::cli::Console</name>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
</context>
<context>
    <name>getbill::cli::DownloadCommand</name>
    <message>
        <source>Downloading: %1 of %2 done</source>
        <translation>Download: %1 von %2 erledigt</translation>
    </message>
    <message>
        <source>, %1 of %2</source>
        <translation>, %1 von %2</translation>
    </message>
</context>
<context>
    <name>getbill::cli::ReportPrinter</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>TYPE</source>
        <translation>TYP</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUS</translation>
    </message>
    <message>
        <source>PERIOD</source>
        <translation>ZEITRAUM</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>GRÖSSE</translation>
    </message>
    <message>
        <source>TITLE</source>
        <translation>TITEL</translation>
    </message>
    <message>
        <source> (%1 bytes)</source>
        <translation> (%1 Bytes)</translation>
    </message>
    <message>
        <source>ID: %1</source>
        <translation>ID: %1</translation>
    </message>
    <message>
        <source>Type: %1</source>
        <translation>Typ: %1</translation>
    </message>
    <message>
        <source>Title: %1</source>
        <translation>Titel: %1</translation>
    </message>
    <message>
        <source>Description: %1</source>
        <translation>Beschreibung: %1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>File name: %1</source>
        <translation>Dateiname: %1</translation>
    </message>
    <message>
        <source>File size: %1</source>
        <translation>Dateigröße: %1</translation>
    </message>
    <message>
        <source>MIME type: %1</source>
        <translation>MIME-Typ: %1</translation>
    </message>
    <message>
        <source>Period from: %1</source>
        <translation>Zeitraum von: %1</translation>
    </message>
    <message>
        <source>Period to: %1</source>
        <translation>Zeitraum bis: %1</translation>
    </message>
    <message>
        <source>Generated at: %1</source>
        <translation>Erstellt am: %1</translation>
    </message>
    <message>
        <source>Created at: %1</source>
        <translation>Angelegt am: %1</translation>
    </message>
    <message>
        <source>Download available: %1</source>
        <translation>Download verfügbar: %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
</context>
<context>
    <name>getbill::gui::Application</name>
    <message>
        <source>Lists and downloads your GetBill reports.</source>
        <translation>Listet Ihre GetBill-Berichte auf und lädt sie herunter.</translation>
    </message>
    <message>
        <source>GetBill API address (https, or loopback).</source>
        <translation>Adresse der GetBill-API (https oder Loopback).</translation>
    </message>
    <message>
        <source>Explore with demo data (local sandbox).</source>
        <translation>Mit Demodaten ausprobieren (lokale Sandbox).</translation>
    </message>
    <message>
        <source>Report ids or getbill://report/ID links to download.</source>
        <translation>Berichts-IDs oder getbill://report/ID-Links zum Herunterladen.</translation>
    </message>
    <message>
        <source>The API address %1 is refused: use https (or http on this computer only).</source>
        <translation>Die API-Adresse %1 wird abgelehnt: Verwenden Sie https (oder http nur auf diesem Computer).</translation>
    </message>
    <message>
        <source>You were signed out: %1</source>
        <translation>Sie wurden abgemeldet: %1</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>%1 You can sign in and keep the credential for this session only.</source>
        <translation>%1 Sie können sich anmelden und die Zugangsdaten nur für diese Sitzung behalten.</translation>
    </message>
    <message>
        <source>Demo data is not available in this build.</source>
        <translation>Demodaten sind in diesem Build nicht verfügbar.</translation>
    </message>
    <message>
        <source>No watch rule is on for this account: add one in Settings › Watch.</source>
        <translation>Für dieses Konto ist keine Überwachungsregel aktiv: Fügen Sie eine unter Einstellungen › Überwachung hinzu.</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DesktopIntegration</name>
    <message>
        <source>GetBill Reports keeps downloading in the tray</source>
        <translation>GetBill Reports lädt im Infobereich weiter herunter</translation>
    </message>
    <message>
        <source>Click its icon to bring the window back, or quit from its menu.</source>
        <translation>Klicken Sie auf das Symbol, um das Fenster zurückzuholen, oder beenden Sie über sein Menü.</translation>
    </message>
    <message>
        <source>Download finished</source>
        <translation>Download abgeschlossen</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>Download fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Downloads finished: %1 saved, %2 failed</source>
        <translation>Downloads abgeschlossen: %1 gespeichert, %2 fehlgeschlagen</translation>
    </message>
    <message>
        <source>The file manager could not be opened on %1.</source>
        <translation>Der Dateimanager konnte %1 nicht öffnen.</translation>
    </message>
    <message numerus="yes">
        <source>%n downloads finished</source>
        <translation>
            <numerusform>%n Download abgeschlossen</numerusform>
            <numerusform>%n Downloads abgeschlossen</numerusform>
        </translation>
    </message>
    <message>
        <source>GetBill Reports keeps watching for new reports in the tray</source>
        <translation>GetBill Reports überwacht im Infobereich weiter neue Berichte</translation>
    </message>
    <message>
        <source>Watch rule “%1”: %2</source>
        <translation>Überwachungsregel „%1“: %2</translation>
    </message>
    <message numerus="yes">
        <source>Watch rule “%1”: %n new report(s) saved to %2.</source>
        <translation>
            <numerusform>Überwachungsregel „%1“: %n neuer Bericht in %2 gespeichert.</numerusform>
            <numerusform>Überwachungsregel „%1“: %n neue Berichte in %2 gespeichert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new report(s) saved to %1</source>
        <translation>
            <numerusform>%n neuer Bericht in %1 gespeichert</numerusform>
            <numerusform>%n neue Berichte in %1 gespeichert</numerusform>
        </translation>
    </message>
    <message>
        <source>Watch rule “%1”</source>
        <translation>Überwachungsregel „%1“</translation>
    </message>
</context>
<context>
    <name>getbill::gui::Diagnostics</name>
    <message>
        <source>Save diagnostics</source>
        <translation>Diagnose speichern</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Textdateien (*.txt)</translation>
    </message>
    <message>
        <source>Diagnostics saved to %1. They contain no token, secret or link signature.</source>
        <translation>Diagnose in %1 gespeichert. Sie enthält kein Token, kein Secret und keine Link-Signatur.</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved to %1: %2</source>
        <translation>Die Diagnose konnte nicht in %1 gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DialogSaveLocation</name>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Save “%1”</source>
        <translation>„%1“ speichern</translation>
    </message>
    <message numerus="yes">
        <source>Save %n reports to</source>
        <translation>
            <numerusform>%n Bericht speichern unter</numerusform>
            <numerusform>%n Berichte speichern unter</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DownloadItemDelegate</name>
    <message>
        <source>Queued</source>
        <translation>In der Warteschlange</translation>
    </message>
    <message>
        <source>Getting the download link…</source>
        <translation>Download-Link wird abgerufen…</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Wird heruntergeladen</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Waiting to retry</source>
        <translation>Warten auf erneuten Versuch</translation>
    </message>
    <message>
        <source>File moved or deleted</source>
        <translation>Datei verschoben oder gelöscht</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Nothing was saved.</source>
        <translation>Es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>Resumes the next time GetBill Reports starts.</source>
        <translation>Wird beim nächsten Start von GetBill Reports fortgesetzt.</translation>
    </message>
    <message>
        <source>%1 Next attempt in %2.</source>
        <translation>%1 Nächster Versuch in %2.</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>%1, %2 %</source>
        <translation>%1, %2 %</translation>
    </message>
    <message>
        <source>Watch rule “%1” · %2</source>
        <translation>Überwachungsregel „%1“ · %2</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DownloadsPanel</name>
    <message>
        <source>&amp;Cancel download</source>
        <translation>Download a&amp;bbrechen</translation>
    </message>
    <message>
        <source>Re&amp;move from list</source>
        <translation>Aus der Liste &amp;entfernen</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Search downloads</source>
        <translation>Downloads durchsuchen</translation>
    </message>
    <message>
        <source>Download list</source>
        <translation>Download-Liste</translation>
    </message>
    <message>
        <source>Downloads summary</source>
        <translation>Download-Übersicht</translation>
    </message>
    <message>
        <source>Stop the selected download; nothing is left on disk (Escape)</source>
        <translation>Den ausgewählten Download stoppen; nichts bleibt auf der Festplatte (Esc)</translation>
    </message>
    <message>
        <source>Take the item off the list; the file stays where it is (Delete)</source>
        <translation>Den Eintrag aus der Liste nehmen; die Datei bleibt, wo sie ist (Entf)</translation>
    </message>
    <message>
        <source>Empty the list of finished downloads; no file is deleted</source>
        <translation>Die Liste der abgeschlossenen Downloads leeren; keine Datei wird gelöscht</translation>
    </message>
    <message>
        <source>Retry in another &amp;folder…</source>
        <translation>In anderem Ordner &amp;wiederholen…</translation>
    </message>
    <message>
        <source>Copy &amp;path</source>
        <translation>&amp;Pfad kopieren</translation>
    </message>
    <message>
        <source>No application could open “%1”. Use Show in folder, or set a default application for this kind of file.</source>
        <translation>Keine Anwendung konnte „%1“ öffnen. Verwenden Sie „Im Ordner anzeigen“ oder legen Sie eine Standardanwendung für diesen Dateityp fest.</translation>
    </message>
    <message>
        <source>No file manager could show %1.</source>
        <translation>Kein Dateimanager konnte %1 anzeigen.</translation>
    </message>
    <message>
        <source>“%1” could not be taken off the list: %2</source>
        <translation>„%1“ konnte nicht aus der Liste entfernt werden: %2</translation>
    </message>
    <message>
        <source>The download history could not be saved: %1</source>
        <translation>Der Download-Verlauf konnte nicht gespeichert werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n running</source>
        <translation>
            <numerusform>%n läuft</numerusform>
            <numerusform>%n laufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n saved</source>
        <translation>
            <numerusform>%n gespeichert</numerusform>
            <numerusform>%n gespeichert</numerusform>
        </translation>
    </message>
    <message>
        <source>No downloads yet.
The reports you download appear here, with the ones saved before. Select a report and press Ctrl+S, or drop report ids on the window.</source>
        <translation>Noch keine Downloads.
Die Berichte, die Sie herunterladen, erscheinen hier zusammen mit den früher gespeicherten. Wählen Sie einen Bericht und drücken Sie Strg+S, oder ziehen Sie Berichts-IDs auf das Fenster.</translation>
    </message>
    <message>
        <source>No download matches “%1”.</source>
        <translation>Kein Download passt zu „%1“.</translation>
    </message>
    <message>
        <source>Cle&amp;ar history</source>
        <translation>&amp;Verlauf löschen</translation>
    </message>
    <message>
        <source>Remove the download from the list, or cancel it while it runs</source>
        <translation>Den Download aus der Liste entfernen oder ihn abbrechen, während er läuft</translation>
    </message>
    <message>
        <source>Cancel the download</source>
        <translation>Den Download abbrechen</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>Wieder&amp;holen</translation>
    </message>
    <message>
        <source>Download a&amp;gain</source>
        <translation>Erneut herunter&amp;laden</translation>
    </message>
    <message>
        <source>Ope&amp;n file</source>
        <translation>Datei &amp;öffnen</translation>
    </message>
    <message>
        <source>Sho&amp;w in folder</source>
        <translation>Im &amp;Ordner anzeigen</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DropOverlay</name>
    <message>
        <source>Drop report ids to download</source>
        <translation>Berichts-IDs hier ablegen, um sie herunterzuladen</translation>
    </message>
    <message>
        <source>Drop area</source>
        <translation>Ablagebereich</translation>
    </message>
    <message numerus="yes">
        <source>Drop %n report ids to download</source>
        <translation>
            <numerusform>%n Berichts-ID hier ablegen, um sie herunterzuladen</numerusform>
            <numerusform>%n Berichts-IDs hier ablegen, um sie herunterzuladen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::MainWindow</name>
    <message>
        <source>The dropped text holds no report id.</source>
        <translation>Der abgelegte Text enthält keine Berichts-ID.</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Use your company&apos;s GetBill API access</source>
        <translation>Den GetBill-API-Zugang Ihres Unternehmens verwenden</translation>
    </message>
    <message>
        <source>Try the application with sample reports served from this computer</source>
        <translation>Die Anwendung mit Beispielberichten von diesem Computer ausprobieren</translation>
    </message>
    <message>
        <source>No application could open “%1”.</source>
        <translation>Keine Anwendung konnte „%1“ öffnen.</translation>
    </message>
    <message>
        <source>No file manager could show %1.</source>
        <translation>Kein Dateimanager konnte %1 anzeigen.</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>Demo data (sample reports on this computer)</source>
        <translation>Demodaten (Beispielberichte auf diesem Computer)</translation>
    </message>
    <message>
        <source>GetBill Reports — Demo data</source>
        <translation>GetBill Reports — Demodaten</translation>
    </message>
    <message>
        <source>GetBill Reports</source>
        <translation>GetBill Reports</translation>
    </message>
    <message>
        <source>%1% — %2</source>
        <translation>%1 % — %2</translation>
    </message>
    <message>
        <source>The report list could not be loaded: %1</source>
        <translation>Die Berichtsliste konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>%1 Report ids look like report_abc123; links like getbill://report/report_abc123 work too.</source>
        <translation>%1 Berichts-IDs sehen aus wie report_abc123; Links wie getbill://report/report_abc123 funktionieren auch.</translation>
    </message>
    <message>
        <source>The clipboard holds no report id.</source>
        <translation>Die Zwischenablage enthält keine Berichts-ID.</translation>
    </message>
    <message>
        <source>No report id found.</source>
        <translation>Keine Berichts-ID gefunden.</translation>
    </message>
    <message>
        <source>Sign in or explore the demo data first; %1 will then be downloaded.</source>
        <translation>Melden Sie sich an oder probieren Sie zuerst die Demodaten aus; %1 wird danach heruntergeladen.</translation>
    </message>
    <message>
        <source>Select a report to download first.</source>
        <translation>Wählen Sie zuerst einen Bericht zum Herunterladen aus.</translation>
    </message>
    <message>
        <source>Saved “%1” to %2</source>
        <translation>„%1“ in %2 gespeichert</translation>
    </message>
    <message>
        <source>“%1” was not saved: %2</source>
        <translation>„%1“ wurde nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>Download of “%1” cancelled; nothing was saved.</source>
        <translation>Download von „%1“ abgebrochen; es wurde nichts gespeichert.</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <source>Download &amp;to…</source>
        <translation>Herunterladen &amp;nach…</translation>
    </message>
    <message>
        <source>&amp;Paste report ids</source>
        <translation>Berichts-IDs &amp;einfügen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>Sign &amp;in…</source>
        <translation>&amp;Anmelden…</translation>
    </message>
    <message>
        <source>Back to d&amp;emo data</source>
        <translation>Zurück zu den &amp;Demodaten</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;About GetBill Reports</source>
        <translation>&amp;Über GetBill Reports</translation>
    </message>
    <message>
        <source>About GetBill Reports</source>
        <translation>Über GetBill Reports</translation>
    </message>
    <message>
        <source>&lt;b&gt;GetBill Reports %1&lt;/b&gt;&lt;p&gt;Lists your company&apos;s GetBill reports and saves them where you choose.&lt;/p&gt;</source>
        <translation>&lt;b&gt;GetBill Reports %1&lt;/b&gt;&lt;p&gt;Listet die GetBill-Berichte Ihres Unternehmens auf und speichert sie, wo Sie möchten.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Save &amp;diagnostics…</source>
        <translation>&amp;Diagnose speichern…</translation>
    </message>
    <message>
        <source>&amp;Downloads panel</source>
        <translation>&amp;Download-Bereich</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Run &amp;watch rules now</source>
        <translation>Überwachungsregeln &amp;jetzt ausführen</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
</context>
<context>
    <name>getbill::gui::MessageBar</name>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Close this message</source>
        <translation>Diese Meldung schließen</translation>
    </message>
    <message>
        <source>Close message</source>
        <translation>Meldung schließen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Information</translation>
    </message>
</context>
<context>
    <name>getbill::gui::PdfPreviewWidget</name>
    <message>
        <source>Previous page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Nächste Seite</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>An Breite anpassen</translation>
    </message>
    <message>
        <source>Fit the page to the width</source>
        <translation>Die Seite an die Breite anpassen</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Copy the text of this page</source>
        <translation>Den Text dieser Seite kopieren</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>PDF pages</source>
        <translation>PDF-Seiten</translation>
    </message>
    <message>
        <source>Page %L1 of %L2</source>
        <translation>Seite %L1 von %L2</translation>
    </message>
    <message>
        <source>Zoom in (now %1 %)</source>
        <translation>Vergrößern (derzeit %1 %)</translation>
    </message>
    <message>
        <source>Zoom out (now %1 %)</source>
        <translation>Verkleinern (derzeit %1 %)</translation>
    </message>
</context>
<context>
    <name>getbill::gui::PreviewLoader</name>
    <message>
        <source>The PDF is protected by a password; the preview cannot open it.</source>
        <translation>Das PDF ist passwortgeschützt; die Vorschau kann es nicht öffnen.</translation>
    </message>
    <message>
        <source>The PDF is encrypted in a way the preview does not support.</source>
        <translation>Das PDF ist auf eine Weise verschlüsselt, die die Vorschau nicht unterstützt.</translation>
    </message>
    <message>
        <source>The file to preview could not be opened.</source>
        <translation>Die Datei für die Vorschau konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>The PDF is damaged or is not a PDF; the preview cannot show it.</source>
        <translation>Das PDF ist beschädigt oder kein PDF; die Vorschau kann es nicht anzeigen.</translation>
    </message>
    <message>
        <source>PDF previews need getbill-pdf-check, which is missing from this installation.</source>
        <translation>PDF-Vorschauen benötigen getbill-pdf-check, das in dieser Installation fehlt.</translation>
    </message>
    <message>
        <source>PDF previews need getbill-pdf-check, which could not be started: %1</source>
        <translation>PDF-Vorschauen benötigen getbill-pdf-check, das nicht gestartet werden konnte: %1</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The PDF could not be opened within %1 s: it is damaged, or made to hang PDF readers. It was not opened in the window.</source>
        <translation>Das PDF konnte nicht innerhalb von %1 s geöffnet werden: Es ist beschädigt oder darauf angelegt, PDF-Reader hängen zu lassen. Es wurde nicht im Fenster geöffnet.</translation>
    </message>
    <message>
        <source>The PDF made the PDF reader fail: it is damaged, or made to attack PDF readers. It was not opened in the window.</source>
        <translation>Das PDF hat den PDF-Reader abstürzen lassen: Es ist beschädigt oder darauf angelegt, PDF-Reader anzugreifen. Es wurde nicht im Fenster geöffnet.</translation>
    </message>
    <message>
        <source>The PDF has %L1 pages, more than a preview shows (%L2).</source>
        <translation>Das PDF hat %L1 Seiten, mehr als eine Vorschau zeigt (%L2).</translation>
    </message>
    <message>
        <source>Page %L1 of the PDF has an impossible size (%L2 × %L3 points); the preview does not show it.</source>
        <translation>Seite %L1 des PDFs hat eine unmögliche Größe (%L2 × %L3 Punkt); die Vorschau zeigt sie nicht.</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ProxyDialog</name>
    <message>
        <source>Proxy sign-in</source>
        <translation>Proxy-Anmeldung</translation>
    </message>
    <message>
        <source>The network proxy %1 asks for a user name and password. They are kept for this session only.</source>
        <translation>Der Netzwerk-Proxy %1 fragt nach Benutzername und Passwort. Sie werden nur für diese Sitzung behalten.</translation>
    </message>
    <message>
        <source>Proxy user name</source>
        <translation>Proxy-Benutzername</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Proxy-Passwort</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
</context>
<context>
    <name>getbill::gui::QuitQuestion</name>
    <message>
        <source>Quit GetBill Reports</source>
        <translation>GetBill Reports beenden</translation>
    </message>
    <message>
        <source>A download is running.</source>
        <translation>Ein Download läuft.</translation>
    </message>
    <message>
        <source>Quit now and it continues where it stopped the next time GetBill Reports starts, or let it finish with the window closed.</source>
        <translation>Beenden Sie jetzt, und er wird beim nächsten Start von GetBill Reports dort fortgesetzt, wo er aufgehört hat – oder lassen Sie ihn bei geschlossenem Fenster zu Ende laufen.</translation>
    </message>
    <message>
        <source>Quit now and they continue where they stopped the next time GetBill Reports starts, or let them finish with the window closed.</source>
        <translation>Beenden Sie jetzt, und sie werden beim nächsten Start von GetBill Reports dort fortgesetzt, wo sie aufgehört haben – oder lassen Sie sie bei geschlossenem Fenster zu Ende laufen.</translation>
    </message>
    <message>
        <source>&amp;Quit and resume later</source>
        <translation>&amp;Beenden und später fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Keep downloading in the background</source>
        <translation>Im &amp;Hintergrund weiter herunterladen</translation>
    </message>
    <message numerus="yes">
        <source>%n downloads are running.</source>
        <translation>
            <numerusform>%n Download läuft.</numerusform>
            <numerusform>%n Downloads laufen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportColumns</name>
    <message>
        <source>&amp;Columns</source>
        <translation>S&amp;palten</translation>
    </message>
    <message>
        <source>%1 (no room in this width)</source>
        <translation>%1 (kein Platz bei dieser Breite)</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportDetailPanel</name>
    <message>
        <source>&amp;Download</source>
        <translation>Herunter&amp;laden</translation>
    </message>
    <message>
        <source>Copy &amp;id</source>
        <translation>&amp;ID kopieren</translation>
    </message>
    <message>
        <source>Report details</source>
        <translation>Berichtsdetails</translation>
    </message>
    <message>
        <source>Select a report to see its details.</source>
        <translation>Wählen Sie einen Bericht aus, um seine Details zu sehen.</translation>
    </message>
    <message>
        <source>Report title</source>
        <translation>Berichtstitel</translation>
    </message>
    <message>
        <source>Why this report cannot be downloaded</source>
        <translation>Warum dieser Bericht nicht heruntergeladen werden kann</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Download link expiry</source>
        <translation>Ablauf des Download-Links</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <source>Generated:</source>
        <translation>Erstellt:</translation>
    </message>
    <message>
        <source>Requested:</source>
        <translation>Angefordert:</translation>
    </message>
    <message>
        <source>Download:</source>
        <translation>Download:</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>ID:</translation>
    </message>
    <message>
        <source>Saved to:</source>
        <translation>Gespeichert in:</translation>
    </message>
    <message>
        <source>Save the report where you choose, or in your download folder (Ctrl+S)</source>
        <translation>Den Bericht an einem Ort Ihrer Wahl oder in Ihrem Download-Ordner speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Always ask where to save this report (Ctrl+Shift+S)</source>
        <translation>Immer fragen, wo dieser Bericht gespeichert wird (Strg+Umschalt+S)</translation>
    </message>
    <message>
        <source>Open the saved file with its usual application</source>
        <translation>Die gespeicherte Datei mit ihrer üblichen Anwendung öffnen</translation>
    </message>
    <message>
        <source>Open the folder that contains the saved file</source>
        <translation>Den Ordner öffnen, der die gespeicherte Datei enthält</translation>
    </message>
    <message>
        <source>Copy the report id, e.g. for the command-line tool or a colleague</source>
        <translation>Die Berichts-ID kopieren, z. B. für das Befehlszeilenwerkzeug oder eine Kollegin</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Details or preview</source>
        <translation>Details oder Vorschau</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>The report&apos;s pages or tables, without saving it</source>
        <translation>Die Seiten oder Tabellen des Berichts, ohne ihn zu speichern</translation>
    </message>
    <message>
        <source>%1 (%L2 bytes)</source>
        <translation>%1 (%L2 Bytes)</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>noch nicht</translation>
    </message>
    <message>
        <source>available</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>nicht verfügbar</translation>
    </message>
    <message>
        <source>The status is checked every %1 while this panel is open.</source>
        <translation>Der Status wird alle %1 geprüft, solange dieser Bereich geöffnet ist.</translation>
    </message>
    <message>
        <source>Download t&amp;o…</source>
        <translation>Herunterladen &amp;nach…</translation>
    </message>
    <message>
        <source>O&amp;pen</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Show in fo&amp;lder</source>
        <translation>Im &amp;Ordner anzeigen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportPreviewPane</name>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Speichern…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Where the preview comes from</source>
        <translation>Herkunft der Vorschau</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the report, as Download does (from the preview&apos;s copy when it has one)</source>
        <translation>Den Bericht speichern wie „Herunterladen“ (aus der Kopie der Vorschau, wenn es eine gibt)</translation>
    </message>
    <message>
        <source>Preview status</source>
        <translation>Status der Vorschau</translation>
    </message>
    <message>
        <source>Preview progress</source>
        <translation>Fortschritt der Vorschau</translation>
    </message>
    <message>
        <source>Cancel the preview</source>
        <translation>Vorschau abbrechen</translation>
    </message>
    <message>
        <source>Copied the text of page %L1</source>
        <translation>Text von Seite %L1 kopiert</translation>
    </message>
    <message>
        <source>Loading the preview…</source>
        <translation>Vorschau wird geladen…</translation>
    </message>
    <message>
        <source>The preview loads when this tab is open.</source>
        <translation>Die Vorschau wird geladen, wenn dieser Tab geöffnet ist.</translation>
    </message>
    <message>
        <source>Select a report to preview it.</source>
        <translation>Wählen Sie einen Bericht für die Vorschau aus.</translation>
    </message>
    <message>
        <source>This report is %1. Reports over %2 are previewed when you ask, so that going through the list does not use up your GetBill request allowance.</source>
        <translation>Dieser Bericht ist %1 groß. Berichte über %2 werden nur auf Wunsch angezeigt, damit das Durchblättern der Liste Ihr GetBill-Anfragekontingent nicht aufbraucht.</translation>
    </message>
    <message>
        <source>of unknown size</source>
        <translation>unbekannter Größe</translation>
    </message>
    <message>
        <source>&amp;Load preview</source>
        <translation>&amp;Vorschau laden</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file.</source>
        <translation>Für diesen Dateityp gibt es keine Vorschau.</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file (%1).</source>
        <translation>Für diesen Dateityp gibt es keine Vorschau (%1).</translation>
    </message>
    <message>
        <source>Looking for the file…</source>
        <translation>Datei wird gesucht…</translation>
    </message>
    <message>
        <source>Asking GetBill for the file…</source>
        <translation>Datei wird bei GetBill angefordert…</translation>
    </message>
    <message>
        <source>Downloading for the preview…</source>
        <translation>Wird für die Vorschau heruntergeladen…</translation>
    </message>
    <message>
        <source>Waiting to try again…</source>
        <translation>Warten auf erneuten Versuch…</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>Datei wird geprüft…</translation>
    </message>
    <message>
        <source>Downloading for the preview… %1 of %2</source>
        <translation>Wird für die Vorschau heruntergeladen… %1 von %2</translation>
    </message>
    <message>
        <source>The preview could not be loaded: %1</source>
        <translation>Die Vorschau konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>Datei wird gelesen…</translation>
    </message>
    <message>
        <source>The preview cannot show this file: %1</source>
        <translation>Die Vorschau kann diese Datei nicht anzeigen: %1</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Load the preview</source>
        <translation>Vorschau laden</translation>
    </message>
    <message>
        <source>From your saved copy</source>
        <translation>Aus Ihrer gespeicherten Kopie</translation>
    </message>
    <message>
        <source>From the preview&apos;s copy on this computer</source>
        <translation>Aus der Vorschau-Kopie auf diesem Computer</translation>
    </message>
    <message>
        <source>Downloaded for the preview</source>
        <translation>Für die Vorschau heruntergeladen</translation>
    </message>
    <message>
        <source>Try aga&amp;in</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportTableModel</name>
    <message>
        <source>Downloaded</source>
        <translation>Heruntergeladen</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gespeichert in %1</translation>
    </message>
    <message>
        <source>%L1 bytes</source>
        <translation>%L1 Bytes</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportsView</name>
    <message>
        <source>“%1” is ready to download.</source>
        <translation>„%1“ kann heruntergeladen werden.</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>%1 kopiert</translation>
    </message>
    <message>
        <source>Loading reports…</source>
        <translation>Berichte werden geladen…</translation>
    </message>
    <message>
        <source>Loading reports… page %1 of %2</source>
        <translation>Berichte werden geladen… Seite %1 von %2</translation>
    </message>
    <message>
        <source>1 report loaded</source>
        <translation>1 Bericht geladen</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Alle Typen</translation>
    </message>
    <message>
        <source>Loading reports from GetBill…</source>
        <translation>Berichte werden von GetBill geladen…</translation>
    </message>
    <message>
        <source>No report matches the search or the type filter.</source>
        <translation>Kein Bericht passt zur Suche oder zum Typfilter.</translation>
    </message>
    <message>
        <source>Show all reports</source>
        <translation>Alle Berichte anzeigen</translation>
    </message>
    <message>
        <source>The report list could not be loaded.</source>
        <translation>Die Berichtsliste konnte nicht geladen werden.</translation>
    </message>
    <message>
        <source>There are no reports yet. GetBill lists them here once they are generated.</source>
        <translation>Es gibt noch keine Berichte. GetBill listet sie hier auf, sobald sie erstellt sind.</translation>
    </message>
    <message>
        <source>The report list has not been loaded.</source>
        <translation>Die Berichtsliste wurde nicht geladen.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>1 report</source>
        <translation>1 Bericht</translation>
    </message>
    <message>
        <source>%1 of %2 reports</source>
        <translation>%1 von %2 Berichten</translation>
    </message>
    <message numerus="yes">
        <source>%n reports loaded</source>
        <translation>
            <numerusform>%n Bericht geladen</numerusform>
            <numerusform>%n Berichte geladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reports</source>
        <translation>
            <numerusform>%n Bericht</numerusform>
            <numerusform>%n Berichte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::SearchEscape</name>
    <message>
        <source>Clear the search, then go back to the list</source>
        <translation>Die Suche leeren, dann zur Liste zurückkehren</translation>
    </message>
</context>
<context>
    <name>getbill::gui::SettingsDialog</name>
    <message>
        <source>The folder %1 could not be created. Choose another one.</source>
        <translation>Der Ordner %1 konnte nicht erstellt werden. Wählen Sie einen anderen.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Save reports to</source>
        <translation>Berichte speichern in</translation>
    </message>
    <message>
        <source>Extra trusted certificates</source>
        <translation>Zusätzliche vertrauenswürdige Zertifikate</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The certificates file %1 does not exist.</source>
        <translation>Die Zertifikatsdatei %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Choose an existing folder to save reports to.</source>
        <translation>Wählen Sie einen vorhandenen Ordner zum Speichern der Berichte.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist yet.</source>
        <translation>Der Ordner %1 existiert noch nicht.</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder. Choose a folder to save reports to.</source>
        <translation>%1 ist eine Datei, kein Ordner. Wählen Sie einen Ordner zum Speichern der Berichte.</translation>
    </message>
    <message>
        <source>Reports cannot be saved to %1: the folder is not writable.</source>
        <translation>Berichte können nicht in %1 gespeichert werden: In den Ordner kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>&amp;Watch</source>
        <translation>Ü&amp;berwachung</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ShortcutsDialog</name>
    <message>
        <source>Anywhere in the window</source>
        <translation>Überall im Fenster</translation>
    </message>
    <message>
        <source>In “%1”</source>
        <translation>In „%1“</translation>
    </message>
    <message>
        <source>Where it is shown</source>
        <translation>Dort, wo es angezeigt wird</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Every menu also opens with Alt and its underlined letter; Tab moves between the window&apos;s parts.</source>
        <translation>Jedes Menü öffnet sich auch mit Alt und seinem unterstrichenen Buchstaben; Tab wechselt zwischen den Bereichen des Fensters.</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
</context>
<context>
    <name>getbill::gui::SignInDialog</name>
    <message>
        <source>Where do I get these? In &lt;a href=&quot;%1&quot;&gt;GetBill&lt;/a&gt;, a company administrator creates them under Company → API Client Management; the token needs the &lt;i&gt;reports:read&lt;/i&gt; scope.</source>
        <translation>Woher bekomme ich sie? In &lt;a href=&quot;%1&quot;&gt;GetBill&lt;/a&gt; erstellt sie ein Administrator des Unternehmens unter Unternehmen → API-Client-Verwaltung; das Token braucht den Scope &lt;i&gt;reports:read&lt;/i&gt;.</translation>
    </message>
    <message>
        <source>Where do I get these?</source>
        <translation>Woher bekomme ich sie?</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>Nicht angemeldet.</translation>
    </message>
    <message>
        <source>the API client %1</source>
        <translation>dem API-Client %1</translation>
    </message>
    <message>
        <source>an access token</source>
        <translation>einem Zugriffstoken</translation>
    </message>
    <message>
        <source>Connected to %1 with %2.</source>
        <translation>Mit %1 verbunden über %2.</translation>
    </message>
    <message>
        <source>The current access token expires at %1 and is renewed automatically.</source>
        <translation>Das aktuelle Zugriffstoken läuft um %1 ab und wird automatisch erneuert.</translation>
    </message>
    <message>
        <source>Saved in: %1.</source>
        <translation>Gespeichert in: %1.</translation>
    </message>
    <message>
        <source>The API address must start with https:// (plain http only for this computer), without ? or #.</source>
        <translation>Die API-Adresse muss mit https:// beginnen (einfaches http nur für diesen Computer), ohne ? oder #.</translation>
    </message>
    <message>
        <source>Paste an access token first.</source>
        <translation>Fügen Sie zuerst ein Zugriffstoken ein.</translation>
    </message>
    <message>
        <source>Enter the API client&apos;s id and secret first.</source>
        <translation>Geben Sie zuerst die ID und das Secret des API-Clients ein.</translation>
    </message>
    <message>
        <source>Not signed in: %1</source>
        <translation>Nicht angemeldet: %1</translation>
    </message>
    <message>
        <source>Check that the token was pasted whole, that it has not expired and that it has the reports:read scope.</source>
        <translation>Prüfen Sie, ob das Token vollständig eingefügt wurde, nicht abgelaufen ist und den Scope reports:read hat.</translation>
    </message>
    <message>
        <source>Check the client id and secret, and that the API client is still active in GetBill.</source>
        <translation>Prüfen Sie Client-ID und Secret und ob der API-Client in GetBill noch aktiv ist.</translation>
    </message>
    <message>
        <source>The credential works, but it could not be saved. %1</source>
        <translation>Die Zugangsdaten funktionieren, konnten aber nicht gespeichert werden. %1</translation>
    </message>
    <message>
        <source>Signed out for now, but the saved credential could not be removed. %1</source>
        <translation>Vorerst abgemeldet, aber die gespeicherten Zugangsdaten konnten nicht entfernt werden. %1</translation>
    </message>
    <message>
        <source>Signed out: the saved credential was removed.</source>
        <translation>Abgemeldet: Die gespeicherten Zugangsdaten wurden entfernt.</translation>
    </message>
</context>
<context>
    <name>getbill::gui::TablePreviewWidget</name>
    <message>
        <source>Sheets</source>
        <translation>Tabellenblätter</translation>
    </message>
    <message>
        <source>Sheet %1</source>
        <translation>Tabellenblatt %1</translation>
    </message>
    <message>
        <source>Preview table</source>
        <translation>Vorschautabelle</translation>
    </message>
    <message>
        <source>Showing %L1 of %L2 rows</source>
        <translation>%L1 von %L2 Zeilen angezeigt</translation>
    </message>
</context>
<context>
    <name>getbill::gui::TrayIcon</name>
    <message>
        <source>Show window</source>
        <translation>Fenster anzeigen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>GetBill Reports</source>
        <translation>GetBill Reports</translation>
    </message>
    <message>
        <source>%1 — %2%</source>
        <translation>%1 — %2 %</translation>
    </message>
    <message>
        <source>GetBill Reports — 1 download running</source>
        <translation>GetBill Reports — 1 Download läuft</translation>
    </message>
    <message numerus="yes">
        <source>GetBill Reports — %n downloads running</source>
        <translation>
            <numerusform>GetBill Reports — %n Download läuft</numerusform>
            <numerusform>GetBill Reports — %n Downloads laufen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::WatchPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>Bea&amp;rbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>Entfer&amp;nen</translation>
    </message>
    <message>
        <source>R&amp;un now</source>
        <translation>Jetzt a&amp;usführen</translation>
    </message>
    <message>
        <source>While GetBill Reports runs, also in the tray, watch rules save each new completed report of their types into their folder, as getbill-reports-cli sync does. Reports being generated are saved once they complete.</source>
        <translation>Solange GetBill Reports läuft, auch im Infobereich, speichern Überwachungsregeln jeden neuen fertiggestellten Bericht ihrer Typen in ihrem Ordner, wie es getbill-reports-cli sync tut. Berichte, die gerade erstellt werden, werden gespeichert, sobald sie fertig sind.</translation>
    </message>
    <message>
        <source>Watch rules</source>
        <translation>Überwachungsregeln</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Types</source>
        <translation>Typen</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Add watch rule</source>
        <translation>Überwachungsregel hinzufügen</translation>
    </message>
    <message>
        <source>Edit watch rule</source>
        <translation>Überwachungsregel bearbeiten</translation>
    </message>
    <message>
        <source>Remove watch rule</source>
        <translation>Überwachungsregel entfernen</translation>
    </message>
    <message>
        <source>Run watch rule now</source>
        <translation>Überwachungsregel jetzt ausführen</translation>
    </message>
    <message>
        <source>Minutes between checks</source>
        <translation>Minuten zwischen den Prüfungen</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>&amp;Check for new reports every:</source>
        <translation>&amp;Prüfintervall für neue Berichte:</translation>
    </message>
    <message>
        <source>(less often when GetBill&apos;s hourly request budget runs low)</source>
        <translation>(seltener, wenn das stündliche GetBill-Anfragekontingent knapp wird)</translation>
    </message>
    <message>
        <source>Watch rule status</source>
        <translation>Status der Überwachungsregel</translation>
    </message>
    <message>
        <source>Every type</source>
        <translation>Alle Typen</translation>
    </message>
    <message>
        <source>“%1” is looking for new reports…</source>
        <translation>„%1“ sucht nach neuen Berichten…</translation>
    </message>
    <message>
        <source>“%1”: %2</source>
        <translation>„%1“: %2</translation>
    </message>
    <message>
        <source>“%1”: nothing new.</source>
        <translation>„%1“: nichts Neues.</translation>
    </message>
    <message numerus="yes">
        <source>“%1”: %n new report(s) saved.</source>
        <translation>
            <numerusform>„%1“: %n neuer Bericht gespeichert.</numerusform>
            <numerusform>„%1“: %n neue Berichte gespeichert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::WatchRuleDialog</name>
    <message>
        <source>&amp;Watch with this rule</source>
        <translation>Mit dieser Regel ü&amp;berwachen</translation>
    </message>
    <message>
        <source>New watch rule</source>
        <translation>Neue Überwachungsregel</translation>
    </message>
    <message>
        <source>Watch rule</source>
        <translation>Überwachungsregel</translation>
    </message>
    <message>
        <source>Rule name</source>
        <translation>Name der Regel</translation>
    </message>
    <message>
        <source>Monthly financial reports</source>
        <translation>Monatliche Finanzberichte</translation>
    </message>
    <message>
        <source>Report types</source>
        <translation>Berichtstypen</translation>
    </message>
    <message>
        <source>Every type (or: financial, collection)</source>
        <translation>Alle Typen (oder: financial, collection)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Watch rule error</source>
        <translation>Fehler in der Überwachungsregel</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>Choose folder</source>
        <translation>Ordner auswählen</translation>
    </message>
    <message>
        <source>Save the rule&apos;s reports to</source>
        <translation>Berichte der Regel speichern in</translation>
    </message>
    <message>
        <source>Where each report goes under the folder; / makes folders. Fields: %1. Dates take a format: {period_from:yyyy}/{period_from:yyyy-MM}.</source>
        <translation>Wohin jeder Bericht im Ordner kommt; / legt Ordner an. Felder: %1. Datumsangaben nehmen ein Format an: {period_from:yyyy}/{period_from:yyyy-MM}.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Report &amp;types:</source>
        <translation>Berichts&amp;typen:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>T&amp;emplate:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>Name: another rule is called “%1”.</source>
        <translation>Name: Eine andere Regel heißt bereits „%1“.</translation>
    </message>
    <message>
        <source>Folder: %1 is a file, not a folder.</source>
        <translation>Ordner: %1 ist eine Datei, kein Ordner.</translation>
    </message>
    <message>
        <source>Folder: %1 could not be created.</source>
        <translation>Ordner: %1 konnte nicht erstellt werden.</translation>
    </message>
</context>
<context>
    <name>getbill::json</name>
    <message>
        <source>GetBill sent an answer this application does not understand (%1).</source>
        <translation>GetBill hat eine Antwort gesendet, die diese Anwendung nicht versteht (%1).</translation>
    </message>
    <message>
        <source>field &quot;%1&quot; is not text</source>
        <translation>das Feld „%1“ ist kein Text</translation>
    </message>
    <message>
        <source>field &quot;%1&quot; is not a valid number</source>
        <translation>das Feld „%1“ ist keine gültige Zahl</translation>
    </message>
    <message>
        <source>an HTML page instead of data</source>
        <translation>eine HTML-Seite statt Daten</translation>
    </message>
    <message>
        <source>the data is not valid JSON</source>
        <translation>die Daten sind kein gültiges JSON</translation>
    </message>
    <message>
        <source>the data is not a JSON object</source>
        <translation>die Daten sind kein JSON-Objekt</translation>
    </message>
    <message>
        <source>a report has no valid &quot;id&quot;</source>
        <translation>ein Bericht hat keine gültige „id“</translation>
    </message>
    <message>
        <source>field &quot;download_available&quot; is not true or false</source>
        <translation>das Feld „download_available“ ist weder true noch false</translation>
    </message>
    <message>
        <source>the report list is missing</source>
        <translation>die Berichtsliste fehlt</translation>
    </message>
    <message>
        <source>a report is not an object</source>
        <translation>ein Bericht ist kein Objekt</translation>
    </message>
    <message>
        <source>field &quot;pagination&quot; is not an object</source>
        <translation>das Feld „pagination“ ist kein Objekt</translation>
    </message>
    <message>
        <source>the report is missing</source>
        <translation>der Bericht fehlt</translation>
    </message>
    <message>
        <source>the download information is missing</source>
        <translation>die Download-Informationen fehlen</translation>
    </message>
    <message>
        <source>the download information has no valid &quot;id&quot;</source>
        <translation>die Download-Informationen haben keine gültige „id“</translation>
    </message>
    <message>
        <source>field &quot;file_size&quot; is missing or not a number</source>
        <translation>das Feld „file_size“ fehlt oder ist keine Zahl</translation>
    </message>
    <message>
        <source>field &quot;download_url&quot; is missing or not text</source>
        <translation>das Feld „download_url“ fehlt oder ist kein Text</translation>
    </message>
    <message>
        <source>the download link is not a valid web address</source>
        <translation>der Download-Link ist keine gültige Webadresse</translation>
    </message>
    <message>
        <source>GetBill offered a download link that is not secure (not https); it was not used.</source>
        <translation>GetBill hat einen unsicheren Download-Link angeboten (kein https); er wurde nicht verwendet.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::CsvReader</name>
    <message>
        <source>Line %L1 is longer than %L2 characters, more than a preview shows.</source>
        <translation>Zeile %L1 ist länger als %L2 Zeichen, mehr als eine Vorschau zeigt.</translation>
    </message>
    <message>
        <source>Line %L1 has more than %L2 columns, more than a preview shows.</source>
        <translation>Zeile %L1 hat mehr als %L2 Spalten, mehr als eine Vorschau zeigt.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The file is larger than %1, more than a preview reads.</source>
        <translation>Die Datei ist größer als %1, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The file could not be read: %1</source>
        <translation>Die Datei konnte nicht gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>getbill::preview::PreviewReader</name>
    <message>
        <source>%1 could not be opened: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>getbill::preview::XlsxReader</name>
    <message>
        <source>The workbook lists the sheet &quot;%1&quot;, but the file does not contain it.</source>
        <translation>Die Arbeitsmappe nennt das Tabellenblatt „%1“, die Datei enthält es aber nicht.</translation>
    </message>
    <message>
        <source>The workbook has no worksheet to show.</source>
        <translation>Die Arbeitsmappe hat kein Tabellenblatt zum Anzeigen.</translation>
    </message>
    <message>
        <source>The workbook could not be read: %1</source>
        <translation>Die Arbeitsmappe konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The workbook could not be read: a ZIP archive needs a device that can seek.</source>
        <translation>Die Arbeitsmappe konnte nicht gelesen werden: Ein ZIP-Archiv braucht ein Gerät mit wahlfreiem Zugriff.</translation>
    </message>
    <message>
        <source>A cell in the workbook part %1 refers to shared text %2, which the workbook does not have.</source>
        <translation>Eine Zelle im Teil %1 der Arbeitsmappe verweist auf den gemeinsamen Text %2, den die Arbeitsmappe nicht enthält.</translation>
    </message>
    <message>
        <source>The sheet in the workbook part %1 has values in more than %2 columns, more than a preview shows.</source>
        <translation>Das Tabellenblatt im Teil %1 der Arbeitsmappe hat Werte in mehr als %2 Spalten, mehr als eine Vorschau zeigt.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: it has no workbook part (%1).</source>
        <translation>Dies ist keine XLSX-Arbeitsmappe: Es fehlt der Arbeitsmappenteil (%1).</translation>
    </message>
    <message>
        <source>The workbook has more than %L1 sheets, more than a preview reads.</source>
        <translation>Die Arbeitsmappe hat mehr als %L1 Tabellenblätter, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook has more than %L1 shared texts, more than a preview reads.</source>
        <translation>Die Arbeitsmappe hat mehr als %L1 gemeinsame Texte, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook&apos;s shared texts hold more than %L1 characters, more than a preview reads.</source>
        <translation>Die gemeinsamen Texte der Arbeitsmappe enthalten mehr als %L1 Zeichen, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook part %1 contains a document type declaration, which spreadsheets never need; it is refused for safety.</source>
        <translation>Der Teil %1 der Arbeitsmappe enthält eine Dokumenttypdeklaration, die Tabellen nie brauchen; er wird aus Sicherheitsgründen abgelehnt.</translation>
    </message>
    <message>
        <source>The workbook part %1 is not well-formed XML (line %2: %3).</source>
        <translation>Der Teil %1 der Arbeitsmappe ist kein wohlgeformtes XML (Zeile %2: %3).</translation>
    </message>
    <message>
        <source>A cell or text in the workbook part %1 holds more than %2 characters, more than a preview shows.</source>
        <translation>Eine Zelle oder ein Text im Teil %1 der Arbeitsmappe enthält mehr als %2 Zeichen, mehr als eine Vorschau zeigt.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::ZipArchive</name>
    <message>
        <source>This is a password-protected workbook or an old Excel (.xls) file; the preview reads only unprotected .xlsx files.</source>
        <translation>Dies ist eine passwortgeschützte Arbeitsmappe oder eine alte Excel-Datei (.xls); die Vorschau liest nur ungeschützte .xlsx-Dateien.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: the ZIP archive is empty.</source>
        <translation>Dies ist keine XLSX-Arbeitsmappe: Das ZIP-Archiv ist leer.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: the file is not a ZIP archive.</source>
        <translation>Dies ist keine XLSX-Arbeitsmappe: Die Datei ist kein ZIP-Archiv.</translation>
    </message>
    <message>
        <source>The workbook is damaged or incomplete: its ZIP directory cannot be read.</source>
        <translation>Die Arbeitsmappe ist beschädigt oder unvollständig: Ihr ZIP-Verzeichnis kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The workbook has more than %1 parts, more than a preview reads.</source>
        <translation>Die Arbeitsmappe hat mehr als %1 Teile, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook part %1 unpacks to %2, more than the %3 a preview reads.</source>
        <translation>Der Teil %1 der Arbeitsmappe entpackt sich auf %2, mehr als die %3, die eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook&apos;s parts add up to more than %1, more than a preview reads.</source>
        <translation>Die Teile der Arbeitsmappe ergeben zusammen mehr als %1, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook has no part %1.</source>
        <translation>Die Arbeitsmappe hat keinen Teil %1.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::ZipEntryDevice</name>
    <message>
        <source>The workbook part %1 is encrypted; the preview cannot read it.</source>
        <translation>Der Teil %1 der Arbeitsmappe ist verschlüsselt; die Vorschau kann ihn nicht lesen.</translation>
    </message>
    <message>
        <source>The workbook part %1 is compressed with method %2, which the preview does not read.</source>
        <translation>Der Teil %1 der Arbeitsmappe ist mit Methode %2 komprimiert, die die Vorschau nicht liest.</translation>
    </message>
    <message>
        <source>The workbook is damaged: its part %1 cannot be opened.</source>
        <translation>Die Arbeitsmappe ist beschädigt: Ihr Teil %1 kann nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>The workbook is damaged: its part %1 cannot be unpacked (%2).</source>
        <translation>Die Arbeitsmappe ist beschädigt: Ihr Teil %1 kann nicht entpackt werden (%2).</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
    <message>
        <source>read error</source>
        <translation>Lesefehler</translation>
    </message>
    <message>
        <source>the data ends early</source>
        <translation>die Daten enden zu früh</translation>
    </message>
    <message>
        <source>The workbook part %1 has an element or a text longer than %2, more than a preview reads.</source>
        <translation>Der Teil %1 der Arbeitsmappe hat ein Element oder einen Text länger als %2, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook is damaged or forged: its part %1 holds more data than its header declares.</source>
        <translation>Die Arbeitsmappe ist beschädigt oder manipuliert: Ihr Teil %1 enthält mehr Daten, als sein Header angibt.</translation>
    </message>
    <message>
        <source>The workbook unpacks to more than %1, more than a preview reads.</source>
        <translation>Die Arbeitsmappe entpackt sich auf mehr als %1, mehr als eine Vorschau liest.</translation>
    </message>
    <message>
        <source>The workbook looks like a ZIP bomb: its part %1 unpacks to more than %2 times its size.</source>
        <translation>Die Arbeitsmappe sieht nach einer ZIP-Bombe aus: Ihr Teil %1 entpackt sich auf mehr als das %2-Fache seiner Größe.</translation>
    </message>
    <message>
        <source>shorter than its header declares</source>
        <translation>kürzer als sein Header angibt</translation>
    </message>
    <message>
        <source>checksum mismatch</source>
        <translation>Prüfsumme stimmt nicht</translation>
    </message>
</context>
</TS>
