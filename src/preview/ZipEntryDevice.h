#pragma once

#include <QIODevice>
#include <memory>

namespace getbill::preview {

class ZipArchive;

/// One ZIP entry as a sequential, read-only QIODevice that inflates as it is read (zlib on QuaZip's raw data, so
/// that this class rather than minizip decides what is too much). Reading stops with a message for the user,
/// instead of data, when the entry produces more than it declared, the archive's inflate budget is spent, the
/// compression ratio passes the cap, the data or its CRC is damaged, the read is cancelled, or more than the
/// window limit was read since the last markWindow() (how an XML parser's caller caps one token's size).
class ZipEntryDevice : public QIODevice
{
    Q_OBJECT

public:
    ~ZipEntryDevice() override;

    bool isSequential() const override { return true; }

    /// The entry's name in the archive.
    QString name() const;
    /// True once reading failed; failure() then says why. The device then reads as ended.
    bool failed() const { return !m_failure.isEmpty(); }
    QString failure() const { return m_failure; }
    /// True once the whole entry was read and its size and CRC matched the header.
    bool complete() const;

    /// Reading past `bytes` after the last markWindow() fails; 0 (the default) means no window limit.
    void setWindowLimit(qint64 bytes) { m_windowLimit = bytes; }
    void markWindow();

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 maxSize) override;

private:
    friend class ZipArchive;
    struct Private;

    ZipEntryDevice(ZipArchive *archive, std::unique_ptr<Private> d);
    /// Opens the entry `name` (as stored) of the archive, after checking its flags and method.
    static std::unique_ptr<ZipEntryDevice> create(ZipArchive *archive, const QString &name, QString *error);
    qint64 fail(const QString &message);
    void damaged(const QString &detail);
    qint64 produce(char *data, qint64 wanted);
    qint64 inflateInto(char *data, qint64 wanted);

    ZipArchive *m_archive;
    std::unique_ptr<Private> d;
    QString m_failure;
    qint64 m_windowLimit = 0;
    qint64 m_windowStart = 0;
};

} // namespace getbill::preview
