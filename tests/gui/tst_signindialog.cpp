#include "SignInDialog.h"
#include "TestFixture.h"
#include "api/ApiClient.h"
#include "auth/Account.h"
#include "auth/MemorySecretStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QTest>

using namespace getbill;
using namespace getbill::test;
using getbill::gui::SignInDialog;

namespace {
/// A keychain that is locked: every write fails the way KeychainSecretStore reports it. The real failures are
/// provoked against gnome-keyring in tst_keychain; here only the dialog's handling matters.
class LockedStore : public MemorySecretStore
{
public:
protected:
    void doWrite(SecretJob *job) override
    {
        QTimer::singleShot(0, job, [job] {
            job->complete({Result::Status::Locked, QStringLiteral("The keychain is locked. Unlock it (for example in "
                                                                  "\"Passwords and Keys\") and try again.")});
        });
    }
};

template <typename T>
T *child(QWidget &parent, const char *name)
{
    T *w = parent.findChild<T *>(QString::fromLatin1(name));
    if (!w)
        qFatal("no widget %s", name);
    return w;
}
} // namespace

class TestSignInDialog : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void everyWidgetHasAnAccessibleName();
    void badTokenShowsTheApiMessageAndSavesNothing();
    void goodTokenIsTestedAndSaved();
    void apiClientSignsIn();
    void insecureAddressIsRefusedInline();
    void refusedAddresses_data();
    void refusedAddresses();
    void keychainFailureOffersSessionOnly();
    void signOutRemovesTheSecret();
    void secretsCanBeShownAndHelpSaysWhereTheyComeFrom();

private:
    void typeInto(QWidget *widget, const QString &text);
    std::unique_ptr<TestFixture> m_f;
    std::unique_ptr<MemorySecretStore> m_store;
    std::unique_ptr<Account> m_account;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<SignInDialog> m_dialog;
};

void TestSignInDialog::init()
{
    m_f = std::make_unique<TestFixture>();
    m_f->server().addToken(QStringLiteral("good-token"));
    m_f->server().addClient(QStringLiteral("client_gui"), QStringLiteral("gui-secret"));
    m_store = std::make_unique<MemorySecretStore>();
    m_account = std::make_unique<Account>(m_store.get(), &m_f->network());
    m_account->setOptions(TestFixture::fastOptions());
    m_account->setApiUrl(m_f->server().apiUrl());
    m_api = std::make_unique<ApiClient>(&m_f->network(), m_account.get());
    m_dialog = std::make_unique<SignInDialog>(m_account.get(), m_api.get());
    m_dialog->show();
    m_dialog->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_dialog.get())); // mnemonics (Alt+letter) need the active window
}

void TestSignInDialog::cleanup()
{
    m_dialog.reset();
    m_api.reset();
    m_account.reset();
    m_store.reset();
    m_f.reset();
}

void TestSignInDialog::typeInto(QWidget *widget, const QString &text)
{
    widget->setFocus();
    QTest::keyClicks(widget, text);
}

void TestSignInDialog::everyWidgetHasAnAccessibleName()
{
    const QList<QWidget *> widgets = m_dialog->findChildren<QWidget *>();
    for (QWidget *w : widgets) {
        if (qobject_cast<QLineEdit *>(w) || qobject_cast<QPushButton *>(w) || qobject_cast<QRadioButton *>(w))
            QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
    }
    // The API address is prefilled with the account's.
    QCOMPARE(child<QLineEdit>(*m_dialog, "apiUrlEdit")->text(), m_f->server().apiUrl().toString());
    QCOMPARE(child<QLineEdit>(*m_dialog, "tokenEdit")->echoMode(), QLineEdit::Password);
    QCOMPARE(child<QLineEdit>(*m_dialog, "clientSecretEdit")->echoMode(), QLineEdit::Password);
}

void TestSignInDialog::badTokenShowsTheApiMessageAndSavesNothing()
{
    typeInto(child<QLineEdit>(*m_dialog, "tokenEdit"), QStringLiteral("wrong-token"));
    QTest::keyClick(child<QLineEdit>(*m_dialog, "tokenEdit"), Qt::Key_Return); // the default button
    auto *error = child<QLabel>(*m_dialog, "errorLabel");
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("Authentication credentials are missing or invalid")),
             qPrintable(error->text()));
    QVERIFY(!child<QPushButton>(*m_dialog, "sessionOnlyButton")->isVisible());
    QCOMPARE(m_store->count(), 0);
    QVERIFY(!m_account->isSignedIn());
    QVERIFY(child<QPushButton>(*m_dialog, "testSaveButton")->isEnabled()); // not stuck busy
    // A 401 says what to check; the dialog stays for another try.
    QVERIFY2(error->text().contains(QStringLiteral("pasted whole")) &&
                 error->text().contains(QStringLiteral("reports:read")),
             qPrintable(error->text()));
    QVERIFY(m_dialog->isVisible());
}

void TestSignInDialog::goodTokenIsTestedAndSaved()
{
    QSignalSpy signedIn(m_dialog.get(), &SignInDialog::signedIn);
    typeInto(child<QLineEdit>(*m_dialog, "tokenEdit"), QStringLiteral("good-token"));
    QTest::keyClick(child<QLineEdit>(*m_dialog, "tokenEdit"), Qt::Key_Return);
    QVERIFY(child<QWidget>(*m_dialog, "busyBar")->isVisible()); // busy, and the event loop keeps running
    QVERIFY(signedIn.wait());
    QCOMPARE(m_store->count(), 1);
    QVERIFY(m_account->isSignedIn());
    QCOMPARE(m_account->kind(), Credential::Kind::AccessToken);
    QCOMPARE(m_api->baseUrl(), m_f->server().apiUrl());
    const QString status = child<QLabel>(*m_dialog, "statusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("Connected to")) && status.contains(QStringLiteral("an access token")),
             qPrintable(status));
    QVERIFY(child<QLineEdit>(*m_dialog, "tokenEdit")->text().isEmpty()); // the secret does not linger in the form
    QVERIFY(!child<QLabel>(*m_dialog, "errorLabel")->isVisible());
    // The API call tested the token before it was saved.
    bool listed = false;
    for (const auto &r : m_f->server().requests())
        listed = listed || r.pathAndQuery.contains(QStringLiteral("/reports?page=1&limit=1"));
    QVERIFY(listed);
    // Signed in: the dialog closes by itself.
    QTRY_VERIFY(!m_dialog->isVisible());
    QCOMPARE(m_dialog->result(), int(QDialog::Accepted));
}

void TestSignInDialog::apiClientSignsIn()
{
    QSignalSpy signedIn(m_dialog.get(), &SignInDialog::signedIn);
    // Keyboard only: the arrow key moves between the two kinds, Tab goes on to the fields.
    child<QRadioButton>(*m_dialog, "tokenRadio")->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Down);
    QVERIFY(child<QRadioButton>(*m_dialog, "clientRadio")->isChecked());
    QVERIFY(!child<QLineEdit>(*m_dialog, "tokenEdit")->isEnabled());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QVERIFY(child<QLineEdit>(*m_dialog, "clientIdEdit")->hasFocus());
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("client_gui"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QVERIFY(child<QLineEdit>(*m_dialog, "clientSecretEdit")->hasFocus());
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("gui-secret"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QVERIFY(signedIn.wait());
    QCOMPARE(m_account->kind(), Credential::Kind::ApiClient);
    QCOMPARE(m_account->clientId(), QStringLiteral("client_gui"));
    const QString status = child<QLabel>(*m_dialog, "statusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("client_gui")) && status.contains(QStringLiteral("expires at")),
             qPrintable(status));
    QVERIFY(!status.contains(QStringLiteral("gui-secret")));
}

void TestSignInDialog::insecureAddressIsRefusedInline()
{
    auto *url = child<QLineEdit>(*m_dialog, "apiUrlEdit");
    url->selectAll();
    typeInto(url, QStringLiteral("http://getbill.example/external-api/v1"));
    typeInto(child<QLineEdit>(*m_dialog, "tokenEdit"), QStringLiteral("good-token"));
    QTest::keyClick(child<QLineEdit>(*m_dialog, "tokenEdit"), Qt::Key_Return);
    auto *error = child<QLabel>(*m_dialog, "errorLabel");
    QVERIFY(error->isVisible()); // at once, nothing was sent
    QVERIFY2(error->text().contains(QStringLiteral("must start with https://")), qPrintable(error->text()));
    QVERIFY(url->hasFocus());
    QVERIFY(!m_account->isSignedIn());
}

void TestSignInDialog::keychainFailureOffersSessionOnly()
{
    LockedStore locked;
    Account account(&locked, &m_f->network());
    account.setApiUrl(m_f->server().apiUrl());
    account.setOptions(TestFixture::fastOptions());
    SignInDialog dialog(&account, m_api.get());
    m_dialog->hide();
    dialog.show();
    dialog.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    QSignalSpy signedIn(&dialog, &SignInDialog::signedIn);

    typeInto(child<QLineEdit>(dialog, "tokenEdit"), QStringLiteral("good-token"));
    QTest::keyClick(child<QLineEdit>(dialog, "tokenEdit"), Qt::Key_Return);
    auto *error = child<QLabel>(dialog, "errorLabel");
    auto *sessionOnly = child<QPushButton>(dialog, "sessionOnlyButton");
    QTRY_VERIFY(sessionOnly->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("could not be saved. The keychain is locked. Unlock it")),
             qPrintable(error->text()));
    QVERIFY(!account.isSignedIn()); // not signed in behind the user's back
    QVERIFY(sessionOnly->hasFocus());

    if (qEnvironmentVariableIsSet("GETBILL_SIGNIN_SCREENSHOT")) {
        // For the record, under Xvfb: the message as the user sees it.
        dialog.raise();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCoreApplication::processEvents();
        QProcess::execute(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"),
                                                     qEnvironmentVariable("GETBILL_SIGNIN_SCREENSHOT")});
    }

    QTest::keyClick(sessionOnly, Qt::Key_Space);
    QVERIFY(signedIn.size() == 1 || signedIn.wait());
    QVERIFY(account.isSignedIn());
    QVERIFY(account.isSessionOnly());
    QVERIFY(!error->isVisible());
    QVERIFY(!sessionOnly->isVisible());
    const QString status = child<QLabel>(dialog, "statusLabel")->text();
    QVERIFY2(status.contains(QStringLiteral("for this session only")), qPrintable(status));
}

void TestSignInDialog::signOutRemovesTheSecret()
{
    QSignalSpy signedIn(m_dialog.get(), &SignInDialog::signedIn);
    typeInto(child<QLineEdit>(*m_dialog, "tokenEdit"), QStringLiteral("good-token"));
    QTest::keyClick(child<QLineEdit>(*m_dialog, "tokenEdit"), Qt::Key_Return);
    QVERIFY(signedIn.wait());
    QCOMPARE(m_store->count(), 1);

    QSignalSpy signedOut(m_dialog.get(), &SignInDialog::signedOut);
    auto *signOut = child<QPushButton>(*m_dialog, "signOutButton");
    QVERIFY(signOut->isEnabled());
    signOut->setFocus();
    QTest::keyClick(signOut, Qt::Key_Space);
    QVERIFY(signedOut.wait());
    QCOMPARE(m_store->count(), 0);
    QVERIFY(!m_account->isSignedIn());
    QVERIFY(child<QLabel>(*m_dialog, "statusLabel")->text().contains(QStringLiteral("removed")));
    QVERIFY(!child<QPushButton>(*m_dialog, "signOutButton")->isEnabled());
}

QTEST_MAIN(TestSignInDialog)
#include "tst_signindialog.moc"

void TestSignInDialog::secretsCanBeShownAndHelpSaysWhereTheyComeFrom()
{
    QCOMPARE(QApplication::focusWidget(), child<QLineEdit>(*m_dialog, "tokenEdit")); // what the user came for
    auto *show = child<QCheckBox>(*m_dialog, "showSecretsCheck");
    QCOMPARE(child<QLineEdit>(*m_dialog, "tokenEdit")->echoMode(), QLineEdit::Password);
    QCOMPARE(child<QLineEdit>(*m_dialog, "clientSecretEdit")->echoMode(), QLineEdit::Password);
    show->click();
    QCOMPARE(child<QLineEdit>(*m_dialog, "tokenEdit")->echoMode(), QLineEdit::Normal);
    QCOMPARE(child<QLineEdit>(*m_dialog, "clientSecretEdit")->echoMode(), QLineEdit::Normal);
    show->click();
    QCOMPARE(child<QLineEdit>(*m_dialog, "tokenEdit")->echoMode(), QLineEdit::Password);

    // The link goes to the account's own GetBill site, and follows the address being typed.
    auto *help = child<QLabel>(*m_dialog, "helpLabel");
    QVERIFY2(help->text().contains(QStringLiteral("API Client Management")), qPrintable(help->text()));
    const QUrl api = m_f->server().apiUrl();
    const QString origin = QStringLiteral("%1://%2:%3/").arg(api.scheme(), api.host()).arg(api.port());
    QVERIFY2(help->text().contains(QStringLiteral("href=\"%1\"").arg(origin)), qPrintable(help->text()));
    auto *address = child<QLineEdit>(*m_dialog, "apiUrlEdit");
    address->setText(QStringLiteral("https://eu.getbill.example/external-api/v1"));
    QVERIFY(help->text().contains(QStringLiteral("href=\"https://eu.getbill.example/\"")));
    address->setText(QStringLiteral("http://getbill.example/external-api/v1")); // refused: GetBill's own site
    QVERIFY(help->text().contains(QStringLiteral("href=\"https://getbill.io/\"")));
}

void TestSignInDialog::refusedAddresses_data()
{
    QTest::addColumn<QString>("url");
    QTest::newRow("http remote") << QStringLiteral("http://example.com/external-api/v1");
    QTest::newRow("no scheme") << QStringLiteral("example.com/api");
    QTest::newRow("ftp") << QStringLiteral("ftp://getbill.io/x");
    QTest::newRow("garbage") << QStringLiteral("https://");
    QTest::newRow("query") << QStringLiteral("https://getbill.io/external-api/v1?x=1");
}

void TestSignInDialog::refusedAddresses()
{
    // The one place where the API address is edited refuses what the token must not travel to, before sending.
    QFETCH(QString, url);
    const qsizetype before = m_f->server().requests().size();
    auto *edit = child<QLineEdit>(*m_dialog, "apiUrlEdit");
    edit->setText(url);
    typeInto(child<QLineEdit>(*m_dialog, "tokenEdit"), QStringLiteral("good-token"));
    QTest::keyClick(child<QLineEdit>(*m_dialog, "tokenEdit"), Qt::Key_Return);
    auto *error = child<QLabel>(*m_dialog, "errorLabel");
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("must start with https://")), qPrintable(error->text()));
    QVERIFY(!m_account->isSignedIn());
    QCOMPARE(m_store->count(), 0);
    QCOMPARE(m_f->server().requests().size(), before);
}
