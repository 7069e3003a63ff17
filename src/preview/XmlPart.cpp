#include "preview/XmlPart.h"

#include "preview/XlsxReader.h"
#include "preview/ZipArchive.h"
#include "preview/ZipEntryDevice.h"

#include <QLocale>
#include <utility>

namespace getbill::preview {

XmlPart::XmlPart(ZipArchive &zip, QString name) : m_zip(zip), m_name(std::move(name))
{}

XmlPart::~XmlPart() = default;

bool XmlPart::open(QString *error)
{
    m_device = m_zip.openEntry(m_name, error);
    if (!m_device)
        return false;
    m_device->setWindowLimit(XlsxReader::maxTokenBytes);
    m_xml.setDevice(m_device.get());
    return true;
}

bool XmlPart::next()
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
        m_error = m_device->failed() ? m_device->failure()
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

bool XmlPart::readText(QString *text, bool keep)
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

bool XmlPart::readRichText(QString *text, bool keep)
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

bool XmlPart::skipElement()
{
    QString ignored;
    return readText(&ignored, false);
}

bool XmlPart::append(QString *text, QStringView more)
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

QString XmlPart::unescape(const QString &text)
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

} // namespace getbill::preview
