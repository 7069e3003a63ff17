// ChildProcess, the runner of the nginx tests: exit codes, signals, captured output and input, a child that does
// not end in time, a program that does not exist, and the peak memory wait4 reports.
#include "ChildProcess.h"

#include <QFile>
#include <QTest>
#include <algorithm>
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
    void peakMemoryCountsWhatTheChildUses();
};

namespace {
/// This process's resident size now (VmRSS), in KiB.
qint64 ownRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}
} // namespace

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
    // Linux counts, in a child's ru_maxrss, the resident size of the process it was spawned from at its first exec
    // (exec_mmap keeps the old mm's high-water mark): the figure is max(the child's peak, ours at the spawn). A
    // shell is a few MiB; the bound is ours when we are larger (a sanitizer build is), else 16 MiB. The benchmarks
    // measure with GNU time, which is small, and the memory tests' limits are well above this process's size.
    const qint64 own = ownRssKiB();
    QVERIFY(own > 0);
    const ChildResult r = ChildProcess::run(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("true")});
    QVERIFY(r.finished);
    const qint64 bound = std::max<qint64>(16 * 1024, own + 4 * 1024);
    QVERIFY2(r.maxRssKiB > 0 && r.maxRssKiB < bound,
             qPrintable(QStringLiteral("%1 KiB, bound %2 KiB").arg(r.maxRssKiB).arg(bound)));
}

void TestChildProcess::peakMemoryCountsWhatTheChildUses()
{
    // A shell holding a 96 MiB string: the figure is at least that, whatever our own size.
    const ChildResult r = ChildProcess::run(
        QStringLiteral("/bin/sh"),
        {QStringLiteral("-c"), QStringLiteral("x=$(head -c 100663296 /dev/zero | tr '\\0' a); echo ${#x}")});
    QVERIFY(r.finished);
    QCOMPARE(r.out.trimmed(), QByteArray("100663296"));
    QVERIFY2(r.maxRssKiB >= 96 * 1024, QByteArray::number(r.maxRssKiB).constData());
}

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
