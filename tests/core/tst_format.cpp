// Format: the one vocabulary of the window and the command line. Sizes in decimal units, "—" where a report has no
// file yet (never "0 bytes"), type names as words, and the download link's expiry only while it matters.

#include "Format.h"

#include <QtTest>

using namespace getbill;

namespace {
Report report(const QString &status, qint64 size, bool available)
{
    Report r;
    r.id = QStringLiteral("report_x");
    r.type = QStringLiteral("export");
    r.status = status;
    r.fileSize = size;
    r.downloadAvailable = available;
    return r;
}
} // namespace

class TestFormat : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); }

    void sizesAreDecimal()
    {
        QCOMPARE(Format::dataSize(245'760), QStringLiteral("245.8 kB"));
        QCOMPARE(Format::dataSize(268'435'456), QStringLiteral("268.4 MB"));
        QCOMPARE(Format::dataSize(0), QStringLiteral("0 bytes"));
        QCOMPARE(Format::dataSize(-1), QStringLiteral("unknown size"));
    }

    void reportSize_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<bool>("available");
        QTest::addColumn<QString>("expected");
        const QString none = QStringLiteral("\u2014");
        QTest::newRow("completed") << QStringLiteral("completed") << qint64(245'760) << true << u"245.8 kB"_qs;
        // GetBill announces 0 bytes for reports it is still generating: no file yet, not an empty one.
        QTest::newRow("processing, 0 bytes") << QStringLiteral("processing") << qint64(0) << false << none;
        QTest::newRow("pending, unknown size") << QStringLiteral("pending") << qint64(-1) << false << none;
        QTest::newRow("failed, 0 bytes") << QStringLiteral("failed") << qint64(0) << false << none;
        QTest::newRow("completed, not offered, 0 bytes") << QStringLiteral("completed") << qint64(0) << false << none;
        QTest::newRow("completed, unknown size") << QStringLiteral("completed") << qint64(-1) << true << none;
        // A completed, downloadable report that really is empty says so.
        QTest::newRow("completed, empty file") << QStringLiteral("completed") << qint64(0) << true << u"0 bytes"_qs;
    }

    void reportSize()
    {
        QFETCH(QString, status);
        QFETCH(qint64, size);
        QFETCH(bool, available);
        QFETCH(QString, expected);
        const Report r = report(status, size, available);
        QCOMPARE(Format::reportSize(r), expected);
        QCOMPARE(Format::hasFile(r), expected != Format::noValue());
    }

    void typeIsOneWord()
    {
        QCOMPARE(Format::typeText(QStringLiteral("export")), QStringLiteral("Export"));
        QCOMPARE(Format::typeText(QStringLiteral("financial")), QStringLiteral("Financial"));
        QCOMPARE(Format::typeText(QStringLiteral("aging")), QStringLiteral("Aging"));
    }

    void linkExpiryOnlyWhenItMatters_data()
    {
        QTest::addColumn<int>("expiresInSeconds");
        QTest::addColumn<bool>("finished");
        QTest::addColumn<QString>("contains"); // empty: nothing is said
        QTest::newRow("an hour left, downloading") << 3600 << false << QString();
        QTest::newRow("16 minutes left, downloading") << 16 * 60 << false << QString();
        QTest::newRow("15 minutes left, downloading") << 15 * 60 << false << QStringLiteral("expires at");
        QTest::newRow("a minute left, downloading") << 60 << false << QStringLiteral("expires at");
        QTest::newRow("expired, downloading") << -60 << false << QStringLiteral("expired at");
        QTest::newRow("a minute left, download ended") << 60 << true << QString();
        QTest::newRow("expired, download ended") << -60 << true << QString();
    }

    void linkExpiryOnlyWhenItMatters()
    {
        QFETCH(int, expiresInSeconds);
        QFETCH(bool, finished);
        QFETCH(QString, contains);
        const QDateTime now(QDate(2026, 3, 1), QTime(14, 0), Qt::UTC);
        const QString note = Format::linkExpiryNote(now.addSecs(expiresInSeconds), finished, now);
        if (contains.isEmpty()) {
            QVERIFY2(note.isEmpty(), qPrintable(note));
        } else {
            QVERIFY2(note.contains(contains), qPrintable(note));
            QVERIFY(note.contains(Format::clockTime(now.addSecs(expiresInSeconds))));
        }
        // No ticket yet: nothing to say.
        QVERIFY(Format::linkExpiryNote({}, false, now).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFormat)
#include "tst_format.moc"
