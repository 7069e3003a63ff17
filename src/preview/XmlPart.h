#pragma once

#include <QString>
#include <QStringView>
#include <QXmlStreamReader>
#include <memory>

namespace getbill::preview {

class ZipArchive;
class ZipEntryDevice;

/// Streams one part of an XLSX workbook through QXmlStreamReader with the checks every part gets: no document type
/// declaration, tokens bounded by the entry device's window (XlsxReader::maxTokenBytes), well-formedness, text
/// bounded by TablePreview::maxCellChars, and the entry's size and CRC once the document ends.
class XmlPart
{
public:
    XmlPart(ZipArchive &zip, QString name);
    ~XmlPart();

    bool open(QString *error);
    /// Moves to the next token; false at the end of the document or on an error (error() then says which).
    bool next();

    QXmlStreamReader &xml() { return m_xml; }
    bool isStart(QStringView name) const { return m_xml.isStartElement() && m_xml.name() == name; }
    bool isEnd(QStringView name) const { return m_xml.isEndElement() && m_xml.name() == name; }
    QString error() const { return m_error; }
    bool failed() const { return !m_error.isEmpty(); }
    const QString &name() const { return m_name; }

    /// From a start tag: the character data up to its end tag. With `keep` false the text is only skipped.
    bool readText(QString *text, bool keep);
    /// From an <si> or <is> start tag: the text of its <t> elements (plain or in rich-text runs <r>), without
    /// the phonetic guides of <rPh>, up to its end tag.
    bool readRichText(QString *text, bool keep);
    /// From a start tag: skips to its end tag.
    bool skipElement();

    /// SpreadsheetML escapes characters XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x).
    static QString unescape(const QString &text);

private:
    bool append(QString *text, QStringView more);

    ZipArchive &m_zip;
    QString m_name;
    std::unique_ptr<ZipEntryDevice> m_device;
    QXmlStreamReader m_xml;
    QString m_error;
};

} // namespace getbill::preview
