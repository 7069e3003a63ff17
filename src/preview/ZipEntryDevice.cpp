#include "preview/ZipEntryDevice.h"

#include "preview/ZipArchive.h"

#include <QLocale>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipfileinfo.h>
#include <zlib.h>

namespace getbill::preview {

namespace {
constexpr qint64 InputChunk = 16 * 1024;
// Bytes produced per readData call at most; also keeps the casts to zlib's uInt safe.
constexpr qint64 OutputChunk = 256 * 1024;
} // namespace

struct ZipEntryDevice::Private
{
    explicit Private(QuaZip *zip) : file(zip) {}
    ~Private()
    {
        if (deflated)
            inflateEnd(&stream);
    }
    Private(const Private &) = delete;
    Private &operator=(const Private &) = delete;

    QuaZipFile file; // opened raw: the compressed bytes as stored
    z_stream stream{};
    bool deflated = false;
    QByteArray input;
    bool inputEnded = false;
    bool ended = false;
    bool complete = false;

    QString name;
    qint64 declaredSize = 0;
    qint64 ratioBase = 1;
    quint32 expectedCrc = 0;
    quint32 crc = 0;
    qint64 produced = 0;
};

ZipEntryDevice::ZipEntryDevice(ZipArchive *archive, std::unique_ptr<Private> d) : m_archive(archive), d(std::move(d))
{}

ZipEntryDevice::~ZipEntryDevice()
{
    d.reset(); // closes the entry while the archive still exists
    m_archive->m_entryOpen = false;
}

std::unique_ptr<ZipEntryDevice> ZipEntryDevice::create(ZipArchive *archive, const QString &name, QString *error)
{
    QuaZip *zip = archive->m_zip.get();
    QuaZipFileInfo64 info;
    const bool located = zip->setCurrentFile(name, QuaZip::csSensitive) && zip->getCurrentFileInfo(&info);
    if (located && (info.flags & 0x1)) {
        *error =
            tr("The workbook part %1 is encrypted; the preview cannot read it.").arg(ZipArchive::displayName(name));
        return {};
    }
    if (located && info.method != 0 && info.method != Z_DEFLATED) {
        *error = tr("The workbook part %1 is compressed with method %2, which the preview does not read.")
                     .arg(ZipArchive::displayName(name), QString::number(info.method));
        return {};
    }
    auto d = std::make_unique<Private>(zip);
    int method = 0;
    int level = 0;
    // Raw: the bytes as stored, inflated below, so that this class decides when an entry produced too much.
    if (!located || !d->file.open(QIODevice::ReadOnly, &method, &level, true)) {
        *error = tr("The workbook is damaged: its part %1 cannot be opened.").arg(ZipArchive::displayName(name));
        return {};
    }
    d->name = name;
    d->declaredSize = qint64(qMin<quint64>(info.uncompressedSize, quint64(archive->m_limits.maxEntryBytes)));
    d->expectedCrc = info.crc;
    // The compressed stream can be no longer than the file it is in, whatever the header says.
    d->ratioBase = qMax<qint64>(
        1, qMin<qint64>(qint64(qMin<quint64>(info.compressedSize, quint64(1) << 62)), archive->m_device->size()));
    if (method == Z_DEFLATED) {
        d->deflated = true;
        d->input.resize(InputChunk);
        // Raw deflate, as ZIP stores it. Should initialisation fail (no memory), the stream stays without state
        // and the first inflate() reports Z_STREAM_ERROR: the entry reads as damaged.
        inflateInit2(&d->stream, -MAX_WBITS);
    }
    std::unique_ptr<ZipEntryDevice> device(new ZipEntryDevice(archive, std::move(d)));
    device->QIODevice::open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    archive->m_entryOpen = true;
    return device;
}

QString ZipEntryDevice::name() const
{
    return d->name;
}

bool ZipEntryDevice::complete() const
{
    return d->complete;
}

void ZipEntryDevice::markWindow()
{
    m_windowStart = d->produced;
}

qint64 ZipEntryDevice::writeData(const char *, qint64)
{
    return -1;
}

qint64 ZipEntryDevice::fail(const QString &message)
{
    if (m_failure.isEmpty())
        m_failure = message;
    return 0;
}

void ZipEntryDevice::damaged(const QString &detail)
{
    fail(tr("The workbook is damaged: its part %1 cannot be unpacked (%2).")
             .arg(ZipArchive::displayName(d->name), detail));
}

qint64 ZipEntryDevice::inflateInto(char *data, qint64 wanted)
{
    for (;;) {
        if (m_archive->m_cancel && m_archive->m_cancel->load(std::memory_order_relaxed)) {
            fail(tr("The preview was cancelled."));
            return -1;
        }
        if (d->stream.avail_in == 0 && !d->inputEnded) {
            const qint64 got = d->file.read(d->input.data(), InputChunk);
            if (got < 0) {
                damaged(tr("read error"));
                return -1;
            }
            d->inputEnded = got == 0;
            d->stream.next_in = reinterpret_cast<Bytef *>(d->input.data());
            d->stream.avail_in = uInt(got);
        }
        d->stream.next_out = reinterpret_cast<Bytef *>(data);
        d->stream.avail_out = uInt(wanted);
        const int result = inflate(&d->stream, Z_NO_FLUSH);
        const qint64 n = wanted - qint64(d->stream.avail_out);
        if (result == Z_STREAM_END) {
            d->ended = true;
            return n;
        }
        if (result != Z_OK && result != Z_BUF_ERROR) {
            damaged(QString::fromLatin1(d->stream.msg ? d->stream.msg : zError(result)));
            return -1;
        }
        if (n > 0)
            return n;
        // No output yet: inflate() wants more input (with room for output and input left, zlib always makes
        // progress or reports an error, so this loop ends).
        if (d->stream.avail_in == 0 && d->inputEnded) {
            damaged(tr("the data ends early"));
            return -1;
        }
    }
}

qint64 ZipEntryDevice::produce(char *data, qint64 wanted)
{
    if (d->deflated)
        return inflateInto(data, wanted);
    const qint64 n = d->file.read(data, wanted);
    if (n < 0) {
        damaged(tr("read error"));
        return -1;
    }
    d->ended = n == 0;
    return n;
}

qint64 ZipEntryDevice::readData(char *data, qint64 maxSize)
{
    if (failed() || d->complete || maxSize <= 0)
        return 0;
    if (m_archive->m_cancel && m_archive->m_cancel->load(std::memory_order_relaxed))
        return fail(tr("The preview was cancelled."));
    if (m_windowLimit > 0 && d->produced - m_windowStart > m_windowLimit) {
        return fail(tr("The workbook part %1 has an element or a text longer than %2, more than a preview reads.")
                        .arg(ZipArchive::displayName(d->name), QLocale().formattedDataSize(m_windowLimit, 0)));
    }
    // One byte past the declared size is enough to know that the header lies; never inflate more than that.
    const qint64 wanted = qMin(qMin(maxSize, OutputChunk), d->declaredSize - d->produced + 1);
    const qint64 n = produce(data, wanted);
    if (n < 0)
        return 0;

    d->produced += n;
    m_archive->m_inflated += n;
    d->crc = quint32(crc32(d->crc, reinterpret_cast<const Bytef *>(data), uInt(n)));
    const ZipArchive::Limits &limits = m_archive->m_limits;
    if (d->produced > d->declaredSize)
        return fail(tr("The workbook is damaged or forged: its part %1 holds more data than its header declares.")
                        .arg(ZipArchive::displayName(d->name)));
    if (m_archive->m_inflated > limits.maxTotalBytes)
        return fail(tr("The workbook unpacks to more than %1, more than a preview reads.")
                        .arg(QLocale().formattedDataSize(limits.maxTotalBytes, 0)));
    if (d->produced > ZipArchive::ratioFloorBytes && d->produced / limits.maxCompressionRatio > d->ratioBase)
        return fail(tr("The workbook looks like a ZIP bomb: its part %1 unpacks to more than %2 times its size.")
                        .arg(ZipArchive::displayName(d->name), QLocale().toString(limits.maxCompressionRatio)));
    if (d->ended) {
        if (d->produced != d->declaredSize) {
            damaged(tr("shorter than its header declares"));
            return 0;
        }
        if (d->crc != d->expectedCrc) {
            damaged(tr("checksum mismatch"));
            return 0;
        }
        d->complete = true;
    }
    return n;
}

} // namespace getbill::preview
