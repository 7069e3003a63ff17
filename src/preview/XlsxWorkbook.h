#pragma once

#include "preview/ExcelDate.h"
#include "preview/XlsxReader.h"

#include <QHash>
#include <QList>
#include <QString>

namespace getbill::preview {

class XmlPart;
class ZipArchive;

/// The workbook-level parts of an XLSX file, read before any sheet: the package relationships (_rels/.rels) that
/// name the workbook part, the workbook (its sheets in order, the date system), the workbook's relationships (only
/// those the sheets ask for are kept), the cell styles (which number formats are dates) and the shared strings,
/// each within XlsxReader::Limits.
class XlsxWorkbook
{
public:
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

    XlsxWorkbook(ZipArchive &zip, const XlsxReader::Limits &limits) : m_zip(zip), m_limits(limits) {}

    /// Reads every workbook-level part; false with error() for the user when one is missing, malformed or too
    /// large.
    bool read();
    QString error() const { return m_error; }

    /// The sheets in workbook order, hidden ones included.
    const QList<SheetEntry> &sheets() const { return m_sheets; }
    /// The relationship a sheet refers to; nullptr when the workbook has none of that id.
    const Relationship *relationship(const QString &id) const;
    const SharedStrings &sharedStrings() const { return m_shared; }
    /// What the number format of cell style `style` (a cellXfs index, as text) shows; NotDate when unknown.
    ExcelDate::Kind styleKind(QStringView style) const;
    bool date1904() const { return m_date1904; }

private:
    bool fail(const QString &message);
    /// True when the part was read to its end without an error; otherwise takes over its error.
    bool succeeded(const XmlPart &part);
    QString workbookPart();
    bool readWorkbook(const QString &name);
    bool readStyles(const QString &name);
    bool readSharedStrings(const QString &name);

    ZipArchive &m_zip;
    const XlsxReader::Limits &m_limits;
    QList<SheetEntry> m_sheets;
    QHash<QString, Relationship> m_relationships;
    SharedStrings m_shared;
    QList<ExcelDate::Kind> m_styleKinds; // per cellXfs index
    bool m_date1904 = false;
    QString m_error;
    bool m_failed = false;
};

} // namespace getbill::preview
