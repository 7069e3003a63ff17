#include "preview/XlsxReader.h"

#include "preview/ExcelDate.h"
#include "preview/SheetBuilder.h"
#include "preview/ZipEntryDevice.h"

#include <QDir>
#include <QHash>
#include <QIODevice>
#include <QLocale>
#include <QSet>
#include <QXmlStreamReader>
#include <memory>
#include <utility>

namespace getbill::preview {

namespace {

/// Streams one part of the workbook through QXmlStreamReader with the checks every part gets: no document type
/// declaration, tokens bounded by the entry device's window, well-formedness, and the entry's size and CRC once
/// the document ends.
class XmlPart
{
public:
    XmlPart(ZipArchive &zip, QString name) : m_zip(zip), m_name(std::move(name)) {}

    bool open(QString *error)
    {
        m_device = m_zip.openEntry(m_name, error);
        if (!m_device)
            return false;
        m_device->setWindowLimit(XlsxReader::maxTokenBytes);
        m_xml.setDevice(m_device.get());
        return true;
    }

    /// Moves to the next token; false at the end of the document or on an error (error() then says which).
    bool next()
    {
        const QXmlStreamReader::TokenType token = m_xml.readNext();
        m_device->markWindow();
        if (token == QXmlStreamReader::DTD) {
            // A DTD is where entities are declared (billion laughs, external entities). SpreadsheetML never has
            // one, so the part is refused before anything in it is used.
            m_error = XlsxReader::tr("The workbook part %1 contains a document type declaration, which spreadsheets "
                                     "never need; it is refused for safety.")
                          .arg(ZipArchive::displayName(m_name));
            return false;
        }
        if (m_xml.hasError()) {
            m_error = m_device->failed()
                          ? m_device->failure()
                          : XlsxReader::tr("The workbook part %1 is not well-formed XML (line %2: %3).")
                                .arg(ZipArchive::displayName(m_name), QLocale().toString(m_xml.lineNumber()),
                                     ZipArchive::displayName(m_xml.errorString()));
            return false;
        }
        if (token == QXmlStreamReader::EndDocument) {
            // Read what is left so that the entry's size and CRC get checked too.
            char rest[4096];
            while (m_device->read(rest, sizeof rest) > 0) {
            }
            if (m_device->failed())
                m_error = m_device->failure();
            return false;
        }
        return true;
    }

    QXmlStreamReader &xml() { return m_xml; }
    bool isStart(QStringView name) const { return m_xml.isStartElement() && m_xml.name() == name; }
    bool isEnd(QStringView name) const { return m_xml.isEndElement() && m_xml.name() == name; }
    QString error() const { return m_error; }
    bool failed() const { return !m_error.isEmpty(); }
    const QString &name() const { return m_name; }

    /// From a start tag: the character data up to its end tag. With `keep` false the text is only skipped.
    bool readText(QString *text, bool keep)
    {
        int depth = 1;
        while (next()) {
            if (m_xml.isStartElement()) {
                ++depth;
            } else if (m_xml.isEndElement()) {
                if (--depth == 0)
                    return true;
            } else if (keep && m_xml.isCharacters() && !append(text, m_xml.text())) {
                return false;
            }
        }
        return false;
    }

    /// From an <si> or <is> start tag: the text of its <t> elements (plain or in rich-text runs <r>), without
    /// the phonetic guides of <rPh>, up to its end tag.
    bool readRichText(QString *text, bool keep)
    {
        int depth = 1;
        int textDepth = -1;
        int phoneticDepth = -1;
        while (next()) {
            if (m_xml.isStartElement()) {
                ++depth;
                if (phoneticDepth < 0 && m_xml.name() == u"rPh")
                    phoneticDepth = depth;
                else if (phoneticDepth < 0 && m_xml.name() == u"t")
                    textDepth = depth;
            } else if (m_xml.isEndElement()) {
                if (depth == phoneticDepth)
                    phoneticDepth = -1;
                if (depth == textDepth)
                    textDepth = -1;
                if (--depth == 0)
                    return true;
            } else if (keep && textDepth >= 0 && m_xml.isCharacters() && !append(text, m_xml.text())) {
                return false;
            }
        }
        return false;
    }

    /// From a start tag: skips to its end tag.
    bool skipElement()
    {
        QString ignored;
        return readText(&ignored, false);
    }

private:
    bool append(QString *text, QStringView more)
    {
        if (text->size() + more.size() > TablePreview::maxCellChars) {
            m_error = XlsxReader::tr("A cell or text in the workbook part %1 holds more than %2 characters, more than "
                                     "a preview shows.")
                          .arg(ZipArchive::displayName(m_name), QLocale().toString(TablePreview::maxCellChars));
            return false;
        }
        text->append(more);
        return true;
    }

    ZipArchive &m_zip;
    QString m_name;
    std::unique_ptr<ZipEntryDevice> m_device;
    QXmlStreamReader m_xml;
    QString m_error;
};

/// SpreadsheetML escapes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x).
QString unescapeXstring(const QString &text)
{
    if (!text.contains(u"_x"))
        return text;
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'_' && i + 6 < text.size() && text[i + 1] == u'x' && text[i + 6] == u'_') {
            bool ok = false;
            const uint code = QStringView(text).mid(i + 2, 4).toUInt(&ok, 16);
            if (ok) {
                out.append(QChar(char16_t(code)));
                i += 6;
                continue;
            }
        }
        out.append(text[i]);
    }
    return out;
}

/// The shared strings, one string with offsets (as TablePreview::Sheet stores cells).
class SharedStrings
{
public:
    qsizetype size() const { return m_ends.size(); }
    qsizetype chars() const { return m_text.size(); }
    QString at(qsizetype i) const
    {
        const qsizetype begin = i == 0 ? 0 : m_ends[i - 1];
        return m_text.mid(begin, m_ends[i] - begin);
    }
    void append(const QString &text)
    {
        m_text += text;
        m_ends.append(m_text.size());
    }

private:
    QString m_text;
    QList<qsizetype> m_ends;
};

struct Relationship
{
    QString type;
    QString target; // resolved to a part name
};

struct SheetEntry
{
    QString name;
    QString relationshipId;
    bool hidden = false;
};

/// What every sheet's cells need from the rest of the workbook.
struct WorkbookContext
{
    SharedStrings shared;
    QList<ExcelDate::Kind> styleKinds; // per cellXfs index
    bool date1904 = false;
};

/// A relationship target is relative to the folder of the part that owns the relationships, or absolute from
/// the package root; cleanPath folds "..", and a path that climbs out of the package matches no part.
QString resolveTarget(const QString &ownerFolder, QString target)
{
    target.replace(u'\\', u'/');
    return QDir::cleanPath(target.startsWith(u'/') ? target.mid(1) : ownerFolder + target);
}

QString folderOf(const QString &part)
{
    const qsizetype slash = part.lastIndexOf(u'/');
    return slash < 0 ? QString() : part.left(slash + 1);
}

/// The relationships of one part (`relsPart`), of the types wanted or with the ids wanted. Missing rels: none.
bool readRelationships(ZipArchive &zip, const QString &relsPart, const QString &ownerFolder,
                       const QSet<QString> &wantedIds, QHash<QString, Relationship> *byId,
                       QHash<QString, QString> *firstOfType, const QStringList &wantedTypes, QString *error)
{
    if (!zip.contains(relsPart))
        return true;
    XmlPart part(zip, relsPart);
    if (!part.open(error))
        return false;
    while (part.next()) {
        if (!part.isStart(u"Relationship"))
            continue;
        const QXmlStreamAttributes attributes = part.xml().attributes();
        if (attributes.value(QLatin1String("TargetMode")) == u"External")
            continue;
        const QString id = attributes.value(QLatin1String("Id")).toString();
        const QString type = attributes.value(QLatin1String("Type")).toString();
        const QString target = resolveTarget(ownerFolder, attributes.value(QLatin1String("Target")).toString());
        for (const QString &wanted : wantedTypes) {
            if (type.endsWith(wanted) && !firstOfType->contains(wanted))
                firstOfType->insert(wanted, target);
        }
        // Only what a sheet asks for is kept, so a rels part with millions of entries costs no memory.
        if (wantedIds.contains(id) && !byId->contains(id))
            byId->insert(id, {type, target});
    }
    *error = part.error();
    return !part.failed();
}

QString relationshipIdOf(const QXmlStreamAttributes &attributes)
{
    // r:id, whatever the prefix: the one attribute named "id" in a namespace.
    for (const QXmlStreamAttribute &attribute : attributes) {
        if (attribute.name() == u"id" && !attribute.namespaceUri().isEmpty())
            return attribute.value().toString();
    }
    return {};
}

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

struct CellValue
{
    QString text;
    bool number = false;
};

} // namespace

XlsxReader::XlsxReader() = default;

XlsxReader::XlsxReader(const Limits &limits, const std::atomic<bool> *cancel) : m_limits(limits), m_cancel(cancel)
{}

namespace {

class WorkbookParser
{
public:
    WorkbookParser(ZipArchive &zip, const XlsxReader::Limits &limits) : m_zip(zip), m_limits(limits) {}

    bool parse(TablePreview *preview)
    {
        const QString workbook = workbookPart();
        if (m_failed)
            return false;
        if (!m_zip.contains(workbook))
            return fail(XlsxReader::tr("This is not an XLSX workbook: it has no workbook part (%1).")
                            .arg(ZipArchive::displayName(workbook)));
        QList<SheetEntry> sheets;
        if (!readWorkbook(workbook, &sheets))
            return false;

        QSet<QString> ids;
        for (const SheetEntry &sheet : sheets)
            ids.insert(sheet.relationshipId);
        const QString sharedType = QStringLiteral("/sharedStrings");
        const QString stylesType = QStringLiteral("/styles");
        QHash<QString, Relationship> relationships;
        QHash<QString, QString> firstOfType;
        const QString folder = folderOf(workbook);
        const QString rels = folder + QStringLiteral("_rels/") + workbook.mid(folder.size()) + QStringLiteral(".rels");
        if (!readRelationships(m_zip, rels, folder, ids, &relationships, &firstOfType, {sharedType, stylesType},
                               &m_error))
            return false;
        if (firstOfType.contains(stylesType) && !readStyles(firstOfType.value(stylesType)))
            return false;
        if (firstOfType.contains(sharedType) && !readSharedStrings(firstOfType.value(sharedType)))
            return false;

        SheetBuilder::Budget budget;
        for (const SheetEntry &entry : sheets) {
            if (entry.hidden)
                continue;
            const auto found = relationships.constFind(entry.relationshipId);
            // Chart sheets and dialog sheets have no cells to show.
            if (found != relationships.cend() && !found->type.endsWith(u"/worksheet"))
                continue;
            if (found == relationships.cend() || !m_zip.contains(found->target))
                return fail(XlsxReader::tr("The workbook lists the sheet \"%1\", but the file does not contain it.")
                                .arg(ZipArchive::displayName(entry.name)));
            TablePreview::Sheet sheet;
            sheet.name = entry.name;
            if (!readSheet(found->target, &sheet, &budget))
                return false;
            preview->sheets.append(std::move(sheet));
        }
        if (preview->sheets.isEmpty())
            return fail(XlsxReader::tr("The workbook has no worksheet to show."));
        return true;
    }

    QString error() const { return m_error; }

private:
    bool fail(const QString &message)
    {
        m_error = message;
        m_failed = true;
        return false;
    }
    /// True when the part was read to its end without an error; otherwise takes over its error.
    bool succeeded(const XmlPart &part)
    {
        if (!part.failed())
            return true;
        return fail(part.error());
    }

    /// The part _rels/.rels names as the office document; xl/workbook.xml when it names none.
    QString workbookPart()
    {
        const QString officeDocument = QStringLiteral("/officeDocument");
        QHash<QString, Relationship> none;
        QHash<QString, QString> firstOfType;
        if (!readRelationships(m_zip, QStringLiteral("_rels/.rels"), QString(), {}, &none, &firstOfType,
                               {officeDocument}, &m_error)) {
            m_failed = true;
            return {};
        }
        return firstOfType.value(officeDocument, QStringLiteral("xl/workbook.xml"));
    }

    bool readWorkbook(const QString &name, QList<SheetEntry> *sheets)
    {
        XmlPart part(m_zip, name);
        if (!part.open(&m_error))
            return fail(m_error);
        while (part.next()) {
            if (part.isStart(u"workbookPr")) {
                const QXmlStreamAttributes attributes = part.xml().attributes();
                const QStringView date1904 = attributes.value(QLatin1String("date1904"));
                m_context.date1904 = date1904 == u"1" || date1904 == u"true";
            } else if (part.isStart(u"sheet")) {
                if (sheets->size() == m_limits.maxSheets)
                    return fail(XlsxReader::tr("The workbook has more than %L1 sheets, more than a preview reads.")
                                    .arg(m_limits.maxSheets));
                const QXmlStreamAttributes attributes = part.xml().attributes();
                const QStringView state = attributes.value(QLatin1String("state"));
                sheets->append({attributes.value(QLatin1String("name")).toString(), relationshipIdOf(attributes),
                                state == u"hidden" || state == u"veryHidden"});
            }
        }
        return succeeded(part);
    }

    bool readStyles(const QString &name)
    {
        if (!m_zip.contains(name))
            return true; // a workbook without styles shows every number as it is
        XmlPart part(m_zip, name);
        if (!part.open(&m_error))
            return fail(m_error);
        QHash<int, ExcelDate::Kind> custom;
        QList<int> formatIds;
        bool inNumFmts = false;
        bool inCellXfs = false;
        int depthInCellXfs = 0;
        while (part.next()) {
            QXmlStreamReader &xml = part.xml();
            if (xml.isStartElement()) {
                if (inCellXfs)
                    ++depthInCellXfs;
                if (xml.name() == u"numFmts") {
                    inNumFmts = true;
                } else if (xml.name() == u"cellXfs") {
                    inCellXfs = true;
                    depthInCellXfs = 0;
                } else if (inNumFmts && xml.name() == u"numFmt" && custom.size() < XlsxReader::maxStyles) {
                    bool ok = false;
                    const int id = xml.attributes().value(QLatin1String("numFmtId")).toInt(&ok);
                    if (ok && !custom.contains(id))
                        custom.insert(id,
                                      ExcelDate::kindOfFormatCode(xml.attributes().value(QLatin1String("formatCode"))));
                } else if (inCellXfs && depthInCellXfs == 1 && xml.name() == u"xf" &&
                           formatIds.size() < XlsxReader::maxStyles) {
                    formatIds.append(xml.attributes().value(QLatin1String("numFmtId")).toInt());
                }
            } else if (xml.isEndElement()) {
                if (inCellXfs)
                    --depthInCellXfs;
                if (xml.name() == u"numFmts")
                    inNumFmts = false;
                else if (xml.name() == u"cellXfs")
                    inCellXfs = false;
            }
        }
        if (!succeeded(part))
            return false;
        // A workbook may redefine a built-in id; its own definition wins.
        for (const int id : std::as_const(formatIds))
            m_context.styleKinds.append(custom.contains(id) ? custom.value(id) : ExcelDate::kindOfBuiltinFormat(id));
        return true;
    }

    bool readSharedStrings(const QString &name)
    {
        if (!m_zip.contains(name))
            return true; // then a cell that refers to one fails, with its own message
        XmlPart part(m_zip, name);
        if (!part.open(&m_error))
            return fail(m_error);
        while (part.next()) {
            if (!part.isStart(u"si"))
                continue;
            QString text;
            if (!part.readRichText(&text, true))
                break;
            if (m_context.shared.size() == m_limits.maxSharedStrings)
                return fail(XlsxReader::tr("The workbook has more than %L1 shared texts, more than a preview reads.")
                                .arg(m_limits.maxSharedStrings));
            text = unescapeXstring(text);
            if (m_context.shared.chars() + text.size() > m_limits.maxSharedStringChars)
                return fail(XlsxReader::tr(
                                "The workbook's shared texts hold more than %L1 characters, more than a preview reads.")
                                .arg(m_limits.maxSharedStringChars));
            m_context.shared.append(text);
        }
        return succeeded(part);
    }

    ExcelDate::Kind styleKind(QStringView style) const
    {
        bool ok = false;
        const int index = style.toInt(&ok);
        return ok && index >= 0 && index < m_context.styleKinds.size() ? m_context.styleKinds[index]
                                                                       : ExcelDate::Kind::NotDate;
    }

    /// The text the preview shows for one cell, and whether it is a number (or a date) the view right-aligns.
    bool cellValue(QStringView type, const QString &raw, bool hasInline, const QString &inlineText, QStringView style,
                   const XmlPart &part, CellValue *value)
    {
        if (type == u"inlineStr" || (hasInline && type.isEmpty())) {
            *value = {unescapeXstring(inlineText), false};
        } else if (type == u"s") {
            bool ok = false;
            const qsizetype index = raw.trimmed().toLongLong(&ok);
            if (!ok || index < 0 || index >= m_context.shared.size())
                return fail(XlsxReader::tr("A cell in the workbook part %1 refers to shared text %2, which the "
                                           "workbook does not have.")
                                .arg(ZipArchive::displayName(part.name()), ZipArchive::displayName(raw.left(20))));
            *value = {m_context.shared.at(index), false};
        } else if (type == u"str") {
            *value = {unescapeXstring(raw), false};
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
            const QString date = ExcelDate::toText(number, styleKind(style), m_context.date1904);
            *value = {date.isEmpty() ? QString::number(number, 'g', 15) : date, true};
        } else { // "e" (#DIV/0!), "d" (ISO 8601 text), and whatever else: as written
            *value = {raw, false};
        }
        return true;
    }

    bool readSheet(const QString &name, TablePreview::Sheet *sheet, SheetBuilder::Budget *budget)
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
        if (!succeeded(part))
            return false;
        builder.finish();
        return true;
    }

    bool readCell(XmlPart &part, bool storing, int *nextColumn, QStringList *cells, QList<bool> *numbers,
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
            return fail(
                XlsxReader::tr("The sheet in the workbook part %1 has values in more than %2 columns, more than "
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

    ZipArchive &m_zip;
    const XlsxReader::Limits &m_limits;
    WorkbookContext m_context;
    QString m_error;
    bool m_failed = false;
};

} // namespace

TablePreview XlsxReader::read(QIODevice *device, QString *error) const
{
    Q_ASSERT(error);
    error->clear();
    if (!device || !device->isReadable()) {
        *error = tr("The workbook could not be read: %1").arg(device ? device->errorString() : QString());
        return {};
    }
    if (device->isSequential()) {
        *error = tr("The workbook could not be read: a ZIP archive needs a device that can seek.");
        return {};
    }
    ZipArchive zip(device, m_limits.zip, m_cancel);
    if (!zip.open(error))
        return {};
    TablePreview preview;
    WorkbookParser parser(zip, m_limits);
    if (!parser.parse(&preview)) {
        *error = parser.error();
        return {};
    }
    return preview;
}

} // namespace getbill::preview
