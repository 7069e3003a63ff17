#pragma once

#include "auth/Credential.h"

#include <QDateTime>
#include <QDialog>
#include <QPointer>
#include <QUrl>
#include <memory>

namespace Ui {
class SignInDialog;
}

namespace getbill {
class Account;
class ApiClient;
class CredentialCheck;
} // namespace getbill

namespace getbill::gui {

/// Signs the user in with an access token or an API client: tests the credential against the API before anything
/// is saved, shows what is connected (API address, kind of credential, token expiry), reports errors inline, offers
/// "keep for this session only" when the keychain cannot be used, and signs out (removing the saved secret).
/// Works on the Account and ApiClient that main() owns; all waiting is asynchronous, the window never freezes.
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    SignInDialog(Account *account, ApiClient *api, QWidget *parent = nullptr);
    ~SignInDialog() override;

signals:
    /// The account is signed in with a tested credential (saved, or kept for this session).
    void signedIn();
    void signedOut();

private:
    void testAndSave();
    void onCheckFinished(CredentialCheck *check);
    void saved(bool sessionOnly);
    void keepForSessionOnly();
    void signOut();
    void updateKind();
    void updateStatus();
    /// The account's GetBill site (the API address's origin), where API clients are made.
    QUrl dashboardUrl() const;
    void updateHelp();
    void setBusy(bool busy);
    void showError(const QString &message, bool offerSessionOnly = false);
    void clearSecrets();

    std::unique_ptr<Ui::SignInDialog> m_ui;
    Account *m_account;
    ApiClient *m_api;
    QPointer<CredentialCheck> m_check;
    /// The tested credential that the keychain refused: what "keep for this session only" signs in with.
    Credential m_pending;
    QUrl m_pendingUrl;
    QDateTime m_expiry;
};

} // namespace getbill::gui
