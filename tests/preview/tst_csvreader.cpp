// CsvReader against real files in a temporary folder: RFC 4180 quoting, delimiters, encodings, numeric columns,
// the row cap, and every limit and error path (a 100 MiB line must stop early, at the cap, not at its end).
#include "PreviewTestFiles.h"
#include "preview/CsvReader.h"
#include "sandbox/CsvWriter.h"
#include "sandbox/SampleCatalogue.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCodec>

using namespace getbill::preview;
using namespace getbill::preview::test;

namespace {
QStringList cells(std::initializer_list<const char16_t *> texts)
{
    QStringList out;
    for (const char16_t *text : texts)
        out.append(QString::fromUtf16(text));
    return out;
}
} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT
private slots:
    void detectsDelimiter_data();
    void detectsDelimiter();
    void quotedFieldsWithDelimitersAndDoubledQuotes();
    void embeddedNewlinesCrLfAndLf();
    void lineEndingsLfCrLfAndCr();
    void blankLinesAreNoRows();
    void lastLineWithoutLineBreak();
    void unterminatedQuoteTakesTheRest();
    void textAfterClosingQuoteIsKept();
    void raggedRows();
    void utf8WithBom();
    void utf8WithoutBom();
    void utf16WithBom();
    void windows1252Bytes();
    void windows1252TableMatchesQtCodec();
    void invalidUtf8AfterFirstChunkRereadsAsWindows1252();
    void invalidUtf8OnSequentialDeviceIsReplaced();
    void truncatedUtf8AtEndRereadsAsWindows1252();
    void rereadThatCannotSeekIsReported();
    void looksNumeric_data();
    void looksNumeric();
    void numericColumns();
    void keepsTenThousandRowsCountsAll();
    void hugeSingleLineStopsAtTheCap();
    void hugeQuotedFieldStopsAtTheCap();
    void tooManyColumns();
    void thousandColumnsAreFine();
    void inputSizeCapBeforeReading();
    void inputSizeCapWhileReading();
    void readErrorIsReported();
    void unreadableDeviceIsReported();
    void cancelledBeforeStart();
    void cancelledWhileReading();
    void budgetStopsKeepingRows();
    void emptyFile();
    void onlyAHeader();
    void chunkBoundariesDoNotMatter();
    void readsTheSandboxCsv();
    void readsFromTheDevicePosition();

private:
    TablePreview readFile(const QByteArray &bytes, QString *error, const CsvReader::Limits &limits = {});
    QTemporaryDir m_dir;
    int m_files = 0;
};

TablePreview TestCsvReader::readFile(const QByteArray &bytes, QString *error, const CsvReader::Limits &limits)
{
    const QString path = m_dir.filePath(QStringLiteral("input%1.csv").arg(++m_files));
    if (!writeFile(path, bytes))
        qFatal("cannot write %s", qPrintable(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    return CsvReader(limits).read(&file, error);
}

void TestCsvReader::detectsDelimiter_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("first");
    QTest::addColumn<int>("columns");
    QTest::newRow("comma") << QByteArray("a,b,c\n1,2,3\n") << QStringLiteral("a") << 3;
    QTest::newRow("semicolon") << QByteArray("a;b;c\n1;2;3\n") << QStringLiteral("a") << 3;
    QTest::newRow("tab") << QByteArray("a\tb\tc\n1\t2\t3\n") << QStringLiteral("a") << 3;
    QTest::newRow("pipe") << QByteArray("a|b|c\n1|2|3\n") << QStringLiteral("a") << 3;
    // Decimal commas: the semicolon splits every line the same way, the comma does not.
    QTest::newRow("semicolon with decimal commas")
        << QByteArray("name;amount;rate\nAda;1,5;2,25\nBob;3;4,5\n") << QStringLiteral("name") << 3;
    // Commas inside quotes are not delimiters.
    QTest::newRow("semicolon, commas quoted")
        << QByteArray("\"Smith, J\";\"a, b, c\"\n\"Doe, A\";\"d, e, f\"\n") << QStringLiteral("Smith, J") << 2;
    QTest::newRow("one column") << QByteArray("alpha\nbeta\n") << QStringLiteral("alpha") << 1;
    QTest::newRow("one line, no break") << QByteArray("x;y;z") << QStringLiteral("x") << 3;
}

void TestCsvReader::detectsDelimiter()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, first);
    QFETCH(int, columns);
    QString error;
    const TablePreview preview = readFile(input, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].cell(0, 0), first);
    QCOMPARE(preview.sheets[0].columnCount(), columns);

    QCOMPARE(CsvReader::detectDelimiter(u"a;b\n1;2\n", true), QLatin1Char(';'));
    QCOMPARE(CsvReader::detectDelimiter(u"a\tb,c\n1\t2,3\n4\t5\n", true), QLatin1Char('\t'));
    // Equal evidence: the one that splits into more fields, then the first of , ; tab |.
    QCOMPARE(CsvReader::detectDelimiter(u"a;b;c,d", true), QLatin1Char(';'));
    QCOMPARE(CsvReader::detectDelimiter(u"a|b,c", true), QLatin1Char(','));
    QCOMPARE(CsvReader::detectDelimiter(u"", true), QLatin1Char(','));
}

void TestCsvReader::quotedFieldsWithDelimitersAndDoubledQuotes()
{
    QString error;
    const TablePreview preview =
        readFile("name,quote,empty\r\n\"Smith, John\",\"she said \"\"hi\"\"\",\"\"\r\n\"\"\"\",x,\r\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.shownRows(), 3);
    QCOMPARE(sheet.row(1), cells({u"Smith, John", u"she said \"hi\"", u""}));
    QCOMPARE(sheet.row(2), cells({u"\"", u"x", u""}));
}

void TestCsvReader::embeddedNewlinesCrLfAndLf()
{
    QString error;
    const TablePreview preview =
        readFile("id,note\r\n1,\"line one\r\nline two\"\r\n2,\"a\nb\rc\"\r\n3,end\r\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, 4);
    QCOMPARE(sheet.shownRows(), 4);
    // Newlines inside quotes stay in the cell, as LF (what the view breaks lines on).
    QCOMPARE(sheet.cell(1, 1), QStringLiteral("line one\nline two"));
    QCOMPARE(sheet.cell(2, 1), QStringLiteral("a\nb\nc"));
    QCOMPARE(sheet.row(3), cells({u"3", u"end"}));
}

void TestCsvReader::lineEndingsLfCrLfAndCr()
{
    for (const QByteArray &eol : {QByteArray("\n"), QByteArray("\r\n"), QByteArray("\r")}) {
        QString error;
        const TablePreview preview = readFile("a,b" + eol + "c,d" + eol + "e,f" + eol, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(preview.sheets[0].totalRows, 3);
        QCOMPARE(preview.sheets[0].row(2), cells({u"e", u"f"}));
    }
}

void TestCsvReader::blankLinesAreNoRows()
{
    QString error;
    const TablePreview preview = readFile("\r\na,b\n\n\r\n\rc,d\n\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 2);
    QCOMPARE(preview.sheets[0].row(0), cells({u"a", u"b"}));
    QCOMPARE(preview.sheets[0].row(1), cells({u"c", u"d"}));
}

void TestCsvReader::lastLineWithoutLineBreak()
{
    QString error;
    const TablePreview preview = readFile("a,b\nc,d", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 2);
    QCOMPARE(preview.sheets[0].row(1), cells({u"c", u"d"}));
}

void TestCsvReader::unterminatedQuoteTakesTheRest()
{
    QString error;
    const TablePreview preview = readFile("a,\"bc\nd,e", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 1);
    QCOMPARE(preview.sheets[0].row(0), cells({u"a", u"bc\nd,e"}));
}

void TestCsvReader::textAfterClosingQuoteIsKept()
{
    QString error;
    const TablePreview preview = readFile("\"ab\"c,d\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"abc", u"d"}));
}

void TestCsvReader::raggedRows()
{
    QString error;
    const TablePreview preview = readFile("a\nb,c,d\ne,f\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.columnCount(), 3);
    QCOMPARE(sheet.cellCount(0), 1);
    QCOMPARE(sheet.cellCount(1), 3);
    QCOMPARE(sheet.cellCount(2), 2);
    QCOMPARE(sheet.numeric.size(), 3);
}

void TestCsvReader::utf8WithBom()
{
    QString error;
    const TablePreview preview = readFile("\xEF\xBB\xBFname;montant\nRelev\xC3\xA9;12,5\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].cell(0, 0), QStringLiteral("name")); // no BOM in the first cell
    QCOMPARE(preview.sheets[0].cell(1, 0), QStringLiteral("Relev\u00e9"));
    QCOMPARE(preview.sheets[0].columnCount(), 2);
}

void TestCsvReader::utf8WithoutBom()
{
    QString error;
    const TablePreview preview = readFile("ville,\xE2\x82\xAC\nM\xC3\xBCnchen,\xF0\x9F\x98\x80\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"ville", u"\u20ac"}));
    QCOMPARE(preview.sheets[0].row(1), cells({u"M\u00fcnchen", u"\U0001F600"}));
}

void TestCsvReader::utf16WithBom()
{
    // What Excel's "Unicode text" export writes: UTF-16LE with a BOM, tab-delimited.
    const QString text = QStringLiteral("Client\tMontant\r\nCaf\u00e9\t12,5\r\n");
    QByteArray le("\xFF\xFE");
    QByteArray be("\xFE\xFF");
    for (const QChar c : text) {
        le.append(char(c.unicode() & 0xff)).append(char(c.unicode() >> 8));
        be.append(char(c.unicode() >> 8)).append(char(c.unicode() & 0xff));
    }
    for (const QByteArray &bytes : {le, be}) {
        QString error;
        const TablePreview preview = readFile(bytes, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(preview.sheets[0].row(0), cells({u"Client", u"Montant"}));
        QCOMPARE(preview.sheets[0].row(1), cells({u"Caf\u00e9", u"12,5"}));
        QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, true}));
    }
}

void TestCsvReader::windows1252Bytes()
{
    // Not valid UTF-8: Windows-1252, which Excel on Windows writes for "CSV (comma delimited)".
    QString error;
    const TablePreview preview = readFile("caf\xE9;prix\n\x80 5;\x93quoted\x94\n\x9F\x8A\xFF;x\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"caf\u00e9", u"prix"}));
    QCOMPARE(preview.sheets[0].row(1), cells({u"\u20ac 5", u"\u201cquoted\u201d"}));
    QCOMPARE(preview.sheets[0].row(2), cells({u"\u0178\u0160\u00ff", u"x"}));
}

void TestCsvReader::windows1252TableMatchesQtCodec()
{
    // Qt5Compat's codec is an independent reference for the defined bytes; the five holes stay C1 controls.
    QTextCodec *codec = QTextCodec::codecForName("windows-1252");
    QVERIFY(codec);
    for (int byte = 0; byte < 256; ++byte) {
        const char ch = char(byte);
        const QString ours = CsvReader::fromWindows1252(QByteArrayView(&ch, 1));
        QCOMPARE(ours.size(), 1);
        if (byte == 0x81 || byte == 0x8D || byte == 0x8F || byte == 0x90 || byte == 0x9D)
            QCOMPARE(ours.at(0).unicode(), char16_t(byte));
        else
            QCOMPARE(ours, codec->toUnicode(QByteArray(1, ch)));
    }
}

void TestCsvReader::invalidUtf8AfterFirstChunkRereadsAsWindows1252()
{
    // The first chunk is plain ASCII (valid UTF-8); a Windows-1252 byte comes later. The file is read again.
    QByteArray bytes = "name,amount\n";
    while (bytes.size() < CsvReader::chunkBytes + 1000)
        bytes += "plain,1\n";
    bytes += "caf\xE9,2\n";
    QString error;
    const TablePreview preview = readFile(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.cell(sheet.shownRows() - 1, 0), QStringLiteral("caf\u00e9"));
    QCOMPARE(sheet.totalRows, sheet.shownRows());
    QCOMPARE(sheet.cell(0, 0), QStringLiteral("name"));
}

void TestCsvReader::invalidUtf8OnSequentialDeviceIsReplaced()
{
    // A device that cannot seek cannot be read again: the invalid byte becomes U+FFFD, the rest stays.
    QByteArray bytes = "name,amount\n";
    while (bytes.size() < CsvReader::chunkBytes + 1000)
        bytes += "plain,1\n";
    bytes += "caf\xE9,2\n";
    TrickleDevice device(bytes, 4096);
    QString error;
    const TablePreview preview = CsvReader().read(&device, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.cell(sheet.shownRows() - 1, 0), QStringLiteral("caf\uFFFD"));
}

void TestCsvReader::truncatedUtf8AtEndRereadsAsWindows1252()
{
    // A lone lead byte at the very end is not UTF-8 either.
    QByteArray bytes;
    while (bytes.size() < CsvReader::chunkBytes + 10)
        bytes += "abc,def\n";
    bytes += "x,\xC3";
    QString error;
    const TablePreview preview = readFile(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.row(sheet.shownRows() - 1), cells({u"x", u"\u00c3"}));
}

void TestCsvReader::rereadThatCannotSeekIsReported()
{
    // A device that says it can seek but then cannot: the second pass cannot start.
    class StuckBuffer : public QBuffer
    {
    public:
        bool seek(qint64 pos) override
        {
            if (pos != this->pos())
                setErrorString(QStringLiteral("seek refused"));
            return pos == this->pos() && QBuffer::seek(pos);
        }
    };
    QByteArray bytes;
    while (bytes.size() < CsvReader::chunkBytes + 1000)
        bytes += "plain,1\n";
    bytes += "caf\xE9,2\n";
    StuckBuffer buffer;
    buffer.setData(bytes);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QString error;
    const TablePreview preview = CsvReader().read(&buffer, &error);
    QCOMPARE(error, QStringLiteral("The file could not be read: seek refused"));
    QVERIFY(preview.sheets.isEmpty());
}

void TestCsvReader::looksNumeric_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("numeric");
    const QList<std::pair<const char16_t *, bool>> cases = {
        {u"0", true},
        {u"42", true},
        {u"-7", true},
        {u"+3", true},
        {u"12.5", true},
        {u"12,5", true},
        {u".5", true},
        {u",5", true},
        {u"1,234", true},
        {u"1,234.56", true},
        {u"1.234.567,89", true},
        {u"1 234 567", true},
        {u"1\u00a0234,5", true},
        {u"1'234.5", true},
        {u"(1,234.00)", true},
        {u"12.5%", true},
        {u" 8 ", true},
        {u"1.5e-3", true},
        {u"2E10", true},
        {u"\u22124", true},
        {u"", false},
        {u"-", false},
        {u".", false},
        {u"1.", false},
        {u"abc", false},
        {u"12abc", false},
        {u"2024-01-05", false},
        {u"12:30", false},
        {u"1.2.3", false},
        {u"1,23,456", false},
        {u"1234,567.8", false},
        {u"+33 6 12 34 56", false},
        {u"1,,2", false},
        {u"1e", false},
        {u"e5", false},
        {u"1,234.5e3", false},
        {u"1 2", false},
        {u"1.234,567.8", false},
        {u"--1", false},
        {u"0x1F", false},
    };
    for (const auto &[text, numeric] : cases)
        QTest::newRow(QString::fromUtf16(text).toUtf8().constData()) << QString::fromUtf16(text) << numeric;
}

void TestCsvReader::looksNumeric()
{
    QFETCH(QString, text);
    QFETCH(bool, numeric);
    QCOMPARE(CsvReader::looksNumeric(text), numeric);
}

void TestCsvReader::numericColumns()
{
    QString error;
    const TablePreview preview = readFile("invoice;amount;rate;date;mixed;empty\n"
                                          "INV-1;1.234,50;5%;2024-01-05;1;\n"
                                          "INV-2;-12,00;7,5%;2024-02-05;n/a;\n"
                                          "INV-3;;0%;2024-03-05;3;\n",
                                          &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, true, true, false, false, false}));
}

void TestCsvReader::keepsTenThousandRowsCountsAll()
{
    QByteArray bytes = "row,value\n";
    for (int i = 1; i <= 12'344; ++i)
        bytes += "r" + QByteArray::number(i) + "," + QByteArray::number(i * 3) + "\n";
    QString error;
    const TablePreview preview = readFile(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, 12'345);
    QCOMPARE(sheet.shownRows(), TablePreview::maxRows);
    QCOMPARE(sheet.row(TablePreview::maxRows - 1), cells({u"r9999", u"29997"}));
    QCOMPARE(sheet.numeric, QList<bool>({false, true}));
}

void TestCsvReader::hugeSingleLineStopsAtTheCap()
{
    // 100 MiB without a line break, written in 1 MiB pieces. The reader must stop at the line cap, having read
    // little more than the cap, not the whole file.
    const QString path = m_dir.filePath(QStringLiteral("huge-line.csv"));
    {
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        const QByteArray piece(1 << 20, 'a');
        for (int i = 0; i < 100; ++i)
            QCOMPARE(out.write(piece), qint64(piece.size()));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.size(), qint64(100) << 20);
    QElapsedTimer timer;
    timer.start();
    QString error;
    const TablePreview preview = CsvReader().read(&file, &error);
    QVERIFY2(error.contains(QLatin1String("Line 1 is longer than")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
    QVERIFY2(file.pos() <= CsvReader::maxLineChars + 2 * CsvReader::chunkBytes,
             qPrintable(QString::number(file.pos())));
    qInfo("stopped after %lld bytes in %lld ms", file.pos(), timer.elapsed());
}

void TestCsvReader::hugeQuotedFieldStopsAtTheCap()
{
    QByteArray bytes = "a,b\n1,\"";
    bytes += QByteArray(CsvReader::maxLineChars + 10, 'x');
    bytes += "\"\n";
    QString error;
    const TablePreview preview = readFile(bytes, &error);
    QVERIFY2(error.contains(QLatin1String("Line 2 is longer than")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestCsvReader::tooManyColumns()
{
    QByteArray line;
    for (int i = 0; i <= TablePreview::maxColumns; ++i) // 1,001 fields
        line += (i ? "," : "") + QByteArray::number(i);
    QString error;
    const TablePreview preview = readFile("a,b\n1,2\n" + line + "\n", &error);
    QVERIFY2(error.contains(QLatin1String("Line 3 has more than 1,000 columns")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestCsvReader::thousandColumnsAreFine()
{
    QByteArray line;
    for (int i = 0; i < TablePreview::maxColumns; ++i)
        line += (i ? "," : "") + QByteArray::number(i);
    QString error;
    const TablePreview preview = readFile(line + "\n" + line + "\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].columnCount(), TablePreview::maxColumns);
}

void TestCsvReader::inputSizeCapBeforeReading()
{
    // A file that says how large it is is refused before a byte is read.
    const QString path = m_dir.filePath(QStringLiteral("too-large.csv"));
    QVERIFY(writeFile(path, QByteArray(4096, 'a').replace(100, 1, "\n")));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    CsvReader::Limits limits;
    limits.maxInputBytes = 1024;
    QString error;
    const TablePreview preview = CsvReader(limits).read(&file, &error);
    QCOMPARE(error, QStringLiteral("The file is larger than 1 KiB, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());
    QCOMPARE(file.pos(), 0);
}

void TestCsvReader::inputSizeCapWhileReading()
{
    // A pipe or socket does not know its size: the cap is counted while reading, in the first chunk or later.
    CsvReader::Limits limits;
    limits.maxInputBytes = CsvReader::chunkBytes * 3;
    for (const qint64 cap : {qint64(100), limits.maxInputBytes}) {
        limits.maxInputBytes = cap;
        EndlessDevice device("a,b,c\n");
        device.open(QIODevice::ReadOnly | QIODevice::Unbuffered);
        QString error;
        const TablePreview preview = CsvReader(limits).read(&device, &error);
        QVERIFY2(error.startsWith(QLatin1String("The file is larger than")), qPrintable(error));
        QVERIFY(preview.sheets.isEmpty());
        QVERIFY(device.delivered() <= cap + CsvReader::chunkBytes);
    }
}

void TestCsvReader::readErrorIsReported()
{
    for (const qint64 at : {qint64(10), CsvReader::chunkBytes + 10}) {
        QByteArray bytes;
        while (bytes.size() < 3 * CsvReader::chunkBytes)
            bytes += "a,b\n";
        TrickleDevice device(bytes, 1000);
        device.failAt(at);
        QString error;
        const TablePreview preview = CsvReader().read(&device, &error);
        QCOMPARE(error, QStringLiteral("The file could not be read: simulated read error"));
        QVERIFY(preview.sheets.isEmpty());
    }
}

void TestCsvReader::unreadableDeviceIsReported()
{
    QFile closed(m_dir.filePath(QStringLiteral("never-opened.csv")));
    QString error;
    const TablePreview preview = CsvReader().read(&closed, &error);
    QVERIFY2(error.startsWith(QLatin1String("The file could not be read")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestCsvReader::cancelledBeforeStart()
{
    std::atomic<bool> cancel{true};
    QByteArray bytes = "a,b\n1,2\n";
    QBuffer buffer(&bytes);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QString error;
    const TablePreview preview = CsvReader(CsvReader::Limits{}, &cancel).read(&buffer, &error);
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestCsvReader::cancelledWhileReading()
{
    // The device raises the flag as another thread would, half way through; the reader stops at the next chunk.
    QByteArray bytes;
    while (bytes.size() < 20 * CsvReader::chunkBytes)
        bytes += "x,1,2,3\n";
    std::atomic<bool> cancel{false};
    TrickleDevice device(bytes, CsvReader::chunkBytes);
    device.cancelAt(5 * CsvReader::chunkBytes, &cancel);
    QString error;
    const TablePreview preview = CsvReader(CsvReader::Limits{}, &cancel).read(&device, &error);
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(preview.sheets.isEmpty());
    QVERIFY(device.delivered() <= 7 * CsvReader::chunkBytes);
}

void TestCsvReader::budgetStopsKeepingRows()
{
    // 10,000 rows of 1,000 one-digit cells would be 10 million cells; the preview keeps what its budget allows
    // and still counts every row.
    QByteArray line;
    for (int i = 0; i < TablePreview::maxColumns; ++i)
        line += i ? ",7" : "7";
    line += "\n";
    QByteArray bytes;
    bytes.reserve(line.size() * TablePreview::maxRows);
    for (int i = 0; i < TablePreview::maxRows; ++i)
        bytes += line;
    QString error;
    const TablePreview preview = readFile(bytes, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, TablePreview::maxRows);
    QCOMPARE(sheet.shownRows(), int(TablePreview::maxShownCells / TablePreview::maxColumns));
    QVERIFY(sheet.storedCells() <= TablePreview::maxShownCells);
}

void TestCsvReader::emptyFile()
{
    QString error;
    const TablePreview preview = readFile(QByteArray(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].shownRows(), 0);
    QCOMPARE(preview.sheets[0].totalRows, 0);
    QCOMPARE(preview.sheets[0].columnCount(), 0);
    QVERIFY(preview.sheets[0].numeric.isEmpty());

    const TablePreview bomOnly = readFile("\xEF\xBB\xBF", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(bomOnly.sheets[0].totalRows, 0);
}

void TestCsvReader::onlyAHeader()
{
    QString error;
    const TablePreview preview = readFile("invoice;amount;status\r\n", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, 1);
    QCOMPARE(sheet.shownRows(), 1);
    QCOMPARE(sheet.columnCount(), 3);
    QCOMPARE(sheet.numeric, QList<bool>({false, false, false}));
}

void TestCsvReader::chunkBoundariesDoNotMatter()
{
    // Every cut: a CRLF, a doubled quote, a UTF-8 sequence or a BOM split between two reads.
    const QByteArray bytes = "\xEF\xBB\xBF"
                             "a;\"b\"\"c\";\xC3\xA9\xE2\x82\xAC\r\n"
                             "\"x\r\ny\";2\r\r\n"
                             "\xF0\x9F\x98\x80;\"\";3,5\r\n";
    QBuffer whole;
    whole.setData(bytes);
    QVERIFY(whole.open(QIODevice::ReadOnly));
    QString error;
    const TablePreview expected = CsvReader().read(&whole, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(expected.sheets[0].totalRows, 3);
    QCOMPARE(expected.sheets[0].row(0), cells({u"a", u"b\"c", u"\u00e9\u20ac"}));
    for (const qint64 step : {1, 2, 3, 5, 7}) {
        TrickleDevice device(bytes, step);
        const TablePreview got = CsvReader().read(&device, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(got.sheets[0].totalRows, expected.sheets[0].totalRows);
        for (int r = 0; r < expected.sheets[0].shownRows(); ++r)
            QCOMPARE(got.sheets[0].row(r), expected.sheets[0].row(r));
    }
}

void TestCsvReader::readsTheSandboxCsv()
{
    // What the demo serves: the sandbox's CsvWriter output reads back as the rows it was written from.
    const QList<QStringList> rows = {
        {QStringLiteral("invoice_number"), QStringLiteral("customer"), QStringLiteral("amount_eur")},
        {QStringLiteral("F-2024-001"), QStringLiteral("Dupont, Fils & Cie"), QStringLiteral("1250.00")},
        {QStringLiteral("F-2024-002"), QStringLiteral("Caf\u00e9 \"Le Z\u00e9bre\"\nAnnexe"), QStringLiteral("99.90")},
    };
    QString error;
    const TablePreview preview = readFile(getbill::sandbox::CsvWriter::write(rows), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, rows.size());
    for (int r = 0; r < rows.size(); ++r)
        QCOMPARE(preview.sheets[0].row(r), rows[r]);
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, false, true}));

    int csvReports = 0;
    const auto reports = getbill::sandbox::SampleCatalogue::reports();
    for (const auto &report : reports) {
        if (report.mimeType != u"text/csv" || report.content.isEmpty())
            continue;
        ++csvReports;
        const TablePreview sample = readFile(report.content, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(sample.sheets[0].cell(0, 0), QStringLiteral("invoice_number"));
        QCOMPARE(sample.sheets[0].columnCount(), 7);
        QCOMPARE(sample.sheets[0].numeric, QList<bool>({false, false, false, false, true, true, false}));
    }
    QVERIFY(csvReports > 0);
}

void TestCsvReader::readsFromTheDevicePosition()
{
    QByteArray bytes = "skipped line\na,b\n";
    QBuffer buffer(&bytes);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QVERIFY(buffer.seek(13));
    QString error;
    const TablePreview preview = CsvReader().read(&buffer, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 1);
    QCOMPARE(preview.sheets[0].row(0), cells({u"a", u"b"}));
}

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
