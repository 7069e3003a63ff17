// XlsxReader against real workbooks in a temporary folder: cell types, dates, gaps, sheets, the row cap, the demo's
// own files, and hostile workbooks (zip bombs, lying headers, billion laughs, broken XML, every cap) that must end
// with a message, quickly and within bounded memory.
#include "PreviewTestFiles.h"
#include "preview/XlsxReader.h"
#include "sandbox/SampleCatalogue.h"
#include "sandbox/XlsxWriter.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace getbill::preview;
using namespace getbill::preview::test;

namespace {

const QByteArray Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

QStringList cells(std::initializer_list<const char16_t *> texts)
{
    QStringList out;
    for (const char16_t *text : texts)
        out.append(QString::fromUtf16(text));
    return out;
}

TestWorkbook oneSheet(const QByteArray &sheetData)
{
    TestWorkbook workbook;
    workbook.sheets.append({QStringLiteral("Sheet1"), sheetData, {}});
    return workbook;
}

/// A styles part: cellXfs with the given numFmtIds (index 0 first), and custom formats.
QByteArray styles(const QList<int> &formatIds, const QList<std::pair<int, QByteArray>> &custom = {})
{
    QByteArray xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<styleSheet xmlns=\"" + Main + "\">";
    if (!custom.isEmpty()) {
        xml += "<numFmts count=\"" + QByteArray::number(custom.size()) + "\">";
        for (const auto &[id, code] : custom)
            xml += "<numFmt numFmtId=\"" + QByteArray::number(id) + "\" formatCode=\"" + code + "\"/>";
        xml += "</numFmts>";
    }
    // cellStyleXfs has <xf> elements too; only those of cellXfs are what a cell's s= refers to.
    xml += "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>";
    for (const int id : formatIds)
        xml += "<xf numFmtId=\"" + QByteArray::number(id) + "\" applyNumberFormat=\"1\"><alignment/></xf>";
    return xml + "</cellXfs></styleSheet>";
}

} // namespace

class TestXlsxReader : public QObject
{
    Q_OBJECT
private slots:
    void sharedStrings();
    void inlineStrings();
    void numbers();
    void booleansErrorsAndFormulaStrings();
    void formulaShowsCachedValue();
    void builtinDateFormat();
    void customDateFormats();
    void date1904System();
    void gapsInCellReferences();
    void cellsWithoutReferences();
    void rowsWithOnlyFormattingDoNotCount();
    void twoSheetsInOrderWithNames();
    void hiddenAndChartSheetsAreSkipped();
    void keepsTenThousandRowsCountsAll();
    void rowGapAcrossTheCap();
    void prefixedAndStrictNamespaces();
    void deflatedWorkbook();
    void workbookNamedByPackageRelationships();
    void readsTheSandboxWorkbooks();
    void readsAWorkbookWrittenByAnotherZipLibrary();

    void zipBombSheet();
    void lyingHeaderSheet();
    void tooManyEntries();
    void billionLaughsIsRefusedFast();
    void externalEntityIsRefused();
    void truncatedZip();
    void notAZipAtAll();
    void missingWorkbook();
    void missingSheetPart();
    void noWorksheetToShow();
    void malformedXml_data();
    void malformedXml();
    void tooManyColumns();
    void sharedStringIndexOutOfRange();
    void tooManySharedStrings();
    void tooManySharedStringCharacters();
    void cellTooLong();
    void tokenTooLong();
    void tooManySheets();
    void encryptedPart();
    void damagedPartFoundAtItsEnd();
    void cancelled();
    void deviceThatCannotSeek();
    void unreadableDevice();

private:
    TablePreview read(const QByteArray &zip, QString *error, const XlsxReader::Limits &limits = {},
                      const std::atomic<bool> *cancel = nullptr);
    TablePreview readPath(const QString &path, QString *error, const XlsxReader::Limits &limits = {});
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
    int m_files = 0;
};

TablePreview TestXlsxReader::read(const QByteArray &zip, QString *error, const XlsxReader::Limits &limits,
                                  const std::atomic<bool> *cancel)
{
    const QString file = path(QStringLiteral("workbook%1.xlsx").arg(++m_files));
    if (!writeFile(file, zip))
        qFatal("cannot write %s", qPrintable(file));
    QFile device(file);
    if (!device.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file));
    return XlsxReader(limits, cancel).read(&device, error);
}

TablePreview TestXlsxReader::readPath(const QString &file, QString *error, const XlsxReader::Limits &limits)
{
    QFile device(file);
    if (!device.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(file));
    return XlsxReader(limits).read(&device, error);
}

void TestXlsxReader::sharedStrings()
{
    TestWorkbook workbook = oneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                                     "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v> 3 </v></c></row>");
    workbook.sharedStringsXml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" + Main +
                                "\" count=\"99\" uniqueCount=\"99\">"
                                "<si><t>Plain &amp; simple</t></si>"
                                // Rich text: the runs' text, joined; run properties carry no text.
                                "<si><r><rPr><b/><sz val=\"11\"/></rPr><t>Bold</t></r><r><t xml:space=\"preserve\"> "
                                "and plain</t></r></si>"
                                // Phonetic guides (furigana) are not part of the text.
                                "<si><t>\xE6\x9D\xB1\xE4\xBA\xAC</t><rPh sb=\"0\" eb=\"2\"><t>\xE3\x83\x88\xE3\x82\xA6"
                                "</t></rPh><phoneticPr fontId=\"1\"/></si>"
                                // _xHHHH_ escapes; _x005F_ escapes the underscore itself.
                                "<si><t>line_x000D__x000A_two _x005F_x0041_</t></si></sst>";
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].row(0),
             cells({u"Plain & simple", u"Bold and plain", u"\u6771\u4eac", u"line\r\ntwo _x0041_"}));
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, false, false, false}));
}

void TestXlsxReader::inlineStrings()
{
    const QByteArray data = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Caf\xC3\xA9 &lt;3&gt;</t></is></c>"
                            "<c r=\"B1\" t=\"inlineStr\"><is><r><rPr><i/></rPr><t>It</t></r><r><t>alic</t></r></is></c>"
                            "<c r=\"C1\"><is><t>no type</t></is></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"Caf\u00e9 <3>", u"Italic", u"no type"}));
}

void TestXlsxReader::numbers()
{
    const QByteArray data = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Amount</t></is></c></row>"
                            "<row r=\"2\"><c r=\"A2\"><v>42</v></c><c r=\"B2\" t=\"n\"><v>1234.5</v></c></row>"
                            "<row r=\"3\"><c r=\"A3\"><v>0.30000000000000004</v></c><c r=\"B3\"><v>-1E-3</v></c></row>"
                            "<row r=\"4\"><c r=\"A4\"><v>1.5E+20</v></c><c r=\"B4\"><v>not a number</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.row(1), cells({u"42", u"1234.5"}));
    QCOMPARE(sheet.row(2), cells({u"0.3", u"-0.001"})); // 15 significant digits, as Excel shows them
    QCOMPARE(sheet.row(3), cells({u"1.5e+20", u"not a number"}));
    QCOMPARE(sheet.numeric, QList<bool>({true, false})); // a header above numbers; text among numbers
}

void TestXlsxReader::booleansErrorsAndFormulaStrings()
{
    const QByteArray data = "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>1</v></c><c r=\"B1\" t=\"b\"><v>0</v></c><c r=\"C1\" "
                            "t=\"e\"><v>#DIV/0!</v></c>"
                            "<c r=\"D1\" t=\"str\"><f>CONCAT(\"a\",\"b\")</f><v>ab</v></c><c r=\"E1\" "
                            "t=\"d\"><v>2024-05-01T10:00:00</v></c>"
                            "</row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"TRUE", u"FALSE", u"#DIV/0!", u"ab", u"2024-05-01T10:00:00"}));
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, false, false, false, false}));
}

void TestXlsxReader::formulaShowsCachedValue()
{
    // Formulas are never evaluated: the value Excel saved is shown; without one the cell is empty.
    const QByteArray data = "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c>"
                            "<c r=\"C1\"><f>A1+B1</f><v>3</v></c><c r=\"D1\"><f>NOW()</f></c>"
                            "<c r=\"E1\"><f t=\"shared\" ref=\"E1:E2\" si=\"0\">A1*10</f><v>10</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"1", u"2", u"3", u"", u"10"}));
}

void TestXlsxReader::builtinDateFormat()
{
    TestWorkbook workbook =
        oneSheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45292</v></c><c r=\"B1\" s=\"2\"><v>45292.5</v>"
                 "</c><c r=\"C1\" s=\"3\"><v>0.75</v></c><c r=\"D1\" s=\"0\"><v>45292</v></c>"
                 "<c r=\"E1\" s=\"99\"><v>45292</v></c><c r=\"F1\" s=\"1\"><v>-5</v></c></row>");
    workbook.stylesXml = styles({0, 14, 22, 20});
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // Style 99 does not exist: the number as it is; a negative date is no date either.
    QCOMPARE(preview.sheets[0].row(0),
             cells({u"2024-01-01", u"2024-01-01 12:00", u"18:00", u"45292", u"45292", u"-5"}));
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({true, true, true, true, true, true}));
}

void TestXlsxReader::customDateFormats()
{
    TestWorkbook workbook =
        oneSheet("<row r=\"1\"><c r=\"A1\" s=\"0\"><v>45351</v></c><c r=\"B1\" s=\"1\"><v>45351.25</v>"
                 "</c><c r=\"C1\" s=\"2\"><v>45351</v></c><c r=\"D1\" s=\"3\"><v>45351</v></c></row>");
    // 164: a date; 165: date and time; 166: money with "d" only inside quotes; 14 redefined as a plain number.
    workbook.stylesXml =
        styles({164, 165, 166, 14},
               {{164, "dd/mm/yyyy"}, {165, "yyyy\\-mm\\-dd hh:mm;@"}, {166, "#,##0.00 &quot;d&quot;"}, {14, "0.00"}});
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"2024-02-29", u"2024-02-29 06:00", u"45351", u"45351"}));
}

void TestXlsxReader::date1904System()
{
    TestWorkbook workbook = oneSheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>42369</v></c></row>");
    workbook.stylesXml = styles({0, 14});
    workbook.workbookPr = "date1904=\"1\"";
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].cell(0, 0), QStringLiteral("2020-01-01"));

    workbook.workbookPr = "date1904=\"false\"";
    const TablePreview system1900 = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(system1900.sheets[0].cell(0, 0), QStringLiteral("2015-12-31"));
}

void TestXlsxReader::gapsInCellReferences()
{
    const QByteArray data = "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><v>3</v></c><c r=\"E1\" t=\"inlineStr\">"
                            "<is><t>e</t></is></c></row>"
                            "<row r=\"4\"><c r=\"B4\"><v>42</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, 4);
    QCOMPARE(sheet.shownRows(), 4);
    QCOMPARE(sheet.row(0), cells({u"1", u"", u"3", u"", u"e"}));
    QCOMPARE(sheet.row(1), QStringList());
    QCOMPARE(sheet.row(2), QStringList());
    QCOMPARE(sheet.row(3), cells({u"", u"42"}));
    QCOMPARE(sheet.columnCount(), 5);
}

void TestXlsxReader::cellsWithoutReferences()
{
    // References are optional: a cell without one (or with one that goes backwards) is the next cell, a row
    // without one the next row.
    const QByteArray data =
        "<row><c><v>1</v></c><c><v>2</v></c><c r=\"D1\"><v>4</v></c><c r=\"B1\"><v>5</v></c>"
        "<c r=\"zz!\"><v>6</v></c></row><row><c><v>7</v></c></row><row r=\"1\"><c><v>8</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].row(0), cells({u"1", u"2", u"", u"4", u"5", u"6"}));
    QCOMPARE(preview.sheets[0].row(1), cells({u"7"}));
    QCOMPARE(preview.sheets[0].row(2), cells({u"8"}));
    QCOMPARE(preview.sheets[0].totalRows, 3);
}

void TestXlsxReader::rowsWithOnlyFormattingDoNotCount()
{
    const QByteArray data =
        "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\" s=\"3\"/></row>"
        "<row r=\"2\" ht=\"20\" customHeight=\"1\"><c r=\"A2\" s=\"2\"/></row>"
        "<row r=\"1000\"><c r=\"A1000\" s=\"2\"/><c r=\"B1000\" t=\"inlineStr\"><is><t></t></is></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 1);
    QCOMPARE(preview.sheets[0].shownRows(), 1);
    QCOMPARE(preview.sheets[0].columnCount(), 1);
}

void TestXlsxReader::twoSheetsInOrderWithNames()
{
    TestWorkbook workbook;
    workbook.sheets.append({QStringLiteral("Synth\u00e8se 2024"), row(1, {QStringLiteral("first")}), {}});
    workbook.sheets.append(
        {QStringLiteral("D\u00e9tail & notes"), row(1, {QStringLiteral("second"), QStringLiteral("2")}), {}});
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 2);
    QCOMPARE(preview.sheets[0].name, QStringLiteral("Synth\u00e8se 2024"));
    QCOMPARE(preview.sheets[1].name, QStringLiteral("D\u00e9tail & notes"));
    QCOMPARE(preview.sheets[0].row(0), cells({u"first"}));
    QCOMPARE(preview.sheets[1].row(0), cells({u"second", u"2"}));
}

void TestXlsxReader::hiddenAndChartSheetsAreSkipped()
{
    TestWorkbook workbook;
    workbook.sheets.append({QStringLiteral("Visible"), row(1, {QStringLiteral("v")}), {}});
    workbook.sheets.append({QStringLiteral("Hidden"), row(1, {QStringLiteral("h")}), "hidden"});
    workbook.sheets.append({QStringLiteral("Very hidden"), row(1, {QStringLiteral("vh")}), "veryHidden"});
    workbook.sheets.append({QStringLiteral("Chart"), {}, {}});
    QList<std::pair<QString, QByteArray>> parts = workbook.parts();
    for (auto &[name, data] : parts) {
        if (name == u"xl/_rels/workbook.xml.rels")
            data.replace("relationships/worksheet\" Target=\"worksheets/sheet4.xml",
                         "relationships/chartsheet\" Target=\"chartsheets/sheet1.xml");
    }
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].name, QStringLiteral("Visible"));
}

void TestXlsxReader::keepsTenThousandRowsCountsAll()
{
    QByteArray data = row(1, {QStringLiteral("id"), QStringLiteral("value")});
    for (int r = 2; r <= 12'345; ++r)
        data += row(r, {QStringLiteral("r%1").arg(r), QString::number(r * 2)});
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.totalRows, 12'345);
    QCOMPARE(sheet.shownRows(), TablePreview::maxRows);
    QCOMPARE(sheet.row(TablePreview::maxRows - 1), cells({u"r10000", u"20000"}));
    QCOMPARE(sheet.numeric, QList<bool>({false, true}));
}

void TestXlsxReader::rowGapAcrossTheCap()
{
    const QByteArray data =
        row(1, {QStringLiteral("a")}) + row(5, {QStringLiteral("b")}) + row(20'000, {QStringLiteral("far")});
    QString error;
    const TablePreview preview = read(oneSheet(data).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 20'000);
    QCOMPARE(preview.sheets[0].shownRows(), TablePreview::maxRows); // the grid's first 10,000 rows, mostly empty
    QCOMPARE(preview.sheets[0].cell(4, 0), QStringLiteral("b"));
    QCOMPARE(preview.sheets[0].cellCount(TablePreview::maxRows - 1), 0);
}

void TestXlsxReader::prefixedAndStrictNamespaces()
{
    TestWorkbook workbook = oneSheet({});
    QList<std::pair<QString, QByteArray>> parts = workbook.parts();
    for (auto &[name, data] : parts) {
        if (name == u"xl/worksheets/sheet1.xml")
            data = "<x:worksheet xmlns:x=\"http://purl.oclc.org/ooxml/spreadsheetml/main\"><x:sheetData><x:row r=\"1\">"
                   "<x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData>"
                   "</x:worksheet>";
        if (name == u"xl/workbook.xml")
            data.replace("r:id=", "rel:id=")
                .replace("xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"",
                         "xmlns:rel=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"");
    }
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].cell(0, 0), QStringLiteral("prefixed"));
}

void TestXlsxReader::deflatedWorkbook()
{
    // What Excel and LibreOffice write: every part deflated.
    TestWorkbook workbook;
    QByteArray data;
    for (int r = 1; r <= 500; ++r)
        data += row(r, {QStringLiteral("Client %1").arg(r), QString::number(r * 1.25)});
    workbook.sheets.append({QStringLiteral("Data"), data, {}});
    workbook.sharedStrings = {QStringLiteral("unused")};
    QList<ZipPart> parts;
    for (const auto &[name, bytes] : workbook.parts())
        parts.append(bytesPart(name, bytes));
    QVERIFY(writeZip(path(QStringLiteral("deflated.xlsx")), parts));
    QString error;
    const TablePreview preview = readPath(path(QStringLiteral("deflated.xlsx")), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].totalRows, 500);
    QCOMPARE(preview.sheets[0].row(499), cells({u"Client 500", u"625"}));
}

void TestXlsxReader::workbookNamedByPackageRelationships()
{
    QList<std::pair<QString, QByteArray>> parts = oneSheet(row(1, {QStringLiteral("moved")})).parts();
    for (auto &[name, data] : parts) {
        if (name == u"_rels/.rels")
            data.replace("Target=\"xl/workbook.xml\"", "Target=\"/xl/book.xml\"");
        if (name == u"xl/workbook.xml")
            name = QStringLiteral("xl/book.xml");
        if (name == u"xl/_rels/workbook.xml.rels")
            name = QStringLiteral("xl/_rels/book.xml.rels");
    }
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets[0].cell(0, 0), QStringLiteral("moved"));
}

void TestXlsxReader::readsTheSandboxWorkbooks()
{
    // What the demo serves (sandbox XlsxWriter): a title, an empty row, a header, invoices and a total.
    const QList<QVariantList> rows = {{QStringLiteral("Payments \u2013 March")},
                                      {},
                                      {QStringLiteral("Invoice"), QStringLiteral("Customer"), QStringLiteral("Amount")},
                                      {QStringLiteral("F-1"), QStringLiteral("Dupont & Fils"), 1250.5},
                                      {QStringLiteral("F-2"), QStringLiteral("<Caf\u00e9>"), 99}};
    QString error;
    const TablePreview preview = read(getbill::sandbox::XlsxWriter::write(QStringLiteral("payments"), rows), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const TablePreview::Sheet &sheet = preview.sheets[0];
    QCOMPARE(sheet.name, QStringLiteral("payments"));
    QCOMPARE(sheet.totalRows, 5);
    QCOMPARE(sheet.row(0), cells({u"Payments \u2013 March"}));
    QCOMPARE(sheet.row(1), QStringList());
    QCOMPARE(sheet.row(3), cells({u"F-1", u"Dupont & Fils", u"1250.5"}));
    QCOMPARE(sheet.row(4), cells({u"F-2", u"<Caf\u00e9>", u"99"}));
    QCOMPARE(sheet.numeric, QList<bool>({false, false, true}));

    int workbooks = 0;
    const auto reports = getbill::sandbox::SampleCatalogue::reports();
    for (const auto &report : reports) {
        if (!report.filename.endsWith(u".xlsx") || report.content.isEmpty())
            continue;
        ++workbooks;
        const TablePreview sample = read(report.content, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(sample.sheets.size(), 1);
        QCOMPARE(sample.sheets[0].name, report.type);
        QCOMPARE(sample.sheets[0].cell(0, 0), report.title);
        QCOMPARE(sample.sheets[0].cell(2, 0), QStringLiteral("Invoice"));
        QCOMPARE(sample.sheets[0].numeric, QList<bool>({false, false, false, false, true, true, false}));
    }
    QVERIFY(workbooks > 0);
}

void TestXlsxReader::readsAWorkbookWrittenByAnotherZipLibrary()
{
    // A fuzzing seed written by Python's zipfile (deflated, its own header layout): every cell type, styles with
    // built-in and custom date formats, a formula, rich and phonetic text, a hidden sheet, an absolute target.
    const QString file = QFINDTESTDATA("../../fuzz/corpus/xlsx/types_dates_sheets_deflated.xlsx");
    QVERIFY(!file.isEmpty());
    QString error;
    const TablePreview preview = readPath(file, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 2);
    const TablePreview::Sheet &first = preview.sheets[0];
    QCOMPARE(first.name, QStringLiteral("Synth\u00e8se"));
    QCOMPARE(first.totalRows, 5);
    QCOMPARE(first.row(0), cells({u"Invoice", u"Amount (EUR)", u"\u6771\u4eac"}));
    QCOMPARE(first.row(1),
             cells({u"F-1", u"1250.5", u"2024-01-01", u"2024-01-01 12:00", u"18:00", u"2024-02-29", u"3"}));
    QCOMPARE(first.row(2), QStringList());
    QCOMPARE(first.row(3), cells({u"TRUE", u"", u"#DIV/0!", u"ab", u"2501", u"line\r\ntwo"}));
    QCOMPARE(first.row(4), cells({u"7", u"8"}));
    const TablePreview::Sheet &second = preview.sheets[1];
    QCOMPARE(second.name, QStringLiteral("D\u00e9tail"));
    QCOMPARE(second.totalRows, 10);
    QCOMPARE(second.row(0), cells({u"", u"1"}));
    QCOMPARE(second.cellCount(9), 27);
    QCOMPARE(second.cell(9, 26), QStringLiteral("richtext"));
}

void TestXlsxReader::zipBombSheet()
{
    // 200 MiB of empty rows with honest headers, deflated about a thousand to one: the sheet passes the size caps
    // and is stopped by the ratio while it streams.
    TestWorkbook workbook = oneSheet({});
    QList<ZipPart> parts;
    for (const auto &[name, bytes] : workbook.parts()) {
        if (name != u"xl/worksheets/sheet1.xml")
            parts.append(bytesPart(name, bytes));
    }
    const QByteArray head = "<worksheet xmlns=\"" + Main + "\"><sheetData>";
    const qint64 size = qint64(200) << 20;
    parts.append(generatedPart(QStringLiteral("xl/worksheets/sheet1.xml"), size, [head](qint64 offset, qint64 n) {
        QByteArray chunk;
        chunk.reserve(n);
        if (offset == 0)
            chunk += head;
        while (chunk.size() + 6 <= n)
            chunk += "<row/>";
        return chunk.leftJustified(n, ' ');
    }));
    QVERIFY(writeZip(path(QStringLiteral("bomb.xlsx")), parts));
    QElapsedTimer timer;
    timer.start();
    QString error;
    const TablePreview preview = readPath(path(QStringLiteral("bomb.xlsx")), &error);
    QCOMPARE(error, QStringLiteral("The workbook looks like a ZIP bomb: its part xl/worksheets/sheet1.xml unpacks to "
                                   "more than 200 times its size."));
    QVERIFY(preview.sheets.isEmpty());
    qInfo("refused after %lld ms", timer.elapsed());
}

void TestXlsxReader::lyingHeaderSheet()
{
    TestWorkbook workbook = oneSheet({});
    QList<ZipPart> parts;
    for (const auto &[name, bytes] : workbook.parts()) {
        ZipPart part = bytesPart(name, bytes);
        if (name == u"xl/worksheets/sheet1.xml") {
            QByteArray big = bytes;
            big.replace("</sheetData>", QByteArray(QByteArray(1 << 20, ' ') + "</sheetData>"));
            part = bytesPart(name, big);
            part.declaredSize = 200; // claims 200 bytes
        }
        parts.append(part);
    }
    QVERIFY(writeZip(path(QStringLiteral("liar.xlsx")), parts));
    QString error;
    const TablePreview preview = readPath(path(QStringLiteral("liar.xlsx")), &error);
    QCOMPARE(error,
             QStringLiteral("The workbook is damaged or forged: its part xl/worksheets/sheet1.xml holds more data "
                            "than its header declares."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::tooManyEntries()
{
    QList<std::pair<QString, QByteArray>> parts = oneSheet(row(1, {QStringLiteral("x")})).parts();
    for (int i = 0; i < 10'000; ++i)
        parts.append({QStringLiteral("xl/media/image%1.png").arg(i), "p"});
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QCOMPARE(error, QStringLiteral("The workbook has more than 10,000 parts, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::billionLaughsIsRefusedFast()
{
    // Ten levels of ten: a billion "lol"s if anything expanded them.
    QByteArray dtd = "<!DOCTYPE sst [<!ENTITY lol \"lol\">";
    for (int level = 1; level <= 9; ++level) {
        dtd += "<!ENTITY lol" + QByteArray::number(level) + " \"";
        for (int i = 0; i < 10; ++i)
            dtd += level == 1 ? QByteArray("&lol;") : QByteArray("&lol" + QByteArray::number(level - 1) + ";");
        dtd += "\">";
    }
    dtd += "]>";
    TestWorkbook workbook = oneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>");
    workbook.sharedStringsXml =
        "<?xml version=\"1.0\"?>\n" + dtd + "<sst xmlns=\"" + Main + "\"><si><t>&lol9;</t></si></sst>";
    QElapsedTimer timer;
    timer.start();
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QCOMPARE(error, QStringLiteral("The workbook part xl/sharedStrings.xml contains a document type declaration, which "
                                   "spreadsheets never need; it is refused for safety."));
    QVERIFY(preview.sheets.isEmpty());
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
}

void TestXlsxReader::externalEntityIsRefused()
{
    TestWorkbook workbook = oneSheet({});
    QList<std::pair<QString, QByteArray>> parts = workbook.parts();
    for (auto &[name, data] : parts) {
        if (name == u"xl/worksheets/sheet1.xml")
            data = "<?xml version=\"1.0\"?>\n<!DOCTYPE worksheet SYSTEM \"file:///etc/passwd\">"
                   "<worksheet xmlns=\"" +
                   Main + "\"><sheetData/></worksheet>";
    }
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QVERIFY2(error.contains(QLatin1String("xl/worksheets/sheet1.xml contains a document type declaration")),
             qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::truncatedZip()
{
    const QByteArray whole = oneSheet(row(1, {QStringLiteral("a")})).zip();
    QString error;
    const TablePreview preview = read(whole.left(whole.size() / 2), &error);
    QCOMPARE(error, QStringLiteral("The workbook is damaged or incomplete: its ZIP directory cannot be read."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::notAZipAtAll()
{
    QString error;
    const TablePreview preview = read("%PDF-1.7\n1 0 obj\n", &error);
    QCOMPARE(error, QStringLiteral("This is not an XLSX workbook: the file is not a ZIP archive."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::missingWorkbook()
{
    QList<std::pair<QString, QByteArray>> parts = oneSheet(row(1, {QStringLiteral("a")})).parts();
    parts.removeIf([](const auto &part) { return part.first == u"xl/workbook.xml"; });
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QCOMPARE(error, QStringLiteral("This is not an XLSX workbook: it has no workbook part (xl/workbook.xml)."));
    QVERIFY(preview.sheets.isEmpty());

    // A plain ZIP (no package relationships either).
    const TablePreview plain = read(storedZip({{QStringLiteral("readme.txt"), "hello"}}), &error);
    QCOMPARE(error, QStringLiteral("This is not an XLSX workbook: it has no workbook part (xl/workbook.xml)."));
    QVERIFY(plain.sheets.isEmpty());
}

void TestXlsxReader::missingSheetPart()
{
    for (const QString &missing :
         {QStringLiteral("xl/worksheets/sheet1.xml"), QStringLiteral("xl/_rels/workbook.xml.rels")}) {
        QList<std::pair<QString, QByteArray>> parts = oneSheet(row(1, {QStringLiteral("a")})).parts();
        parts.removeIf([&missing](const auto &part) { return part.first == missing; });
        QString error;
        const TablePreview preview = read(storedZip(parts), &error);
        QCOMPARE(error, QStringLiteral("The workbook lists the sheet \"Sheet1\", but the file does not contain it."));
        QVERIFY(preview.sheets.isEmpty());
    }
}

void TestXlsxReader::noWorksheetToShow()
{
    TestWorkbook workbook;
    workbook.sheets.append({QStringLiteral("Secret"), row(1, {QStringLiteral("s")}), "hidden"});
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QCOMPARE(error, QStringLiteral("The workbook has no worksheet to show."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::malformedXml_data()
{
    QTest::addColumn<QString>("part");
    QTest::addColumn<QByteArray>("xml");
    QTest::addColumn<QString>("expected");
    QTest::newRow("sheet: unclosed") << "xl/worksheets/sheet1.xml"
                                     << QByteArray("<worksheet><sheetData><row><c><v>1</v></row>")
                                     << "The workbook part xl/worksheets/sheet1.xml is not well-formed XML (line 1: "
                                        "Opening and ending tag mismatch.).";
    QTest::newRow("sheet: garbage") << "xl/worksheets/sheet1.xml" << QByteArray("\x01\x02 not xml")
                                    << "The workbook part xl/worksheets/sheet1.xml is not well-formed XML";
    QTest::newRow("sheet: undeclared entity")
        << "xl/worksheets/sheet1.xml" << QByteArray("<worksheet><sheetData>&lol;</sheetData></worksheet>")
        << "The workbook part xl/worksheets/sheet1.xml is not well-formed XML";
    QTest::newRow("workbook") << "xl/workbook.xml" << QByteArray("<workbook><sheets>")
                              << "The workbook part xl/workbook.xml is not well-formed XML";
    QTest::newRow("relationships") << "xl/_rels/workbook.xml.rels" << QByteArray("<Relationships><Relationship")
                                   << "The workbook part xl/_rels/workbook.xml.rels is not well-formed XML";
    QTest::newRow("package relationships")
        << "_rels/.rels" << QByteArray("<<") << "The workbook part _rels/.rels is not well-formed XML";
    QTest::newRow("styles") << "xl/styles.xml" << QByteArray("<styleSheet><cellXfs></styleSheet>")
                            << "The workbook part xl/styles.xml is not well-formed XML";
    QTest::newRow("shared strings") << "xl/sharedStrings.xml" << QByteArray("<sst><si><t>a</si></sst>")
                                    << "The workbook part xl/sharedStrings.xml is not well-formed XML";
}

void TestXlsxReader::malformedXml()
{
    QFETCH(QString, part);
    QFETCH(QByteArray, xml);
    QFETCH(QString, expected);
    TestWorkbook workbook = oneSheet(row(1, {QStringLiteral("a")}));
    workbook.sharedStrings = {QStringLiteral("x")};
    workbook.stylesXml = styles({0});
    QList<std::pair<QString, QByteArray>> parts = workbook.parts();
    bool replaced = false;
    for (auto &[name, data] : parts) {
        if (name == part) {
            data = xml;
            replaced = true;
        }
    }
    QVERIFY(replaced);
    QString error;
    const TablePreview preview = read(storedZip(parts), &error);
    QVERIFY2(error.startsWith(expected), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::tooManyColumns()
{
    const QByteArray at1000 = "<row r=\"1\"><c r=\"ALL1\"><v>1</v></c></row>"; // ALL is column 1,000
    QString error;
    const TablePreview fine = read(oneSheet(at1000).zip(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(fine.sheets[0].columnCount(), 1000);

    const QByteArray at1001 =
        "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"ALM2\"><v>1</v></c></row>";
    const TablePreview preview = read(oneSheet(at1001).zip(), &error);
    QCOMPARE(error, QStringLiteral("The sheet in the workbook part xl/worksheets/sheet1.xml has values in more than "
                                   "1,000 columns, more than a preview shows."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::sharedStringIndexOutOfRange()
{
    TestWorkbook workbook = oneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>");
    workbook.sharedStrings = {QStringLiteral("only one")};
    QString error;
    const TablePreview preview = read(workbook.zip(), &error);
    QCOMPARE(error,
             QStringLiteral("A cell in the workbook part xl/worksheets/sheet1.xml refers to shared text 1, which "
                            "the workbook does not have."));
    QVERIFY(preview.sheets.isEmpty());

    TestWorkbook noShared = oneSheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>zero</v></c></row>");
    const TablePreview none = read(noShared.zip(), &error);
    QVERIFY2(error.contains(QLatin1String("refers to shared text zero")), qPrintable(error));
    QVERIFY(none.sheets.isEmpty());
}

void TestXlsxReader::tooManySharedStrings()
{
    TestWorkbook workbook = oneSheet(row(1, {QStringLiteral("x")}));
    workbook.sharedStrings = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
    XlsxReader::Limits limits;
    limits.maxSharedStrings = 3;
    QString error;
    const TablePreview preview = read(workbook.zip(), &error, limits);
    QCOMPARE(error, QStringLiteral("The workbook has more than 3 shared texts, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());
    limits.maxSharedStrings = 4;
    QVERIFY(!read(workbook.zip(), &error, limits).sheets.isEmpty());
}

void TestXlsxReader::tooManySharedStringCharacters()
{
    TestWorkbook workbook = oneSheet(row(1, {QStringLiteral("x")}));
    workbook.sharedStrings = {QStringLiteral("abcdef"), QStringLiteral("ghijk")};
    XlsxReader::Limits limits;
    limits.maxSharedStringChars = 10;
    QString error;
    const TablePreview preview = read(workbook.zip(), &error, limits);
    QCOMPARE(error,
             QStringLiteral("The workbook's shared texts hold more than 10 characters, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());
    limits.maxSharedStringChars = 11;
    QVERIFY(!read(workbook.zip(), &error, limits).sheets.isEmpty());
}

void TestXlsxReader::cellTooLong()
{
    // Many CDATA sections, each well under the token cap, that add up to more than a cell may hold.
    QByteArray value = "<row r=\"1\"><c r=\"A1\" t=\"str\"><v>";
    const QByteArray section = "<![CDATA[" + QByteArray(100'000, 'x') + "]]>";
    for (int i = 0; i < 11; ++i)
        value += section;
    value += "</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(value).zip(), &error);
    QCOMPARE(error, QStringLiteral("A cell or text in the workbook part xl/worksheets/sheet1.xml holds more than "
                                   "1,048,576 characters, more than a preview shows."));
    QVERIFY(preview.sheets.isEmpty());

    TestWorkbook shared = oneSheet(row(1, {QStringLiteral("x")}));
    QByteArray si = "<sst><si>";
    for (int i = 0; i < 11; ++i)
        si += "<r><t>" + QByteArray(100'000, 'y') + "</t></r>";
    shared.sharedStringsXml = si + "</si></sst>";
    const TablePreview sharedPreview = read(shared.zip(), &error);
    QVERIFY2(
        error.startsWith(QLatin1String("A cell or text in the workbook part xl/sharedStrings.xml holds more than")),
        qPrintable(error));
    QVERIFY(sharedPreview.sheets.isEmpty());
}

void TestXlsxReader::tokenTooLong()
{
    // One text node of 5 MiB: stopped by the token window while it streams, before QXmlStreamReader buffers it.
    const QByteArray value = "<row r=\"1\"><c r=\"A1\" t=\"str\"><v>" + QByteArray(5 << 20, 'z') + "</v></c></row>";
    QString error;
    const TablePreview preview = read(oneSheet(value).zip(), &error);
    QCOMPARE(error, QStringLiteral("The workbook part xl/worksheets/sheet1.xml has an element or a text longer than "
                                   "4 MiB, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());

    // A start tag with a huge attribute is one token too.
    const QByteArray attribute = "<row r=\"1\" spans=\"" + QByteArray(5 << 20, '1') + "\"/>";
    const TablePreview attributePreview = read(oneSheet(attribute).zip(), &error);
    QVERIFY2(error.contains(QLatin1String("has an element or a text longer than")), qPrintable(error));
    QVERIFY(attributePreview.sheets.isEmpty());
}

void TestXlsxReader::tooManySheets()
{
    TestWorkbook workbook;
    for (int i = 0; i < 3; ++i)
        workbook.sheets.append({QStringLiteral("S%1").arg(i), row(1, {QStringLiteral("x")}), {}});
    XlsxReader::Limits limits;
    limits.maxSheets = 2;
    QString error;
    const TablePreview preview = read(workbook.zip(), &error, limits);
    QCOMPARE(error, QStringLiteral("The workbook has more than 2 sheets, more than a preview reads."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::encryptedPart()
{
    QByteArray zip = oneSheet(row(1, {QStringLiteral("x")})).zip();
    QVERIFY(patchZip(&zip, QStringLiteral("xl/workbook.xml"), ZipField::Flags, 0x0801));
    QString error;
    const TablePreview preview = read(zip, &error);
    QCOMPARE(error, QStringLiteral("The workbook part xl/workbook.xml is encrypted; the preview cannot read it."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::damagedPartFoundAtItsEnd()
{
    // Well-formed XML with a changed digit: only the CRC, checked once the sheet was read, can tell.
    QByteArray zip = oneSheet("<row r=\"1\"><c r=\"A1\"><v>12345</v></c></row>").zip();
    zip[zip.indexOf("12345")] = '9';
    QString error;
    const TablePreview preview = read(zip, &error);
    QCOMPARE(error, QStringLiteral("The workbook is damaged: its part xl/worksheets/sheet1.xml cannot be unpacked "
                                   "(checksum mismatch)."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::cancelled()
{
    std::atomic<bool> cancel{true};
    QString error;
    const TablePreview preview = read(oneSheet(row(1, {QStringLiteral("x")})).zip(), &error, {}, &cancel);
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(preview.sheets.isEmpty());

    // Half way through a sheet: the archive's device raises the flag, as the GUI thread would.
    class CancellingBuffer : public QBuffer
    {
    public:
        std::atomic<bool> flag{false};
        qint64 from = 0;
        qint64 to = 0;

    protected:
        qint64 readData(char *data, qint64 maxSize) override
        {
            if (pos() >= from && pos() <= to)
                flag = true;
            return QBuffer::readData(data, maxSize);
        }
    };
    QByteArray data;
    for (int r = 1; r <= 20'000; ++r)
        data += row(r, {QStringLiteral("row %1").arg(r)});
    QByteArray zip = oneSheet(data).zip();
    CancellingBuffer buffer;
    buffer.setBuffer(&zip);
    buffer.from = zip.indexOf("row 10000<"); // the sheet's middle, whatever the order parts are read in
    buffer.to = zip.indexOf("row 20000<");
    QVERIFY(buffer.from > 0 && buffer.to > buffer.from);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    const TablePreview half = XlsxReader(XlsxReader::Limits{}, &buffer.flag).read(&buffer, &error);
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(half.sheets.isEmpty());
    QVERIFY(buffer.flag);
}

void TestXlsxReader::deviceThatCannotSeek()
{
    TrickleDevice device(oneSheet(row(1, {QStringLiteral("x")})).zip(), 4096);
    QString error;
    const TablePreview preview = XlsxReader().read(&device, &error);
    QCOMPARE(error, QStringLiteral("The workbook could not be read: a ZIP archive needs a device that can seek."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestXlsxReader::unreadableDevice()
{
    QFile closed(path(QStringLiteral("never-opened.xlsx")));
    QString error;
    const TablePreview preview = XlsxReader().read(&closed, &error);
    QVERIFY2(error.startsWith(QLatin1String("The workbook could not be read: ")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

QTEST_GUILESS_MAIN(TestXlsxReader)
#include "tst_xlsxreader.moc"
