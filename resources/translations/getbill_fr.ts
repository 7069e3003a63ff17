<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>MainWindow</name>
    <message>
        <source>GetBill Reports</source>
        <translation>GetBill Reports</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>Bienvenue</translation>
    </message>
    <message>
        <source>GetBill Reports logo</source>
        <translation>Logo de GetBill Reports</translation>
    </message>
    <message>
        <source>Welcome to GetBill Reports</source>
        <translation>Bienvenue dans GetBill Reports</translation>
    </message>
    <message>
        <source>List your company&apos;s GetBill reports and save them where you want, in one click.
Sign in with your company&apos;s API access, or look around first with sample reports.</source>
        <translation>Affichez les rapports GetBill de votre entreprise et enregistrez-les où vous voulez, en un clic.
Connectez-vous avec l&apos;accès API de votre entreprise, ou découvrez d&apos;abord l&apos;application avec des rapports d&apos;exemple.</translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation>Se &amp;connecter…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>&amp;Explore with demo data</source>
        <translation>&amp;Explorer avec les données de démo</translation>
    </message>
    <message>
        <source>Explore with demo data</source>
        <translation>Explorer avec les données de démo</translation>
    </message>
    <message>
        <source>Demo data runs on this computer only: nothing is sent anywhere.</source>
        <translation>Les données de démo restent sur cet ordinateur&#xa0;: rien n&apos;est envoyé nulle part.</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapports</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Reports</source>
        <translation>Rapports</translation>
    </message>
    <message>
        <source>Search reports (Ctrl+F)</source>
        <translation>Rechercher des rapports (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search reports</source>
        <translation>Rechercher des rapports</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>T&amp;ype&#xa0;:</translation>
    </message>
    <message>
        <source>Report type</source>
        <translation>Type de rapport</translation>
    </message>
    <message>
        <source>Report count</source>
        <translation>Nombre de rapports</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Actuali&amp;ser</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Reload the list from GetBill (F5)</source>
        <translation>Recharger la liste depuis GetBill (F5)</translation>
    </message>
    <message>
        <source>Show all reports</source>
        <translation>Afficher tous les rapports</translation>
    </message>
    <message>
        <source>Report list</source>
        <translation>Liste des rapports</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>&amp;API address:</source>
        <translation>&amp;Adresse de l&apos;API&#xa0;:</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>Adresse de l&apos;API</translation>
    </message>
    <message>
        <source>The address of the account in use. Another address is another account: sign in there (File › Sign in…).</source>
        <translation>L&apos;adresse du compte utilisé. Une autre adresse est un autre compte&#xa0;: connectez-vous à celle-ci (Fichier › Se connecter…).</translation>
    </message>
    <message>
        <source>E&amp;xtra certificates:</source>
        <translation>Certificats s&amp;upplémentaires&#xa0;:</translation>
    </message>
    <message>
        <source>Extra certificates file</source>
        <translation>Fichier de certificats supplémentaires</translation>
    </message>
    <message>
        <source>PEM file of a company proxy&apos;s CA (optional)</source>
        <translation>Fichier PEM de l&apos;autorité de certification d&apos;un proxy d&apos;entreprise (facultatif)</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>Choose certificates file</source>
        <translation>Choisir le fichier de certificats</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Téléchargements</translation>
    </message>
    <message>
        <source>As&amp;k where to save each report</source>
        <translation>&amp;Demander où enregistrer chaque rapport</translation>
    </message>
    <message>
        <source>Ask where to save each report</source>
        <translation>Demander où enregistrer chaque rapport</translation>
    </message>
    <message>
        <source>Always save to this &amp;folder (existing files are never replaced):</source>
        <translation>Toujours enregistrer dans ce d&amp;ossier (sans jamais remplacer un fichier)&#xa0;:</translation>
    </message>
    <message>
        <source>Always save to this folder</source>
        <translation>Toujours enregistrer dans ce dossier</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>Dossier de téléchargement</translation>
    </message>
    <message>
        <source>Choose download folder</source>
        <translation>Choisir le dossier de téléchargement</translation>
    </message>
    <message>
        <source>Downloads at &amp;once:</source>
        <translation>Téléchargements si&amp;multanés&#xa0;:</translation>
    </message>
    <message>
        <source>Downloads at once</source>
        <translation>Téléchargements simultanés</translation>
    </message>
    <message>
        <source>Keep downloading in the &amp;tray when the window closes</source>
        <translation>Continuer dans la &amp;zone de notification quand la fenêtre se ferme</translation>
    </message>
    <message>
        <source>Keep downloading in the tray when the window closes</source>
        <translation>Continuer dans la zone de notification quand la fenêtre se ferme</translation>
    </message>
    <message>
        <source>Settings error</source>
        <translation>Erreur dans les paramètres</translation>
    </message>
    <message>
        <source>&amp;Create the folder</source>
        <translation>&amp;Créer le dossier</translation>
    </message>
    <message>
        <source>Create the folder</source>
        <translation>Créer le dossier</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Boutons de la boîte de dialogue</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>A change applies the next time GetBill Reports starts.</source>
        <translation>Une modification s&apos;applique au prochain démarrage de GetBill Reports.</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Pages des paramètres</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>&amp;Général</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in to GetBill</source>
        <translation>Se connecter à GetBill</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>État de la connexion</translation>
    </message>
    <message>
        <source>API &amp;address:</source>
        <translation>&amp;Adresse de l&apos;API&#xa0;:</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>Adresse de l&apos;API</translation>
    </message>
    <message>
        <source>https address of the GetBill API, or http on this computer</source>
        <translation>Adresse https de l&apos;API GetBill, ou http sur cet ordinateur</translation>
    </message>
    <message>
        <source>Sign in with</source>
        <translation>Se connecter avec</translation>
    </message>
    <message>
        <source>Kind of credential</source>
        <translation>Type d&apos;identifiants</translation>
    </message>
    <message>
        <source>An access &amp;token</source>
        <translation>Un &amp;jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Access toke&amp;n:</source>
        <translation>Jeton d&apos;accè&amp;s&#xa0;:</translation>
    </message>
    <message>
        <source>Access token value</source>
        <translation>Valeur du jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Paste the access token</source>
        <translation>Collez le jeton d&apos;accès</translation>
    </message>
    <message>
        <source>An API &amp;client (id + secret), stays signed in</source>
        <translation>Un c&amp;lient API (identifiant + secret), reste connecté</translation>
    </message>
    <message>
        <source>API client</source>
        <translation>Client API</translation>
    </message>
    <message>
        <source>Client &amp;id:</source>
        <translation>&amp;Identifiant client&#xa0;:</translation>
    </message>
    <message>
        <source>Client id</source>
        <translation>Identifiant client</translation>
    </message>
    <message>
        <source>Client s&amp;ecret:</source>
        <translation>Secr&amp;et client&#xa0;:</translation>
    </message>
    <message>
        <source>Client secret</source>
        <translation>Secret client</translation>
    </message>
    <message>
        <source>S&amp;how the token and the secret</source>
        <translation>A&amp;fficher le jeton et le secret</translation>
    </message>
    <message>
        <source>Show the token and the secret</source>
        <translation>Afficher le jeton et le secret</translation>
    </message>
    <message>
        <source>Testing the credential</source>
        <translation>Vérification des identifiants</translation>
    </message>
    <message>
        <source>&amp;Keep for this session only</source>
        <translation>&amp;Garder pour cette session seulement</translation>
    </message>
    <message>
        <source>Keep for this session only</source>
        <translation>Garder pour cette session seulement</translation>
    </message>
    <message>
        <source>Use the credential until the application quits, without saving it anywhere</source>
        <translation>Utiliser les identifiants jusqu&apos;à la fermeture de l&apos;application, sans les enregistrer nulle part</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <source>Test and &amp;save</source>
        <translation>&amp;Tester et enregistrer</translation>
    </message>
    <message>
        <source>Test and save</source>
        <translation>Tester et enregistrer</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>What went wrong while signing in</source>
        <translation>Ce qui n&apos;a pas fonctionné lors de la connexion</translation>
    </message>
</context>
<context>
    <name>getbill::Account</name>
    <message>
        <source>The keychain item of this account is not readable by this version. Sign in again.</source>
        <translation>L&apos;élément du trousseau de ce compte n&apos;est pas lisible par cette version. Reconnectez-vous.</translation>
    </message>
    <message>
        <source>Nothing to save: not signed in.</source>
        <translation>Rien à enregistrer&#xa0;: vous n&apos;êtes pas connecté.</translation>
    </message>
    <message>
        <source>Not signed in to GetBill. Sign in with an access token or an API client first.</source>
        <translation>Non connecté à GetBill. Connectez-vous d&apos;abord avec un jeton d&apos;accès ou un client API.</translation>
    </message>
</context>
<context>
    <name>getbill::ApiClient</name>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid report id.</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;est pas un identifiant de rapport valide.</translation>
    </message>
    <message>
        <source>Report %1</source>
        <translation>Rapport %1</translation>
    </message>
    <message>
        <source>GetBill sent the download information of another report (%1).</source>
        <translation>GetBill a envoyé les informations de téléchargement d&apos;un autre rapport (%1).</translation>
    </message>
    <message>
        <source>GetBill announced %1 pages for %2 reports; the list was not loaded.</source>
        <translation>GetBill a annoncé %1 pages pour %2 rapports&#xa0;; la liste n&apos;a pas été chargée.</translation>
    </message>
    <message>
        <source>GetBill sent page %1 of the report list again; the list was not loaded.</source>
        <translation>GetBill a renvoyé la page %1 de la liste des rapports&#xa0;; la liste n&apos;a pas été chargée.</translation>
    </message>
</context>
<context>
    <name>getbill::ApiError</name>
    <message>
        <source>The request was not accepted by GetBill (400).</source>
        <translation>La requête n&apos;a pas été acceptée par GetBill (400).</translation>
    </message>
    <message>
        <source>Authentication credentials are missing or invalid. Sign in again.</source>
        <translation>Les identifiants sont absents ou invalides. Reconnectez-vous.</translation>
    </message>
    <message>
        <source>Access denied (403).</source>
        <translation>Accès refusé (403).</translation>
    </message>
    <message>
        <source>Not found (404).</source>
        <translation>Introuvable (404).</translation>
    </message>
    <message>
        <source>The request could not be processed (422).</source>
        <translation>La requête n&apos;a pas pu être traitée (422).</translation>
    </message>
    <message>
        <source>Rate limit exceeded. Please try again later.</source>
        <translation>Limite de requêtes atteinte. Réessayez plus tard.</translation>
    </message>
    <message>
        <source>GetBill is having trouble right now (HTTP %1). Try again in a moment.</source>
        <translation>GetBill rencontre des difficultés en ce moment (HTTP %1). Réessayez dans un instant.</translation>
    </message>
    <message>
        <source>GetBill answered with HTTP status %1.</source>
        <translation>GetBill a répondu avec le statut HTTP %1.</translation>
    </message>
</context>
<context>
    <name>getbill::ClientCredentials</name>
    <message>
        <source>Signed out: GetBill does not accept the access tokens issued to the API client &quot;%1&quot; (it may have been revoked, or lost the scope reports:read). Sign in again.</source>
        <translation>Déconnecté&#xa0;: GetBill n&apos;accepte pas les jetons d&apos;accès délivrés au client API «&#xa0;%1&#xa0;» (il a peut-être été révoqué ou a perdu la portée reports:read). Reconnectez-vous.</translation>
    </message>
    <message>
        <source>The sign-in address %1 is not allowed: GetBill credentials are only sent over https (or to this computer).</source>
        <translation>L&apos;adresse de connexion %1 n&apos;est pas autorisée&#xa0;: les identifiants GetBill ne sont envoyés qu&apos;en https (ou à cet ordinateur).</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>GetBill refused the API client &quot;%1&quot;: %2 Check the client id and secret (an administrator can create a new secret in GetBill under Company, API Client Management).</source>
        <translation>GetBill a refusé le client API «&#xa0;%1&#xa0;»&#xa0;: %2 Vérifiez l&apos;identifiant et le secret du client (un administrateur peut créer un nouveau secret dans GetBill, sous Entreprise, Gestion des clients API).</translation>
    </message>
    <message>
        <source>The API client &quot;%1&quot; may not read reports (scope reports:read): %2</source>
        <translation>Le client API «&#xa0;%1&#xa0;» n&apos;a pas le droit de lire les rapports (portée reports:read)&#xa0;: %2</translation>
    </message>
    <message>
        <source>GetBill sign-in (%1)</source>
        <translation>Connexion GetBill (%1)</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 did not send a bearer access token.</source>
        <translation>Le service de connexion GetBill à %1 n&apos;a pas envoyé de jeton d&apos;accès bearer.</translation>
    </message>
</context>
<context>
    <name>getbill::Credential</name>
    <message>
        <source>access token</source>
        <translation>jeton d&apos;accès</translation>
    </message>
    <message>
        <source>API client</source>
        <translation>client API</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
</context>
<context>
    <name>getbill::CredentialCheck</name>
    <message>
        <source>Enter an access token, or an API client id and secret.</source>
        <translation>Saisissez un jeton d&apos;accès, ou l&apos;identifiant et le secret d&apos;un client API.</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must start with https:// (or point to this computer).</source>
        <translation>L&apos;adresse de l&apos;API %1 n&apos;est pas autorisée&#xa0;: elle doit commencer par https:// (ou désigner cet ordinateur).</translation>
    </message>
</context>
<context>
    <name>getbill::DemoHost</name>
    <message>
        <source>The demo data could not be started: %1</source>
        <translation>Les données de démo n&apos;ont pas pu être démarrées&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>getbill::DesktopNotifier</name>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadController</name>
    <message>
        <source>“%1” cannot be downloaded: %2</source>
        <translation>«&#xa0;%1&#xa0;» ne peut pas être téléchargé&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadHistory</name>
    <message>
        <source>too large</source>
        <translation>trop volumineux</translation>
    </message>
    <message>
        <source>not a history file</source>
        <translation>pas un fichier d&apos;historique</translation>
    </message>
    <message>
        <source>Cannot read the download history %1: %2</source>
        <translation>Impossible de lire l&apos;historique des téléchargements %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>The download history %1 could not be read (%2); a new one was started.</source>
        <translation>L&apos;historique des téléchargements %1 n&apos;a pas pu être lu (%2)&#xa0;; un nouvel historique a été commencé.</translation>
    </message>
    <message>
        <source>The download history %1 is locked by another program; the change is kept in memory.</source>
        <translation>L&apos;historique des téléchargements %1 est verrouillé par un autre programme&#xa0;; la modification est gardée en mémoire.</translation>
    </message>
    <message>
        <source>Cannot lock the download history %1: its folder cannot be written.</source>
        <translation>Impossible de verrouiller l&apos;historique des téléchargements %1&#xa0;: son dossier n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>Cannot save the download history %1: %2</source>
        <translation>Impossible d&apos;enregistrer l&apos;historique des téléchargements %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadJob</name>
    <message>
        <source>The download link is not secure (not https); the file was not downloaded.</source>
        <translation>Le lien de téléchargement n&apos;est pas sécurisé (pas https)&#xa0;; le fichier n&apos;a pas été téléchargé.</translation>
    </message>
    <message>
        <source>GetBill did not say how large the file is.</source>
        <translation>GetBill n&apos;a pas indiqué la taille du fichier.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 est un dossier.</translation>
    </message>
    <message>
        <source>%1 already exists; it was left untouched.</source>
        <translation>%1 existe déjà&#xa0;; il n&apos;a pas été modifié.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: permission denied.</source>
        <translation>Impossible d&apos;écrire dans le dossier %1&#xa0;: permission refusée.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: %2</source>
        <translation>Impossible d&apos;écrire dans le dossier %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Not enough free space in %1: the report needs %2, %3 are free.</source>
        <translation>Espace libre insuffisant dans %1&#xa0;: le rapport nécessite %2, %3 sont libres.</translation>
    </message>
    <message>
        <source>The download server %1 answered HTTP %2.</source>
        <translation>Le serveur de téléchargement %1 a répondu HTTP %2.</translation>
    </message>
    <message>
        <source>The download server announced %1 bytes, but GetBill said the report has %2 bytes; the file was not saved.</source>
        <translation>Le serveur de téléchargement a annoncé %1 octets, mais GetBill indique que le rapport en fait %2&#xa0;; le fichier n&apos;a pas été enregistré.</translation>
    </message>
    <message>
        <source>The download server %1 sent the wrong part of the file; the file was not saved.</source>
        <translation>Le serveur de téléchargement %1 a envoyé la mauvaise partie du fichier&#xa0;; le fichier n&apos;a pas été enregistré.</translation>
    </message>
    <message>
        <source>The download server sent more than the %1 bytes GetBill announced; the file was not saved.</source>
        <translation>Le serveur de téléchargement a envoyé plus que les %1 octets annoncés par GetBill&#xa0;; le fichier n&apos;a pas été enregistré.</translation>
    </message>
    <message>
        <source>The download from %1 ended early: %2 of %3 bytes arrived.</source>
        <translation>Le téléchargement depuis %1 s&apos;est arrêté trop tôt&#xa0;: %2 octets sur %3 sont arrivés.</translation>
    </message>
    <message>
        <source>The downloaded file does not match the checksum the download server announced; the file was not saved.</source>
        <translation>Le fichier téléchargé ne correspond pas à la somme de contrôle annoncée par le serveur de téléchargement&#xa0;; le fichier n&apos;a pas été enregistré.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>En pause&#xa0;; il reprendra au prochain démarrage de l&apos;application.</translation>
    </message>
</context>
<context>
    <name>getbill::DownloadQueue</name>
    <message>
        <source>the GetBill rate limit is almost used up.</source>
        <translation>la limite de requêtes GetBill est presque atteinte.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>En pause&#xa0;; il reprendra au prochain démarrage de l&apos;application.</translation>
    </message>
</context>
<context>
    <name>getbill::FileCommit</name>
    <message>
        <source>%1 already exists.</source>
        <translation>%1 existe déjà.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1.</source>
        <translation>Impossible de déplacer le fichier téléchargé vers %1.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1: %2</source>
        <translation>Impossible de déplacer le fichier téléchargé vers %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file to %1: its partial file was replaced by another one.</source>
        <translation>Impossible de déplacer le fichier téléchargé vers %1&#xa0;: son fichier partiel a été remplacé par un autre.</translation>
    </message>
</context>
<context>
    <name>getbill::Format</name>
    <message>
        <source>unknown size</source>
        <translation>taille inconnue</translation>
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
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>En cours</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Inconnu</translation>
    </message>
    <message>
        <source>Financial</source>
        <translation>Financier</translation>
    </message>
    <message>
        <source>Collection</source>
        <translation>Recouvrement</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>Document PDF</translation>
    </message>
    <message>
        <source>Excel workbook</source>
        <translation>Classeur Excel</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>Fichier CSV</translation>
    </message>
    <message>
        <source>GetBill has not started generating this report yet. It can be downloaded once it is completed.</source>
        <translation>GetBill n&apos;a pas encore commencé à générer ce rapport. Il pourra être téléchargé une fois terminé.</translation>
    </message>
    <message>
        <source>GetBill is still generating this report. It can be downloaded once it is completed.</source>
        <translation>GetBill génère encore ce rapport. Il pourra être téléchargé une fois terminé.</translation>
    </message>
    <message>
        <source>GetBill could not generate this report, so there is no file to download. Ask for it to be generated again in the GetBill dashboard.</source>
        <translation>GetBill n&apos;a pas pu générer ce rapport&#xa0;: il n&apos;y a donc aucun fichier à télécharger. Demandez à le générer de nouveau dans le tableau de bord GetBill.</translation>
    </message>
    <message>
        <source>GetBill does not offer this report for download at the moment.</source>
        <translation>GetBill ne propose pas ce rapport au téléchargement pour le moment.</translation>
    </message>
    <message>
        <source>This report is not ready (status: %1).</source>
        <translation>Ce rapport n&apos;est pas prêt (statut&#xa0;: %1).</translation>
    </message>
    <message>
        <source>Waiting until %1: %2</source>
        <translation>En attente jusqu&apos;à %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Waiting until %1.</source>
        <translation>En attente jusqu&apos;à %1.</translation>
    </message>
    <message>
        <source>%1 Trying again in %2 s (waiting until %3).</source>
        <translation>%1 Nouvel essai dans %2 s (en attente jusqu&apos;à %3).</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: it is used up for now.</source>
        <translation>En attente jusqu&apos;à %1 pour la limite de requêtes de GetBill&#xa0;: elle est épuisée pour l&apos;instant.</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: 1 request kept for your other work.</source>
        <translation>En attente jusqu&apos;à %1 pour la limite de requêtes de GetBill&#xa0;: 1 requête gardée pour votre autre travail.</translation>
    </message>
    <message>
        <source>Waiting until %1 for GetBill&apos;s rate limit: %2 requests kept for your other work.</source>
        <translation>En attente jusqu&apos;à %1 pour la limite de requêtes de GetBill&#xa0;: %2 requêtes gardées pour votre autre travail.</translation>
    </message>
    <message numerus="yes">
        <source>%n report id(s)</source>
        <translation>
            <numerusform>%n identifiant de rapport</numerusform>
            <numerusform>%n identifiants de rapport</numerusform>
        </translation>
    </message>
    <message>
        <source>Aging</source>
        <translation>Balance âgée</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Encaissements</translation>
    </message>
    <message>
        <source>The download link expired at %1; a new one is asked for when the download continues.</source>
        <translation>Le lien de téléchargement a expiré à %1&#xa0;; un nouveau lien sera demandé à la reprise du téléchargement.</translation>
    </message>
    <message>
        <source>The download link expires at %1; a new one is asked for if the download needs longer.</source>
        <translation>Le lien de téléchargement expire à %1&#xa0;; un nouveau lien sera demandé si le téléchargement dure plus longtemps.</translation>
    </message>
</context>
<context>
    <name>getbill::HttpJob</name>
    <message>
        <source>The download link was refused by %1 (HTTP %2): it has expired or was already used.</source>
        <translation>Le lien de téléchargement a été refusé par %1 (HTTP %2)&#xa0;: il a expiré ou a déjà été utilisé.</translation>
    </message>
    <message>
        <source>The download server %1 answered HTTP %2.</source>
        <translation>Le serveur de téléchargement %1 a répondu HTTP %2.</translation>
    </message>
    <message>
        <source>GetBill (%1) did not answer within %2 seconds.</source>
        <translation>GetBill (%1) n&apos;a pas répondu dans les %2 secondes.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 did not answer in time.</source>
        <translation>Le service de connexion GetBill à %1 n&apos;a pas répondu à temps.</translation>
    </message>
    <message>
        <source>The download from %1 stalled: no data for %2 seconds.</source>
        <translation>Le téléchargement depuis %1 est bloqué&#xa0;: aucune donnée depuis %2 secondes.</translation>
    </message>
    <message>
        <source>The secure connection to %1 could not be verified (untrusted or invalid certificate). If your company inspects TLS traffic, add its CA in the settings or GETBILL_CA_BUNDLE.</source>
        <translation>La connexion sécurisée à %1 n&apos;a pas pu être vérifiée (certificat non approuvé ou invalide). Si votre entreprise inspecte le trafic TLS, ajoutez son autorité de certification dans les paramètres ou dans GETBILL_CA_BUNDLE.</translation>
    </message>
    <message>
        <source>The secure connection to the GetBill sign-in service at %1 could not be verified (untrusted or invalid certificate).</source>
        <translation>La connexion sécurisée au service de connexion GetBill à %1 n&apos;a pas pu être vérifiée (certificat non approuvé ou invalide).</translation>
    </message>
    <message>
        <source>The secure connection to the download server %1 could not be verified (untrusted or invalid certificate).</source>
        <translation>La connexion sécurisée au serveur de téléchargement %1 n&apos;a pas pu être vérifiée (certificat non approuvé ou invalide).</translation>
    </message>
    <message>
        <source>The network proxy %1 asked for a user name and password and did not accept the ones given (on the way to %2). Give them in the proxy address (http://user:password@proxy:port) or with GETBILL_PROXY_USER and GETBILL_PROXY_PASSWORD.</source>
        <translation>Le proxy réseau %1 a demandé un nom d&apos;utilisateur et un mot de passe et n&apos;a pas accepté ceux fournis (vers %2). Indiquez-les dans l&apos;adresse du proxy (http://utilisateur:motdepasse@proxy:port) ou avec GETBILL_PROXY_USER et GETBILL_PROXY_PASSWORD.</translation>
    </message>
    <message>
        <source>(system setting)</source>
        <translation>(paramètre du système)</translation>
    </message>
    <message>
        <source>The network proxy %1 on the way to %2 could not be used. Check the proxy settings (https_proxy, no_proxy, or the desktop&apos;s network settings).</source>
        <translation>Le proxy réseau %1 vers %2 n&apos;a pas pu être utilisé. Vérifiez les paramètres du proxy (https_proxy, no_proxy, ou les paramètres réseau du bureau).</translation>
    </message>
    <message>
        <source>The network proxy %1 refused the connection to %2 (wrong user name or password, or not allowed). Check the proxy settings and credentials.</source>
        <translation>Le proxy réseau %1 a refusé la connexion à %2 (nom d&apos;utilisateur ou mot de passe incorrect, ou non autorisé). Vérifiez les paramètres et les identifiants du proxy.</translation>
    </message>
    <message>
        <source>Cannot connect to GetBill at %1: connection refused.</source>
        <translation>Impossible de se connecter à GetBill à %1&#xa0;: connexion refusée.</translation>
    </message>
    <message>
        <source>Cannot find the server %1. Check your connection.</source>
        <translation>Serveur %1 introuvable. Vérifiez votre connexion.</translation>
    </message>
    <message>
        <source>GetBill (%1) closed the connection early.</source>
        <translation>GetBill (%1) a fermé la connexion trop tôt.</translation>
    </message>
    <message>
        <source>Network error while talking to GetBill at %1.</source>
        <translation>Erreur réseau lors de l&apos;échange avec GetBill à %1.</translation>
    </message>
    <message>
        <source>Cannot reach the GetBill sign-in service at %1. Check your connection.</source>
        <translation>Impossible de joindre le service de connexion GetBill à %1. Vérifiez votre connexion.</translation>
    </message>
    <message>
        <source>The download server %1 closed the connection after %2 of %3.</source>
        <translation>Le serveur de téléchargement %1 a fermé la connexion après %2 sur %3.</translation>
    </message>
    <message>
        <source>The download from %1 failed after %2 of %3 (network error).</source>
        <translation>Le téléchargement depuis %1 a échoué après %2 sur %3 (erreur réseau).</translation>
    </message>
    <message>
        <source>Network error while talking to %1.</source>
        <translation>Erreur réseau lors de l&apos;échange avec %1.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 redirected the request to another address; it was not followed so that your client secret stays with GetBill.</source>
        <translation>Le service de connexion GetBill à %1 a redirigé la requête vers une autre adresse&#xa0;; la redirection n&apos;a pas été suivie afin que votre secret client reste chez GetBill.</translation>
    </message>
    <message>
        <source>The GetBill API at %1 redirected the request to another site; it was not followed so that your access token stays with GetBill.</source>
        <translation>L&apos;API GetBill à %1 a redirigé la requête vers un autre site&#xa0;; la redirection n&apos;a pas été suivie afin que votre jeton d&apos;accès reste chez GetBill.</translation>
    </message>
    <message>
        <source>The GetBill sign-in service at %1 sent an oversized answer.</source>
        <translation>Le service de connexion GetBill à %1 a envoyé une réponse trop volumineuse.</translation>
    </message>
    <message>
        <source>GetBill sent an answer larger than %1; it was not read.</source>
        <translation>GetBill a envoyé une réponse de plus de %1&#xa0;; elle n&apos;a pas été lue.</translation>
    </message>
    <message>
        <source>The download link is not secure (not https); the file was not downloaded.</source>
        <translation>Le lien de téléchargement n&apos;est pas sécurisé (pas https)&#xa0;; le fichier n&apos;a pas été téléchargé.</translation>
    </message>
    <message>
        <source>The address %1 is not allowed: it must be https (plain http only to this computer).</source>
        <translation>L&apos;adresse %1 n&apos;est pas autorisée&#xa0;: elle doit être en https (http simple uniquement vers cet ordinateur).</translation>
    </message>
    <message>
        <source>The account changed or was signed out; the request to %1 was not sent.</source>
        <translation>Le compte a changé ou a été déconnecté&#xa0;; la requête vers %1 n&apos;a pas été envoyée.</translation>
    </message>
    <message>
        <source>The download server redirected too often.</source>
        <translation>Le serveur de téléchargement a effectué trop de redirections.</translation>
    </message>
    <message>
        <source>The download server redirected to an insecure address (%1); it was not followed.</source>
        <translation>Le serveur de téléchargement a redirigé vers une adresse non sécurisée (%1)&#xa0;; la redirection n&apos;a pas été suivie.</translation>
    </message>
</context>
<context>
    <name>getbill::Job</name>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
</context>
<context>
    <name>getbill::KeychainSecretStore</name>
    <message>
        <source>No keychain is available: this session has no D-Bus connection, so the system keychain (Secret Service) cannot be reached. Log in to a desktop session, or start one with dbus-run-session and a keyring such as GNOME Keyring.</source>
        <translation>Aucun trousseau n&apos;est disponible&#xa0;: cette session n&apos;a pas de connexion D-Bus, le trousseau du système (Secret Service) est donc injoignable. Ouvrez une session de bureau, ou démarrez-en une avec dbus-run-session et un trousseau comme GNOME Keyring.</translation>
    </message>
    <message>
        <source>No keychain is available: no Secret Service (such as GNOME Keyring or KDE Wallet) is running in this session. Install or start one, then try again.</source>
        <translation>Aucun trousseau n&apos;est disponible&#xa0;: aucun Secret Service (comme GNOME Keyring ou KDE Wallet) ne fonctionne dans cette session. Installez-en ou démarrez-en un, puis réessayez.</translation>
    </message>
    <message>
        <source>The keychain is locked. Unlock it (for example in &quot;Passwords and Keys&quot;, or by logging in again) and try again.</source>
        <translation>Le trousseau est verrouillé. Déverrouillez-le (par exemple dans «&#xa0;Mots de passe et clés&#xa0;», ou en vous reconnectant) et réessayez.</translation>
    </message>
    <message>
        <source>The keychain did not give access: its prompt was cancelled or could not be shown. Try again and accept the keychain&apos;s prompt.</source>
        <translation>Le trousseau n&apos;a pas donné l&apos;accès&#xa0;: sa demande a été annulée ou n&apos;a pas pu s&apos;afficher. Réessayez et acceptez la demande du trousseau.</translation>
    </message>
    <message>
        <source>the system keychain</source>
        <translation>le trousseau du système</translation>
    </message>
    <message>
        <source>Nothing is saved in the keychain for this account.</source>
        <translation>Rien n&apos;est enregistré dans le trousseau pour ce compte.</translation>
    </message>
    <message>
        <source>read from</source>
        <translation>lecture</translation>
    </message>
    <message>
        <source>save to</source>
        <translation>enregistrement</translation>
    </message>
    <message>
        <source>remove from</source>
        <translation>suppression</translation>
    </message>
    <message>
        <source>Could not %1 the keychain: %2. Check that your keyring works (for example with &quot;Passwords and Keys&quot;) and try again.</source>
        <translation>Le trousseau a échoué (%1)&#xa0;: %2. Vérifiez que votre trousseau fonctionne (par exemple avec «&#xa0;Mots de passe et clés&#xa0;») et réessayez.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>erreur inconnue</translation>
    </message>
</context>
<context>
    <name>getbill::LocalCopyJob</name>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 est un dossier.</translation>
    </message>
    <message>
        <source>%1 already exists; it was left untouched.</source>
        <translation>%1 existe déjà&#xa0;; il n&apos;a pas été modifié.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: permission denied.</source>
        <translation>Impossible d&apos;écrire dans le dossier %1&#xa0;: permission refusée.</translation>
    </message>
    <message>
        <source>The copy kept for the preview is gone or has changed.</source>
        <translation>La copie gardée pour l&apos;aperçu a disparu ou a changé.</translation>
    </message>
    <message>
        <source>Cannot write in the folder %1: %2</source>
        <translation>Impossible d&apos;écrire dans le dossier %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>The copy kept for the preview could not be read: %1</source>
        <translation>La copie gardée pour l&apos;aperçu n&apos;a pas pu être lue&#xa0;: %1</translation>
    </message>
    <message>
        <source>The copy kept for the preview does not match the checksum of its download.</source>
        <translation>La copie gardée pour l&apos;aperçu ne correspond pas à la somme de contrôle de son téléchargement.</translation>
    </message>
</context>
<context>
    <name>getbill::MemorySecretStore</name>
    <message>
        <source>Nothing is saved for this account.</source>
        <translation>Rien n&apos;est enregistré pour ce compte.</translation>
    </message>
    <message>
        <source>memory, for this session only</source>
        <translation>la mémoire, pour cette session seulement</translation>
    </message>
</context>
<context>
    <name>getbill::NetworkOptions</name>
    <message>
        <source>Cannot read the CA bundle %1: %2</source>
        <translation>Impossible de lire le paquet d&apos;autorités de certification %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>The CA bundle %1 holds no PEM certificate.</source>
        <translation>Le paquet d&apos;autorités de certification %1 ne contient aucun certificat PEM.</translation>
    </message>
</context>
<context>
    <name>getbill::PartFile</name>
    <message>
        <source>%1 is already being downloaded.</source>
        <translation>%1 est déjà en cours de téléchargement.</translation>
    </message>
    <message>
        <source>Cannot keep track of the download of %1: the application&apos;s data folder %2 cannot be written.</source>
        <translation>Impossible de suivre le téléchargement de %1&#xa0;: le dossier de données de l&apos;application %2 n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>The application&apos;s data folder %1 cannot be written.</source>
        <translation>Le dossier de données de l&apos;application %1 n&apos;est pas accessible en écriture.</translation>
    </message>
</context>
<context>
    <name>getbill::PartWriter</name>
    <message>
        <source>The file is not open.</source>
        <translation>Le fichier n&apos;est pas ouvert.</translation>
    </message>
    <message>
        <source>Cannot move the downloaded file.</source>
        <translation>Impossible de déplacer le fichier téléchargé.</translation>
    </message>
</context>
<context>
    <name>getbill::PreviewCache</name>
    <message>
        <source>The preview cache %1 is not a private folder of yours; previews will not be kept.</source>
        <translation>Le cache des aperçus %1 n&apos;est pas un dossier privé qui vous appartient&#xa0;; les aperçus ne seront pas conservés.</translation>
    </message>
</context>
<context>
    <name>getbill::PreviewFileJob</name>
    <message>
        <source>There is nothing to preview yet: %1</source>
        <translation>Il n&apos;y a encore rien à prévisualiser&#xa0;: %1</translation>
    </message>
    <message>
        <source>There is no private folder to keep previews in, so this report cannot be previewed before it is saved.</source>
        <translation>Aucun dossier privé n&apos;est disponible pour garder les aperçus&#xa0;: ce rapport ne peut donc pas être prévisualisé avant d&apos;être enregistré.</translation>
    </message>
    <message>
        <source>This report is too large to preview (%1; previews keep at most %2). Save it and open it with its usual application.</source>
        <translation>Ce rapport est trop volumineux pour l&apos;aperçu (%1&#xa0;; les aperçus gardent au plus %2). Enregistrez-le et ouvrez-le avec son application habituelle.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>L&apos;aperçu a été annulé.</translation>
    </message>
</context>
<context>
    <name>getbill::ReportDownloadJob</name>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>No place to save was chosen.</source>
        <translation>Aucun emplacement d&apos;enregistrement n&apos;a été choisi.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Report %1</source>
        <translation>Rapport %1</translation>
    </message>
    <message>
        <source>%1 Try again after %2.</source>
        <translation>%1 Réessayez après %2.</translation>
    </message>
    <message>
        <source>Paused; it continues when the application starts again.</source>
        <translation>En pause&#xa0;; il reprendra au prochain démarrage de l&apos;application.</translation>
    </message>
</context>
<context>
    <name>getbill::RequestGate</name>
    <message>
        <source>A reserve of %1 requests cannot be kept: GetBill allows %2 requests in its window. Choose a smaller reserve.</source>
        <translation>Une réserve de %1 requêtes ne peut pas être gardée&#xa0;: GetBill autorise %2 requêtes par période. Choisissez une réserve plus petite.</translation>
    </message>
</context>
<context>
    <name>getbill::SecretFile</name>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 est vide.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link; give the file itself.</source>
        <translation>%1 est un lien symbolique&#xa0;; indiquez le fichier lui-même.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 is not a regular file.</source>
        <translation>%1 n&apos;est pas un fichier ordinaire.</translation>
    </message>
    <message>
        <source>%1 belongs to another user; it must be yours.</source>
        <translation>%1 appartient à un autre utilisateur&#xa0;; il doit être à vous.</translation>
    </message>
    <message>
        <source>%1 can be read or changed by any user (mode %2); systemd&apos;s credentials never can.</source>
        <translation>%1 peut être lu ou modifié par n&apos;importe quel utilisateur (mode %2)&#xa0;; les identifiants de systemd ne le sont jamais.</translation>
    </message>
    <message>
        <source>%1 can be read or changed by other users (mode %2); it must be yours alone: chmod 600 %1</source>
        <translation>%1 peut être lu ou modifié par d&apos;autres utilisateurs (mode %2)&#xa0;; il doit n&apos;être qu&apos;à vous&#xa0;: chmod 600 %1</translation>
    </message>
    <message>
        <source>%1 is too large for a credential.</source>
        <translation>%1 est trop volumineux pour un identifiant.</translation>
    </message>
</context>
<context>
    <name>getbill::SecureFile</name>
    <message>
        <source>it is a link</source>
        <translation>c&apos;est un lien</translation>
    </message>
    <message>
        <source>it is not the file this application created</source>
        <translation>ce n&apos;est pas le fichier créé par cette application</translation>
    </message>
</context>
<context>
    <name>getbill::StaticToken</name>
    <message>
        <source>Not signed in: no GetBill access token is set.</source>
        <translation>Non connecté&#xa0;: aucun jeton d&apos;accès GetBill n&apos;est défini.</translation>
    </message>
</context>
<context>
    <name>getbill::SyncJob</name>
    <message>
        <source>A sync needs an API client and a download history.</source>
        <translation>Une synchronisation nécessite un client API et un historique des téléchargements.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>1 report is still being generated; not fetched this time (--wait-pending waits for reports being generated).</source>
        <translation>1 rapport est encore en cours de génération&#xa0;; il n&apos;a pas été récupéré cette fois (--wait-pending attend les rapports en cours de génération).</translation>
    </message>
    <message>
        <source>Report %1 is already being downloaded into %2 by another sync; skipped.</source>
        <translation>Le rapport %1 est déjà en cours de téléchargement dans %2 par une autre synchronisation&#xa0;; ignoré.</translation>
    </message>
    <message>
        <source>Report %1: the application&apos;s data folder cannot be written.</source>
        <translation>Rapport %1&#xa0;: le dossier de données de l&apos;application n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>Report %1: cannot create the folder %2.</source>
        <translation>Rapport %1&#xa0;: impossible de créer le dossier %2.</translation>
    </message>
    <message>
        <source>Report %1: the folder %2 leads outside %3 (a symbolic link); it was not saved.</source>
        <translation>Rapport %1&#xa0;: le dossier %2 mène hors de %3 (un lien symbolique)&#xa0;; il n&apos;a pas été enregistré.</translation>
    </message>
    <message>
        <source>Report %1 was not generated (status %2); nothing to fetch.</source>
        <translation>Le rapport %1 n&apos;a pas été généré (statut %2)&#xa0;; rien à récupérer.</translation>
    </message>
    <message>
        <source>The wait ended with reports still being generated: %1</source>
        <translation>L&apos;attente s&apos;est terminée avec des rapports encore en cours de génération&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n reports are still being generated; not fetched this time (--wait-pending waits for reports being generated).</source>
        <translation>
            <numerusform>%n rapport est encore en cours de génération&#xa0;; il n&apos;a pas été récupéré cette fois (--wait-pending attend les rapports en cours de génération).</numerusform>
            <numerusform>%n rapports sont encore en cours de génération&#xa0;; ils n&apos;ont pas été récupérés cette fois (--wait-pending attend les rapports en cours de génération).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::SyncPlan</name>
    <message>
        <source>Report %1: its place under the template would leave %2; it was not saved.</source>
        <translation>Rapport %1&#xa0;: son emplacement selon le modèle sortirait de %2&#xa0;; il n&apos;a pas été enregistré.</translation>
    </message>
</context>
<context>
    <name>getbill::SyncTemplate</name>
    <message>
        <source>unbalanced braces in the template: &quot;}&quot; without &quot;{&quot;</source>
        <translation>accolades déséquilibrées dans le modèle&#xa0;: «&#xa0;}&#xa0;» sans «&#xa0;{&#xa0;»</translation>
    </message>
    <message>
        <source>unbalanced braces in the template: &quot;%1&quot; has no closing &quot;}&quot;</source>
        <translation>accolades déséquilibrées dans le modèle&#xa0;: «&#xa0;%1&#xa0;» n&apos;a pas de «&#xa0;}&#xa0;» fermante</translation>
    </message>
    <message>
        <source>empty field {} in the template (known fields: %1)</source>
        <translation>champ vide {} dans le modèle (champs connus&#xa0;: %1)</translation>
    </message>
    <message>
        <source>unknown field {%1} in the template (known fields: %2)</source>
        <translation>champ inconnu {%1} dans le modèle (champs connus&#xa0;: %2)</translation>
    </message>
    <message>
        <source>the field {%1} takes no format (only dates do: {period_from:yyyy-MM})</source>
        <translation>le champ {%1} n&apos;accepte pas de format (seules les dates en acceptent&#xa0;: {period_from:yyyy-MM})</translation>
    </message>
    <message>
        <source>bad date format &quot;%1&quot; for {%2}: use y, M and d (and H, m, s for {generated_at}) with - _ . or spaces between them, as in {%2:yyyy-MM}</source>
        <translation>format de date incorrect «&#xa0;%1&#xa0;» pour {%2}&#xa0;: utilisez y, M et d (et H, m, s pour {generated_at}) séparés par - _ . ou des espaces, comme dans {%2:yyyy-MM}</translation>
    </message>
    <message>
        <source>the template is empty</source>
        <translation>le modèle est vide</translation>
    </message>
    <message>
        <source>the template must be a path relative to the output folder (it starts with &quot;%1&quot;)</source>
        <translation>le modèle doit être un chemin relatif au dossier de sortie (il commence par «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>a field cannot contain &quot;/&quot; (&quot;%1&quot;): put one field in each folder, as in {period_from:yyyy}/{period_from:MM}</source>
        <translation>un champ ne peut pas contenir «&#xa0;/&#xa0;» («&#xa0;%1&#xa0;»)&#xa0;: mettez un champ par dossier, comme dans {period_from:yyyy}/{period_from:MM}</translation>
    </message>
    <message>
        <source>the template has %1 parts; at most %2 are allowed</source>
        <translation>le modèle comporte %1 parties&#xa0;; %2 au plus sont autorisées</translation>
    </message>
    <message>
        <source>the template has an empty folder name (two &quot;/&quot; in a row, or one at the end)</source>
        <translation>le modèle contient un nom de dossier vide (deux «&#xa0;/&#xa0;» à la suite, ou un à la fin)</translation>
    </message>
    <message>
        <source>the template cannot use &quot;%1&quot; as a folder: files stay inside the output folder</source>
        <translation>le modèle ne peut pas utiliser «&#xa0;%1&#xa0;» comme dossier&#xa0;: les fichiers restent dans le dossier de sortie</translation>
    </message>
</context>
<context>
    <name>getbill::WatchRule</name>
    <message>
        <source>Name: give the rule a name.</source>
        <translation>Nom&#xa0;: donnez un nom à la règle.</translation>
    </message>
    <message>
        <source>Folder: choose the folder (a full path) to save the reports to.</source>
        <translation>Dossier&#xa0;: choisissez le dossier (un chemin complet) où enregistrer les rapports.</translation>
    </message>
    <message>
        <source>Template: %1.</source>
        <translation>Modèle&#xa0;: %1.</translation>
    </message>
</context>
<context>
    <name>getbill::WatchScheduler</name>
    <message>
        <source>The rule “%1” is already running.</source>
        <translation>La règle «&#xa0;%1&#xa0;» est déjà en cours d&apos;exécution.</translation>
    </message>
    <message>
        <source>The folder %1 of the watch rule “%2” cannot be written.</source>
        <translation>Le dossier %1 de la règle de surveillance «&#xa0;%2&#xa0;» n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>The folder %1 of the watch rule “%2” is gone (moved, deleted, or on a drive that is not connected).</source>
        <translation>Le dossier %1 de la règle de surveillance «&#xa0;%2&#xa0;» a disparu (déplacé, supprimé, ou sur un lecteur non connecté).</translation>
    </message>
</context>
<context>
    <name>getbill::cli</name>
    <message>
        <source>Interrupted; no partial file was left behind.</source>
        <translation>Interrompu&#xa0;; aucun fichier partiel n&apos;a été laissé.</translation>
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
        <translation>Non connecté&#xa0;: définissez GETBILL_TOKEN ou lancez `getbill-reports-cli auth set-token`</translation>
    </message>
    <message>
        <source>Check GETBILL_TOKEN or sign in again with `getbill-reports-cli auth set-token`.</source>
        <translation>Vérifiez GETBILL_TOKEN ou reconnectez-vous avec `getbill-reports-cli auth set-token`.</translation>
    </message>
    <message>
        <source>GetBill asks to wait %1 before trying again.</source>
        <translation>GetBill demande d&apos;attendre %1 avant de réessayer.</translation>
    </message>
    <message>
        <source>Fetching the report list: page %1 of %2</source>
        <translation>Récupération de la liste des rapports&#xa0;: page %1 sur %2</translation>
    </message>
    <message>
        <source>No reports.</source>
        <translation>Aucun rapport.</translation>
    </message>
    <message>
        <source>No reports of type %1.</source>
        <translation>Aucun rapport de type %1.</translation>
    </message>
    <message>
        <source>[downloaded]</source>
        <translation>[téléchargé]</translation>
    </message>
</context>
<context>
    <name>getbill::cli::AuthCommand</name>
    <message>
        <source>Usage: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear</source>
        <translation>Utilisation&#xa0;: getbill-reports-cli auth set-token | set-client --client-id ID | status | clear</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must be an https:// address (plain http only for localhost), without query or fragment.</source>
        <translation>L&apos;adresse de l&apos;API %1 n&apos;est pas autorisée&#xa0;: elle doit être une adresse https:// (http simple uniquement pour localhost), sans requête ni fragment.</translation>
    </message>
    <message>
        <source>Access token (not shown):</source>
        <translation>Jeton d&apos;accès (masqué)&#xa0;:</translation>
    </message>
    <message>
        <source>auth set-client needs --client-id ID (the secret is read from standard input, never from the command line).</source>
        <translation>auth set-client nécessite --client-id ID (le secret est lu sur l&apos;entrée standard, jamais sur la ligne de commande).</translation>
    </message>
    <message>
        <source>Client secret (not shown):</source>
        <translation>Secret client (masqué)&#xa0;:</translation>
    </message>
    <message>
        <source>Nothing was read from standard input. Pipe the secret in, for example: printf &apos;%s&apos; &quot;$SECRET&quot; | getbill-reports-cli auth ...</source>
        <translation>Rien n&apos;a été lu sur l&apos;entrée standard. Passez le secret par un tube, par exemple&#xa0;: printf &apos;%s&apos; &quot;$SECRET&quot; | getbill-reports-cli auth ...</translation>
    </message>
    <message>
        <source>GetBill did not accept the credential, so it was not saved: %1</source>
        <translation>GetBill n&apos;a pas accepté les identifiants&#xa0;: ils n&apos;ont donc pas été enregistrés&#xa0;: %1</translation>
    </message>
    <message>
        <source>The credential works, but it could not be saved in the keychain: %1 For scripts and CI, set GETBILL_TOKEN to an access token instead.</source>
        <translation>Les identifiants fonctionnent, mais ils n&apos;ont pas pu être enregistrés dans le trousseau&#xa0;: %1 Pour les scripts et la CI, définissez plutôt GETBILL_TOKEN avec un jeton d&apos;accès.</translation>
    </message>
    <message>
        <source>Signed in to %1 with %2; saved in the system keychain.</source>
        <translation>Connecté à %1 avec %2&#xa0;; enregistré dans le trousseau du système.</translation>
    </message>
    <message>
        <source>the API client %1</source>
        <translation>le client API %1</translation>
    </message>
    <message>
        <source>an access token</source>
        <translation>un jeton d&apos;accès</translation>
    </message>
    <message>
        <source>API URL: %1</source>
        <translation>URL de l&apos;API&#xa0;: %1</translation>
    </message>
    <message>
        <source>Credential: API client (client id %1), token URL %2</source>
        <translation>Identifiants&#xa0;: client API (identifiant client %1), URL du jeton %2</translation>
    </message>
    <message>
        <source>Credential: access token</source>
        <translation>Identifiants&#xa0;: jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Credential: none saved</source>
        <translation>Identifiants&#xa0;: aucun enregistré</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN: not set</source>
        <translation>GETBILL_TOKEN&#xa0;: non défini</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN: set (overrides the keychain)</source>
        <translation>GETBILL_TOKEN&#xa0;: défini (prime sur le trousseau)</translation>
    </message>
    <message>
        <source>Keychain: unavailable. %1</source>
        <translation>Trousseau&#xa0;: indisponible. %1</translation>
    </message>
    <message>
        <source>Keychain: available</source>
        <translation>Trousseau&#xa0;: disponible</translation>
    </message>
    <message>
        <source>The saved credential could not be removed: %1</source>
        <translation>Les identifiants enregistrés n&apos;ont pas pu être supprimés&#xa0;: %1</translation>
    </message>
    <message>
        <source>Signed out of %1: no credential is saved for it any more.</source>
        <translation>Déconnecté de %1&#xa0;: plus aucun identifiant n&apos;est enregistré pour cette adresse.</translation>
    </message>
    <message>
        <source>GETBILL_TOKEN is still set and is used by the next commands.</source>
        <translation>GETBILL_TOKEN est toujours défini et sera utilisé par les prochaines commandes.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_SECRET_FILE is set but GETBILL_CLIENT_ID is not: set both.</source>
        <translation>GETBILL_CLIENT_SECRET_FILE est défini mais pas GETBILL_CLIENT_ID&#xa0;: définissez les deux.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_ID is set but GETBILL_CLIENT_SECRET_FILE is not: put the client secret in a file only you can read (chmod 600) and point GETBILL_CLIENT_SECRET_FILE at it.</source>
        <translation>GETBILL_CLIENT_ID est défini mais pas GETBILL_CLIENT_SECRET_FILE&#xa0;: mettez le secret client dans un fichier que vous seul pouvez lire (chmod 600) et faites pointer GETBILL_CLIENT_SECRET_FILE vers lui.</translation>
    </message>
    <message>
        <source>GETBILL_CLIENT_SECRET_FILE: %1</source>
        <translation>GETBILL_CLIENT_SECRET_FILE&#xa0;: %1</translation>
    </message>
    <message>
        <source>CREDENTIALS_DIRECTORY: %1</source>
        <translation>CREDENTIALS_DIRECTORY&#xa0;: %1</translation>
    </message>
    <message>
        <source>CREDENTIALS_DIRECTORY has %1 but no usable %2: %3</source>
        <translation>CREDENTIALS_DIRECTORY contient %1 mais aucun %2 utilisable&#xa0;: %3</translation>
    </message>
    <message>
        <source>Cannot read the saved GetBill credential: %1</source>
        <translation>Impossible de lire les identifiants GetBill enregistrés&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>getbill::cli::CliOptions</name>
    <message>
        <source>option %1 needs a value</source>
        <translation>l&apos;option %1 nécessite une valeur</translation>
    </message>
    <message>
        <source>option --type needs a value</source>
        <translation>l&apos;option --type nécessite une valeur</translation>
    </message>
    <message>
        <source>--since needs a date as YYYY-MM-DD (got &quot;%1&quot;)</source>
        <translation>--since nécessite une date au format AAAA-MM-JJ (reçu «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>--template: %1</source>
        <translation>--template&#xa0;: %1</translation>
    </message>
    <message>
        <source>--wait-pending takes a duration such as 90s, 15m or 2h (at most 7 days)</source>
        <translation>--wait-pending accepte une durée comme 90s, 15m ou 2h (7 jours au plus)</translation>
    </message>
    <message>
        <source>--reserve must be a number of requests from 0 to %1</source>
        <translation>--reserve doit être un nombre de requêtes de 0 à %1</translation>
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
        <translation>Utilisation&#xa0;: getbill-reports-cli [--api-url URL] [--demo] [--verbose] COMMANDE

Commandes&#xa0;:
  list [--type TYPE] [--json]      liste tous les rapports (toutes les pages), en tableau ou en tableau JSON
  show ID [--json]                 affiche un rapport
  download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]
                                   télécharge des rapports&#xa0;; affiche le chemin absolu de chaque fichier enregistré
  auth set-token                   lit un jeton d&apos;accès sur l&apos;entrée standard et le met dans le trousseau
  auth set-client --client-id ID   lit un secret client OAuth sur l&apos;entrée standard
  auth status | auth clear
  sync --output-dir DIR [--type TYPE]... [--since YYYY-MM-DD] [--template TEMPLATE] [--dry-run]
       [--wait-pending[=DURATION]] [--jobs N] [--refetch-missing] [--reserve N]
                                   récupère chaque rapport terminé pas encore récupéré dans DIR&#xa0;;
                                   affiche le chemin absolu de chaque nouveau fichier (rien s&apos;il n&apos;y en a pas)

Modèles de synchronisation&#xa0;: dossiers séparés par /, champs {id} {type} {title} {filename} {stem} {ext}
  {period_from} {period_to} {generated_at}, dates avec un format&#xa0;: {period_from:yyyy-MM}.
  Par défaut {filename}. Exemple&#xa0;: --template &apos;{type}/{period_from:yyyy}/{filename}&apos;

Options&#xa0;:
  --api-url URL   l&apos;API GetBill (https, ou http sur localhost uniquement)
  --demo          utilise un bac à sable intégré avec des rapports d&apos;exemple&#xa0;; aucun compte nécessaire
  --verbose       journalise chaque requête HTTP sur la sortie d&apos;erreur (méthode, hôte, chemin, statut, durée),
                  sans jetons, secrets ni signatures de liens&#xa0;; la sortie standard est inchangée
  --help          affiche ce texte
  --version       affiche la version

Environnement&#xa0;:
  GETBILL_API_URL    par défaut https://getbill.io/external-api/v1
  GETBILL_TOKEN_URL  par défaut https://getbill.io/token
  GETBILL_TOKEN      un jeton d&apos;accès&#xa0;; prime sur le trousseau
  GETBILL_CLIENT_ID, GETBILL_CLIENT_SECRET_FILE
                     un client API pour les exécutions sans surveillance (le fichier&#xa0;: à vous, mode 0600)
  CREDENTIALS_DIRECTORY  LoadCredential= de systemd&#xa0;: getbill-client-id, getbill-client-secret
  GETBILL_CA_BUNDLE  un fichier PEM d&apos;autorités de certification supplémentaires

Code de sortie&#xa0;: 0 terminé, 2 utilisation, 3 non connecté, 4 refusé par GetBill, 5 problème de réseau ou de serveur,
6 taille incorrecte, 7 problème de fichier local, 130 interrompu.
</translation>
    </message>
    <message>
        <source>Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] list|show|download|sync|auth ...
Run `getbill-reports-cli --help` for the commands and their options.</source>
        <translation>Utilisation&#xa0;: getbill-reports-cli [--api-url URL] [--demo] [--verbose] list|show|download|sync|auth ...
Lancez `getbill-reports-cli --help` pour les commandes et leurs options.</translation>
    </message>
    <message>
        <source>unknown command &quot;%1&quot;</source>
        <translation>commande inconnue «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>option --api-url needs a value</source>
        <translation>l&apos;option --api-url nécessite une valeur</translation>
    </message>
    <message>
        <source>--jobs must be a number from 1 to %1</source>
        <translation>--jobs doit être un nombre de 1 à %1</translation>
    </message>
    <message>
        <source>unknown option %1</source>
        <translation>option inconnue %1</translation>
    </message>
    <message>
        <source>--demo and --api-url cannot be used together</source>
        <translation>--demo et --api-url ne peuvent pas être utilisés ensemble</translation>
    </message>
    <message>
        <source>no command given</source>
        <translation>aucune commande indiquée</translation>
    </message>
    <message>
        <source>list takes no argument (got &quot;%1&quot;)</source>
        <translation>list n&apos;accepte pas d&apos;argument (reçu «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>show needs a report id</source>
        <translation>show nécessite un identifiant de rapport</translation>
    </message>
    <message>
        <source>show takes exactly one report id</source>
        <translation>show accepte exactement un identifiant de rapport</translation>
    </message>
    <message>
        <source>download needs at least one report id</source>
        <translation>download nécessite au moins un identifiant de rapport</translation>
    </message>
    <message>
        <source>use either --output-dir or --output, not both</source>
        <translation>utilisez soit --output-dir, soit --output, pas les deux</translation>
    </message>
    <message>
        <source>option --output needs a value</source>
        <translation>l&apos;option --output nécessite une valeur</translation>
    </message>
    <message>
        <source>--output needs exactly one report id; use --output-dir for several</source>
        <translation>--output nécessite exactement un identifiant de rapport&#xa0;; utilisez --output-dir pour plusieurs</translation>
    </message>
    <message>
        <source>option --output-dir needs a value</source>
        <translation>l&apos;option --output-dir nécessite une valeur</translation>
    </message>
    <message>
        <source>sync takes no argument (got &quot;%1&quot;); a wait is written --wait-pending=%1</source>
        <translation>sync n&apos;accepte pas d&apos;argument (reçu «&#xa0;%1&#xa0;»)&#xa0;; une attente s&apos;écrit --wait-pending=%1</translation>
    </message>
    <message>
        <source>sync takes no argument (got &quot;%1&quot;)</source>
        <translation>sync n&apos;accepte pas d&apos;argument (reçu «&#xa0;%1&#xa0;»)</translation>
    </message>
    <message>
        <source>sync needs --output-dir DIR</source>
        <translation>sync nécessite --output-dir DIR</translation>
    </message>
</context>
<context>
    <name>getbill::cli::CliSession</name>
    <message>
        <source>The command failed.</source>
        <translation>La commande a échoué.</translation>
    </message>
    <message>
        <source>GETBILL_CA_BUNDLE: %1</source>
        <translation>GETBILL_CA_BUNDLE&#xa0;: %1</translation>
    </message>
    <message>
        <source>The demo server could not start: %1</source>
        <translation>Le serveur de démo n&apos;a pas pu démarrer&#xa0;: %1</translation>
    </message>
    <message>
        <source>(not a valid address)</source>
        <translation>(adresse invalide)</translation>
    </message>
    <message>
        <source>The API address %1 is not allowed: it must be an https:// address (plain http only for localhost), without query or fragment.</source>
        <translation>L&apos;adresse de l&apos;API %1 n&apos;est pas autorisée&#xa0;: elle doit être une adresse https:// (http simple uniquement pour localhost), sans requête ni fragment.</translation>
    </message>
</context>
<context>
    <name>getbill::cli::Console</name>
    <message>
        <source>error: %1</source>
        <translation>erreur&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>getbill::cli::DownloadCommand</name>
    <message>
        <source>Downloading: %1 of %2 done</source>
        <translation>Téléchargement&#xa0;: %1 sur %2 terminés</translation>
    </message>
    <message>
        <source>, %1 of %2</source>
        <translation>, %1 sur %2</translation>
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
        <translation>TYPE</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUT</translation>
    </message>
    <message>
        <source>PERIOD</source>
        <translation>PÉRIODE</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>TAILLE</translation>
    </message>
    <message>
        <source>TITLE</source>
        <translation>TITRE</translation>
    </message>
    <message>
        <source> (%1 bytes)</source>
        <translation> (%1 octets)</translation>
    </message>
    <message>
        <source>ID: %1</source>
        <translation>ID&#xa0;: %1</translation>
    </message>
    <message>
        <source>Type: %1</source>
        <translation>Type&#xa0;: %1</translation>
    </message>
    <message>
        <source>Title: %1</source>
        <translation>Titre&#xa0;: %1</translation>
    </message>
    <message>
        <source>Description: %1</source>
        <translation>Description&#xa0;: %1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Statut&#xa0;: %1</translation>
    </message>
    <message>
        <source>File name: %1</source>
        <translation>Nom du fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>File size: %1</source>
        <translation>Taille du fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>MIME type: %1</source>
        <translation>Type MIME&#xa0;: %1</translation>
    </message>
    <message>
        <source>Period from: %1</source>
        <translation>Période du&#xa0;: %1</translation>
    </message>
    <message>
        <source>Period to: %1</source>
        <translation>Période au&#xa0;: %1</translation>
    </message>
    <message>
        <source>Generated at: %1</source>
        <translation>Généré le&#xa0;: %1</translation>
    </message>
    <message>
        <source>Created at: %1</source>
        <translation>Créé le&#xa0;: %1</translation>
    </message>
    <message>
        <source>Download available: %1</source>
        <translation>Téléchargement disponible&#xa0;: %1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
</context>
<context>
    <name>getbill::gui::Application</name>
    <message>
        <source>Lists and downloads your GetBill reports.</source>
        <translation>Affiche et télécharge vos rapports GetBill.</translation>
    </message>
    <message>
        <source>GetBill API address (https, or loopback).</source>
        <translation>Adresse de l&apos;API GetBill (https, ou boucle locale).</translation>
    </message>
    <message>
        <source>Explore with demo data (local sandbox).</source>
        <translation>Explorer avec les données de démo (bac à sable local).</translation>
    </message>
    <message>
        <source>Report ids or getbill://report/ID links to download.</source>
        <translation>Identifiants de rapport ou liens getbill://report/ID à télécharger.</translation>
    </message>
    <message>
        <source>The API address %1 is refused: use https (or http on this computer only).</source>
        <translation>L&apos;adresse de l&apos;API %1 est refusée&#xa0;: utilisez https (ou http sur cet ordinateur uniquement).</translation>
    </message>
    <message>
        <source>You were signed out: %1</source>
        <translation>Vous avez été déconnecté&#xa0;: %1</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Se connecter…</translation>
    </message>
    <message>
        <source>%1 You can sign in and keep the credential for this session only.</source>
        <translation>%1 Vous pouvez vous connecter et garder les identifiants pour cette session seulement.</translation>
    </message>
    <message>
        <source>Demo data is not available in this build.</source>
        <translation>Les données de démo ne sont pas disponibles dans cette version.</translation>
    </message>
    <message>
        <source>No watch rule is on for this account: add one in Settings › Watch.</source>
        <translation>Aucune règle de surveillance n&apos;est active pour ce compte&#xa0;: ajoutez-en une dans Paramètres › Surveillance.</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DesktopIntegration</name>
    <message>
        <source>GetBill Reports keeps downloading in the tray</source>
        <translation>GetBill Reports continue les téléchargements dans la zone de notification</translation>
    </message>
    <message>
        <source>Click its icon to bring the window back, or quit from its menu.</source>
        <translation>Cliquez sur son icône pour rouvrir la fenêtre, ou quittez depuis son menu.</translation>
    </message>
    <message>
        <source>Download finished</source>
        <translation>Téléchargement terminé</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>Échec du téléchargement</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Downloads finished: %1 saved, %2 failed</source>
        <translation>Téléchargements terminés&#xa0;: %1 enregistrés, %2 en échec</translation>
    </message>
    <message>
        <source>The file manager could not be opened on %1.</source>
        <translation>Le gestionnaire de fichiers n&apos;a pas pu s&apos;ouvrir sur %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n downloads finished</source>
        <translation>
            <numerusform>%n téléchargement terminé</numerusform>
            <numerusform>%n téléchargements terminés</numerusform>
        </translation>
    </message>
    <message>
        <source>GetBill Reports keeps watching for new reports in the tray</source>
        <translation>GetBill Reports continue de surveiller les nouveaux rapports dans la zone de notification</translation>
    </message>
    <message>
        <source>Watch rule “%1”: %2</source>
        <translation>Règle de surveillance «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message numerus="yes">
        <source>Watch rule “%1”: %n new report(s) saved to %2.</source>
        <translation>
            <numerusform>Règle de surveillance «&#xa0;%1&#xa0;»&#xa0;: %n nouveau rapport enregistré dans %2.</numerusform>
            <numerusform>Règle de surveillance «&#xa0;%1&#xa0;»&#xa0;: %n nouveaux rapports enregistrés dans %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new report(s) saved to %1</source>
        <translation>
            <numerusform>%n nouveau rapport enregistré dans %1</numerusform>
            <numerusform>%n nouveaux rapports enregistrés dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Watch rule “%1”</source>
        <translation>Règle de surveillance «&#xa0;%1&#xa0;»</translation>
    </message>
</context>
<context>
    <name>getbill::gui::Diagnostics</name>
    <message>
        <source>Save diagnostics</source>
        <translation>Enregistrer les diagnostics</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Fichiers texte (*.txt)</translation>
    </message>
    <message>
        <source>Diagnostics saved to %1. They contain no token, secret or link signature.</source>
        <translation>Diagnostics enregistrés dans %1. Ils ne contiennent aucun jeton, secret ni signature de lien.</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved to %1: %2</source>
        <translation>Les diagnostics n&apos;ont pas pu être enregistrés dans %1&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DialogSaveLocation</name>
    <message>
        <source>All files (*)</source>
        <translation>Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Save “%1”</source>
        <translation>Enregistrer «&#xa0;%1&#xa0;»</translation>
    </message>
    <message numerus="yes">
        <source>Save %n reports to</source>
        <translation>
            <numerusform>Enregistrer %n rapport dans</numerusform>
            <numerusform>Enregistrer %n rapports dans</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::DownloadItemDelegate</name>
    <message>
        <source>Queued</source>
        <translation>En file d&apos;attente</translation>
    </message>
    <message>
        <source>Getting the download link…</source>
        <translation>Obtention du lien de téléchargement…</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Téléchargement</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <source>Waiting to retry</source>
        <translation>En attente d&apos;un nouvel essai</translation>
    </message>
    <message>
        <source>File moved or deleted</source>
        <translation>Fichier déplacé ou supprimé</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Enregistré</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échec</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Nothing was saved.</source>
        <translation>Rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <source>Resumes the next time GetBill Reports starts.</source>
        <translation>Reprendra au prochain démarrage de GetBill Reports.</translation>
    </message>
    <message>
        <source>%1 Next attempt in %2.</source>
        <translation>%1 Prochain essai dans %2.</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>encore %1</translation>
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
        <translation>Règle de surveillance «&#xa0;%1&#xa0;» · %2</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DownloadsPanel</name>
    <message>
        <source>&amp;Cancel download</source>
        <translation>A&amp;nnuler le téléchargement</translation>
    </message>
    <message>
        <source>Re&amp;move from list</source>
        <translation>Enle&amp;ver de la liste</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Téléchargements</translation>
    </message>
    <message>
        <source>Search downloads</source>
        <translation>Rechercher dans les téléchargements</translation>
    </message>
    <message>
        <source>Download list</source>
        <translation>Liste des téléchargements</translation>
    </message>
    <message>
        <source>Downloads summary</source>
        <translation>Résumé des téléchargements</translation>
    </message>
    <message>
        <source>Stop the selected download; nothing is left on disk (Escape)</source>
        <translation>Arrêter le téléchargement sélectionné&#xa0;; rien ne reste sur le disque (Échap)</translation>
    </message>
    <message>
        <source>Take the item off the list; the file stays where it is (Delete)</source>
        <translation>Retirer l&apos;élément de la liste&#xa0;; le fichier reste où il est (Suppr)</translation>
    </message>
    <message>
        <source>Empty the list of finished downloads; no file is deleted</source>
        <translation>Vider la liste des téléchargements terminés&#xa0;; aucun fichier n&apos;est supprimé</translation>
    </message>
    <message>
        <source>Retry in another &amp;folder…</source>
        <translation>Réessayer dans un autre do&amp;ssier…</translation>
    </message>
    <message>
        <source>Copy &amp;path</source>
        <translation>Copier le &amp;chemin</translation>
    </message>
    <message>
        <source>No application could open “%1”. Use Show in folder, or set a default application for this kind of file.</source>
        <translation>Aucune application n&apos;a pu ouvrir «&#xa0;%1&#xa0;». Utilisez Afficher dans le dossier, ou définissez une application par défaut pour ce type de fichier.</translation>
    </message>
    <message>
        <source>No file manager could show %1.</source>
        <translation>Aucun gestionnaire de fichiers n&apos;a pu afficher %1.</translation>
    </message>
    <message>
        <source>“%1” could not be taken off the list: %2</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;a pas pu être retiré de la liste&#xa0;: %2</translation>
    </message>
    <message>
        <source>The download history could not be saved: %1</source>
        <translation>L&apos;historique des téléchargements n&apos;a pas pu être enregistré&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n running</source>
        <translation>
            <numerusform>%n en cours</numerusform>
            <numerusform>%n en cours</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n saved</source>
        <translation>
            <numerusform>%n enregistré</numerusform>
            <numerusform>%n enregistrés</numerusform>
        </translation>
    </message>
    <message>
        <source>No downloads yet.
The reports you download appear here, with the ones saved before. Select a report and press Ctrl+S, or drop report ids on the window.</source>
        <translation>Aucun téléchargement pour l&apos;instant.
Les rapports que vous téléchargez apparaissent ici, avec ceux enregistrés auparavant. Sélectionnez un rapport et appuyez sur Ctrl+S, ou déposez des identifiants de rapport sur la fenêtre.</translation>
    </message>
    <message>
        <source>No download matches “%1”.</source>
        <translation>Aucun téléchargement ne correspond à «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Cle&amp;ar history</source>
        <translation>Effacer l&apos;&amp;historique</translation>
    </message>
    <message>
        <source>Remove the download from the list, or cancel it while it runs</source>
        <translation>Retirer le téléchargement de la liste, ou l&apos;annuler pendant qu&apos;il est en cours</translation>
    </message>
    <message>
        <source>Cancel the download</source>
        <translation>Annuler le téléchargement</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>Réessa&amp;yer</translation>
    </message>
    <message>
        <source>Download a&amp;gain</source>
        <translation>&amp;Télécharger à nouveau</translation>
    </message>
    <message>
        <source>Ope&amp;n file</source>
        <translation>&amp;Ouvrir le fichier</translation>
    </message>
    <message>
        <source>Sho&amp;w in folder</source>
        <translation>A&amp;fficher dans le dossier</translation>
    </message>
</context>
<context>
    <name>getbill::gui::DropOverlay</name>
    <message>
        <source>Drop report ids to download</source>
        <translation>Déposez des identifiants de rapport pour les télécharger</translation>
    </message>
    <message>
        <source>Drop area</source>
        <translation>Zone de dépôt</translation>
    </message>
    <message numerus="yes">
        <source>Drop %n report ids to download</source>
        <translation>
            <numerusform>Déposez %n identifiant de rapport pour le télécharger</numerusform>
            <numerusform>Déposez %n identifiants de rapport pour les télécharger</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::MainWindow</name>
    <message>
        <source>The dropped text holds no report id.</source>
        <translation>Le texte déposé ne contient aucun identifiant de rapport.</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Téléchargements</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Chargement</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Use your company&apos;s GetBill API access</source>
        <translation>Utiliser l&apos;accès API GetBill de votre entreprise</translation>
    </message>
    <message>
        <source>Try the application with sample reports served from this computer</source>
        <translation>Essayer l&apos;application avec des rapports d&apos;exemple servis depuis cet ordinateur</translation>
    </message>
    <message>
        <source>No application could open “%1”.</source>
        <translation>Aucune application n&apos;a pu ouvrir «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>No file manager could show %1.</source>
        <translation>Aucun gestionnaire de fichiers n&apos;a pu afficher %1.</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Demo data (sample reports on this computer)</source>
        <translation>Données de démo (rapports d&apos;exemple sur cet ordinateur)</translation>
    </message>
    <message>
        <source>GetBill Reports — Demo data</source>
        <translation>GetBill Reports — Données de démo</translation>
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
        <translation>La liste des rapports n&apos;a pas pu être chargée&#xa0;: %1</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Se connecter…</translation>
    </message>
    <message>
        <source>%1 Report ids look like report_abc123; links like getbill://report/report_abc123 work too.</source>
        <translation>%1 Les identifiants de rapport ressemblent à report_abc123&#xa0;; les liens comme getbill://report/report_abc123 fonctionnent aussi.</translation>
    </message>
    <message>
        <source>The clipboard holds no report id.</source>
        <translation>Le presse-papiers ne contient aucun identifiant de rapport.</translation>
    </message>
    <message>
        <source>No report id found.</source>
        <translation>Aucun identifiant de rapport trouvé.</translation>
    </message>
    <message>
        <source>Sign in or explore the demo data first; %1 will then be downloaded.</source>
        <translation>Connectez-vous ou explorez d&apos;abord les données de démo&#xa0;; %1 sera ensuite téléchargé.</translation>
    </message>
    <message>
        <source>Select a report to download first.</source>
        <translation>Sélectionnez d&apos;abord un rapport à télécharger.</translation>
    </message>
    <message>
        <source>Saved “%1” to %2</source>
        <translation>«&#xa0;%1&#xa0;» enregistré dans %2</translation>
    </message>
    <message>
        <source>“%1” was not saved: %2</source>
        <translation>«&#xa0;%1&#xa0;» n&apos;a pas été enregistré&#xa0;: %2</translation>
    </message>
    <message>
        <source>Download of “%1” cancelled; nothing was saved.</source>
        <translation>Téléchargement de «&#xa0;%1&#xa0;» annulé&#xa0;; rien n&apos;a été enregistré.</translation>
    </message>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Télécharger</translation>
    </message>
    <message>
        <source>Download &amp;to…</source>
        <translation>Télécharger &amp;vers…</translation>
    </message>
    <message>
        <source>&amp;Paste report ids</source>
        <translation>&amp;Coller des identifiants de rapport</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>Sign &amp;in…</source>
        <translation>Se co&amp;nnecter…</translation>
    </message>
    <message>
        <source>Back to d&amp;emo data</source>
        <translation>Revenir aux &amp;données de démo</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>Re&amp;chercher</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>&amp;About GetBill Reports</source>
        <translation>À &amp;propos de GetBill Reports</translation>
    </message>
    <message>
        <source>About GetBill Reports</source>
        <translation>À propos de GetBill Reports</translation>
    </message>
    <message>
        <source>&lt;b&gt;GetBill Reports %1&lt;/b&gt;&lt;p&gt;Lists your company&apos;s GetBill reports and saves them where you choose.&lt;/p&gt;</source>
        <translation>&lt;b&gt;GetBill Reports %1&lt;/b&gt;&lt;p&gt;Affiche les rapports GetBill de votre entreprise et les enregistre où vous le souhaitez.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Save &amp;diagnostics…</source>
        <translation>Enregistrer les &amp;diagnostics…</translation>
    </message>
    <message>
        <source>&amp;Downloads panel</source>
        <translation>Panneau des &amp;téléchargements</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>Affic&amp;hage</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Run &amp;watch rules now</source>
        <translation>Lancer les règles de &amp;surveillance maintenant</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Raccourcis clavier</translation>
    </message>
</context>
<context>
    <name>getbill::gui::MessageBar</name>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Close this message</source>
        <translation>Fermer ce message</translation>
    </message>
    <message>
        <source>Close message</source>
        <translation>Fermer le message</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Avertissement</translation>
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
        <translation>Page précédente</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Page suivante</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Zoom arrière</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Zoom avant</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>Ajuster à la largeur</translation>
    </message>
    <message>
        <source>Fit the page to the width</source>
        <translation>Ajuster la page à la largeur</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Copier le texte</translation>
    </message>
    <message>
        <source>Copy the text of this page</source>
        <translation>Copier le texte de cette page</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Page</translation>
    </message>
    <message>
        <source>PDF pages</source>
        <translation>Pages du PDF</translation>
    </message>
    <message>
        <source>Page %L1 of %L2</source>
        <translation>Page %L1 sur %L2</translation>
    </message>
    <message>
        <source>Zoom in (now %1 %)</source>
        <translation>Zoom avant (actuellement %1 %)</translation>
    </message>
    <message>
        <source>Zoom out (now %1 %)</source>
        <translation>Zoom arrière (actuellement %1 %)</translation>
    </message>
</context>
<context>
    <name>getbill::gui::PreviewLoader</name>
    <message>
        <source>The PDF is protected by a password; the preview cannot open it.</source>
        <translation>Le PDF est protégé par un mot de passe&#xa0;; l&apos;aperçu ne peut pas l&apos;ouvrir.</translation>
    </message>
    <message>
        <source>The PDF is encrypted in a way the preview does not support.</source>
        <translation>Le PDF est chiffré d&apos;une manière que l&apos;aperçu ne prend pas en charge.</translation>
    </message>
    <message>
        <source>The file to preview could not be opened.</source>
        <translation>Le fichier à prévisualiser n&apos;a pas pu être ouvert.</translation>
    </message>
    <message>
        <source>The PDF is damaged or is not a PDF; the preview cannot show it.</source>
        <translation>Le PDF est endommagé ou n&apos;est pas un PDF&#xa0;; l&apos;aperçu ne peut pas l&apos;afficher.</translation>
    </message>
    <message>
        <source>PDF previews need getbill-pdf-check, which is missing from this installation.</source>
        <translation>Les aperçus PDF nécessitent getbill-pdf-check, absent de cette installation.</translation>
    </message>
    <message>
        <source>PDF previews need getbill-pdf-check, which could not be started: %1</source>
        <translation>Les aperçus PDF nécessitent getbill-pdf-check, qui n&apos;a pas pu être lancé&#xa0;: %1</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>L&apos;aperçu a été annulé.</translation>
    </message>
    <message>
        <source>The PDF could not be opened within %1 s: it is damaged, or made to hang PDF readers. It was not opened in the window.</source>
        <translation>Le PDF n&apos;a pas pu être ouvert en %1 s&#xa0;: il est endommagé, ou conçu pour bloquer les lecteurs PDF. Il n&apos;a pas été ouvert dans la fenêtre.</translation>
    </message>
    <message>
        <source>The PDF made the PDF reader fail: it is damaged, or made to attack PDF readers. It was not opened in the window.</source>
        <translation>Le PDF a fait échouer le lecteur PDF&#xa0;: il est endommagé, ou conçu pour attaquer les lecteurs PDF. Il n&apos;a pas été ouvert dans la fenêtre.</translation>
    </message>
    <message>
        <source>The PDF has %L1 pages, more than a preview shows (%L2).</source>
        <translation>Le PDF compte %L1 pages, plus que ce qu&apos;un aperçu affiche (%L2).</translation>
    </message>
    <message>
        <source>Page %L1 of the PDF has an impossible size (%L2 × %L3 points); the preview does not show it.</source>
        <translation>La page %L1 du PDF a une taille impossible (%L2 × %L3 points)&#xa0;; l&apos;aperçu ne l&apos;affiche pas.</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ProxyDialog</name>
    <message>
        <source>Proxy sign-in</source>
        <translation>Connexion au proxy</translation>
    </message>
    <message>
        <source>The network proxy %1 asks for a user name and password. They are kept for this session only.</source>
        <translation>Le proxy réseau %1 demande un nom d&apos;utilisateur et un mot de passe. Ils sont gardés pour cette session seulement.</translation>
    </message>
    <message>
        <source>Proxy user name</source>
        <translation>Nom d&apos;utilisateur du proxy</translation>
    </message>
    <message>
        <source>Proxy password</source>
        <translation>Mot de passe du proxy</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Nom d&apos;utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
</context>
<context>
    <name>getbill::gui::QuitQuestion</name>
    <message>
        <source>Quit GetBill Reports</source>
        <translation>Quitter GetBill Reports</translation>
    </message>
    <message>
        <source>A download is running.</source>
        <translation>Un téléchargement est en cours.</translation>
    </message>
    <message>
        <source>Quit now and it continues where it stopped the next time GetBill Reports starts, or let it finish with the window closed.</source>
        <translation>Quittez maintenant et il reprendra là où il s&apos;est arrêté au prochain démarrage de GetBill Reports, ou laissez-le se terminer fenêtre fermée.</translation>
    </message>
    <message>
        <source>Quit now and they continue where they stopped the next time GetBill Reports starts, or let them finish with the window closed.</source>
        <translation>Quittez maintenant et ils reprendront là où ils se sont arrêtés au prochain démarrage de GetBill Reports, ou laissez-les se terminer fenêtre fermée.</translation>
    </message>
    <message>
        <source>&amp;Quit and resume later</source>
        <translation>&amp;Quitter et reprendre plus tard</translation>
    </message>
    <message>
        <source>&amp;Keep downloading in the background</source>
        <translation>&amp;Continuer les téléchargements en arrière-plan</translation>
    </message>
    <message numerus="yes">
        <source>%n downloads are running.</source>
        <translation>
            <numerusform>%n téléchargement est en cours.</numerusform>
            <numerusform>%n téléchargements sont en cours.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportColumns</name>
    <message>
        <source>&amp;Columns</source>
        <translation>C&amp;olonnes</translation>
    </message>
    <message>
        <source>%1 (no room in this width)</source>
        <translation>%1 (pas de place dans cette largeur)</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportDetailPanel</name>
    <message>
        <source>&amp;Download</source>
        <translation>&amp;Télécharger</translation>
    </message>
    <message>
        <source>Copy &amp;id</source>
        <translation>Copier l&apos;&amp;identifiant</translation>
    </message>
    <message>
        <source>Report details</source>
        <translation>Détails du rapport</translation>
    </message>
    <message>
        <source>Select a report to see its details.</source>
        <translation>Sélectionnez un rapport pour voir ses détails.</translation>
    </message>
    <message>
        <source>Report title</source>
        <translation>Titre du rapport</translation>
    </message>
    <message>
        <source>Why this report cannot be downloaded</source>
        <translation>Pourquoi ce rapport ne peut pas être téléchargé</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Download link expiry</source>
        <translation>Expiration du lien de téléchargement</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Statut&#xa0;:</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Type&#xa0;:</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>Période&#xa0;:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Fichier&#xa0;:</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Format&#xa0;:</translation>
    </message>
    <message>
        <source>Size:</source>
        <translation>Taille&#xa0;:</translation>
    </message>
    <message>
        <source>Generated:</source>
        <translation>Généré&#xa0;:</translation>
    </message>
    <message>
        <source>Requested:</source>
        <translation>Demandé&#xa0;:</translation>
    </message>
    <message>
        <source>Download:</source>
        <translation>Téléchargement&#xa0;:</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>Identifiant&#xa0;:</translation>
    </message>
    <message>
        <source>Saved to:</source>
        <translation>Enregistré dans&#xa0;:</translation>
    </message>
    <message>
        <source>Save the report where you choose, or in your download folder (Ctrl+S)</source>
        <translation>Enregistrer le rapport à l&apos;emplacement de votre choix, ou dans votre dossier de téléchargement (Ctrl+S)</translation>
    </message>
    <message>
        <source>Always ask where to save this report (Ctrl+Shift+S)</source>
        <translation>Toujours demander où enregistrer ce rapport (Ctrl+Maj+S)</translation>
    </message>
    <message>
        <source>Open the saved file with its usual application</source>
        <translation>Ouvrir le fichier enregistré avec son application habituelle</translation>
    </message>
    <message>
        <source>Open the folder that contains the saved file</source>
        <translation>Ouvrir le dossier qui contient le fichier enregistré</translation>
    </message>
    <message>
        <source>Copy the report id, e.g. for the command-line tool or a colleague</source>
        <translation>Copier l&apos;identifiant du rapport, par exemple pour l&apos;outil en ligne de commande ou un collègue</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>Details or preview</source>
        <translation>Détails ou aperçu</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>The report&apos;s pages or tables, without saving it</source>
        <translation>Les pages ou les tableaux du rapport, sans l&apos;enregistrer</translation>
    </message>
    <message>
        <source>%1 (%L2 bytes)</source>
        <translation>%1 (%L2 octets)</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>pas encore</translation>
    </message>
    <message>
        <source>available</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>non disponible</translation>
    </message>
    <message>
        <source>The status is checked every %1 while this panel is open.</source>
        <translation>Le statut est vérifié toutes les %1 tant que ce panneau est ouvert.</translation>
    </message>
    <message>
        <source>Download t&amp;o…</source>
        <translation>Télécharger &amp;vers…</translation>
    </message>
    <message>
        <source>O&amp;pen</source>
        <translation>&amp;Ouvrir</translation>
    </message>
    <message>
        <source>Show in fo&amp;lder</source>
        <translation>Afficher dans le &amp;dossier</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportPreviewPane</name>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Enregistrer…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Where the preview comes from</source>
        <translation>Provenance de l&apos;aperçu</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Save the report, as Download does (from the preview&apos;s copy when it has one)</source>
        <translation>Enregistrer le rapport, comme Télécharger (depuis la copie de l&apos;aperçu quand il en a une)</translation>
    </message>
    <message>
        <source>Preview status</source>
        <translation>État de l&apos;aperçu</translation>
    </message>
    <message>
        <source>Preview progress</source>
        <translation>Progression de l&apos;aperçu</translation>
    </message>
    <message>
        <source>Cancel the preview</source>
        <translation>Annuler l&apos;aperçu</translation>
    </message>
    <message>
        <source>Copied the text of page %L1</source>
        <translation>Texte de la page %L1 copié</translation>
    </message>
    <message>
        <source>Loading the preview…</source>
        <translation>Chargement de l&apos;aperçu…</translation>
    </message>
    <message>
        <source>The preview loads when this tab is open.</source>
        <translation>L&apos;aperçu se charge quand cet onglet est ouvert.</translation>
    </message>
    <message>
        <source>Select a report to preview it.</source>
        <translation>Sélectionnez un rapport pour le prévisualiser.</translation>
    </message>
    <message>
        <source>This report is %1. Reports over %2 are previewed when you ask, so that going through the list does not use up your GetBill request allowance.</source>
        <translation>Ce rapport fait %1. Les rapports de plus de %2 sont prévisualisés à votre demande, pour que le parcours de la liste n&apos;épuise pas votre quota de requêtes GetBill.</translation>
    </message>
    <message>
        <source>of unknown size</source>
        <translation>de taille inconnue</translation>
    </message>
    <message>
        <source>&amp;Load preview</source>
        <translation>&amp;Charger l&apos;aperçu</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file.</source>
        <translation>Il n&apos;y a pas d&apos;aperçu pour ce type de fichier.</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file (%1).</source>
        <translation>Il n&apos;y a pas d&apos;aperçu pour ce type de fichier (%1).</translation>
    </message>
    <message>
        <source>Looking for the file…</source>
        <translation>Recherche du fichier…</translation>
    </message>
    <message>
        <source>Asking GetBill for the file…</source>
        <translation>Demande du fichier à GetBill…</translation>
    </message>
    <message>
        <source>Downloading for the preview…</source>
        <translation>Téléchargement pour l&apos;aperçu…</translation>
    </message>
    <message>
        <source>Waiting to try again…</source>
        <translation>En attente d&apos;un nouvel essai…</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>Vérification du fichier…</translation>
    </message>
    <message>
        <source>Downloading for the preview… %1 of %2</source>
        <translation>Téléchargement pour l&apos;aperçu… %1 sur %2</translation>
    </message>
    <message>
        <source>The preview could not be loaded: %1</source>
        <translation>L&apos;aperçu n&apos;a pas pu être chargé&#xa0;: %1</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>Lecture du fichier…</translation>
    </message>
    <message>
        <source>The preview cannot show this file: %1</source>
        <translation>L&apos;aperçu ne peut pas afficher ce fichier&#xa0;: %1</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>L&apos;aperçu a été annulé.</translation>
    </message>
    <message>
        <source>Load the preview</source>
        <translation>Charger l&apos;aperçu</translation>
    </message>
    <message>
        <source>From your saved copy</source>
        <translation>Depuis votre copie enregistrée</translation>
    </message>
    <message>
        <source>From the preview&apos;s copy on this computer</source>
        <translation>Depuis la copie de l&apos;aperçu sur cet ordinateur</translation>
    </message>
    <message>
        <source>Downloaded for the preview</source>
        <translation>Téléchargé pour l&apos;aperçu</translation>
    </message>
    <message>
        <source>Try aga&amp;in</source>
        <translation>Réess&amp;ayer</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportTableModel</name>
    <message>
        <source>Downloaded</source>
        <translation>Téléchargé</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Enregistré dans %1</translation>
    </message>
    <message>
        <source>%L1 bytes</source>
        <translation>%L1 octets</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Période</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Generated</source>
        <translation>Généré</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ReportsView</name>
    <message>
        <source>“%1” is ready to download.</source>
        <translation>«&#xa0;%1&#xa0;» est prêt à être téléchargé.</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>%1 copié</translation>
    </message>
    <message>
        <source>Loading reports…</source>
        <translation>Chargement des rapports…</translation>
    </message>
    <message>
        <source>Loading reports… page %1 of %2</source>
        <translation>Chargement des rapports… page %1 sur %2</translation>
    </message>
    <message>
        <source>1 report loaded</source>
        <translation>1 rapport chargé</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>Loading reports from GetBill…</source>
        <translation>Chargement des rapports depuis GetBill…</translation>
    </message>
    <message>
        <source>No report matches the search or the type filter.</source>
        <translation>Aucun rapport ne correspond à la recherche ou au filtre de type.</translation>
    </message>
    <message>
        <source>Show all reports</source>
        <translation>Afficher tous les rapports</translation>
    </message>
    <message>
        <source>The report list could not be loaded.</source>
        <translation>La liste des rapports n&apos;a pas pu être chargée.</translation>
    </message>
    <message>
        <source>There are no reports yet. GetBill lists them here once they are generated.</source>
        <translation>Il n&apos;y a encore aucun rapport. GetBill les affiche ici une fois générés.</translation>
    </message>
    <message>
        <source>The report list has not been loaded.</source>
        <translation>La liste des rapports n&apos;a pas été chargée.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>1 report</source>
        <translation>1 rapport</translation>
    </message>
    <message>
        <source>%1 of %2 reports</source>
        <translation>%1 rapports sur %2</translation>
    </message>
    <message numerus="yes">
        <source>%n reports loaded</source>
        <translation>
            <numerusform>%n rapport chargé</numerusform>
            <numerusform>%n rapports chargés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reports</source>
        <translation>
            <numerusform>%n rapport</numerusform>
            <numerusform>%n rapports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::SearchEscape</name>
    <message>
        <source>Clear the search, then go back to the list</source>
        <translation>Effacer la recherche, puis revenir à la liste</translation>
    </message>
</context>
<context>
    <name>getbill::gui::SettingsDialog</name>
    <message>
        <source>The folder %1 could not be created. Choose another one.</source>
        <translation>Le dossier %1 n&apos;a pas pu être créé. Choisissez-en un autre.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Save reports to</source>
        <translation>Enregistrer les rapports dans</translation>
    </message>
    <message>
        <source>Extra trusted certificates</source>
        <translation>Certificats approuvés supplémentaires</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>Certificats PEM (*.pem *.crt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>The certificates file %1 does not exist.</source>
        <translation>Le fichier de certificats %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Choose an existing folder to save reports to.</source>
        <translation>Choisissez un dossier existant où enregistrer les rapports.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist yet.</source>
        <translation>Le dossier %1 n&apos;existe pas encore.</translation>
    </message>
    <message>
        <source>%1 is a file, not a folder. Choose a folder to save reports to.</source>
        <translation>%1 est un fichier, pas un dossier. Choisissez un dossier où enregistrer les rapports.</translation>
    </message>
    <message>
        <source>Reports cannot be saved to %1: the folder is not writable.</source>
        <translation>Les rapports ne peuvent pas être enregistrés dans %1&#xa0;: le dossier n&apos;est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>&amp;Watch</source>
        <translation>&amp;Surveillance</translation>
    </message>
</context>
<context>
    <name>getbill::gui::ShortcutsDialog</name>
    <message>
        <source>Anywhere in the window</source>
        <translation>Partout dans la fenêtre</translation>
    </message>
    <message>
        <source>In “%1”</source>
        <translation>Dans «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Where it is shown</source>
        <translation>Là où l&apos;élément est affiché</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Every menu also opens with Alt and its underlined letter; Tab moves between the window&apos;s parts.</source>
        <translation>Chaque menu s&apos;ouvre aussi avec Alt et sa lettre soulignée&#xa0;; Tab passe d&apos;une partie de la fenêtre à l&apos;autre.</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>Raccourcis</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Où</translation>
    </message>
    <message>
        <source> or </source>
        <translation> ou </translation>
    </message>
</context>
<context>
    <name>getbill::gui::SignInDialog</name>
    <message>
        <source>Where do I get these? In &lt;a href=&quot;%1&quot;&gt;GetBill&lt;/a&gt;, a company administrator creates them under Company → API Client Management; the token needs the &lt;i&gt;reports:read&lt;/i&gt; scope.</source>
        <translation>Où les obtenir&#xa0;? Dans &lt;a href=&quot;%1&quot;&gt;GetBill&lt;/a&gt;, un administrateur de l&apos;entreprise les crée sous Entreprise → Gestion des clients API&#xa0;; le jeton doit avoir la portée &lt;i&gt;reports:read&lt;/i&gt;.</translation>
    </message>
    <message>
        <source>Where do I get these?</source>
        <translation>Où les obtenir&#xa0;?</translation>
    </message>
    <message>
        <source>Not signed in.</source>
        <translation>Non connecté.</translation>
    </message>
    <message>
        <source>the API client %1</source>
        <translation>le client API %1</translation>
    </message>
    <message>
        <source>an access token</source>
        <translation>un jeton d&apos;accès</translation>
    </message>
    <message>
        <source>Connected to %1 with %2.</source>
        <translation>Connecté à %1 avec %2.</translation>
    </message>
    <message>
        <source>The current access token expires at %1 and is renewed automatically.</source>
        <translation>Le jeton d&apos;accès actuel expire à %1 et est renouvelé automatiquement.</translation>
    </message>
    <message>
        <source>Saved in: %1.</source>
        <translation>Enregistré dans&#xa0;: %1.</translation>
    </message>
    <message>
        <source>The API address must start with https:// (plain http only for this computer), without ? or #.</source>
        <translation>L&apos;adresse de l&apos;API doit commencer par https:// (http simple uniquement pour cet ordinateur), sans&#xa0;? ni #.</translation>
    </message>
    <message>
        <source>Paste an access token first.</source>
        <translation>Collez d&apos;abord un jeton d&apos;accès.</translation>
    </message>
    <message>
        <source>Enter the API client&apos;s id and secret first.</source>
        <translation>Saisissez d&apos;abord l&apos;identifiant et le secret du client API.</translation>
    </message>
    <message>
        <source>Not signed in: %1</source>
        <translation>Non connecté&#xa0;: %1</translation>
    </message>
    <message>
        <source>Check that the token was pasted whole, that it has not expired and that it has the reports:read scope.</source>
        <translation>Vérifiez que le jeton a été collé en entier, qu&apos;il n&apos;a pas expiré et qu&apos;il a la portée reports:read.</translation>
    </message>
    <message>
        <source>Check the client id and secret, and that the API client is still active in GetBill.</source>
        <translation>Vérifiez l&apos;identifiant et le secret du client, et que le client API est toujours actif dans GetBill.</translation>
    </message>
    <message>
        <source>The credential works, but it could not be saved. %1</source>
        <translation>Les identifiants fonctionnent, mais ils n&apos;ont pas pu être enregistrés. %1</translation>
    </message>
    <message>
        <source>Signed out for now, but the saved credential could not be removed. %1</source>
        <translation>Déconnecté pour l&apos;instant, mais les identifiants enregistrés n&apos;ont pas pu être supprimés. %1</translation>
    </message>
    <message>
        <source>Signed out: the saved credential was removed.</source>
        <translation>Déconnecté&#xa0;: les identifiants enregistrés ont été supprimés.</translation>
    </message>
</context>
<context>
    <name>getbill::gui::TablePreviewWidget</name>
    <message>
        <source>Sheets</source>
        <translation>Feuilles</translation>
    </message>
    <message>
        <source>Sheet %1</source>
        <translation>Feuille %1</translation>
    </message>
    <message>
        <source>Preview table</source>
        <translation>Tableau de l&apos;aperçu</translation>
    </message>
    <message>
        <source>Showing %L1 of %L2 rows</source>
        <translation>%L1 lignes affichées sur %L2</translation>
    </message>
</context>
<context>
    <name>getbill::gui::TrayIcon</name>
    <message>
        <source>Show window</source>
        <translation>Afficher la fenêtre</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
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
        <translation>GetBill Reports — 1 téléchargement en cours</translation>
    </message>
    <message numerus="yes">
        <source>GetBill Reports — %n downloads running</source>
        <translation>
            <numerusform>GetBill Reports — %n téléchargement en cours</numerusform>
            <numerusform>GetBill Reports — %n téléchargements en cours</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::WatchPage</name>
    <message>
        <source>&amp;Add…</source>
        <translation>A&amp;jouter…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>Mod&amp;ifier…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>Supp&amp;rimer</translation>
    </message>
    <message>
        <source>R&amp;un now</source>
        <translation>E&amp;xécuter maintenant</translation>
    </message>
    <message>
        <source>While GetBill Reports runs, also in the tray, watch rules save each new completed report of their types into their folder, as getbill-reports-cli sync does. Reports being generated are saved once they complete.</source>
        <translation>Tant que GetBill Reports fonctionne, y compris dans la zone de notification, les règles de surveillance enregistrent chaque nouveau rapport terminé de leurs types dans leur dossier, comme le fait getbill-reports-cli sync. Les rapports en cours de génération sont enregistrés une fois terminés.</translation>
    </message>
    <message>
        <source>Watch rules</source>
        <translation>Règles de surveillance</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Règle</translation>
    </message>
    <message>
        <source>Types</source>
        <translation>Types</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Add watch rule</source>
        <translation>Ajouter une règle de surveillance</translation>
    </message>
    <message>
        <source>Edit watch rule</source>
        <translation>Modifier la règle de surveillance</translation>
    </message>
    <message>
        <source>Remove watch rule</source>
        <translation>Supprimer la règle de surveillance</translation>
    </message>
    <message>
        <source>Run watch rule now</source>
        <translation>Exécuter la règle de surveillance maintenant</translation>
    </message>
    <message>
        <source>Minutes between checks</source>
        <translation>Minutes entre les vérifications</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>&amp;Check for new reports every:</source>
        <translation>&amp;Vérifier les nouveaux rapports toutes les&#xa0;:</translation>
    </message>
    <message>
        <source>(less often when GetBill&apos;s hourly request budget runs low)</source>
        <translation>(moins souvent quand le quota horaire de requêtes GetBill s&apos;épuise)</translation>
    </message>
    <message>
        <source>Watch rule status</source>
        <translation>État de la règle de surveillance</translation>
    </message>
    <message>
        <source>Every type</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <source>“%1” is looking for new reports…</source>
        <translation>«&#xa0;%1&#xa0;» recherche de nouveaux rapports…</translation>
    </message>
    <message>
        <source>“%1”: %2</source>
        <translation>«&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>“%1”: nothing new.</source>
        <translation>«&#xa0;%1&#xa0;»&#xa0;: rien de nouveau.</translation>
    </message>
    <message numerus="yes">
        <source>“%1”: %n new report(s) saved.</source>
        <translation>
            <numerusform>«&#xa0;%1&#xa0;»&#xa0;: %n nouveau rapport enregistré.</numerusform>
            <numerusform>«&#xa0;%1&#xa0;»&#xa0;: %n nouveaux rapports enregistrés.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>getbill::gui::WatchRuleDialog</name>
    <message>
        <source>&amp;Watch with this rule</source>
        <translation>&amp;Surveiller avec cette règle</translation>
    </message>
    <message>
        <source>New watch rule</source>
        <translation>Nouvelle règle de surveillance</translation>
    </message>
    <message>
        <source>Watch rule</source>
        <translation>Règle de surveillance</translation>
    </message>
    <message>
        <source>Rule name</source>
        <translation>Nom de la règle</translation>
    </message>
    <message>
        <source>Monthly financial reports</source>
        <translation>Rapports financiers mensuels</translation>
    </message>
    <message>
        <source>Report types</source>
        <translation>Types de rapport</translation>
    </message>
    <message>
        <source>Every type (or: financial, collection)</source>
        <translation>Tous les types (ou&#xa0;: financial, collection)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Dossier</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Watch rule error</source>
        <translation>Erreur dans la règle de surveillance</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>Choose folder</source>
        <translation>Choisir le dossier</translation>
    </message>
    <message>
        <source>Save the rule&apos;s reports to</source>
        <translation>Enregistrer les rapports de la règle dans</translation>
    </message>
    <message>
        <source>Where each report goes under the folder; / makes folders. Fields: %1. Dates take a format: {period_from:yyyy}/{period_from:yyyy-MM}.</source>
        <translation>L&apos;emplacement de chaque rapport dans le dossier&#xa0;; / crée des dossiers. Champs&#xa0;: %1. Les dates acceptent un format&#xa0;: {period_from:yyyy}/{period_from:yyyy-MM}.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom&#xa0;:</translation>
    </message>
    <message>
        <source>Report &amp;types:</source>
        <translation>&amp;Types de rapport&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Dossier&#xa0;:</translation>
    </message>
    <message>
        <source>T&amp;emplate:</source>
        <translation>&amp;Modèle&#xa0;:</translation>
    </message>
    <message>
        <source>Name: another rule is called “%1”.</source>
        <translation>Nom&#xa0;: une autre règle s&apos;appelle déjà «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Folder: %1 is a file, not a folder.</source>
        <translation>Dossier&#xa0;: %1 est un fichier, pas un dossier.</translation>
    </message>
    <message>
        <source>Folder: %1 could not be created.</source>
        <translation>Dossier&#xa0;: %1 n&apos;a pas pu être créé.</translation>
    </message>
</context>
<context>
    <name>getbill::json</name>
    <message>
        <source>GetBill sent an answer this application does not understand (%1).</source>
        <translation>GetBill a envoyé une réponse que cette application ne comprend pas (%1).</translation>
    </message>
    <message>
        <source>field &quot;%1&quot; is not text</source>
        <translation>le champ «&#xa0;%1&#xa0;» n&apos;est pas du texte</translation>
    </message>
    <message>
        <source>field &quot;%1&quot; is not a valid number</source>
        <translation>le champ «&#xa0;%1&#xa0;» n&apos;est pas un nombre valide</translation>
    </message>
    <message>
        <source>an HTML page instead of data</source>
        <translation>une page HTML au lieu de données</translation>
    </message>
    <message>
        <source>the data is not valid JSON</source>
        <translation>les données ne sont pas du JSON valide</translation>
    </message>
    <message>
        <source>the data is not a JSON object</source>
        <translation>les données ne sont pas un objet JSON</translation>
    </message>
    <message>
        <source>a report has no valid &quot;id&quot;</source>
        <translation>un rapport n&apos;a pas d&apos;«&#xa0;id&#xa0;» valide</translation>
    </message>
    <message>
        <source>field &quot;download_available&quot; is not true or false</source>
        <translation>le champ «&#xa0;download_available&#xa0;» n&apos;est ni true ni false</translation>
    </message>
    <message>
        <source>the report list is missing</source>
        <translation>la liste des rapports est absente</translation>
    </message>
    <message>
        <source>a report is not an object</source>
        <translation>un rapport n&apos;est pas un objet</translation>
    </message>
    <message>
        <source>field &quot;pagination&quot; is not an object</source>
        <translation>le champ «&#xa0;pagination&#xa0;» n&apos;est pas un objet</translation>
    </message>
    <message>
        <source>the report is missing</source>
        <translation>le rapport est absent</translation>
    </message>
    <message>
        <source>the download information is missing</source>
        <translation>les informations de téléchargement sont absentes</translation>
    </message>
    <message>
        <source>the download information has no valid &quot;id&quot;</source>
        <translation>les informations de téléchargement n&apos;ont pas d&apos;«&#xa0;id&#xa0;» valide</translation>
    </message>
    <message>
        <source>field &quot;file_size&quot; is missing or not a number</source>
        <translation>le champ «&#xa0;file_size&#xa0;» est absent ou n&apos;est pas un nombre</translation>
    </message>
    <message>
        <source>field &quot;download_url&quot; is missing or not text</source>
        <translation>le champ «&#xa0;download_url&#xa0;» est absent ou n&apos;est pas du texte</translation>
    </message>
    <message>
        <source>the download link is not a valid web address</source>
        <translation>le lien de téléchargement n&apos;est pas une adresse web valide</translation>
    </message>
    <message>
        <source>GetBill offered a download link that is not secure (not https); it was not used.</source>
        <translation>GetBill a proposé un lien de téléchargement non sécurisé (pas https)&#xa0;; il n&apos;a pas été utilisé.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::CsvReader</name>
    <message>
        <source>Line %L1 is longer than %L2 characters, more than a preview shows.</source>
        <translation>La ligne %L1 dépasse %L2 caractères, plus que ce qu&apos;un aperçu affiche.</translation>
    </message>
    <message>
        <source>Line %L1 has more than %L2 columns, more than a preview shows.</source>
        <translation>La ligne %L1 a plus de %L2 colonnes, plus que ce qu&apos;un aperçu affiche.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>L&apos;aperçu a été annulé.</translation>
    </message>
    <message>
        <source>The file is larger than %1, more than a preview reads.</source>
        <translation>Le fichier dépasse %1, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The file could not be read: %1</source>
        <translation>Le fichier n&apos;a pas pu être lu&#xa0;: %1</translation>
    </message>
</context>
<context>
    <name>getbill::preview::PreviewReader</name>
    <message>
        <source>%1 could not be opened: %2</source>
        <translation>%1 n&apos;a pas pu être ouvert&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>getbill::preview::XlsxReader</name>
    <message>
        <source>The workbook lists the sheet &quot;%1&quot;, but the file does not contain it.</source>
        <translation>Le classeur mentionne la feuille «&#xa0;%1&#xa0;», mais le fichier ne la contient pas.</translation>
    </message>
    <message>
        <source>The workbook has no worksheet to show.</source>
        <translation>Le classeur n&apos;a aucune feuille de calcul à afficher.</translation>
    </message>
    <message>
        <source>The workbook could not be read: %1</source>
        <translation>Le classeur n&apos;a pas pu être lu&#xa0;: %1</translation>
    </message>
    <message>
        <source>The workbook could not be read: a ZIP archive needs a device that can seek.</source>
        <translation>Le classeur n&apos;a pas pu être lu&#xa0;: une archive ZIP nécessite un périphérique permettant le positionnement.</translation>
    </message>
    <message>
        <source>A cell in the workbook part %1 refers to shared text %2, which the workbook does not have.</source>
        <translation>Une cellule de la partie %1 du classeur renvoie au texte partagé %2, que le classeur ne contient pas.</translation>
    </message>
    <message>
        <source>The sheet in the workbook part %1 has values in more than %2 columns, more than a preview shows.</source>
        <translation>La feuille de la partie %1 du classeur a des valeurs dans plus de %2 colonnes, plus que ce qu&apos;un aperçu affiche.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: it has no workbook part (%1).</source>
        <translation>Ce n&apos;est pas un classeur XLSX&#xa0;: il n&apos;a pas de partie classeur (%1).</translation>
    </message>
    <message>
        <source>The workbook has more than %L1 sheets, more than a preview reads.</source>
        <translation>Le classeur a plus de %L1 feuilles, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook has more than %L1 shared texts, more than a preview reads.</source>
        <translation>Le classeur a plus de %L1 textes partagés, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook&apos;s shared texts hold more than %L1 characters, more than a preview reads.</source>
        <translation>Les textes partagés du classeur contiennent plus de %L1 caractères, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook part %1 contains a document type declaration, which spreadsheets never need; it is refused for safety.</source>
        <translation>La partie %1 du classeur contient une déclaration de type de document, dont un tableur n&apos;a jamais besoin&#xa0;; elle est refusée par sécurité.</translation>
    </message>
    <message>
        <source>The workbook part %1 is not well-formed XML (line %2: %3).</source>
        <translation>La partie %1 du classeur n&apos;est pas du XML bien formé (ligne %2&#xa0;: %3).</translation>
    </message>
    <message>
        <source>A cell or text in the workbook part %1 holds more than %2 characters, more than a preview shows.</source>
        <translation>Une cellule ou un texte de la partie %1 du classeur contient plus de %2 caractères, plus que ce qu&apos;un aperçu affiche.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::ZipArchive</name>
    <message>
        <source>This is a password-protected workbook or an old Excel (.xls) file; the preview reads only unprotected .xlsx files.</source>
        <translation>C&apos;est un classeur protégé par mot de passe ou un ancien fichier Excel (.xls)&#xa0;; l&apos;aperçu ne lit que les fichiers .xlsx non protégés.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: the ZIP archive is empty.</source>
        <translation>Ce n&apos;est pas un classeur XLSX&#xa0;: l&apos;archive ZIP est vide.</translation>
    </message>
    <message>
        <source>This is not an XLSX workbook: the file is not a ZIP archive.</source>
        <translation>Ce n&apos;est pas un classeur XLSX&#xa0;: le fichier n&apos;est pas une archive ZIP.</translation>
    </message>
    <message>
        <source>The workbook is damaged or incomplete: its ZIP directory cannot be read.</source>
        <translation>Le classeur est endommagé ou incomplet&#xa0;: son répertoire ZIP ne peut pas être lu.</translation>
    </message>
    <message>
        <source>The workbook has more than %1 parts, more than a preview reads.</source>
        <translation>Le classeur a plus de %1 parties, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook part %1 unpacks to %2, more than the %3 a preview reads.</source>
        <translation>La partie %1 du classeur se décompresse en %2, plus que les %3 qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook&apos;s parts add up to more than %1, more than a preview reads.</source>
        <translation>Les parties du classeur totalisent plus de %1, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook has no part %1.</source>
        <translation>Le classeur n&apos;a pas de partie %1.</translation>
    </message>
</context>
<context>
    <name>getbill::preview::ZipEntryDevice</name>
    <message>
        <source>The workbook part %1 is encrypted; the preview cannot read it.</source>
        <translation>La partie %1 du classeur est chiffrée&#xa0;; l&apos;aperçu ne peut pas la lire.</translation>
    </message>
    <message>
        <source>The workbook part %1 is compressed with method %2, which the preview does not read.</source>
        <translation>La partie %1 du classeur est compressée avec la méthode %2, que l&apos;aperçu ne lit pas.</translation>
    </message>
    <message>
        <source>The workbook is damaged: its part %1 cannot be opened.</source>
        <translation>Le classeur est endommagé&#xa0;: sa partie %1 ne peut pas être ouverte.</translation>
    </message>
    <message>
        <source>The workbook is damaged: its part %1 cannot be unpacked (%2).</source>
        <translation>Le classeur est endommagé&#xa0;: sa partie %1 ne peut pas être décompressée (%2).</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>L&apos;aperçu a été annulé.</translation>
    </message>
    <message>
        <source>read error</source>
        <translation>erreur de lecture</translation>
    </message>
    <message>
        <source>the data ends early</source>
        <translation>les données s&apos;arrêtent trop tôt</translation>
    </message>
    <message>
        <source>The workbook part %1 has an element or a text longer than %2, more than a preview reads.</source>
        <translation>La partie %1 du classeur contient un élément ou un texte de plus de %2, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook is damaged or forged: its part %1 holds more data than its header declares.</source>
        <translation>Le classeur est endommagé ou falsifié&#xa0;: sa partie %1 contient plus de données que son en-tête ne l&apos;indique.</translation>
    </message>
    <message>
        <source>The workbook unpacks to more than %1, more than a preview reads.</source>
        <translation>Le classeur se décompresse en plus de %1, plus que ce qu&apos;un aperçu lit.</translation>
    </message>
    <message>
        <source>The workbook looks like a ZIP bomb: its part %1 unpacks to more than %2 times its size.</source>
        <translation>Le classeur ressemble à une bombe ZIP&#xa0;: sa partie %1 se décompresse en plus de %2 fois sa taille.</translation>
    </message>
    <message>
        <source>shorter than its header declares</source>
        <translation>plus court que ce que son en-tête indique</translation>
    </message>
    <message>
        <source>checksum mismatch</source>
        <translation>somme de contrôle incorrecte</translation>
    </message>
</context>
</TS>
