#include "SignInDialog.h"

#include "Tint.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/CredentialCheck.h"
#include "ui_SignInDialog.h"

#include <QCheckBox>
#include <QDesktopServices>
#include <QLocale>

namespace getbill::gui {

using namespace Qt::StringLiterals;

SignInDialog::SignInDialog(Account *account, ApiClient *api, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::SignInDialog>()), m_account(account), m_api(api)
{
    m_ui->setupUi(this);
    m_ui->apiUrlEdit->setText(m_account->apiUrl().toString());
    m_ui->busyBar->hide();
    m_ui->errorLabel->hide();
    Tint::apply(m_ui->errorLabel, Tint::Tone::Error, QStringLiteral("padding:6px;"));
    m_ui->sessionOnlyButton->hide();

    connect(m_ui->showSecretsCheck, &QCheckBox::toggled, this, [this](bool shown) {
        const auto mode = shown ? QLineEdit::Normal : QLineEdit::Password;
        m_ui->tokenEdit->setEchoMode(mode);
        m_ui->clientSecretEdit->setEchoMode(mode);
    });
    // Where a token or an API client comes from, on the account's own GetBill site.
    updateHelp();
    connect(m_ui->apiUrlEdit, &QLineEdit::textChanged, this, &SignInDialog::updateHelp);
    connect(m_ui->helpLabel, &QLabel::linkActivated, this,
            [](const QString &link) { QDesktopServices::openUrl(QUrl(link)); });
    connect(m_ui->tokenRadio, &QRadioButton::toggled, this, &SignInDialog::updateKind);
    connect(m_ui->testSaveButton, &QPushButton::clicked, this, &SignInDialog::testAndSave);
    connect(m_ui->sessionOnlyButton, &QPushButton::clicked, this, &SignInDialog::keepForSessionOnly);
    connect(m_ui->signOutButton, &QPushButton::clicked, this, &SignInDialog::signOut);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_account, &TokenProvider::changed, this, &SignInDialog::updateStatus);
    updateKind();
    updateStatus();
    // The address is filled in already: the user came for the token.
    m_ui->tokenEdit->setFocus();
}

SignInDialog::~SignInDialog() = default;

QUrl SignInDialog::dashboardUrl() const
{
    const QUrl api(m_ui->apiUrlEdit->text().trimmed());
    if (!api.isValid() || !UrlPolicy::isAllowed(api))
        return QUrl(QStringLiteral("https://getbill.io/"));
    QUrl origin;
    origin.setScheme(api.scheme());
    origin.setHost(api.host());
    origin.setPort(api.port());
    origin.setPath(QStringLiteral("/"));
    return origin;
}

void SignInDialog::updateHelp()
{
    m_ui->helpLabel->setText(tr("Where do I get these? In <a href=\"%1\">GetBill</a>, a company administrator "
                                "creates them under Company → API Client Management; the token needs the "
                                "<i>reports:read</i> scope.")
                                 .arg(dashboardUrl().toString(QUrl::FullyEncoded).toHtmlEscaped()));
    // A screen reader reads what is written (Qt gives a label its plain text as its name), the link included.
    m_ui->helpLabel->setAccessibleDescription(tr("Where do I get these?"));
}

void SignInDialog::updateKind()
{
    const bool token = m_ui->tokenRadio->isChecked();
    m_ui->tokenEdit->setEnabled(token);
    m_ui->tokenLabel->setEnabled(token);
    m_ui->clientIdEdit->setEnabled(!token);
    m_ui->clientIdLabel->setEnabled(!token);
    m_ui->clientSecretEdit->setEnabled(!token);
    m_ui->clientSecretLabel->setEnabled(!token);
}

void SignInDialog::updateStatus()
{
    QString text;
    if (!m_account->isSignedIn()) {
        text = tr("Not signed in.");
    } else {
        const QString who = m_account->kind() == Credential::Kind::ApiClient
                                ? tr("the API client %1").arg(m_account->clientId().toHtmlEscaped())
                                : tr("an access token");
        text = tr("Connected to %1 with %2.").arg(UrlPolicy::redacted(m_account->apiUrl()).toHtmlEscaped(), who);
        const QDateTime expiry = m_account->tokenExpiry().isValid() ? m_account->tokenExpiry() : m_expiry;
        if (expiry.isValid())
            text += u' ' + tr("The current access token expires at %1 and is renewed automatically.")
                               .arg(QLocale().toString(expiry.toLocalTime().time(), QLocale::ShortFormat));
        text += u' ' + tr("Saved in: %1.").arg(m_account->store()->description());
    }
    m_ui->statusLabel->setText(text);
    m_ui->signOutButton->setEnabled(m_account->isSignedIn() && !m_ui->busyBar->isVisible());
}

void SignInDialog::setBusy(bool busy)
{
    m_ui->busyBar->setVisible(busy);
    for (QWidget *w : {static_cast<QWidget *>(m_ui->apiUrlEdit), static_cast<QWidget *>(m_ui->kindGroup),
                       static_cast<QWidget *>(m_ui->testSaveButton), static_cast<QWidget *>(m_ui->sessionOnlyButton)})
        w->setEnabled(!busy);
    m_ui->signOutButton->setEnabled(!busy && m_account->isSignedIn());
    if (busy)
        m_ui->busyBar->setFocus();
}

void SignInDialog::showError(const QString &message, bool offerSessionOnly)
{
    m_ui->errorLabel->setText(message);
    m_ui->errorLabel->setVisible(!message.isEmpty());
    m_ui->sessionOnlyButton->setVisible(offerSessionOnly);
}

void SignInDialog::clearSecrets()
{
    m_ui->tokenEdit->clear();
    m_ui->clientSecretEdit->clear();
}

void SignInDialog::testAndSave()
{
    showError({});
    const QUrl url = QUrl::fromUserInput(m_ui->apiUrlEdit->text().trimmed());
    if (!UrlPolicy::isAllowed(url) || url.hasQuery() || url.hasFragment()) {
        showError(tr("The API address must start with https:// (plain http only for this computer), without ? or #."));
        m_ui->apiUrlEdit->setFocus();
        return;
    }
    const Credential credential =
        m_ui->tokenRadio->isChecked()
            ? Credential::token(m_ui->tokenEdit->text().trimmed())
            : Credential::client(m_ui->clientIdEdit->text().trimmed(), m_ui->clientSecretEdit->text());
    if (!credential.isValid()) {
        showError(m_ui->tokenRadio->isChecked() ? tr("Paste an access token first.")
                                                : tr("Enter the API client's id and secret first."));
        (m_ui->tokenRadio->isChecked() ? m_ui->tokenEdit : m_ui->clientIdEdit)->setFocus();
        return;
    }
    const QUrl tokenUrl = url.adjusted(QUrl::StripTrailingSlash) == m_account->apiUrl() ? m_account->tokenUrl()
                                                                                        : Account::tokenUrlFor(url);
    m_pending = credential;
    m_pendingUrl = url;
    setBusy(true);
    m_check = startJob(this, new CredentialCheck(m_account->network(), m_account->options(), url, tokenUrl, credential),
                       [this](CredentialCheck *check) { onCheckFinished(check); });
}

void SignInDialog::onCheckFinished(CredentialCheck *check)
{
    if (!check->succeeded()) {
        setBusy(false);
        // Nothing was saved: the API refused the credential (its own message) or could not be reached.
        QString text = tr("Not signed in: %1").arg(check->error().detailedMessage());
        if (check->error().category() == ApiError::Category::NotAuthenticated)
            text += (text.endsWith(u'.') ? u" "_s : u". "_s) +
                    (m_pending.kind == Credential::Kind::AccessToken
                         ? tr("Check that the token was pasted whole, that it has not expired and that it has "
                              "the reports:read scope.")
                         : tr("Check the client id and secret, and that the API client is still active in "
                              "GetBill."));
        m_pending = {};
        showError(text);
        return;
    }
    m_expiry = check->tokenExpiry();
    m_account->setApiUrl(m_pendingUrl);
    if (m_api)
        m_api->setBaseUrl(m_account->apiUrl());
    m_account->signIn(m_pending);
    startJob(this, m_account->save(), [this](SecretJob *job) {
        const SecretStore::Result &result = job->result();
        setBusy(false);
        if (result.isOk()) {
            saved(false);
            return;
        }
        // Not saved: do not stay signed in behind the user's back; they choose below.
        m_account->signIn({});
        showError(tr("The credential works, but it could not be saved. %1").arg(result.message),
                  result.isUnavailable());
        if (result.isUnavailable())
            m_ui->sessionOnlyButton->setFocus();
    });
}

void SignInDialog::saved(bool sessionOnly)
{
    Q_UNUSED(sessionOnly)
    m_pending = {};
    clearSecrets();
    showError({});
    updateStatus();
    emit signedIn();
    // Done: the window shows the account's reports; the dialog stays open only when something needs the user.
    accept();
}

void SignInDialog::keepForSessionOnly()
{
    if (!m_pending.isValid())
        return;
    m_account->useSessionOnlyStore();
    m_account->signIn(m_pending);
    startJob(this, m_account->save(), [this](SecretJob *job) {
        if (job->result().isOk())
            saved(true);
        else
            showError(job->result().message);
    });
}

void SignInDialog::signOut()
{
    showError({});
    m_expiry = {};
    startJob(this, m_account->signOut(), [this](SecretJob *job) {
        const SecretStore::Result &result = job->result();
        updateStatus();
        if (!result.isOk()) {
            showError(tr("Signed out for now, but the saved credential could not be removed. %1").arg(result.message));
            return;
        }
        m_ui->statusLabel->setText(tr("Signed out: the saved credential was removed."));
        emit signedOut();
    });
}

} // namespace getbill::gui
