// LogBuffer: the last 200 lines, from any thread, redacted, and every message still reaches the handler that was
// installed before it.
#include "diag/LogBuffer.h"

#include <QMutex>
#include <QTest>
#include <QThread>

using namespace getbill;
using namespace Qt::StringLiterals;

namespace {
// What the previous handler saw: a test double installed before the buffer.
QMutex seenMutex;
QStringList seen;

void recordingHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    QMutexLocker lock(&seenMutex);
    seen << message;
}
} // namespace

class TestLogBuffer : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void keepsTheLastLinesOnly();
    void chainsToThePreviousHandler();
    void linesAreRedacted();
    void twoThreadsAtOnce();
    void echoCanTakeAMessage();
    void onlyOneIsInstalled();

private:
    QtMessageHandler m_original = nullptr;
};

void TestLogBuffer::init()
{
    QMutexLocker lock(&seenMutex);
    seen.clear();
    m_original = qInstallMessageHandler(recordingHandler);
}

void TestLogBuffer::cleanup()
{
    qInstallMessageHandler(m_original);
}

void TestLogBuffer::keepsTheLastLinesOnly()
{
    LogBuffer buffer;
    QCOMPARE(buffer.capacity(), 200);
    QVERIFY(buffer.install());
    for (int i = 0; i < 450; ++i)
        qInfo("line %d", i);
    const QStringList lines = buffer.lines();
    QCOMPARE(lines.size(), 200);
    QVERIFY2(lines.first().endsWith(u"info: line 250"_s), qPrintable(lines.first()));
    QVERIFY2(lines.last().endsWith(u"info: line 449"_s), qPrintable(lines.last()));
    for (int i = 1; i < lines.size(); ++i)
        QVERIFY(lines.at(i).endsWith(u"line "_s + QString::number(250 + i)));
}

void TestLogBuffer::chainsToThePreviousHandler()
{
    {
        LogBuffer buffer;
        QVERIFY(buffer.install());
        qWarning("to both");
        QCOMPARE(buffer.lines().size(), 1);
        QMutexLocker lock(&seenMutex);
        QCOMPARE(seen, QStringList{u"to both"_s});
    }
    // Gone with the buffer: the previous handler is back on its own.
    qWarning("after");
    QMutexLocker lock(&seenMutex);
    QCOMPARE(seen, (QStringList{u"to both"_s, u"after"_s}));
}

void TestLogBuffer::linesAreRedacted()
{
    LogBuffer buffer;
    buffer.setKnownSecrets({u"my-current-token"_s});
    QVERIFY(buffer.install());
    qWarning("sent my-current-token to https://dl/x?expires=1&signature=SIGVALUE");
    const QString line = buffer.lines().value(0);
    QVERIFY2(!line.contains(u"my-current-token"_s) && !line.contains(u"SIGVALUE"_s), qPrintable(line));
    QVERIFY(line.contains(u"https://dl/x?"_s));
    // The previous handler gets the redacted text too: a secret never reaches standard error or the journal.
    QMutexLocker lock(&seenMutex);
    QCOMPARE(seen.size(), 1);
    QVERIFY(!seen.first().contains(u"SIGVALUE"_s));
    QVERIFY(!seen.first().contains(u"my-current-token"_s));
}

void TestLogBuffer::twoThreadsAtOnce()
{
    LogBuffer buffer(1000);
    QVERIFY(buffer.install());
    const auto writer = [](const char *name) {
        return QThread::create([name] {
            for (int i = 0; i < 400; ++i)
                qInfo("%s %d", name, i);
        });
    };
    std::unique_ptr<QThread> a(writer("a"));
    std::unique_ptr<QThread> b(writer("b"));
    a->start();
    b->start();
    QVERIFY(a->wait(30'000));
    QVERIFY(b->wait(30'000));
    const QStringList lines = buffer.lines();
    QCOMPARE(lines.size(), 800);
    // Every line whole and each thread's own in its order.
    for (const char *name : {"a", "b"}) {
        int next = 0;
        for (const QString &line : lines) {
            const qsizetype at = line.indexOf(u"info: "_s + QLatin1String(name) + u' ');
            if (at < 0)
                continue;
            QCOMPARE(line.mid(at + 8), QString::number(next));
            ++next;
        }
        QCOMPARE(next, 400);
    }
    QMutexLocker lock(&seenMutex);
    QCOMPARE(seen.size(), 800);
}

void TestLogBuffer::echoCanTakeAMessage()
{
    LogBuffer buffer;
    QStringList echoed;
    buffer.setEcho([&echoed](const QString &category, const QString &line) {
        echoed << category + u'|' + line;
        return line.startsWith(u"mine"_s);
    });
    QVERIFY(buffer.install());
    qInfo("mine token=abcdef");
    qInfo("yours");
    QCOMPARE(echoed, (QStringList{u"default|mine token=[redacted]"_s, u"default|yours"_s}));
    QCOMPARE(buffer.lines().size(), 2);
    QMutexLocker lock(&seenMutex);
    QCOMPARE(seen, QStringList{u"yours"_s});
}

void TestLogBuffer::onlyOneIsInstalled()
{
    LogBuffer first;
    LogBuffer second;
    QVERIFY(first.install());
    QVERIFY(!second.install());
    QVERIFY(first.isInstalled());
    QVERIFY(!second.isInstalled());
    second.uninstall(); // not installed: changes nothing
    qInfo("still first");
    QCOMPARE(first.lines().size(), 1);
    QVERIFY(second.lines().isEmpty());
    first.uninstall();
    QVERIFY(second.install());
    qInfo("now second");
    QCOMPARE(second.lines().size(), 1);
    QCOMPARE(first.lines().size(), 1);
}

QTEST_GUILESS_MAIN(TestLogBuffer)
#include "tst_logbuffer.moc"
