#include "preview/XlsxSheetReader.h"

#include "preview/ExcelDate.h"
#include "preview/XlsxReader.h"
#include "preview/XlsxWorkbook.h"
#include "preview/XmlPart.h"
#include "preview/ZipArchive.h"

#include <QLocale>

namespace getbill::preview {

namespace {

/// "B3" -> 2; 0 when the text is no cell reference Excel could have written (A to XFD, then a row number).
int columnOf(QStringView reference)
{
    int column = 0;
    qsizetype i = 0;
    for (; i < reference.size() && i <= 3; ++i) {
        const char16_t c = reference[i].toUpper().unicode();
        if (c < u'A' || c > u'Z')
            break;
        column = column * 26 + (c - u'A' + 1);
    }
    if (i == 0 || i > 3 || column > 16'384 || i == reference.size())
        return 0;
    for (; i < reference.size(); ++i) {
        if (reference[i] < u'0' || reference[i] > u'9')
            return 0;
    }
    return column;
}

} // namespace

bool XlsxSheetReader::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool XlsxSheetReader::cellValue(QStringView type, const QString &raw, bool hasInline, const QString &inlineText,
                                QStringView style, const XmlPart &part, CellValue *value)
{
    if (type == u"inlineStr" || (hasInline && type.isEmpty())) {
        *value = {XmlPart::unescape(inlineText), false};
    } else if (type == u"s") {
        bool ok = false;
        const qsizetype index = raw.trimmed().toLongLong(&ok);
        if (!ok || index < 0 || index >= m_workbook.sharedStrings().size())
            return fail(XlsxReader::tr("A cell in the workbook part %1 refers to shared text %2, which the "
                                       "workbook does not have.")
                            .arg(ZipArchive::displayName(part.name()), ZipArchive::displayName(raw.left(20))));
        *value = {m_workbook.sharedStrings().at(index), false};
    } else if (type == u"str") {
        *value = {XmlPart::unescape(raw), false};
    } else if (type == u"b") {
        const QString flag = raw.trimmed();
        *value = {flag == u"1" ? QStringLiteral("TRUE") : flag == u"0" ? QStringLiteral("FALSE") : raw, false};
    } else if (type.isEmpty() || type == u"n") {
        bool ok = false;
        const double number = raw.trimmed().toDouble(&ok);
        if (!ok) {
            *value = {raw, false};
            return true;
        }
        const QString date = ExcelDate::toText(number, m_workbook.styleKind(style), m_workbook.date1904());
        *value = {date.isEmpty() ? QString::number(number, 'g', 15) : date, true};
    } else { // "e" (#DIV/0!), "d" (ISO 8601 text), and whatever else: as written
        *value = {raw, false};
    }
    return true;
}

bool XlsxSheetReader::read(const QString &name, TablePreview::Sheet *sheet, SheetBuilder::Budget *budget)
{
    XmlPart part(m_zip, name);
    if (!part.open(&m_error))
        return fail(m_error);
    SheetBuilder builder(sheet, budget);
    bool inSheetData = false;
    bool inRow = false;
    bool storing = false;
    bool rowHasValue = false;
    qint64 rowNumber = 0;
    int nextColumn = 1;
    QStringList cells;
    QList<bool> numbers;

    while (part.next()) {
        QXmlStreamReader &xml = part.xml();
        if (xml.isStartElement()) {
            if (xml.name() == u"sheetData") {
                inSheetData = true;
            } else if (inSheetData && xml.name() == u"row") {
                // Row numbers only grow; a missing or backward one means "the next row".
                bool ok = false;
                const qint64 r = xml.attributes().value(QLatin1String("r")).toLongLong(&ok);
                rowNumber = ok && r > rowNumber && r <= 1'048'576 ? r : rowNumber + 1;
                inRow = true;
                storing = rowNumber <= TablePreview::maxRows && builder.wantsRows();
                rowHasValue = false;
                nextColumn = 1;
                cells.clear();
                numbers.clear();
            } else if (inRow && xml.name() == u"c") {
                if (!readCell(part, storing, &nextColumn, &cells, &numbers, &rowHasValue))
                    return false;
            }
        } else if (xml.isEndElement()) {
            if (xml.name() == u"sheetData") {
                inSheetData = false;
            } else if (inRow && xml.name() == u"row") {
                inRow = false;
                if (!rowHasValue)
                    continue; // rows with only formatting do not count
                // Rows skipped in the file are empty rows of the grid.
                while (builder.wantsRows() && sheet->shownRows() < rowNumber - 1)
                    builder.addRow({}, {});
                if (storing)
                    builder.addRow(cells, numbers);
                sheet->totalRows = rowNumber;
            }
        }
    }
    if (part.failed())
        return fail(part.error());
    builder.finish();
    return true;
}

bool XlsxSheetReader::readCell(XmlPart &part, bool storing, int *nextColumn, QStringList *cells, QList<bool> *numbers,
                               bool *rowHasValue)
{
    const QXmlStreamAttributes attributes = part.xml().attributes();
    const int referenced = columnOf(attributes.value(QLatin1String("r")));
    // Cells only move right; one without a usable reference is the next one.
    const int column = referenced >= *nextColumn ? referenced : *nextColumn;
    const QString type = attributes.value(QLatin1String("t")).toString();
    const QString style = attributes.value(QLatin1String("s")).toString();
    QString raw;
    QString inlineText;
    bool hasInline = false;
    while (part.next()) {
        if (part.xml().isEndElement())
            break; // </c>: every child was read up to its end
        if (!part.xml().isStartElement())
            continue;
        bool ok = true;
        if (part.xml().name() == u"v") {
            ok = part.readText(&raw, true);
        } else if (part.xml().name() == u"is") {
            hasInline = true;
            ok = part.readRichText(&inlineText, true);
        } else { // <f> (never evaluated: the cached <v> is shown) and extensions
            ok = part.skipElement();
        }
        if (!ok)
            return fail(part.error());
    }
    if (part.failed())
        return fail(part.error());
    *nextColumn = column + 1;

    CellValue value;
    if (storing) {
        if (!cellValue(type, raw, hasInline, inlineText, style, part, &value))
            return false;
    } else {
        // Past the kept rows only whether the row has a value matters.
        value.text = hasInline ? inlineText : raw;
    }
    if (value.text.isEmpty())
        return true;
    if (column > TablePreview::maxColumns)
        return fail(XlsxReader::tr("The sheet in the workbook part %1 has values in more than %2 columns, more than "
                                   "a preview shows.")
                        .arg(ZipArchive::displayName(part.name()), QLocale().toString(TablePreview::maxColumns)));
    *rowHasValue = true;
    if (storing) {
        while (cells->size() < column - 1) {
            cells->append(QString());
            numbers->append(false);
        }
        cells->append(value.text);
        numbers->append(value.number);
    }
    return true;
}

} // namespace getbill::preview
