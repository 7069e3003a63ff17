#include "download/DownloadJob.h"

#include "Format.h"
#include "api/UrlPolicy.h"
#include "download/PartFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>

namespace getbill {

namespace {
QString native(const QString &path)
{
    return QDir::toNativeSeparators(path);
}

/// "bytes 100-199/200" -> {100, 199, 200}; total -1 for "*".
bool parseContentRange(const QByteArray &header, qint64 *first, qint64 *last, qint64 *total)
{
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes "))
        return false;
    const QByteArray spec = h.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    const qsizetype slash = spec.indexOf('/');
    if (dash <= 0 || slash <= dash)
        return false;
    bool ok1 = false, ok2 = false, ok3 = true;
    *first = spec.left(dash).toLongLong(&ok1);
    *last = spec.mid(dash + 1, slash - dash - 1).toLongLong(&ok2);
    const QByteArray totalText = spec.mid(slash + 1);
    *total = totalText == "*" ? -1 : totalText.toLongLong(&ok3);
    return ok1 && ok2 && ok3 && *first >= 0 && *last >= *first;
}

/// The server's checksum of the whole file: X-Checksum-Sha256 (hex) or Digest: sha-256=<base64> (RFC 3230).
QByteArray announcedSha256(const HttpJob &http)
{
    const QByteArray hex = http.rawHeader("X-Checksum-Sha256").trimmed();
    if (!hex.isEmpty()) {
        const QByteArray raw = QByteArray::fromHex(hex);
        return raw.size() == 32 && hex.size() == 64 ? raw : QByteArray("invalid");
    }
    const QList<QByteArray> digests = http.rawHeader("Digest").split(',');
    for (const QByteArray &d : digests) {
        const QByteArray item = d.trimmed();
        if (item.left(8).compare("sha-256=", Qt::CaseInsensitive) == 0) {
            const QByteArray raw = QByteArray::fromBase64(item.mid(8));
            return raw.size() == 32 ? raw : QByteArray("invalid");
        }
    }
    return {};
}
} // namespace

DownloadJob::DownloadJob(QNetworkAccessManager *network, const NetworkOptions &options, DownloadTicket ticket,
                         QString targetPath, QObject *parent)
    : Job(parent), m_network(network), m_options(options), m_ticket(std::move(ticket)),
      m_targetPath(QDir::cleanPath(std::move(targetPath)))
{}

DownloadJob::~DownloadJob()
{
    // The fetch writes into the partial file: it stops first; the PartFile then removes what is not kept.
    cancelChildren();
}

QString DownloadJob::partPath() const
{
    return m_part ? m_part->partPath() : QString();
}

ApiError DownloadJob::localError(const QString &message) const
{
    return ApiError(ApiError::Kind::LocalFile, message);
}

void DownloadJob::run()
{
    if (!UrlPolicy::isAllowed(m_ticket.downloadUrl)) {
        emitFailure(ApiError(ApiError::Kind::InsecureUrl,
                             tr("The download link is not secure (not https); the file was not downloaded.")));
        return;
    }
    if (m_ticket.fileSize < 0) {
        emitFailure(ApiError(ApiError::Kind::InvalidResponse, tr("GetBill did not say how large the file is.")));
        return;
    }
    const QFileInfo target(m_targetPath);
    const QString folder = target.absolutePath();
    if (!QFileInfo(folder).isDir()) {
        emitFailure(localError(tr("The folder %1 does not exist.").arg(native(folder))));
        return;
    }
    if ((target.exists() || target.isSymLink()) && (!m_overwrite || target.isDir())) {
        emitFailure(localError(target.isDir()
                                   ? tr("%1 is a folder.").arg(native(m_targetPath))
                                   : tr("%1 already exists; it was left untouched.").arg(native(m_targetPath))));
        return;
    }
    if (!QFileInfo(folder).isWritable()) {
        emitFailure(localError(tr("Cannot write in the folder %1: permission denied.").arg(native(folder))));
        return;
    }
    m_part = std::make_unique<PartFile>(m_targetPath);
    QString why;
    if (!m_part->lock(&why)) {
        emitFailure(localError(why));
        return;
    }
    connect(m_part.get(), &PartFile::opened, this, &DownloadJob::onOpened);
    connect(m_part.get(), &PartFile::drained, this, [this] {
        if (m_http)
            m_http->resumeReading();
    });
    connect(m_part.get(), &PartFile::writeFailed, this, [this](const QString &error) { fail(localError(error)); });
    connect(m_part.get(), &PartFile::synced, this, &DownloadJob::onSynced);
    connect(m_part.get(), &PartFile::committed, this, [this](const QString &error) {
        if (!error.isEmpty()) {
            fail(localError(error));
            return;
        }
        m_step = Step::Done;
        emitSuccess();
    });
    m_step = Step::Opening;
    m_part->open(m_ticket.id, m_ticket.fileSize);
}

void DownloadJob::onOpened(qint64 resumedBytes, const QString &error)
{
    const QString folder = QFileInfo(m_targetPath).absolutePath();
    if (!error.isEmpty()) {
        fail(localError(tr("Cannot write in the folder %1: %2").arg(native(folder), error)));
        return;
    }
    m_resumedFrom = m_received = resumedBytes;
    const qint64 needed = m_ticket.fileSize - m_received;
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < needed) {
        fail(
            localError(tr("Not enough free space in %1: the report needs %2, %3 are free.")
                           .arg(native(folder), Format::dataSize(needed), Format::dataSize(storage.bytesAvailable()))));
        return;
    }
    m_rate.start(m_received);
    emit progress(m_received, m_ticket.fileSize);
    fetch();
}

void DownloadJob::fetch()
{
    m_step = Step::Fetching;
    auto *http = new HttpJob(m_network, m_options, HttpPurpose::File, m_ticket.downloadUrl);
    http->setSink(this);
    http->setProgressBase(m_received, m_ticket.fileSize);
    m_rangeRequested = m_received > 0;
    if (m_rangeRequested) {
        http->setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + '-');
        // Without a validator the rest could belong to a newer file; the size check and the checksum remain.
        if (!m_part->validator().isEmpty())
            http->setRawHeader("If-Range", m_part->validator().toLatin1());
    }
    connect(http, &HttpJob::responseStarted, this, [this, http] { onResponse(http); });
    m_http = http;
    runChild(http, [this](HttpJob *done) {
        if (m_http == done)
            m_http = nullptr;
        onFetched(done);
    });
}

void DownloadJob::onResponse(HttpJob *http)
{
    const int status = http->status();
    m_http2 = http->usedHttp2();
    if (status == 200 && m_rangeRequested) {
        // The server ignored the Range, or the file changed (If-Range): what comes is the whole file.
        m_part->restart();
        m_received = m_resumedFrom = 0;
        m_rangeRequested = false;
        m_rate.start(0);
    } else if (status == 206) {
        qint64 first = -1, last = -1, total = -1;
        const bool ok = parseContentRange(http->rawHeader("Content-Range"), &first, &last, &total);
        if (!m_rangeRequested || !ok || first != m_received || last != m_ticket.fileSize - 1 ||
            (total >= 0 && total != m_ticket.fileSize)) {
            restartFromZero(http);
            return;
        }
    } else if (status != 200) {
        http->abortWith(ApiError(ApiError::Kind::InvalidResponse,
                                 tr("The download server %1 answered HTTP %2.").arg(http->host()).arg(status), status));
        return;
    }
    bool ok = false;
    const qint64 announced = http->rawHeader("Content-Length").toLongLong(&ok);
    if (ok && announced != m_ticket.fileSize - m_received) {
        http->abortWith(ApiError(ApiError::Kind::Integrity,
                                 tr("The download server announced %1 bytes, but GetBill said the report has %2 bytes; "
                                    "the file was not saved.")
                                     .arg(announced + m_received)
                                     .arg(m_ticket.fileSize)));
        return;
    }
    m_expectedSha256 = announcedSha256(*http);
    const QByteArray etag = http->rawHeader("ETag");
    if (!etag.isEmpty())
        m_part->setValidator(QString::fromLatin1(etag));
}

void DownloadJob::restartFromZero(HttpJob *http)
{
    if (++m_restarts > maxRestarts) {
        const ApiError wrong(ApiError::Kind::Integrity,
                             tr("The download server %1 sent the wrong part of the file; the file was not saved.")
                                 .arg(m_ticket.downloadUrl.host()));
        if (http && http->isRunning())
            http->abortWith(wrong);
        else
            fail(wrong);
        return;
    }
    if (http && http->isRunning())
        cancelChild(http);
    m_http = nullptr;
    m_part->restart();
    m_received = m_resumedFrom = 0;
    m_rate.start(0);
    fetch();
}

qint64 DownloadJob::room() const
{
    return m_part ? m_part->room() : 0;
}

bool DownloadJob::write(QByteArrayView chunk, ApiError *error)
{
    if (m_received + chunk.size() > m_ticket.fileSize) {
        *error =
            ApiError(ApiError::Kind::Integrity,
                     tr("The download server sent more than the %1 bytes GetBill announced; the file was not saved.")
                         .arg(m_ticket.fileSize));
        return false;
    }
    m_part->write(chunk);
    m_received += chunk.size();
    m_rate.update(m_received);
    emit progress(m_received, m_ticket.fileSize);
    return true;
}

void DownloadJob::onFetched(HttpJob *http)
{
    if (isFinished())
        return;
    if (!http->succeeded()) {
        if (http->status() == 416 && m_rangeRequested) {
            restartFromZero(nullptr);
            return;
        }
        fail(http->error());
        return;
    }
    if (m_received != m_ticket.fileSize) {
        // The announced length matched (checked on the headers), so the connection ended early: worth resuming.
        fail(ApiError(ApiError::Kind::Network, tr("The download from %1 ended early: %2 of %3 bytes arrived.")
                                                   .arg(http->host())
                                                   .arg(m_received)
                                                   .arg(m_ticket.fileSize)));
        return;
    }
    m_step = Step::Verifying;
    emit verifying();
    m_part->finish();
}

void DownloadJob::onSynced(const QByteArray &digest, const QString &error)
{
    if (!error.isEmpty()) {
        fail(localError(error));
        return;
    }
    m_sha256 = QString::fromLatin1(digest.toHex());
    if (!m_expectedSha256.isEmpty()) {
        if (m_expectedSha256 != digest) {
            fail(ApiError(ApiError::Kind::Integrity, tr("The downloaded file does not match the checksum the download "
                                                        "server announced; the file was not saved.")));
            return;
        }
        m_checksumVerified = true;
    }
    m_step = Step::Committing;
    m_part->commit(m_overwrite);
}

bool DownloadJob::isResumable(const ApiError &error)
{
    switch (error.kind()) {
    case ApiError::Kind::Network:
    case ApiError::Kind::Timeout:
    case ApiError::Kind::LinkRejected:
        return true;
    case ApiError::Kind::Http:
        return error.isRetryable();
    default:
        return false;
    }
}

void DownloadJob::fail(const ApiError &error)
{
    if (isFinished())
        return;
    cancelChildren();
    m_http = nullptr;
    // Bytes already on disk are worth keeping when the next attempt can continue after them.
    if (m_part) {
        const bool keep = m_part->state() == PartFile::State::Open && m_received > 0 && isResumable(error);
        if (keep) {
            m_part->keep();
            m_keptPartial = true;
        } else {
            m_part->discard();
        }
    }
    emitFailure(error);
}

void DownloadJob::suspend()
{
    if (isFinished())
        return;
    cancelChildren();
    m_http = nullptr;
    if (m_part) {
        if (m_part->state() == PartFile::State::Open && m_received > 0) {
            m_part->keep();
            m_keptPartial = true;
        } else {
            m_part->discard();
        }
    }
    emitFailure(ApiError(ApiError::Kind::Cancelled, tr("Paused; it continues when the application starts again.")));
}

void DownloadJob::abortWork()
{
    cancelChildren();
    m_http = nullptr;
    if (m_part)
        m_part->discard();
}

} // namespace getbill
