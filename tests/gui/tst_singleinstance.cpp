// SingleInstance between two real processes: this test is the running instance; the real getbill-reports binary,
// launched a second time with ids, must hand them over and exit without opening a window.

#include "SingleInstance.h"

#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace getbill;
using namespace Qt::StringLiterals;

class TestSingleInstance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // The socket name is per user (derived from HOME): a private HOME keeps this test away from a real
        // running application and lets the child process find us.
        qputenv("HOME", m_home.path().toUtf8());
        m_app = qEnvironmentVariable("GETBILL_TEST_BINARY_DIR") + u"/app/gui/getbill-reports"_s;
        QVERIFY2(QFileInfo(m_app).isExecutable(), qPrintable(m_app));
    }

    void secondLaunchHandsOverItsIds()
    {
        SingleInstance running;
        QVERIFY(running.listen());
        QSignalSpy received(&running, &SingleInstance::argumentsReceived);

        QProcess second;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        second.setProcessEnvironment(env);
        second.start(m_app, {u"report_abc123"_s, u"getbill://report/report_def456"_s});
        QVERIFY(second.waitForStarted());
        QVERIFY(received.wait(15'000));
        QCOMPARE(received.first().first().toStringList(),
                 (QStringList{u"report_abc123"_s, u"getbill://report/report_def456"_s}));
        // Handed over, the second process leaves on its own and successfully.
        QVERIFY(second.waitForFinished(15'000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
    }

    void onlyOneListens()
    {
        SingleInstance first(u"getbill-test-one"_s);
        QVERIFY(first.listen());
        SingleInstance second(u"getbill-test-one"_s);
        QVERIFY(!second.listen());
        // The first one keeps the name: a refused second instance must not have taken it over.
        QLocalSocket probe;
        probe.connectToServer(first.serverName());
        QVERIFY(probe.waitForConnected(1000));
    }

    void staleSocketIsReplaced()
    {
        // No one listens: sending fails fast, and listening works.
        SingleInstance lonely(u"getbill-test-stale"_s);
        QVERIFY(!lonely.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(lonely.listen());
    }

private:
    QTemporaryDir m_home;
    QString m_app;
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
