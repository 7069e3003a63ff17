#pragma once

#include <QDialog>

class QLineEdit;

namespace getbill::gui {

/// "The proxy proxy.example:3128 asks for a user name and password": what the window asks when the company's
/// proxy wants credentials, once per proxy and session (ProxyAuthenticator keeps the answer in memory only).
class ProxyDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ProxyDialog(const QString &proxy, QWidget *parent = nullptr);

    QString user() const;
    QString password() const;

    /// Shows the dialog and waits for the answer (Qt needs the credentials before the request goes on).
    static bool ask(QWidget *parent, const QString &proxy, QString *user, QString *password);

private:
    QLineEdit *m_user;
    QLineEdit *m_password;
};

} // namespace getbill::gui
