#include "preview/XlsxWorkbook.h"

#include "preview/XmlPart.h"
#include "preview/ZipArchive.h"

#include <QDir>
#include <QLocale>
#include <QSet>
#include <utility>

namespace getbill::preview {

namespace {

using Relationship = XlsxWorkbook::Relationship;

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

} // namespace

bool XlsxWorkbook::read()
{
    const QString workbook = workbookPart();
    if (m_failed)
        return false;
    if (!m_zip.contains(workbook))
        return fail(XlsxReader::tr("This is not an XLSX workbook: it has no workbook part (%1).")
                        .arg(ZipArchive::displayName(workbook)));
    if (!readWorkbook(workbook))
        return false;

    QSet<QString> ids;
    for (const SheetEntry &sheet : std::as_const(m_sheets))
        ids.insert(sheet.relationshipId);
    const QString sharedType = QStringLiteral("/sharedStrings");
    const QString stylesType = QStringLiteral("/styles");
    QHash<QString, QString> firstOfType;
    const QString folder = folderOf(workbook);
    const QString rels = folder + QStringLiteral("_rels/") + workbook.mid(folder.size()) + QStringLiteral(".rels");
    if (!readRelationships(m_zip, rels, folder, ids, &m_relationships, &firstOfType, {sharedType, stylesType},
                           &m_error))
        return false;
    if (firstOfType.contains(stylesType) && !readStyles(firstOfType.value(stylesType)))
        return false;
    if (firstOfType.contains(sharedType) && !readSharedStrings(firstOfType.value(sharedType)))
        return false;
    return true;
}

const XlsxWorkbook::Relationship *XlsxWorkbook::relationship(const QString &id) const
{
    const auto found = m_relationships.constFind(id);
    return found == m_relationships.cend() ? nullptr : &*found;
}

bool XlsxWorkbook::fail(const QString &message)
{
    m_error = message;
    m_failed = true;
    return false;
}

bool XlsxWorkbook::succeeded(const XmlPart &part)
{
    if (!part.failed())
        return true;
    return fail(part.error());
}

/// The part _rels/.rels names as the office document; xl/workbook.xml when it names none.
QString XlsxWorkbook::workbookPart()
{
    const QString officeDocument = QStringLiteral("/officeDocument");
    QHash<QString, Relationship> none;
    QHash<QString, QString> firstOfType;
    if (!readRelationships(m_zip, QStringLiteral("_rels/.rels"), QString(), {}, &none, &firstOfType, {officeDocument},
                           &m_error)) {
        m_failed = true;
        return {};
    }
    return firstOfType.value(officeDocument, QStringLiteral("xl/workbook.xml"));
}

bool XlsxWorkbook::readWorkbook(const QString &name)
{
    XmlPart part(m_zip, name);
    if (!part.open(&m_error))
        return fail(m_error);
    while (part.next()) {
        if (part.isStart(u"workbookPr")) {
            const QXmlStreamAttributes attributes = part.xml().attributes();
            const QStringView date1904 = attributes.value(QLatin1String("date1904"));
            m_date1904 = date1904 == u"1" || date1904 == u"true";
        } else if (part.isStart(u"sheet")) {
            if (m_sheets.size() == m_limits.maxSheets)
                return fail(XlsxReader::tr("The workbook has more than %L1 sheets, more than a preview reads.")
                                .arg(m_limits.maxSheets));
            const QXmlStreamAttributes attributes = part.xml().attributes();
            const QStringView state = attributes.value(QLatin1String("state"));
            m_sheets.append({attributes.value(QLatin1String("name")).toString(), relationshipIdOf(attributes),
                             state == u"hidden" || state == u"veryHidden"});
        }
    }
    return succeeded(part);
}

bool XlsxWorkbook::readStyles(const QString &name)
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
                    custom.insert(id, ExcelDate::kindOfFormatCode(xml.attributes().value(QLatin1String("formatCode"))));
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
        m_styleKinds.append(custom.contains(id) ? custom.value(id) : ExcelDate::kindOfBuiltinFormat(id));
    return true;
}

bool XlsxWorkbook::readSharedStrings(const QString &name)
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
        if (m_shared.size() == m_limits.maxSharedStrings)
            return fail(XlsxReader::tr("The workbook has more than %L1 shared texts, more than a preview reads.")
                            .arg(m_limits.maxSharedStrings));
        text = XmlPart::unescape(text);
        if (m_shared.chars() + text.size() > m_limits.maxSharedStringChars)
            return fail(
                XlsxReader::tr("The workbook's shared texts hold more than %L1 characters, more than a preview reads.")
                    .arg(m_limits.maxSharedStringChars));
        m_shared.append(text);
    }
    return succeeded(part);
}

ExcelDate::Kind XlsxWorkbook::styleKind(QStringView style) const
{
    bool ok = false;
    const int index = style.toInt(&ok);
    return ok && index >= 0 && index < m_styleKinds.size() ? m_styleKinds[index] : ExcelDate::Kind::NotDate;
}

} // namespace getbill::preview
