#include "preview/ZipArchive.h"

#include "preview/ZipEntryDevice.h"

#include <QIODevice>
#include <QLocale>
#include <quazip.h>
#include <quazipfileinfo.h>

namespace getbill::preview {

ZipArchive::ZipArchive(QIODevice *device) : ZipArchive(device, Limits{})
{}

ZipArchive::ZipArchive(QIODevice *device, const Limits &limits, const std::atomic<bool> *cancel)
    : m_device(device), m_limits(limits), m_cancel(cancel)
{}

ZipArchive::~ZipArchive()
{
    Q_ASSERT(!m_entryOpen);
    if (m_zip && m_zip->isOpen())
        m_zip->close();
}

bool ZipArchive::open(QString *error)
{
    const QByteArray magic = m_device->peek(8);
    // What Excel saves when a workbook has a password, and what old .xls files are: an OLE compound file.
    if (magic.startsWith("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
        *error = tr("This is a password-protected workbook or an old Excel (.xls) file; the preview reads only "
                    "unprotected .xlsx files.");
        return false;
    }
    if (magic.startsWith("PK\x05\x06")) { // an end-of-directory record first: no entries at all
        *error = tr("This is not an XLSX workbook: the ZIP archive is empty.");
        return false;
    }
    if (!magic.startsWith("PK\x03\x04")) {
        *error = tr("This is not an XLSX workbook: the file is not a ZIP archive.");
        return false;
    }
    m_zip = std::make_unique<QuaZip>(m_device);
    m_zip->setAutoClose(false); // the device is the caller's
    const QString damaged = tr("The workbook is damaged or incomplete: its ZIP directory cannot be read.");
    if (!m_zip->open(QuaZip::mdUnzip)) {
        *error = damaged;
        return false;
    }
    // Everything here comes from the central directory; nothing is inflated before every entry passed.
    qint64 total = 0;
    int count = 0;
    for (bool more = m_zip->goToFirstFile(); more; more = m_zip->goToNextFile()) {
        if (++count > m_limits.maxEntries) {
            *error = tr("The workbook has more than %1 parts, more than a preview reads.")
                         .arg(QLocale().toString(m_limits.maxEntries));
            return false;
        }
        QuaZipFileInfo64 info;
        if (!m_zip->getCurrentFileInfo(&info))
            break; // its error is reported below, with the directory's own
        if (info.uncompressedSize > quint64(m_limits.maxEntryBytes)) {
            *error =
                tr("The workbook part %1 unpacks to %2, more than the %3 a preview reads.")
                    .arg(displayName(info.name),
                         QLocale().formattedDataSize(qint64(qMin<quint64>(info.uncompressedSize, quint64(1) << 62)), 0),
                         QLocale().formattedDataSize(m_limits.maxEntryBytes, 0));
            return false;
        }
        total += qint64(info.uncompressedSize);
        if (total > m_limits.maxTotalBytes) {
            *error = tr("The workbook's parts add up to more than %1, more than a preview reads.")
                         .arg(QLocale().formattedDataSize(m_limits.maxTotalBytes, 0));
            return false;
        }
        const QString key = info.name.toLower();
        if (!m_names.contains(key)) {
            m_names.insert(key, info.name);
            m_order.append(info.name);
        }
    }
    if (m_zip->getZipError() != UNZ_OK) {
        *error = damaged;
        return false;
    }
    return true;
}

QString ZipArchive::displayName(QStringView text)
{
    constexpr qsizetype MaxChars = 80;
    QString shown;
    shown.reserve(qMin(text.size(), MaxChars + 1));
    for (const QChar c : text) {
        if (shown.size() == MaxChars) {
            shown.append(QChar(0x2026)); // …
            break;
        }
        const char16_t u = c.unicode();
        const bool hidden = u < 0x20 || (u >= 0x7F && u < 0xA0) || (u >= 0x200B && u <= 0x200F) ||
                            (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) || u == 0x061C ||
                            u == 0xFEFF || c.isSurrogate();
        shown.append(hidden ? QChar(QChar::ReplacementCharacter) : c);
    }
    return shown;
}

bool ZipArchive::contains(const QString &name) const
{
    return m_names.contains(name.toLower());
}

QStringList ZipArchive::entryNames() const
{
    return m_order;
}

std::unique_ptr<ZipEntryDevice> ZipArchive::openEntry(const QString &name, QString *error)
{
    Q_ASSERT(!m_entryOpen);
    const auto found = m_names.constFind(name.toLower());
    if (!m_zip || found == m_names.cend()) {
        *error = tr("The workbook has no part %1.").arg(displayName(name));
        return {};
    }
    return ZipEntryDevice::create(this, *found, error);
}

} // namespace getbill::preview
