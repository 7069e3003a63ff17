#include "CliRunner.h"
#include "sandbox/SandboxServer.h"

#include <QTemporaryDir>
#include <QTest>

using namespace getbill;
using namespace getbill::test;

/// `getbill-reports-cli auth ...` error paths that need no working keychain: the credential is tested before any
/// keychain access, and a keychain that cannot be reached is a plain local error.
class TestAuthCli : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void rejectedTokenIsNotSaved();
    void rejectedClientShowsTheServerMessage();
    void secretFromArgvIsRefused();
    void keychainUnavailableIsALocalError();
    void statusWithoutCredential();
    void clientSecretGoesToTheApisOwnOrigin();
    void tokenEndpointErrorNeverEchoesTheSecret();

private:
    QProcessEnvironment m_env;
    QTemporaryDir m_home;
    sandbox::SandboxServer m_server;
};

void TestAuthCli::init()
{
    if (!m_server.isListening())
        QVERIFY(m_server.start());
    m_server.addToken(QStringLiteral("cli-good-token"));
    m_server.addClient(QStringLiteral("cli_client"), QStringLiteral("cli-secret"));
    m_env = QProcessEnvironment::systemEnvironment();
    m_env.insert(QStringLiteral("HOME"), m_home.path());
    m_env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.path());
    m_env.insert(QStringLiteral("GETBILL_API_URL"), m_server.apiUrl().toString());
    m_env.insert(QStringLiteral("GETBILL_TOKEN_URL"), m_server.tokenUrl().toString());
    m_env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
    m_env.remove(QStringLiteral("GETBILL_TOKEN"));
    // No keychain at all, so that nothing here can touch a developer's real one.
    m_env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent"));
}

void TestAuthCli::rejectedTokenIsNotSaved()
{
    const CliRun run = runCli({QStringLiteral("auth"), QStringLiteral("set-token")}, m_env, "wrong-token\n");
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("GetBill did not accept the credential, so it was not saved: "
                              "Authentication credentials are missing or invalid"),
             run.err.constData());
    QVERIFY(!run.err.contains("wrong-token"));
    QVERIFY(run.out.isEmpty());
}

void TestAuthCli::rejectedClientShowsTheServerMessage()
{
    const CliRun run = runCli({QStringLiteral("auth"), QStringLiteral("set-client"), QStringLiteral("--client-id"),
                               QStringLiteral("cli_client")},
                              m_env, "not-the-secret\n");
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("Client authentication failed."), run.err.constData());
    QVERIFY(!run.err.contains("not-the-secret"));
}

void TestAuthCli::secretFromArgvIsRefused()
{
    const CliRun run =
        runCli({QStringLiteral("auth"), QStringLiteral("set-client"), QStringLiteral("cli-secret")}, m_env, {});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("needs --client-id ID"), run.err.constData());
    QVERIFY(!run.err.contains("cli-secret"));
}

void TestAuthCli::keychainUnavailableIsALocalError()
{
    // The token is good, the keychain cannot be reached: say so, suggest GETBILL_TOKEN, exit 7, write no file.
    const CliRun run = runCli({QStringLiteral("auth"), QStringLiteral("set-token")}, m_env, "cli-good-token\n");
    QCOMPARE(run.exitCode, 7);
    QVERIFY2(run.err.contains("The credential works, but it could not be saved in the keychain: No keychain is "
                              "available: this session has no D-Bus connection"),
             run.err.constData());
    QVERIFY(run.err.contains("GETBILL_TOKEN"));
    QVERIFY(!run.err.contains("cli-good-token"));
    QVERIFY(QDir(m_home.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::Hidden).isEmpty());

    // A run without GETBILL_TOKEN then says why it has no credential, and ends "not authenticated".
    const CliRun list = runCli({QStringLiteral("list")}, m_env);
    QCOMPARE(list.exitCode, 3);
    QVERIFY2(list.err.contains("Cannot read the saved GetBill credential: No keychain is available"),
             list.err.constData());
}

void TestAuthCli::statusWithoutCredential()
{
    CliRun run = runCli({QStringLiteral("auth"), QStringLiteral("status")}, m_env);
    QCOMPARE(run.exitCode, 7);
    QVERIFY2(run.out.contains(QByteArray(QByteArray("API URL: ") + m_server.apiUrl().toString().toUtf8())),
             run.out.constData());
    QVERIFY(run.out.contains("Credential: none saved"));
    QVERIFY(run.out.contains("GETBILL_TOKEN: not set"));
    QVERIFY(run.out.contains("Keychain: unavailable. No keychain is available"));

    QProcessEnvironment withToken = m_env;
    withToken.insert(QStringLiteral("GETBILL_TOKEN"), QStringLiteral("cli-good-token"));
    run = runCli({QStringLiteral("auth"), QStringLiteral("status")}, withToken);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("GETBILL_TOKEN: set (overrides the keychain)"));
    QVERIFY(!run.out.contains("cli-good-token"));
}

void TestAuthCli::clientSecretGoesToTheApisOwnOrigin()
{
    // Without GETBILL_TOKEN_URL the secret is posted to the API origin's /token, never to getbill.io for another
    // API (issue 9: `auth set-client --api-url https://other.example/...` posted it to getbill.io/token).
    m_env.remove(QStringLiteral("GETBILL_TOKEN_URL"));
    m_server.clearRequests();
    const CliRun run =
        runCli({QStringLiteral("--api-url"), m_server.apiUrl().toString(), QStringLiteral("auth"),
                QStringLiteral("set-client"), QStringLiteral("--client-id"), QStringLiteral("cli_client")},
               m_env, "cli-secret\n");
    // Accepted by the API's own token endpoint (saving then fails: no keychain here, exit 7).
    QCOMPARE(run.exitCode, 7);
    QVERIFY2(run.err.contains("The credential works"), run.err.constData());
    int posts = 0;
    for (const auto &r : m_server.requests())
        if (r.host == sandbox::Fault::Host::Token && r.method == "POST")
            ++posts;
    QCOMPARE(posts, 1);
}

void TestAuthCli::tokenEndpointErrorNeverEchoesTheSecret()
{
    // A proxy or a broken server answers with a page that quotes the request: the secret must not reach the user.
    sandbox::Fault echo;
    echo.host = sandbox::Fault::Host::Token;
    echo.status = 502;
    echo.contentType = "application/json";
    echo.body = R"({"error":true,"message":"Bad gateway for client_secret=cli-secret&scope=reports:read","code":502})";
    echo.times = -1;
    m_server.addFault(echo);
    const CliRun run = runCli({QStringLiteral("auth"), QStringLiteral("set-client"), QStringLiteral("--client-id"),
                               QStringLiteral("cli_client")},
                              m_env, "cli-secret\n");
    m_server.clearFaults();
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains("Bad gateway for client_secret=***"), run.err.constData());
    QVERIFY(!run.err.contains("cli-secret"));
}

QTEST_GUILESS_MAIN(TestAuthCli)
#include "tst_authcli.moc"
