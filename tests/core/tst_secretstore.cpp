#include "auth/Account.h"
#include "auth/Credential.h"
#include "auth/KeychainSecretStore.h"
#include "auth/MemorySecretStore.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace getbill;
using Status = SecretStore::Result::Status;

namespace {
struct Outcome
{
    bool done = false;
    SecretStore::Result result;
    QByteArray secret;
};

/// Starts a secret job owned by `context` and records how it ended.
std::shared_ptr<Outcome> outcomeOf(SecretJob *job, QObject *context)
{
    auto o = std::make_shared<Outcome>();
    startJob(context, job, [o](SecretJob *done) {
        o->done = true;
        o->result = done->result();
        o->secret = done->secret();
    });
    return o;
}

std::shared_ptr<Outcome> readFrom(SecretStore &store, const QString &key, QObject *context)
{
    return outcomeOf(store.read(key), context);
}

std::shared_ptr<Outcome> writeTo(SecretStore &store, const QString &key, const QByteArray &secret, QObject *context)
{
    return outcomeOf(store.write(key, secret), context);
}
} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT
private slots:
    void memoryRoundTrip();
    void memoryKeepsKeysApart();
    void noCallbackAfterContextIsGone();
    void credentialRoundTrip_data();
    void credentialRoundTrip();
    void unreadableSecretsAreRefused_data();
    void unreadableSecretsAreRefused();
    void keyPerApiUrl();
    void keychainErrorsInTheUsersWords_data();
    void keychainErrorsInTheUsersWords();
    void accountSavesLoadsAndSignsOut();
};

void TestSecretStore::memoryRoundTrip()
{
    MemorySecretStore store;
    QVERIFY(!store.isPersistent());
    QVERIFY(store.description().contains(QStringLiteral("this session only")));
    auto missing = readFrom(store, QStringLiteral("k"), this);
    QVERIFY(!missing->done); // always later, from the event loop
    QTRY_VERIFY(missing->done);
    QCOMPARE(missing->result.status, Status::NotFound);
    QVERIFY(!missing->result.isUnavailable());

    auto written = writeTo(store, QStringLiteral("k"), "secret-1", this);
    QTRY_VERIFY(written->done);
    QVERIFY(written->result.isOk());
    auto read = readFrom(store, QStringLiteral("k"), this);
    QTRY_VERIFY(read->done);
    QVERIFY(read->result.isOk());
    QCOMPARE(read->secret, QByteArray("secret-1"));

    bool removed = false;
    startJob(this, store.remove(QStringLiteral("k")), [&](SecretJob *job) { removed = job->result().isOk(); });
    QTRY_VERIFY(removed);
    auto gone = readFrom(store, QStringLiteral("k"), this);
    QTRY_VERIFY(gone->done);
    QCOMPARE(gone->result.status, Status::NotFound);
    QCOMPARE(store.count(), 0);
}

void TestSecretStore::memoryKeepsKeysApart()
{
    MemorySecretStore store;
    const QString a = SecretStore::keyFor(QUrl(QStringLiteral("https://getbill.io/external-api/v1")));
    const QString b = SecretStore::keyFor(QUrl(QStringLiteral("http://127.0.0.1:4321/external-api/v1")));
    auto wa = writeTo(store, a, "A", this);
    auto wb = writeTo(store, b, "B", this);
    QTRY_VERIFY(wa->done && wb->done);
    auto ra = readFrom(store, a, this);
    auto rb = readFrom(store, b, this);
    QTRY_VERIFY(ra->done && rb->done);
    QCOMPARE(ra->secret, QByteArray("A"));
    QCOMPARE(rb->secret, QByteArray("B"));
}

void TestSecretStore::noCallbackAfterContextIsGone()
{
    MemorySecretStore store;
    bool called = false;
    {
        QObject context;
        // The job belongs to the context: when the context goes, so does the job, and nothing is called.
        startJob(&context, store.read(QStringLiteral("k")), [&](SecretJob *) { called = true; });
    }
    auto later = readFrom(store, QStringLiteral("k"), this);
    QTRY_VERIFY(later->done);
    QVERIFY(!called);
}

void TestSecretStore::credentialRoundTrip_data()
{
    QTest::addColumn<Credential>("credential");
    QTest::newRow("token") << Credential::token(QStringLiteral("aaa.bbb.ccc"));
    QTest::newRow("client") << Credential::client(QStringLiteral("client_1"), QStringLiteral("p\"w&=+ \\ é"));
}

void TestSecretStore::credentialRoundTrip()
{
    QFETCH(Credential, credential);
    QVERIFY(credential.isValid());
    const QByteArray secret = credential.toSecret();
    const std::optional<Credential> back = Credential::fromSecret(secret);
    QVERIFY(back);
    QVERIFY(*back == credential);
    // One item per account: the client id travels with its secret.
    if (credential.kind == Credential::Kind::ApiClient)
        QVERIFY(secret.contains("client_1"));
}

void TestSecretStore::unreadableSecretsAreRefused_data()
{
    QTest::addColumn<QByteArray>("secret");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("plain-token");
    QTest::newRow("future version") << QByteArray(R"({"version":2,"kind":"access_token","access_token":"x"})");
    QTest::newRow("unknown kind") << QByteArray(R"({"version":1,"kind":"password","password":"x"})");
    QTest::newRow("client without secret") << QByteArray(R"({"version":1,"kind":"api_client","client_id":"c"})");
    QTest::newRow("empty token") << QByteArray(R"({"version":1,"kind":"access_token","access_token":" "})");
}

void TestSecretStore::unreadableSecretsAreRefused()
{
    QFETCH(QByteArray, secret);
    QVERIFY(!Credential::fromSecret(secret));
}

void TestSecretStore::keyPerApiUrl()
{
    auto key = [](const char *url) {
        return SecretStore::keyFor(QUrl(QString::fromLatin1(url)));
    };
    const QString production = key("https://getbill.io/external-api/v1");
    QCOMPARE(key("https://getbill.io/external-api/v1/"), production);
    QCOMPARE(key("https://getbill.io:443/external-api/v1"), production);
    QCOMPARE(key("https://user:pw@getbill.io/external-api/v1"), production); // and no password in the key
    QVERIFY(!key("https://user:pw@getbill.io/external-api/v1").contains(QStringLiteral("pw")));
    QVERIFY(key("https://staging.getbill.io/external-api/v1") != production);
    QVERIFY(key("https://getbill.io/external-api/v2") != production);
    QVERIFY(key("http://127.0.0.1:4321/external-api/v1") != key("http://127.0.0.1:4322/external-api/v1"));
}

void TestSecretStore::keychainErrorsInTheUsersWords_data()
{
    using Bus = KeychainSecretStore::Bus;
    using Op = KeychainSecretStore::Operation;
    QTest::addColumn<int>("error");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<Op>("operation");
    QTest::addColumn<Bus>("bus");
    QTest::addColumn<Status>("status");
    QTest::addColumn<QString>("says");

    QTest::newRow("ok") << int(QKeychain::NoError) << QString() << Op::Read << Bus::Unknown << Status::Ok << QString();
    QTest::newRow("not found") << int(QKeychain::EntryNotFound) << QString() << Op::Read << Bus::Unknown
                               << Status::NotFound << QStringLiteral("Nothing is saved");
    QTest::newRow("remove missing") << int(QKeychain::EntryNotFound) << QString() << Op::Remove << Bus::Unknown
                                    << Status::Ok << QString();
    // Not provokable headless: the user pressing Cancel in a keychain prompt on macOS/Windows/KWallet.
    QTest::newRow("user cancelled") << int(QKeychain::AccessDeniedByUser) << QString() << Op::Write
                                    << Bus::SecretService << Status::Denied << QStringLiteral("prompt was cancelled");
    QTest::newRow("locked") << int(QKeychain::AccessDenied)
                            << QStringLiteral("Cannot create an item in a locked collection") << Op::Write
                            << Bus::SecretService << Status::Locked << QStringLiteral("The keychain is locked");
    QTest::newRow("no backend") << int(QKeychain::NoBackendAvailable) << QString() << Op::Read << Bus::Unknown
                                << Status::NoBackend << QStringLiteral("No keychain is available");
    QTest::newRow("no dbus") << int(QKeychain::OtherError) << QStringLiteral("Could not connect: No such file")
                             << Op::Read << Bus::NoSession << Status::NoBackend << QStringLiteral("no D-Bus");
    QTest::newRow("no secret service") << int(QKeychain::OtherError)
                                       << QStringLiteral(
                                              "The name org.freedesktop.secrets was not provided by any .service files")
                                       << Op::Write << Bus::NoSecretService << Status::NoBackend
                                       << QStringLiteral("no Secret Service");
    QTest::newRow("keyring creation dismissed")
        << int(QKeychain::OtherError)
        << QStringLiteral("Object does not exist at path “/org/freedesktop/secrets/collection/login”") << Op::Write
        << Bus::SecretService << Status::Denied << QStringLiteral("prompt was cancelled");
    QTest::newRow("other") << int(QKeychain::OtherError) << QStringLiteral("Disk quota exceeded") << Op::Write
                           << Bus::SecretService << Status::Failed << QStringLiteral("Disk quota exceeded");
}

void TestSecretStore::keychainErrorsInTheUsersWords()
{
    QFETCH(int, error);
    QFETCH(QString, detail);
    QFETCH(KeychainSecretStore::Operation, operation);
    QFETCH(KeychainSecretStore::Bus, bus);
    QFETCH(Status, status);
    QFETCH(QString, says);
    const SecretStore::Result r =
        KeychainSecretStore::resultFor(static_cast<QKeychain::Error>(error), detail, operation, bus);
    QCOMPARE(r.status, status);
    QVERIFY2(r.message.contains(says), qPrintable(r.message));
    if (r.isUnavailable())
        QVERIFY2(r.message.contains(QStringLiteral("try again"), Qt::CaseInsensitive) ||
                     r.message.contains(QStringLiteral("start one"), Qt::CaseInsensitive),
                 qPrintable(r.message)); // says what to do
}

void TestSecretStore::accountSavesLoadsAndSignsOut()
{
    QNetworkAccessManager network;
    MemorySecretStore store;
    const QUrl production(QStringLiteral("https://getbill.io/external-api/v1"));
    const QUrl sandbox(QStringLiteral("http://127.0.0.1:4321/external-api/v1"));
    Account first(&store, &network);
    first.setApiUrl(production);
    QCOMPARE(first.tokenUrl(), QUrl(QStringLiteral("https://getbill.io/token")));
    QVERIFY(!first.isSignedIn());
    QSignalSpy changed(&first, &TokenProvider::changed);
    first.signIn(Credential::client(QStringLiteral("c1"), QStringLiteral("s1")));
    QCOMPARE(changed.size(), 1);
    bool done = false;
    startJob(this, first.save(), [&](SecretJob *job) { done = job->result().isOk(); });
    QTRY_VERIFY(done);

    // Another API's account does not see it, the same API's does.
    Account other(&store, &network);
    other.setApiUrl(sandbox);
    SecretStore::Result result;
    done = false;
    startJob(this, other.load(), [&](SecretJob *job) {
        result = job->result();
        done = true;
    });
    QTRY_VERIFY(done);
    QCOMPARE(result.status, Status::NotFound);
    QVERIFY(!other.isSignedIn());

    Account again(&store, &network);
    again.setApiUrl(production);
    done = false;
    startJob(this, again.load(), [&](SecretJob *job) {
        result = job->result();
        done = true;
    });
    QTRY_VERIFY(done);
    QVERIFY(result.isOk());
    QCOMPARE(again.kind(), Credential::Kind::ApiClient);
    QCOMPARE(again.clientId(), QStringLiteral("c1"));

    // Without a credential a token request says so (later, from the event loop).
    done = false;
    startJob(this, again.signOut(), [&](SecretJob *job) { done = job->result().isOk(); });
    QVERIFY(!again.isSignedIn());
    QTRY_VERIFY(done);
    QCOMPARE(store.count(), 0);
    ApiError error;
    done = false;
    again.requestToken(this, [&](const QString &, const ApiError &e) {
        error = e;
        done = true;
    });
    QVERIFY(!done);
    QTRY_VERIFY(done);
    QCOMPARE(error.kind(), ApiError::Kind::NotAuthenticated);
    QVERIFY(error.message().startsWith(QStringLiteral("Not signed in")));

    // "Keep for this session only": memory from now on.
    again.useSessionOnlyStore();
    QVERIFY(again.isSessionOnly());
    QVERIFY(again.store() != &store);
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
