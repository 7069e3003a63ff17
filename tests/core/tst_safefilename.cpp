#include "download/SafeFileName.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill;

class TestSafeFileName : public QObject
{
    Q_OBJECT
private slots:
    void keepsOrdinaryNames();
    void hostileNames_data();
    void hostileNames();
    void neverProducesUnsafeNames_data();
    void neverProducesUnsafeNames();
    void boundsLengthKeepingExtension();
    void fallsBackToIdAndMimeExtension();
    void uniqueNameCountsUp();
    void extensions();
};

void TestSafeFileName::keepsOrdinaryNames()
{
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("financial_summary_2024_01.pdf"), QStringLiteral("r1"),
                                    QStringLiteral("application/pdf")),
             QStringLiteral("financial_summary_2024_01.pdf"));
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("Relevé été 2024.csv"), QStringLiteral("r1"), QString()),
             QStringLiteral("Relevé été 2024.csv"));
}

void TestSafeFileName::hostileNames_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
    const QString pdf = QStringLiteral("application/pdf");
    QTest::newRow("traversal") << "../../x.pdf"
                               << "x.pdf";
    QTest::newRow("absolute unix") << "/etc/passwd"
                                   << "passwd.pdf";
    QTest::newRow("windows drive") << "C:\\x.pdf"
                                   << "x.pdf";
    QTest::newRow("windows unc") << "\\\\server\\share\\y.pdf"
                                 << "y.pdf";
    QTest::newRow("dot") << "."
                         << "r1.pdf";
    QTest::newRow("dotdot") << ".."
                            << "r1.pdf";
    QTest::newRow("empty") << ""
                           << "r1.pdf";
    QTest::newRow("NUL.txt") << "NUL.txt"
                             << "_NUL.txt";
    QTest::newRow("con lower") << "con.pdf"
                               << "_con.pdf";
    QTest::newRow("COM1") << "COM1"
                          << "_COM1.pdf";
    QTest::newRow("lpt9 spaced") << "lpt9 .pdf"
                                 << "_lpt9 .pdf";
    QTest::newRow("trailing dots") << "report.pdf..."
                                   << "report.pdf";
    QTest::newRow("trailing spaces") << "report.pdf   "
                                     << "report.pdf";
    QTest::newRow("hidden") << ".bashrc"
                            << "bashrc.pdf";
    QTest::newRow("control chars") << "re\x01po\nrt\t.pdf"
                                   << "report.pdf";
    QTest::newRow("rtl override") << QString::fromUtf8("invoice\u202Efdp.exe") << "invoicefdp.exe";
    QTest::newRow("zero width") << QString::fromUtf8("a\u200Bb\uFEFF.pdf") << "ab.pdf";
    QTest::newRow("reserved chars") << "a<b>c:d\"e|f?g*h.pdf"
                                    << "abcdefgh.pdf";
    QTest::newRow("only junk") << "\u202E\u200B..."
                               << "r1.pdf";
}

void TestSafeFileName::hostileNames()
{
    QFETCH(QString, given);
    QFETCH(QString, expected);
    QCOMPARE(SafeFileName::sanitize(given, QStringLiteral("r1"), QStringLiteral("application/pdf")), expected);
}

void TestSafeFileName::neverProducesUnsafeNames_data()
{
    QTest::addColumn<QString>("given");
    QTest::newRow("long") << QString(300, QLatin1Char('a')) + QStringLiteral(".pdf");
    QTest::newRow("long unicode") << QString(300, QChar(0x00E9)) + QStringLiteral(".xlsx");
    QTest::newRow("long emoji") << QString::fromUtf8("\U0001F4C8").repeated(120);
    QTest::newRow("mixed") << QStringLiteral("..\\../\u202E\x7f /NUL . . ");
    QTest::newRow("id fallback hostile") << QString();
}

void TestSafeFileName::neverProducesUnsafeNames()
{
    QFETCH(QString, given);
    const QString name = SafeFileName::sanitize(given, QStringLiteral("../evil\u202E"), QStringLiteral("text/csv"));
    QVERIFY(!name.isEmpty());
    QVERIFY(name.toUtf8().size() <= SafeFileName::maxBytes);
    QVERIFY(!name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\')));
    QVERIFY(name != QLatin1String(".") && name != QLatin1String(".."));
    QVERIFY(!name.startsWith(QLatin1Char('.')) && !name.endsWith(QLatin1Char('.')) && !name.endsWith(QLatin1Char(' ')));
    for (const QChar c : name)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x202E, qPrintable(name));
    // A file of that name can really be created.
    QTemporaryDir dir;
    QFile f(QDir(dir.path()).filePath(name));
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(f.errorString()));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{name});
}

void TestSafeFileName::boundsLengthKeepingExtension()
{
    const QString name = SafeFileName::sanitize(QString(300, QLatin1Char('b')) + QStringLiteral(".xlsx"),
                                                QStringLiteral("r1"), QString());
    QCOMPARE(name.toUtf8().size(), SafeFileName::maxBytes);
    QVERIFY(name.endsWith(QLatin1String(".xlsx")));
}

void TestSafeFileName::fallsBackToIdAndMimeExtension()
{
    QCOMPARE(
        SafeFileName::sanitize(QString(), QStringLiteral("report_abc123"),
                               QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        QStringLiteral("report_abc123.xlsx"));
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("summary"), QStringLiteral("r"),
                                    QStringLiteral("text/csv; charset=utf-8")),
             QStringLiteral("summary.csv"));
    QCOMPARE(SafeFileName::sanitize(QString(), QStringLiteral("../../"), QStringLiteral("x/unknown")),
             QStringLiteral("report.bin"));
}

void TestSafeFileName::uniqueNameCountsUp()
{
    QTemporaryDir dir;
    const QString folder = dir.path();
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a.pdf"));
    QFile(QDir(folder).filePath(QStringLiteral("a.pdf"))).open(QIODevice::WriteOnly);
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a (1).pdf"));
    // A download in progress reserves its name too.
    QFile(QDir(folder).filePath(QStringLiteral("a (1).pdf.part"))).open(QIODevice::WriteOnly);
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a (2).pdf"));
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("b.c.d.pdf")), QStringLiteral("b.c.d.pdf"));
    QFile(QDir(folder).filePath(QStringLiteral("noext"))).open(QIODevice::WriteOnly);
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("noext")), QStringLiteral("noext (1)"));
}

void TestSafeFileName::extensions()
{
    QCOMPARE(SafeFileName::extensionForMimeType(QStringLiteral("application/pdf")), QStringLiteral("pdf"));
    QCOMPARE(SafeFileName::extensionForMimeType(QStringLiteral("TEXT/CSV")), QStringLiteral("csv"));
    QCOMPARE(SafeFileName::extensionForMimeType(QString()), QStringLiteral("bin"));
}

QTEST_APPLESS_MAIN(TestSafeFileName)
#include "tst_safefilename.moc"
