#include "CliRunner.h"
#include "sandbox/SandboxServer.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace getbill;
using namespace getbill::test;

/// A full sign-in with an API client and a download through the CLI, with all of Qt's debug logging on: the client
/// secret, every access token issued and every download signature must appear nowhere the run wrote (standard
/// output and error, and every file under its HOME and XDG folders: settings, history, caches).
class TestNoSecretLeak : public QObject
{
    Q_OBJECT
private slots:
    void fullRunLeaksNothing();
};

void TestNoSecretLeak::fullRunLeaksNothing()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("No D-Bus session: run under the DESIGN.md keyring recipe (dbus-run-session + gnome-keyring).");
    sandbox::SandboxServer server;
    QVERIFY(server.start());
    const QString clientId = QStringLiteral("leak_client");
    const QString secret = QStringLiteral("Leak-Secret-") + QString::number(QDateTime::currentMSecsSinceEpoch());
    server.addClient(clientId, secret);
    server.setSingleUseLinks(true);

    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    for (const char *name : {"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
        env.insert(QString::fromLatin1(name), home.path() + u'/' + QString::fromLatin1(name).toLower());
    // XDG_DATA_HOME stays: the running gnome-keyring keeps its (encrypted) keyring there, outside the scan.
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true"));
    env.insert(QStringLiteral("QT_DEBUG_PLUGINS"), QStringLiteral("0"));
    env.insert(QStringLiteral("GETBILL_API_URL"), server.apiUrl().toString());
    env.insert(QStringLiteral("GETBILL_TOKEN_URL"), server.tokenUrl().toString());
    env.remove(QStringLiteral("GETBILL_TOKEN"));

    QByteArray written;
    auto step = [&](const QStringList &args, const QByteArray &input = {}) {
        const CliRun run = runCli(args, env, input);
        written += run.out + '\n' + run.err + '\n';
        return run;
    };
    CliRun run = step({QStringLiteral("auth"), QStringLiteral("set-client"), QStringLiteral("--client-id"), clientId},
                      secret.toUtf8() + '\n');
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = step({QStringLiteral("auth"), QStringLiteral("status")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains(clientId.toUtf8()));
    const QString reportId = server.reports().first().id;
    const QString outDir = home.filePath(QStringLiteral("downloads"));
    QVERIFY(QDir().mkpath(outDir));
    run = step({QStringLiteral("download"), reportId, QStringLiteral("--output-dir"), outDir});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(written.contains("qt."), written.left(2000).constData()); // logging was on: the scan means something
    run = step({QStringLiteral("auth"), QStringLiteral("clear")});
    QCOMPARE(run.exitCode, 0);

    // What must never be written: the secret, the tokens the sandbox issued and saw, the download signatures.
    QList<QByteArray> needles{secret.toUtf8()};
    int tokens = 0;
    int signatures = 0;
    const QList<sandbox::RecordedRequest> requests = server.requests();
    for (const sandbox::RecordedRequest &r : requests) {
        const QByteArray authorization = r.headers.value("authorization");
        if (authorization.startsWith("Bearer ")) {
            needles.append(authorization.mid(7));
            ++tokens;
        }
        const QUrlQuery query(QUrl(r.pathAndQuery).query());
        if (query.hasQueryItem(QStringLiteral("signature"))) {
            needles.append(query.queryItemValue(QStringLiteral("signature")).toUtf8());
            ++signatures;
        }
    }
    QVERIFY(tokens >= 2);     // auth set-client's check and the download's calls
    QVERIFY(signatures >= 1); // the download fetched a signed link

    QList<QPair<QString, QByteArray>> outputs{{QStringLiteral("stdout/stderr"), written}};
    QDirIterator it(home.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        outputs.append({f.fileName(), f.readAll()});
        ++files;
    }
    QVERIFY(files >= 1); // at least the downloaded report
    for (const auto &[where, bytes] : std::as_const(outputs))
        for (const QByteArray &needle : std::as_const(needles))
            QVERIFY2(!bytes.contains(needle), qPrintable(where + QStringLiteral(" holds a secret")));
}

QTEST_GUILESS_MAIN(TestNoSecretLeak)
#include "tst_nosecretleak.moc"
