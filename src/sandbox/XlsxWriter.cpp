#include "sandbox/XlsxWriter.h"

#include "sandbox/ZipWriter.h"

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

namespace {

bool isNumber(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

QString sheetXml(const QList<QVariantList> &rows)
{
    QString xml = u"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                  u"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"_s;
    for (int r = 0; r < rows.size(); ++r) {
        const QString rowNumber = QString::number(r + 1);
        xml += u"<row r=\""_s + rowNumber + u"\">"_s;
        for (int c = 0; c < rows[r].size(); ++c) {
            const QVariant &cell = rows[r][c];
            const QString ref = XlsxWriter::columnName(c) + rowNumber;
            if (isNumber(cell))
                xml += u"<c r=\""_s + ref + u"\"><v>"_s + QString::number(cell.toDouble(), 'g', 15) + u"</v></c>"_s;
            else
                xml += u"<c r=\""_s + ref + u"\" t=\"inlineStr\"><is><t>"_s + cell.toString().toHtmlEscaped() +
                       u"</t></is></c>"_s;
        }
        xml += u"</row>"_s;
    }
    xml += u"</sheetData></worksheet>"_s;
    return xml;
}

} // namespace

QString XlsxWriter::columnName(int column)
{
    QString name;
    for (int n = column + 1; n > 0; n = (n - 1) / 26)
        name.prepend(QChar(u'A' + (n - 1) % 26));
    return name;
}

QByteArray XlsxWriter::write(const QString &sheetName, const QList<QVariantList> &rows)
{
    ZipWriter zip;
    zip.addFile(u"[Content_Types].xml"_s,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                "<Override PartName=\"/xl/workbook.xml\" "
                "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
                "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                "</Types>"_ba);
    zip.addFile(u"_rels/.rels"_s,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                "<Relationship Id=\"rId1\" "
                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
                "Target=\"xl/workbook.xml\"/></Relationships>"_ba);
    // Sheet names are limited to 31 characters and may not contain []:*?/\ in Excel.
    QString safeName = sheetName.left(31);
    for (const QChar bad : QStringView(u"[]:*?/\\"))
        safeName.replace(bad, u' ');
    zip.addFile(u"xl/workbook.xml"_s,
                (u"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                 u"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                 u"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                 u"<sheets><sheet name=\""_s +
                 safeName.toHtmlEscaped() + u"\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"_s)
                    .toUtf8());
    zip.addFile(u"xl/_rels/workbook.xml.rels"_s,
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                "<Relationship Id=\"rId1\" "
                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
                "Target=\"worksheets/sheet1.xml\"/></Relationships>"_ba);
    zip.addFile(u"xl/worksheets/sheet1.xml"_s, sheetXml(rows).toUtf8());
    return zip.finish();
}

} // namespace getbill::sandbox
