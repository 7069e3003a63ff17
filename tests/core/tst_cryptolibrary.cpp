// OpenSSL's clean-up at exit stays off in every program linking the core (CryptoLibrary.h: it raced with Qt's
// network thread ending, a double free when the CLI exited). Checked in a child process, the way a program ends:
// a probe registered with OPENSSL_atexit() runs only if OpenSSL's clean-up runs.
#include "net/CryptoLibrary.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>
#include <cstring>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <thread>
#include <unistd.h>

namespace {

void sayCleanupRan()
{
    static const char line[] = "openssl-cleanup-ran\n";
    (void)!::write(STDOUT_FILENO, line, sizeof line - 1);
}

// The child: uses OpenSSL on another thread (as Qt's network thread does for TLS) and on this one, registers the
// probe, and ends as a program ends (or, with "cleanup", runs OpenSSL's clean-up itself: the probe's control).
int child(bool cleanup)
{
    unsigned char bytes[16];
    std::thread worker([&bytes] { RAND_bytes(bytes, sizeof bytes); });
    worker.join();
    if (RAND_bytes(bytes, sizeof bytes) != 1 || OPENSSL_atexit(sayCleanupRan) != 1)
        return 3;
    if (cleanup)
        OPENSSL_cleanup();
    return 0;
}

} // namespace

class TestCryptoLibrary : public QObject
{
    Q_OBJECT

    static QByteArray runChild(const QString &mode)
    {
        QProcess process;
        process.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--child"), mode});
        if (!process.waitForFinished(30'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return "child failed: " + process.readAllStandardError();
        return process.readAllStandardOutput();
    }

private slots:
    void openSslCleansNothingUpAtExit() { QCOMPARE(runChild(QStringLiteral("exit")), QByteArray()); }

    void theProbeSeesACleanup()
    {
        // The probe is not blind: when the clean-up does run, it says so.
        QCOMPARE(runChild(QStringLiteral("cleanup")), QByteArray("openssl-cleanup-ran\n"));
    }

    void callingAgainChangesNothing()
    {
        getbill::initCryptoLibrary();
        getbill::initCryptoLibrary();
        unsigned char bytes[8];
        QCOMPARE(RAND_bytes(bytes, sizeof bytes), 1);
    }
};

int main(int argc, char *argv[])
{
    // No call here: linking the core is what sets OpenSSL up (before main()), as in the applications.
    if (argc == 3 && std::strcmp(argv[1], "--child") == 0)
        return child(std::strcmp(argv[2], "cleanup") == 0);
    QCoreApplication app(argc, argv);
    TestCryptoLibrary test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cryptolibrary.moc"
