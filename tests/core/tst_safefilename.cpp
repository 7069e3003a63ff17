#include "download/PartialDownload.h"
#include "download/SafeFileName.h"

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill;

namespace {
const QString Pdf = QStringLiteral("application/pdf");
const QString Xlsx = QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
const QString Xls = QStringLiteral("application/vnd.ms-excel");
const QString Csv = QStringLiteral("text/csv");
const QString Txt = QStringLiteral("text/plain");
const QString Zip = QStringLiteral("application/zip");
const QString Unknown = QStringLiteral("application/octet-stream");

const QStringList &everyMimeType()
{
    static const QStringList all{Pdf,
                                 Xlsx,
                                 Xls,
                                 Csv,
                                 Txt,
                                 Zip,
                                 Unknown,
                                 QString(),
                                 QStringLiteral("application/json"),
                                 QStringLiteral("text/csv; charset=utf-8"),
                                 QStringLiteral("APPLICATION/PDF"),
                                 QStringLiteral("application/x-msdownload")};
    return all;
}

QString fromUcs4(std::initializer_list<char32_t> codePoints)
{
    return QString::fromUcs4(codePoints.begin(), qsizetype(codePoints.size()));
}

/// The properties every sanitised name has, whatever went in; empty when they hold, else what is wrong.
QString whatIsUnsafe(const QString &name, const QString &mimeType)
{
    if (name.isEmpty())
        return QStringLiteral("empty");
    if (name.toUtf8().size() > SafeFileName::maxBytes)
        return QStringLiteral("longer than maxBytes");
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name.contains(QLatin1Char(':')))
        return QStringLiteral("a separator");
    if (name.startsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char('.')) || name.endsWith(QLatin1Char(' ')))
        return QStringLiteral("a leading dot or trailing dot or space");
    for (const QString &reserved : {QStringLiteral(".part"), QStringLiteral(".part.meta"), QStringLiteral(".lock")})
        if (name.endsWith(reserved, Qt::CaseInsensitive))
            return QStringLiteral("the reserved suffix ") + reserved;
    const QString ext = name.section(QLatin1Char('.'), -1);
    if (!name.contains(QLatin1Char('.')) ||
        (!SafeFileName::allowedExtensions().contains(ext) && ext != QLatin1String("bin")))
        return QStringLiteral("the extension ") + ext;
    const QString known = SafeFileName::knownExtensionForMimeType(mimeType);
    if (!known.isEmpty() && ext != known)
        return QStringLiteral("not the MIME type's extension");
    const QList<uint> codePoints = name.toUcs4();
    for (const uint c : codePoints) {
        const QChar::Category category = QChar::category(char32_t(c));
        if (category == QChar::Other_Control || category == QChar::Other_Format ||
            category == QChar::Other_PrivateUse || category == QChar::Other_NotAssigned ||
            category == QChar::Other_Surrogate)
            return QStringLiteral("U+%1 of a dropped category").arg(c, 4, 16, QLatin1Char('0'));
        if ((c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0000 && c <= 0xE0FFF) || c == 0x3164 || c == 0xFFA0 ||
            c == 0x115F || c == 0x1160 || c == 0x034F)
            return QStringLiteral("the invisible U+%1").arg(c, 4, 16, QLatin1Char('0'));
    }
    return {};
}
} // namespace

class TestSafeFileName : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void keepsOrdinaryNames();
    void hostileNames_data();
    void hostileNames();
    void extensionTellsTheTruth_data();
    void extensionTellsTheTruth();
    void invisibleAndLookalikeCharacters_data();
    void invisibleAndLookalikeCharacters();
    void windowsReservedNames_data();
    void windowsReservedNames();
    void neverProducesUnsafeNames_data();
    void neverProducesUnsafeNames();
    void boundsLengthKeepingExtension();
    void fallsBackToIdAndMimeExtension();
    void uniqueNameCountsUp();
    void uniqueNameSkipsNamesBeingDownloaded();
    void uniqueNameSkipsDanglingSymlinks();
    void extensions();
    void markFromInternetIsANoOpHere();
};

void TestSafeFileName::initTestCase()
{
    // PartialDownload::lockPath() lives in the data folder: keep it away from the user's.
    QStandardPaths::setTestModeEnabled(true);
}

void TestSafeFileName::keepsOrdinaryNames()
{
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("financial_summary_2024_01.pdf"), QStringLiteral("r1"), Pdf),
             QStringLiteral("financial_summary_2024_01.pdf"));
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("Relevé été 2024.csv"), QStringLiteral("r1"), QString()),
             QStringLiteral("Relevé été 2024.csv"));
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("Relevé été 2024.csv"), QStringLiteral("r1"), Csv),
             QStringLiteral("Relevé été 2024.csv"));
}

void TestSafeFileName::hostileNames_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
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
                             << "_NUL.txt.pdf";
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
    QTest::newRow("rtl override") << QString::fromUtf8("invoice\u202Efdp.exe") << "invoicefdp.pdf";
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
    QCOMPARE(SafeFileName::sanitize(given, QStringLiteral("r1"), Pdf), expected);
}

void TestSafeFileName::extensionTellsTheTruth_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("mime");
    QTest::addColumn<QString>("expected");
    // The trick of the brief: a CSV ticket whose name ends, after a run of spaces, in ".exe".
    QTest::newRow("spaced .exe from a CSV") << "Invoice 2024.pdf      .exe" << Csv << "Invoice 2024.pdf.csv";
    QTest::newRow("spaced .exe, right type") << "Invoice 2024.csv .exe" << Csv << "Invoice 2024.csv";
    QTest::newRow("another allowed type stays visible") << "report.pdf" << Csv << "report.pdf.csv";
    QTest::newRow("fake replaced") << "setup.exe" << Pdf << "setup.pdf";
    QTest::newRow("double fake extension") << "a.exe.scr" << Csv << "a.exe.csv";
    QTest::newRow("double extension, image") << "photo.jpg.exe" << Xlsx << "photo.jpg.xlsx";
    QTest::newRow("double extension, right one last") << "data.exe.csv" << Csv << "data.exe.csv";
    QTest::newRow("upper case") << "REPORT.PDF" << Pdf << "REPORT.pdf";
    QTest::newRow("none") << "report" << Pdf << "report.pdf";
    QTest::newRow("a version is no extension") << "Report v1.2" << Pdf << "Report v1.2.pdf";
    QTest::newRow("a suffix with spaces is no extension") << "a.b c" << Pdf << "a.b c.pdf";
    QTest::newRow("lookalike Cyrillic exe is kept, typed") << QString::fromUtf8("invoice.\u0435\u0445\u0435") << Pdf
                                                           << QString::fromUtf8("invoice.\u0435\u0445\u0435.pdf");
    QTest::newRow("fullwidth .exe") << QString::fromUtf8("invoice\uFF0E\uFF45\uFF58\uFF45") << Pdf << "invoice.pdf";
    QTest::newRow("parameters") << "summary"
                                << "text/csv; charset=utf-8"
                                << "summary.csv";
    QTest::newRow("upper-case MIME type") << "summary"
                                          << "TEXT/CSV"
                                          << "summary.csv";
    QTest::newRow("pdf") << "data" << Pdf << "data.pdf";
    QTest::newRow("xlsx") << "data" << Xlsx << "data.xlsx";
    QTest::newRow("xls") << "data" << Xls << "data.xls";
    QTest::newRow("csv") << "data" << Csv << "data.csv";
    QTest::newRow("application/csv") << "data"
                                     << "application/csv"
                                     << "data.csv";
    QTest::newRow("txt") << "data" << Txt << "data.txt";
    QTest::newRow("zip") << "data.tar.gz" << Zip << "data.tar.zip";
    QTest::newRow("xlsx named xls") << "sheet.xls" << Xlsx << "sheet.xls.xlsx";
    // The application's own suffixes never come out, whatever the type.
    QTest::newRow(".part, pdf") << "x.part" << Pdf << "x.pdf";
    QTest::newRow(".part.meta, pdf") << "x.part.meta" << Pdf << "x.part.pdf";
    QTest::newRow(".lock, zip") << "x.lock" << Zip << "x.zip";
    QTest::newRow(".part, unknown") << "x.part" << Unknown << "x.bin";
    QTest::newRow(".part.meta, none") << "x.part.meta" << QString() << "x.part.bin";
    QTest::newRow(".lock, none") << "x.lock" << QString() << "x.bin";
    QTest::newRow(".PART, none") << "x.PART" << QString() << "x.bin";
    // Unknown or no type: an allowed extension stays, anything else becomes .bin.
    QTest::newRow("unknown, allowed") << "data.csv" << Unknown << "data.csv";
    QTest::newRow("unknown, allowed, upper case") << "REPORT.XLSX" << Unknown << "REPORT.xlsx";
    QTest::newRow("unknown, each allowed: zip") << "a.zip" << QString() << "a.zip";
    QTest::newRow("unknown, each allowed: txt") << "a.txt" << QString() << "a.txt";
    QTest::newRow("unknown, each allowed: xls") << "a.xls" << QString() << "a.xls";
    QTest::newRow("unknown, each allowed: pdf") << "a.pdf" << QString() << "a.pdf";
    QTest::newRow("unknown, disallowed") << "data.exe" << Unknown << "data.bin";
    QTest::newRow("unknown, disallowed double") << "data.pdf.exe" << Unknown << "data.pdf";
    QTest::newRow("unknown, json") << "data.json"
                                   << "application/json"
                                   << "data.bin";
    QTest::newRow("unknown, none") << "data" << Unknown << "data.bin";
    QTest::newRow("no type, none") << "data" << QString() << "data.bin";
    QTest::newRow("no type, .bin") << "data.bin" << QString() << "data.bin";
    QTest::newRow("no type, .BIN") << "data.BIN" << QString() << "data.bin";
    QTest::newRow(".bin is not dropped, pdf") << "data.bin" << Pdf << "data.bin.pdf";
    QTest::newRow("no type, allowed before .bin") << "data.xlsx.bin" << QString() << "data.xlsx.bin";
    QTest::newRow("no type, shell script") << "run.sh" << QString() << "run.bin";
}

void TestSafeFileName::extensionTellsTheTruth()
{
    QFETCH(QString, given);
    QFETCH(QString, mime);
    QFETCH(QString, expected);
    const QString name = SafeFileName::sanitize(given, QStringLiteral("r1"), mime);
    QCOMPARE(name, expected);
    QCOMPARE(SafeFileName::sanitize(name, QStringLiteral("r1"), mime), name);
    QCOMPARE(whatIsUnsafe(name, mime), QString());
}

void TestSafeFileName::invisibleAndLookalikeCharacters_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero width joiner") << fromUcs4({'a', 0x200D, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("zero width non-joiner") << fromUcs4({'a', 0x200C, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("word joiner") << fromUcs4({'a', 0x2060, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("combining grapheme joiner") << fromUcs4({'a', 0x034F, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("soft hyphen") << fromUcs4({'a', 0x00AD, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("tag characters") << fromUcs4({'a', 0xE0001, 0xE0041, 0xE007F, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("tag hiding an extension")
        << fromUcs4({'a', '.', 'p', 'd', 'f', 0xE002E, 0xE0065, 0xE0078, 0xE0065}) << "a.pdf";
    QTest::newRow("variation selector 16") << fromUcs4({'a', 0xFE0F, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("variation selector supplement")
        << fromUcs4({'a', 0xE0100, 0xE01EF, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("Mongolian variation selector") << fromUcs4({'a', 0x180B, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("Hangul filler") << fromUcs4({'a', 0x3164, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("halfwidth Hangul filler") << fromUcs4({'a', 0xFFA0, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("Hangul choseong filler") << fromUcs4({'a', 0x115F, 0x1160, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("only Hangul fillers") << fromUcs4({0x3164, 0xFFA0, 0x115F}) << "r1.pdf";
    QTest::newRow("braille blank") << fromUcs4({'a', 0x2800, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("private use, BMP") << fromUcs4({'a', 0xE000, 0xF8FF, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("private use, planes 15 and 16")
        << fromUcs4({'a', 0xF0000, 0x10FFFD, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("unassigned") << fromUcs4({'a', 0x0378, 0x50000, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("noncharacters") << fromUcs4({'a', 0xFFFE, 0xFFFF, 0x10FFFF, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) + QStringLiteral("ab.pdf") << "ab.pdf";
    QTest::newRow("C1 CSI and NEL") << fromUcs4({'a', 0x9B, 0x85, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("Arabic letter mark") << fromUcs4({'a', 0x061C, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("interlinear annotation") << fromUcs4({'a', 0xFFF9, 'b', 0xFFFB, '.', 'p', 'd', 'f'}) << "ab.pdf";
    QTest::newRow("object replacement") << fromUcs4({'a', 0xFFFC, 'b', '.', 'p', 'd', 'f'}) << "ab.pdf";
    // NFKC folds compatibility forms to the plain ones, which the other rules then see.
    QTest::newRow("fullwidth letters") << fromUcs4({0xFF52, 0xFF45, 0xFF50, 0xFF4F, 0xFF52, 0xFF54, 0xFF0E, 0xFF50,
                                                    0xFF44, 0xFF46})
                                       << "report.pdf";
    QTest::newRow("fullwidth solidus") << fromUcs4({'.', '.', 0xFF0F, '.', '.', 0xFF0F, 'x', '.', 'p', 'd', 'f'})
                                       << "x.pdf";
    QTest::newRow("fullwidth reverse solidus") << fromUcs4({'C', 0xFF1A, 0xFF3C, 'x', '.', 'p', 'd', 'f'}) << "x.pdf";
    QTest::newRow("ligature") << fromUcs4({0xFB01, 'l', 'e', '.', 'p', 'd', 'f'}) << "file.pdf";
    QTest::newRow("superscript") << fromUcs4({'x', 0x00B2, '.', 'p', 'd', 'f'}) << "x2.pdf";
    QTest::newRow("ideographic space") << fromUcs4({'a', 0x3000, 'b', '.', 'p', 'd', 'f'}) << "a b.pdf";
    QTest::newRow("no-break space at the end") << fromUcs4({'a', '.', 'p', 'd', 'f', 0x00A0}) << "a.pdf";
    QTest::newRow("decomposed accents compose")
        << QString::fromUtf8("e\u0301te\u0301.pdf") << QString::fromUtf8("\u00e9t\u00e9.pdf");
}

void TestSafeFileName::invisibleAndLookalikeCharacters()
{
    QFETCH(QString, given);
    QFETCH(QString, expected);
    const QString name = SafeFileName::sanitize(given, QStringLiteral("r1"), Pdf);
    QCOMPARE(name, expected);
    QCOMPARE(SafeFileName::sanitize(name, QStringLiteral("r1"), Pdf), name);
}

void TestSafeFileName::windowsReservedNames_data()
{
    QTest::addColumn<QString>("given");
    QTest::addColumn<QString>("mime");
    QTest::addColumn<QString>("expected");
    QTest::newRow("NUL.txt, text") << "NUL.txt" << Txt << "_NUL.txt";
    QTest::newRow("nul.txt, no type") << "nul.txt" << QString() << "_nul.txt";
    QTest::newRow("COM1.csv") << "COM1.csv" << Csv << "_COM1.csv";
    QTest::newRow("CONIN$") << "CONIN$" << Pdf << "_CONIN$.pdf";
    QTest::newRow("superscript COM") << QString::fromUtf8("com\u00b9.pdf") << Pdf << "_com1.pdf";
    QTest::newRow("fullwidth NUL") << fromUcs4({0xFF2E, 0xFF35, 0xFF2C, '.', 't', 'x', 't'}) << Txt << "_NUL.txt";
    QTest::newRow("AUX with a fake extension") << "AUX.exe" << Csv << "_AUX.csv";
    QTest::newRow("fallback id") << "" << Pdf << "_CON.pdf";
}

void TestSafeFileName::windowsReservedNames()
{
    QFETCH(QString, given);
    QFETCH(QString, mime);
    QFETCH(QString, expected);
    const QString name = SafeFileName::sanitize(given, QStringLiteral("CON"), mime);
    QCOMPARE(name, expected);
    QCOMPARE(SafeFileName::sanitize(name, QStringLiteral("CON"), mime), name);
}

void TestSafeFileName::neverProducesUnsafeNames_data()
{
    QTest::addColumn<QString>("given");
    QTest::newRow("long") << QString(300, QLatin1Char('a')) + QStringLiteral(".pdf");
    QTest::newRow("long unicode") << QString(300, QChar(0x00E9)) + QStringLiteral(".xlsx");
    QTest::newRow("long emoji") << QString::fromUtf8("\U0001F4C8").repeated(120);
    QTest::newRow("long with a fake extension") << QString(300, QLatin1Char('a')) + QStringLiteral(".exe");
    QTest::newRow("long expanding under NFKC") << QString(200, QChar(0xFDFA)); // one character, 18 under NFKC
    QTest::newRow("mixed") << QStringLiteral("..\\../\u202E\x7f /NUL . . ");
    QTest::newRow("id fallback hostile") << QString();
    QTest::newRow(".part") << QStringLiteral("x.part");
    QTest::newRow(".part.meta") << QStringLiteral("x.part.meta");
    QTest::newRow(".lock") << QStringLiteral("x.lock");
    QTest::newRow(".part with spaces") << QStringLiteral("x.part   ");
    QTest::newRow(".part with invisible") << QString::fromUtf8("x.part\u200B\uFE0F");
    QTest::newRow("fullwidth .part") << fromUcs4({'x', 0xFF0E, 0xFF50, 0xFF41, 0xFF52, 0xFF54});
    QTest::newRow("tags only") << fromUcs4({0xE0070, 0xE0061, 0xE0072, 0xE0074});
}

void TestSafeFileName::neverProducesUnsafeNames()
{
    QFETCH(QString, given);
    for (const QString &mime : everyMimeType()) {
        const QString name = SafeFileName::sanitize(given, QStringLiteral("../evil\u202E"), mime);
        QVERIFY2(whatIsUnsafe(name, mime).isEmpty(),
                 qPrintable(name + QStringLiteral(": ") + whatIsUnsafe(name, mime)));
        QCOMPARE(SafeFileName::sanitize(name, QStringLiteral("../evil\u202E"), mime), name);
        // A file of that name can really be created.
        QTemporaryDir dir;
        QFile f(QDir(dir.path()).filePath(name));
        QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(f.errorString()));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{name});
    }
}

void TestSafeFileName::boundsLengthKeepingExtension()
{
    const QString name = SafeFileName::sanitize(QString(300, QLatin1Char('b')) + QStringLiteral(".xlsx"),
                                                QStringLiteral("r1"), QString());
    QCOMPARE(name.toUtf8().size(), SafeFileName::maxBytes);
    QVERIFY(name.endsWith(QLatin1String(".xlsx")));
    const QString typed =
        SafeFileName::sanitize(QString(300, QLatin1Char('b')) + QStringLiteral(".pdf"), QStringLiteral("r1"), Csv);
    // The stem is cut from its end, the server's ".pdf" with it; the type's extension stays.
    QCOMPARE(typed, QString(196, QLatin1Char('b')) + QStringLiteral(".csv"));
}

void TestSafeFileName::fallsBackToIdAndMimeExtension()
{
    QCOMPARE(SafeFileName::sanitize(QString(), QStringLiteral("report_abc123"), Xlsx),
             QStringLiteral("report_abc123.xlsx"));
    QCOMPARE(SafeFileName::sanitize(QStringLiteral("summary"), QStringLiteral("r"),
                                    QStringLiteral("text/csv; charset=utf-8")),
             QStringLiteral("summary.csv"));
    QCOMPARE(SafeFileName::sanitize(QString(), QStringLiteral("../../"), QStringLiteral("x/unknown")),
             QStringLiteral("report.bin"));
    QCOMPARE(SafeFileName::sanitize(QString(), QStringLiteral("report_a"), QString()), QStringLiteral("report_a.bin"));
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

void TestSafeFileName::uniqueNameSkipsNamesBeingDownloaded()
{
    // Another download (another window, the CLI) holds the lock of "a.pdf" and has no ".part" there yet.
    QTemporaryDir dir;
    const QString folder = dir.path();
    QLockFile busy(PartialDownload::lockPath(QDir(folder).filePath(QStringLiteral("a.pdf"))));
    QVERIFY(busy.tryLock(0));
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a (1).pdf"));
    QLockFile alsoBusy(PartialDownload::lockPath(QDir(folder).filePath(QStringLiteral("a (1).pdf"))));
    QVERIFY(alsoBusy.tryLock(0));
    QCOMPARE(SafeFileName::uniqueName(folder + QLatin1Char('/'), QStringLiteral("a.pdf")), QStringLiteral("a (2).pdf"));
    busy.unlock();
    alsoBusy.unlock();
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a.pdf"));
}

void TestSafeFileName::uniqueNameSkipsDanglingSymlinks()
{
    // QFileInfo::exists() follows links: a dangling one looks free, yet creating the name would follow it.
    QTemporaryDir dir;
    const QString folder = dir.path();
    QVERIFY(
        QFile::link(QDir(folder).filePath(QStringLiteral("nowhere")), QDir(folder).filePath(QStringLiteral("a.pdf"))));
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a (1).pdf"));
    QVERIFY(QFile::link(QDir(folder).filePath(QStringLiteral("nowhere")),
                        QDir(folder).filePath(QStringLiteral("a (1).pdf.part"))));
    QCOMPARE(SafeFileName::uniqueName(folder, QStringLiteral("a.pdf")), QStringLiteral("a (2).pdf"));
}

void TestSafeFileName::extensions()
{
    QCOMPARE(SafeFileName::extensionForMimeType(Pdf), QStringLiteral("pdf"));
    QCOMPARE(SafeFileName::extensionForMimeType(QStringLiteral("TEXT/CSV")), QStringLiteral("csv"));
    QCOMPARE(SafeFileName::extensionForMimeType(Txt), QStringLiteral("txt"));
    QCOMPARE(SafeFileName::extensionForMimeType(Xls), QStringLiteral("xls"));
    QCOMPARE(SafeFileName::extensionForMimeType(Zip), QStringLiteral("zip"));
    QCOMPARE(SafeFileName::extensionForMimeType(QStringLiteral("application/json")), QStringLiteral("bin"));
    QCOMPARE(SafeFileName::extensionForMimeType(QString()), QStringLiteral("bin"));
    QCOMPARE(SafeFileName::knownExtensionForMimeType(Unknown), QString());
    QCOMPARE(SafeFileName::knownExtensionForMimeType(Xlsx), QStringLiteral("xlsx"));
}

void TestSafeFileName::markFromInternetIsANoOpHere()
{
#ifdef Q_OS_WIN
    QSKIP("Windows writes the Zone.Identifier stream: checked on Windows");
#else
    // No stream elsewhere, and above all no stray "<name>:Zone.Identifier" file beside the download.
    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath(QStringLiteral("a.pdf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("%PDF-1.4");
    file.close();
    QVERIFY(SafeFileName::markFromInternet(path));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System),
             QStringList{QStringLiteral("a.pdf")});
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("%PDF-1.4"));
#endif
}

QTEST_APPLESS_MAIN(TestSafeFileName)
#include "tst_safefilename.moc"
