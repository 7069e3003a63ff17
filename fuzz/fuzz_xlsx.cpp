// Fuzzes XlsxReader (with ZipArchive and ZipEntryDevice under it) with property checks: every cap holds (rows,
// columns, cells, budget, sheets), a failure is a bounded, visible message with no sheet, and libFuzzer's own
// -timeout and -rss_limit_mb catch a bomb that got past the caps.
//
// Two kinds of input. One that starts with "PK" is the archive itself. Anything else is a workbook's parts
// separated by NUL bytes, which the harness packs into a valid stored ZIP (right CRCs and sizes), so that
// mutations reach the XML instead of failing the checksum: workbook.xml, its rels, sheet1.xml,
// sharedStrings.xml, styles.xml, sheet2.xml. An empty workbook or rels part gets a default that names both
// sheets, the shared strings and the styles.
#include "FuzzChecks.h"
#include "PreviewChecks.h"
#include "preview/XlsxReader.h"
#include "sandbox/ZipWriter.h"

#include <QBuffer>
#include <QByteArray>
#include <QList>

using namespace getbill::preview;

namespace {

const QByteArray DefaultWorkbook =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"One\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Two\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";
const QByteArray DefaultRels =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet2.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
    "Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/></Relationships>";

QByteArray packParts(const QByteArray &input)
{
    const QList<QByteArray> parts = input.split('\0');
    const char *names[] = {
        "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
        "xl/styles.xml",   "xl/worksheets/sheet2.xml"};
    getbill::sandbox::ZipWriter zip;
    for (qsizetype i = 0; i < qsizetype(std::size(names)); ++i) {
        QByteArray part = parts.value(i);
        if (part.isEmpty() && i == 0)
            part = DefaultWorkbook;
        else if (part.isEmpty() && i == 1)
            part = DefaultRels;
        else if (i >= parts.size())
            continue; // a missing part, as in a real workbook without shared strings or styles
        zip.addFile(QString::fromLatin1(names[i]), part);
    }
    return zip.finish();
}

void quiet(QtMsgType, const QMessageLogContext &, const QString &)
{}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    qInstallMessageHandler(quiet); // QuaZip warns on every broken archive
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const bool raw = input.startsWith("PK");
    QBuffer buffer;
    buffer.setData(raw ? input : packParts(input));
    buffer.open(QIODevice::ReadOnly);
    QString error;
    const TablePreview preview = XlsxReader().read(&buffer, &error);
    fuzz::checkPreview(preview, error);
    if (error.isEmpty()) {
        FUZZ_CHECK(!preview.sheets.isEmpty(), "a workbook that reads has a sheet");
        FUZZ_CHECK(preview.sheets.size() <= XlsxReader::Limits{}.maxSheets, "at most maxSheets");
        // Stored parts are as large as the input: a row is a row number up to Excel's last, or one more row
        // element (at least "<row/>") after it.
        for (const TablePreview::Sheet &sheet : preview.sheets)
            FUZZ_CHECK(raw || sheet.totalRows <= 1'048'576 + qint64(size) / 6 + 1,
                       "rows come from the grid or the file");
    }
    return 0;
}
