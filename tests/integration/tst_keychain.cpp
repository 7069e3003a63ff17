#include "auth/Account.h"
#include "auth/KeychainSecretStore.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace getbill;
using Status = SecretStore::Result::Status;

namespace {
const QString helperPath = QStringLiteral(KEYCHAIN_HELPER);

/// The helper's one line, split into key=value fields (message= runs to the end of the line).
QMap<QString, QString> parseLine(const QByteArray &output)
{
    QMap<QString, QString> fields;
    QString line = QString::fromUtf8(output).trimmed().section(u'\n', -1);
    const qsizetype m = line.indexOf(QLatin1String(" message="));
    if (m >= 0) {
        fields.insert(QStringLiteral("message"), line.mid(m + 9));
        line.truncate(m);
    }
    for (const QString &pair : line.split(u' ', Qt::SkipEmptyParts))
        fields.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    return fields;
}

/// Runs `program args` under `environment`, `input` on stdin; waits at most 60 s (gnome-keyring start-up).
QByteArray run(const QString &program, const QStringList &args, const QProcessEnvironment &environment,
               const QByteArray &input = {}, QByteArray *errors = nullptr)
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.start(program, args);
    if (!p.waitForStarted(10'000))
        return {};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
    }
    if (errors)
        *errors = p.readAllStandardError();
    return p.readAllStandardOutput();
}

QString shellQuote(const QString &s)
{
    return u'\'' + QString(s).replace(u'\'', QLatin1String("'\\''")) + u'\'';
}

/// A child environment with its own HOME and XDG folders (so nothing can fall back to the developer's files) and no
/// display (so a keyring prompt cannot wait for a person).
QProcessEnvironment isolatedEnvironment(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "GNOME_KEYRING_CONTROL"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
    QDir(home).mkpath(QStringLiteral("data/keyrings"));
    return env;
}

/// True when some file under `root` holds `needle` in clear.
bool anyFileContains(const QString &root, const QByteArray &needle)
{
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}

QString uniqueApiUrl()
{
    // A host of its own per run: never collides with a developer's real account or another test.
    return QStringLiteral("https://%1.test.invalid/external-api/v1")
        .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
}

QString secretToolSearch(const QString &key)
{
    QProcess p;
    p.start(QStringLiteral("secret-tool"), {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("server"),
                                            KeychainSecretStore::defaultServiceName(), QStringLiteral("user"), key});
    p.waitForFinished(30'000);
    // secret-tool writes the attributes to stderr and the label/secret to stdout; only the attributes matter here.
    return QString::fromUtf8(p.readAllStandardError() + p.readAllStandardOutput());
}
} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void roundTripInProcess();
    void savedCredentialSurvivesARestartAndSignOutRemovesIt();

    // Failure modes, each in a child process under an environment built for it.
    void noDBusAtAll();
    void dbusWithoutSecretService();
    void lockedKeyringIsNotMistakenForNothingSaved();
    void dismissedPromptIsDenied();

private:
    bool requireRealKeyring();
    bool requireTools(const QStringList &tools);
};

void TestKeychain::initTestCase()
{
    QVERIFY2(QFile::exists(helperPath), qPrintable(helperPath));
}

bool TestKeychain::requireRealKeyring()
{
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

bool TestKeychain::requireTools(const QStringList &tools)
{
    for (const QString &t : tools)
        if (QStandardPaths::findExecutable(t).isEmpty())
            return false;
    return true;
}

void TestKeychain::roundTripInProcess()
{
    if (!requireRealKeyring())
        QSKIP("No D-Bus session: run under the DESIGN.md keyring recipe (dbus-run-session + gnome-keyring).");
    KeychainSecretStore store;
    const QString key = SecretStore::keyFor(QUrl(uniqueApiUrl()));
    SecretStore::Result written;
    bool done = false;
    startJob(this, store.write(key, "round-trip-secret"), [&](SecretJob *job) {
        written = job->result();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY2(written.isOk(), qPrintable(written.message));

    done = false;
    QByteArray secret;
    SecretStore::Result read;
    startJob(this, store.read(key), [&](SecretJob *job) {
        read = job->result();
        secret = job->secret();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY2(read.isOk(), qPrintable(read.message));
    QCOMPARE(secret, QByteArray("round-trip-secret"));

    done = false;
    startJob(this, store.remove(key), [&](SecretJob *job) {
        written = job->result();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY2(written.isOk(), qPrintable(written.message));

    // Gone, and the store (probed behind the scenes) says "nothing saved", not "locked".
    done = false;
    startJob(this, store.read(key), [&](SecretJob *job) {
        read = job->result();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QCOMPARE(read.status, Status::NotFound);
}

void TestKeychain::savedCredentialSurvivesARestartAndSignOutRemovesIt()
{
    if (!requireRealKeyring())
        QSKIP("No D-Bus session: run under the DESIGN.md keyring recipe (dbus-run-session + gnome-keyring).");
    const QString apiUrl = uniqueApiUrl();
    const Credential credential =
        Credential::client(QStringLiteral("client_restart"), QStringLiteral("restart-secret"));
    QNetworkAccessManager network;
    KeychainSecretStore store;
    Account account(&store, &network);
    account.setApiUrl(QUrl(apiUrl));
    account.signIn(credential);
    bool done = false;
    SecretStore::Result saved;
    startJob(this, account.save(), [&](SecretJob *job) {
        saved = job->result();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY2(saved.isOk(), qPrintable(saved.message));

    // secret-tool finds it under the application's service name, keyed by the API URL.
    const QString found = secretToolSearch(account.storeKey());
    QVERIFY2(found.contains(QStringLiteral("attribute.server = io.getbill.reports")), qPrintable(found));
    QVERIFY(found.contains(QStringLiteral("attribute.user = ") + account.storeKey()));

    // A new process reads it back.
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QMap<QString, QString> line = parseLine(run(helperPath, {QStringLiteral("read"), apiUrl}, env));
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("Ok"));
    QCOMPARE(line.value(QStringLiteral("kind")), QStringLiteral("API_client"));
    QCOMPARE(line.value(QStringLiteral("client")), QStringLiteral("client_restart"));
    QCOMPARE(line.value(QStringLiteral("sha256")),
             QString::fromLatin1(QCryptographicHash::hash(credential.toSecret(), QCryptographicHash::Sha256).toHex()));

    // Sign out: gone from memory, the keychain, and the next process.
    done = false;
    startJob(this, account.signOut(), [&](SecretJob *job) {
        saved = job->result();
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY2(saved.isOk(), qPrintable(saved.message));
    QVERIFY(!account.isSignedIn());
    QVERIFY(!secretToolSearch(account.storeKey()).contains(QStringLiteral("attribute.user")));
    line = parseLine(run(helperPath, {QStringLiteral("read"), apiUrl}, env));
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("NotFound"));
}

void TestKeychain::noDBusAtAll()
{
    QTemporaryDir home;
    QProcessEnvironment env = isolatedEnvironment(home.path());
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
    const QByteArray token = "token-no-dbus-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    const QByteArray output = run(helperPath, {QStringLiteral("save-token"), uniqueApiUrl()}, env, token);
    const QMap<QString, QString> line = parseLine(output);
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("NoBackend"));
    QVERIFY2(line.value(QStringLiteral("message"))
                 .startsWith(QStringLiteral("No keychain is available: this session "
                                            "has no D-Bus connection")),
             output.constData());
    QCOMPARE(line.value(QStringLiteral("session")), QStringLiteral("ok")); // the offer works
    QVERIFY(!output.contains(token));
    QVERIFY(!anyFileContains(home.path(), token)); // never a file
}

void TestKeychain::dbusWithoutSecretService()
{
    if (!requireTools({QStringLiteral("dbus-run-session")}))
        QSKIP("dbus-run-session is not installed.");
    QTemporaryDir home;
    const QProcessEnvironment env = isolatedEnvironment(home.path());
    // A session bus that can activate nothing: no Secret Service can appear on it.
    const QString config = home.filePath(QStringLiteral("bus.conf"));
    QFile conf(config);
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write(R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
</policy></busconfig>)");
    conf.close();
    const QByteArray token = "token-no-service-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    const QByteArray output = run(QStringLiteral("dbus-run-session"),
                                  {QStringLiteral("--config-file=") + config, QStringLiteral("--"), helperPath,
                                   QStringLiteral("save-token"), uniqueApiUrl()},
                                  env, token);
    const QMap<QString, QString> line = parseLine(output);
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("NoBackend"));
    QVERIFY2(line.value(QStringLiteral("message")).contains(QStringLiteral("no Secret Service")), output.constData());
    QCOMPARE(line.value(QStringLiteral("session")), QStringLiteral("ok"));
    QVERIFY(!anyFileContains(home.path(), token));
}

void TestKeychain::lockedKeyringIsNotMistakenForNothingSaved()
{
    if (!requireTools({QStringLiteral("dbus-run-session"), QStringLiteral("gnome-keyring-daemon")}))
        QSKIP("dbus-run-session or gnome-keyring-daemon is not installed.");
    QTemporaryDir home;
    const QProcessEnvironment env = isolatedEnvironment(home.path());
    QFile defaultKeyring(home.filePath(QStringLiteral("data/keyrings/default")));
    QVERIFY(defaultKeyring.open(QIODevice::WriteOnly));
    defaultKeyring.write("login");
    defaultKeyring.close();
    const QString apiUrl = uniqueApiUrl();
    const QString helper = shellQuote(helperPath);

    // 1. A keyring with a password, unlocked, holding a credential.
    const QByteArray token = "token-locked-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    QByteArray output =
        run(QStringLiteral("dbus-run-session"),
            {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
             QStringLiteral("printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
                            "exec %1 save-token %2")
                 .arg(helper, shellQuote(apiUrl))},
            env, token);
    QCOMPARE(parseLine(output).value(QStringLiteral("status")), QStringLiteral("Ok"));

    // 2. The next session starts the keyring without unlocking it: the read must say "locked", not "nothing saved".
    const QString lockedSession =
        QStringLiteral("gnome-keyring-daemon --start --components=secrets >/dev/null; exec %1 %3 %2");
    output = run(QStringLiteral("dbus-run-session"),
                 {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                  lockedSession.arg(helper, shellQuote(apiUrl), QStringLiteral("read"))},
                 env);
    QMap<QString, QString> line = parseLine(output);
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("Locked"));
    QVERIFY2(line.value(QStringLiteral("message")).startsWith(QStringLiteral("The keychain is locked. Unlock it")),
             output.constData());

    // 3. Saving into the locked keyring: the same plain message, and the session-only offer works.
    output = run(QStringLiteral("dbus-run-session"),
                 {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                  lockedSession.arg(helper, shellQuote(apiUrl), QStringLiteral("save-token"))},
                 env, "other-" + token);
    line = parseLine(output);
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("Locked"));
    QCOMPARE(line.value(QStringLiteral("session")), QStringLiteral("ok"));
    QVERIFY(!anyFileContains(home.path(), token)); // the keyring file is encrypted; nothing else holds it
}

void TestKeychain::dismissedPromptIsDenied()
{
    // GNOME Keyring without any keyring asks the user for a password to create one. Without a display the prompt
    // cannot be shown and ends as dismissed, exactly as when the user presses Cancel.
    if (!requireTools({QStringLiteral("dbus-run-session"), QStringLiteral("gnome-keyring-daemon")}))
        QSKIP("dbus-run-session or gnome-keyring-daemon is not installed.");
    QTemporaryDir home;
    const QProcessEnvironment env = isolatedEnvironment(home.path());
    const QByteArray token = "token-dismissed-" + QUuid::createUuid().toByteArray(QUuid::Id128);
    const QByteArray output =
        run(QStringLiteral("dbus-run-session"),
            {QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
             QStringLiteral("gnome-keyring-daemon --start --components=secrets >/dev/null; exec %1 save-token %2")
                 .arg(shellQuote(helperPath), shellQuote(uniqueApiUrl()))},
            env, token);
    const QMap<QString, QString> line = parseLine(output);
    QCOMPARE(line.value(QStringLiteral("status")), QStringLiteral("Denied"));
    QVERIFY2(line.value(QStringLiteral("message")).contains(QStringLiteral("prompt was cancelled")),
             output.constData());
    QCOMPARE(line.value(QStringLiteral("session")), QStringLiteral("ok"));
    QVERIFY(!anyFileContains(home.path(), token));
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
