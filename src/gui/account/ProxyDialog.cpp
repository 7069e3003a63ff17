#include "ProxyDialog.h"

#include "PlainText.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace getbill::gui {

ProxyDialog::ProxyDialog(const QString &proxy, QWidget *parent)
    : QDialog(parent), m_user(new QLineEdit(this)), m_password(new QLineEdit(this))
{
    setObjectName(QStringLiteral("proxyDialog"));
    setWindowTitle(tr("Proxy sign-in"));
    auto *intro = new QLabel(tr("The network proxy %1 asks for a user name and password. They are kept for this "
                                "session only.")
                                 .arg(proxy),
                             this);
    PlainText::apply(intro);
    intro->setWordWrap(true);
    m_user->setObjectName(QStringLiteral("proxyUser"));
    m_user->setAccessibleName(tr("Proxy user name"));
    m_password->setObjectName(QStringLiteral("proxyPassword"));
    m_password->setAccessibleName(tr("Proxy password"));
    m_password->setEchoMode(QLineEdit::Password);
    auto *form = new QFormLayout;
    auto *userLabel = new QLabel(tr("&User name:"), this);
    userLabel->setBuddy(m_user);
    auto *passwordLabel = new QLabel(tr("&Password:"), this);
    passwordLabel->setBuddy(m_password);
    form->addRow(userLabel, m_user);
    form->addRow(passwordLabel, m_password);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
    m_user->setFocus();
}

QString ProxyDialog::user() const
{
    return m_user->text();
}

QString ProxyDialog::password() const
{
    return m_password->text();
}

bool ProxyDialog::ask(QWidget *parent, const QString &proxy, QString *user, QString *password)
{
    ProxyDialog dialog(proxy, parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *user = dialog.user();
    *password = dialog.password();
    return true;
}

} // namespace getbill::gui
