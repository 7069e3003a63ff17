#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>

class QIODevice;
class QuaZip;

namespace getbill::preview {

class ZipEntryDevice;

/// Opens the entries of a ZIP archive (an XLSX workbook) without trusting it. open() checks the central directory
/// before anything is inflated: the number of entries, each entry's declared size and their total. Every entry is
/// then read through a ZipEntryDevice, which holds it to what it declared, to the archive's inflate budget and to
/// a compression ratio, so neither a zip bomb nor a lying header costs more than the caps.
class ZipArchive
{
    Q_DECLARE_TR_FUNCTIONS(getbill::preview::ZipArchive)

public:
    struct Limits
    {
        int maxEntries = 10'000;
        /// Declared uncompressed size of one entry.
        qint64 maxEntryBytes = qint64(256) << 20;
        /// Declared uncompressed sizes of all entries together, and bytes actually inflated by one read.
        qint64 maxTotalBytes = qint64(512) << 20;
        /// Inflated bytes per compressed byte, checked while inflating once an entry passes ratioFloorBytes.
        int maxCompressionRatio = 200;
    };
    /// Small entries may compress extremely well (a sheet of empty rows); the ratio only matters past this.
    static constexpr qint64 ratioFloorBytes = qint64(1) << 20;

    /// `device` must be open for reading and able to seek; it stays open and owned by the caller, and must
    /// outlive the archive. `cancel`, when given, is polled while inflating.
    explicit ZipArchive(QIODevice *device);
    ZipArchive(QIODevice *device, const Limits &limits, const std::atomic<bool> *cancel = nullptr);
    ~ZipArchive();
    ZipArchive(const ZipArchive &) = delete;
    ZipArchive &operator=(const ZipArchive &) = delete;

    /// Reads and checks the central directory. False with `*error` for the user when the file is not a ZIP
    /// archive, is damaged or truncated, or breaks a limit.
    bool open(QString *error);

    /// Entry names compare case-insensitively, as OPC part names do. When two entries share a name, the first
    /// one counts (as for every reader that scans the directory in order).
    bool contains(const QString &name) const;
    QStringList entryNames() const;

    /// Opens one entry for reading; null with `*error` when it is missing, encrypted or compressed with a method
    /// other than stored or deflate. One entry at a time: destroy the device before opening the next, and before
    /// the archive.
    std::unique_ptr<ZipEntryDevice> openEntry(const QString &name, QString *error);

    /// Text taken from an archive (an entry or sheet name, a parser's message), made fit for a message to the
    /// user: control, invisible and bidirectional characters become U+FFFD, and it is cut to 80 characters.
    static QString displayName(QStringView text);

    /// Bytes inflated by all entries read so far (what maxTotalBytes caps).
    qint64 inflatedBytes() const { return m_inflated; }
    const Limits &limits() const { return m_limits; }

private:
    friend class ZipEntryDevice;

    QIODevice *m_device;
    Limits m_limits;
    const std::atomic<bool> *m_cancel = nullptr;
    std::unique_ptr<QuaZip> m_zip;
    QHash<QString, QString> m_names; // lower case -> as stored
    QStringList m_order;
    qint64 m_inflated = 0;
    bool m_entryOpen = false;
};

} // namespace getbill::preview
