// keychain_helper: a separate process for tst_keychain. It proves that a credential saved by one process is read
// back by the next, and shows what the keychain says under broken environments (no D-Bus, no Secret Service,
// locked, prompt dismissed). It never prints a secret: only a hash of what it read.
//
//   keychain_helper save-token API_URL   (token on stdin)  -> status=... [session=ok]
//   keychain_helper read API_URL                            -> status=... kind=... client=... sha256=...
//   keychain_helper clear API_URL                           -> status=...
// Every line ends with message=<the Result's message for the user>.
#include "auth/Account.h"
#include "auth/KeychainSecretStore.h"
#include "auth/MemorySecretStore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QNetworkAccessManager>
#include <QTextStream>

using namespace getbill;

namespace {
QString statusName(SecretStore::Result::Status status)
{
    switch (status) {
    case SecretStore::Result::Status::Ok:
        return QStringLiteral("Ok");
    case SecretStore::Result::Status::NotFound:
        return QStringLiteral("NotFound");
    case SecretStore::Result::Status::NoBackend:
        return QStringLiteral("NoBackend");
    case SecretStore::Result::Status::Locked:
        return QStringLiteral("Locked");
    case SecretStore::Result::Status::Denied:
        return QStringLiteral("Denied");
    case SecretStore::Result::Status::Failed:
        return QStringLiteral("Failed");
    }
    return {};
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3)
        return 2;
    const QString command = args.at(1);
    QTextStream out(stdout);
    QNetworkAccessManager network;
    KeychainSecretStore keychain;
    Account account(&keychain, &network);
    account.setApiUrl(QUrl(args.at(2)));

    auto finish = [&](const SecretStore::Result &result, const QString &extra) {
        out << "status=" << statusName(result.status) << extra << " message=" << result.message << Qt::endl;
        app.exit(0);
    };

    if (command == QLatin1String("save-token")) {
        QFile in;
        in.open(stdin, QIODevice::ReadOnly);
        account.signIn(Credential::token(QString::fromUtf8(in.readAll()).trimmed()));
        startJob(&app, account.save(), [&](SecretJob *saved) {
            const SecretStore::Result result = saved->result();
            if (!result.isUnavailable()) {
                finish(result, {});
                return;
            }
            // What the UI offers: keep it in memory for this session. It must work, and write nothing.
            account.useSessionOnlyStore();
            startJob(&app, account.save(), [&, result](SecretJob *session) {
                finish(result, session->result().isOk() && account.isSignedIn() && account.isSessionOnly()
                                   ? QStringLiteral(" session=ok")
                                   : QStringLiteral(" session=failed"));
            });
        });
    } else if (command == QLatin1String("read")) {
        startJob(&app, account.load(), [&](SecretJob *loaded) {
            const SecretStore::Result result = loaded->result();
            QString extra;
            if (result.isOk()) {
                extra = QStringLiteral(" kind=%1 client=%2")
                            .arg(Credential::kindName(account.kind()).replace(u' ', u'_'), account.clientId());
                // The hash of the stored form is enough to compare; the secret itself is never printed.
                startJob(&app, keychain.read(account.storeKey()), [&, result, extra](SecretJob *read) {
                    finish(result,
                           extra + QStringLiteral(" sha256=") +
                               QString::fromLatin1(
                                   QCryptographicHash::hash(read->secret(), QCryptographicHash::Sha256).toHex()));
                });
                return;
            }
            finish(result, extra);
        });
    } else if (command == QLatin1String("clear")) {
        startJob(&app, account.signOut(), [&](SecretJob *removed) { finish(removed->result(), {}); });
    } else {
        return 2;
    }
    return app.exec();
}
