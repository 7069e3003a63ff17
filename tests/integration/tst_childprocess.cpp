// ChildProcess, the runner of the nginx tests: exit codes, signals, captured output and input, a child that does
// not end in time, a program that does not exist, and the peak memory wait4 reports.
#include "ChildProcess.h"

#include <QTest>
#include <csignal>

using namespace getbill::test;

class TestChildProcess : public QObject
{
    Q_OBJECT
private slots:
    void exitCodeOutputAndInput();
    void signalEndsIt();
    void timeoutKillsIt();
    void missingProgramFailsToStart();
    void peakMemoryIsItsOwn();
};

void TestChildProcess::exitCodeOutputAndInput()
{
    const ChildResult r = ChildProcess::run(QStringLiteral("/bin/sh"),
                                            {QStringLiteral("-c"), QStringLiteral("cat; echo err >&2; exit 3")},
                                            QProcessEnvironment::systemEnvironment(), 10'000, "from stdin\n");
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 3);
    QCOMPARE(r.signal, 0);
    QCOMPARE(r.out, QByteArray("from stdin\n"));
    QCOMPARE(r.err, QByteArray("err\n"));
    QVERIFY(r.elapsedMs >= 0);
}

void TestChildProcess::signalEndsIt()
{
    ChildProcess child(QStringLiteral("/bin/sleep"), {QStringLiteral("30")});
    QVERIFY(!child.sendSignal(SIGTERM)); // not started yet
    QVERIFY2(child.start(), qPrintable(child.errorString()));
    QVERIFY(child.isRunning());
    QVERIFY(child.pid() > 0);
    QVERIFY(child.sendSignal(SIGTERM));
    QVERIFY(child.wait(10'000));
    QVERIFY(!child.isRunning());
    QCOMPARE(child.result().signal, SIGTERM);
    QCOMPARE(child.result().exitCode, -1);
    QVERIFY(!child.sendSignal(SIGTERM)); // reaped: never a signal to a recycled pid
    QVERIFY(!child.start());
    QCOMPARE(child.errorString(), QStringLiteral("already started"));
}

void TestChildProcess::timeoutKillsIt()
{
    ChildProcess child(QStringLiteral("/bin/sleep"), {QStringLiteral("30")});
    QVERIFY(child.start());
    QVERIFY(!child.wait(200));
    QVERIFY(!child.isRunning());
    QVERIFY(!child.result().finished);
    QCOMPARE(child.result().signal, SIGKILL);
}

void TestChildProcess::missingProgramFailsToStart()
{
    ChildProcess child(QStringLiteral("/nonexistent/program"), {});
    QVERIFY(!child.start());
    QVERIFY2(child.errorString().startsWith(QStringLiteral("cannot start /nonexistent/program: ")),
             qPrintable(child.errorString()));
    QVERIFY(!child.wait(100));
    const ChildResult r = ChildProcess::run(QStringLiteral("/nonexistent/program"), {});
    QVERIFY(!r.finished);
    QVERIFY(r.err.startsWith("cannot start /nonexistent/program"));
}

void TestChildProcess::peakMemoryIsItsOwn()
{
    // A shell is a few MiB; this test process, with Qt loaded, is more: the figure is the child's, not ours.
    const ChildResult r = ChildProcess::run(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("true")});
    QVERIFY(r.finished);
    QVERIFY2(r.maxRssKiB > 0 && r.maxRssKiB < 16 * 1024, QByteArray::number(r.maxRssKiB).constData());
}

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
