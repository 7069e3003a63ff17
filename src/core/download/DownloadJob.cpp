#include "download/DownloadJob.h"

#include "api/UrlPolicy.h"
#include "download/FileCommit.h"
#include "download/PartWriter.h"
#include "download/PartialDownload.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStorageInfo>
#include <QThread>

namespace getbill {

namespace {
QString size(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

} // namespace

DownloadJob::DownloadJob(QNetworkAccessManager *network, const NetworkOptions &options, DownloadTicket ticket,
                         QString targetPath, QObject *parent)
    : Job(parent), m_network(network), m_options(options), m_ticket(std::move(ticket)),
      m_targetPath(QDir::cleanPath(std::move(targetPath)))
{}

DownloadJob::~DownloadJob()
{
    if (!isFinished()) {
        m_stopped = true;
        if (m_reply)
            m_reply->abort();
        stopWriter();
        releasePart();
    }
    stopWriter();
}

void DownloadJob::start()
{
    if (!UrlPolicy::isAllowed(m_ticket.downloadUrl)) {
        fail(ApiError(ApiError::Kind::InsecureUrl,
                      tr("The download link is not secure (not https); the file was not downloaded.")));
        return;
    }
    if (m_ticket.fileSize < 0) {
        fail(ApiError(ApiError::Kind::InvalidResponse, tr("GetBill did not say how large the file is.")));
        return;
    }
    const QFileInfo target(m_targetPath);
    const QString folder = target.absolutePath();
    if (!QFileInfo(folder).isDir()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("The folder %1 does not exist.").arg(QDir::toNativeSeparators(folder))));
        return;
    }
    if (target.exists() && (!m_overwrite || target.isDir())) {
        fail(ApiError(
            ApiError::Kind::LocalFile,
            target.isDir()
                ? tr("%1 is a folder.").arg(QDir::toNativeSeparators(m_targetPath))
                : tr("%1 already exists; it was left untouched.").arg(QDir::toNativeSeparators(m_targetPath))));
        return;
    }
    if (!QFileInfo(folder).isWritable()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write in the folder %1: permission denied.").arg(QDir::toNativeSeparators(folder))));
        return;
    }
    // Two items saving to the same name would write one .part together; a lock of a killed process is stale
    // (its PID is gone) and taken over.
    m_lock = std::make_unique<QLockFile>(m_targetPath + QLatin1String(".part.lock"));
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        const bool busy = m_lock->error() == QLockFile::LockFailedError;
        m_lock.reset();
        fail(ApiError(ApiError::Kind::LocalFile,
                      busy ? tr("%1 is already being downloaded.").arg(QDir::toNativeSeparators(m_targetPath))
                           : tr("Cannot write in the folder %1.").arg(QDir::toNativeSeparators(folder))));
        return;
    }

    // Continue an interrupted attempt only when its sidecar says it is this very file; anything else named
    // <target>.part is a leftover of ours (we hold the lock) and is replaced.
    const std::optional<PartialDownload> meta = PartialDownload::load(m_targetPath);
    const qint64 partSize = QFileInfo(partPath()).size();
    qint64 resume = 0;
    if (meta && meta->reportId == m_ticket.id && meta->fileSize == m_ticket.fileSize && partSize > 0 &&
        partSize < m_ticket.fileSize) {
        resume = partSize;
        m_etag = meta->etag;
    } else {
        PartialDownload::discard(m_targetPath);
    }
    startWriter();
    // Re-hashing a long .part takes a while: the writer does it, and the download goes on in onPartOpened().
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, resume] { writer->open(resume); }, Qt::QueuedConnection);
}

void DownloadJob::startWriter()
{
    m_writerThread = std::make_unique<QThread>();
    m_writerThread->setObjectName(QStringLiteral("PartWriter"));
    m_writer = new PartWriter(partPath());
    m_writer->moveToThread(m_writerThread.get());
    connect(m_writerThread.get(), &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &PartWriter::opened, this, &DownloadJob::onPartOpened);
    connect(m_writer, &PartWriter::written, this, &DownloadJob::onWritten);
    connect(m_writer, &PartWriter::writeFailed, this, [this](const QString &error) {
        if (!m_stopped)
            fail(ApiError(ApiError::Kind::LocalFile,
                          tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(partPath()), error)));
    });
    connect(m_writer, &PartWriter::finished, this, &DownloadJob::onPartFinished);
    m_writerThread->start();
}

void DownloadJob::stopWriter()
{
    if (!m_writerThread)
        return;
    m_writer->disconnect(this);
    // Runs after every write queued before it: once it returns, the file holds all it was given and is closed.
    QMetaObject::invokeMethod(m_writer, &PartWriter::close, Qt::BlockingQueuedConnection);
    m_writerThread->quit();
    m_writerThread->wait();
    m_writerThread.reset();
    m_writer = nullptr;
    m_partOpen = false;
}

void DownloadJob::onPartOpened(qint64 resumedBytes, const QString &error)
{
    if (m_stopped)
        return;
    const QString folder = QFileInfo(m_targetPath).absolutePath();
    if (!error.isEmpty()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write in the folder %1: %2").arg(QDir::toNativeSeparators(folder), error)));
        return;
    }
    m_partOpen = true;
    m_ownsPart = true;
    m_resumedFrom = m_received = m_written = resumedBytes;
    if (resumedBytes == 0)
        m_etag.clear();
    const qint64 needed = m_ticket.fileSize - m_received;
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < needed) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Not enough free space in %1: the report needs %2, %3 are free.")
                          .arg(QDir::toNativeSeparators(folder), size(needed), size(storage.bytesAvailable()))));
        return;
    }
    if (!PartialDownload{m_ticket.id, m_ticket.fileSize, m_etag}.save(m_targetPath)) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write in the folder %1.").arg(QDir::toNativeSeparators(folder))));
        return;
    }
    m_rate.start(m_received);
    get(m_ticket.downloadUrl);
}

void DownloadJob::onWritten(int generation, qint64 total)
{
    if (m_stopped || generation != m_generation)
        return;
    m_written = total;
    // Reading paused while too much waited for the disk: the reply kept the rest (and TCP held the server back).
    if (!m_bodyComplete && m_reply && m_reply->bytesAvailable() > 0)
        onReadyRead();
    maybeFinalize();
}

void DownloadJob::truncatePart()
{
    ++m_generation;
    QMetaObject::invokeMethod(m_writer, &PartWriter::truncate, Qt::QueuedConnection);
    m_received = 0;
    m_written = 0;
    m_resumedFrom = 0;
    m_rate.start(0);
}

void DownloadJob::get(const QUrl &url)
{
    m_currentUrl = url;
    QNetworkRequest request(url);
    m_options.apply(request);
    // We follow redirects ourselves, to check each hop against the https-or-loopback rule.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    // Byte counts must be the file's: no transparent decompression.
    request.setRawHeader("Accept-Encoding", "identity");
    // File bodies go over HTTP/1.1: Qt 6.4's HTTP/2 path ignores setReadBufferSize and buffers the whole body in
    // memory (measured against nginx: 352 MiB peak RSS for a 256 MiB file, 43 MiB over HTTP/1.1; tst_nginx_memory).
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_rangeRequested = m_received > 0;
    m_responseAccepted = false;
    if (m_rangeRequested) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + '-');
        // Without a validator the rest could belong to a newer file; the size check and the checksum remain.
        if (!m_etag.isEmpty())
            request.setRawHeader("If-Range", m_etag.toLatin1());
    }
    m_reply.reset(m_network->get(request));
    m_reply->setReadBufferSize(m_options.readBufferBytes);
    connect(m_reply.data(), &QNetworkReply::metaDataChanged, this, &DownloadJob::onMetaData);
    connect(m_reply.data(), &QNetworkReply::readyRead, this, &DownloadJob::onReadyRead);
    connect(m_reply.data(), &QNetworkReply::finished, this, &DownloadJob::onFinished);
}

void DownloadJob::onMetaData()
{
    if (m_stopped || m_responseAccepted)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206)
        return;
    if (!acceptResponse(status))
        return;
    m_responseAccepted = true;
}

namespace {
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
QByteArray announcedSha256(const QNetworkReply &reply)
{
    const QByteArray hex = reply.rawHeader("X-Checksum-Sha256").trimmed();
    if (!hex.isEmpty()) {
        const QByteArray raw = QByteArray::fromHex(hex);
        return raw.size() == 32 && hex.size() == 64 ? raw : QByteArray("invalid");
    }
    const QList<QByteArray> digests = reply.rawHeader("Digest").split(',');
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

bool DownloadJob::acceptResponse(int status)
{
    if (status == 200 && m_rangeRequested) {
        // The server ignored the Range, or the file changed (If-Range): what comes is the whole file.
        truncatePart();
        m_rangeRequested = false;
    }
    if (status == 206) {
        qint64 first = -1, last = -1, total = -1;
        const bool ok = parseContentRange(m_reply->rawHeader("Content-Range"), &first, &last, &total);
        if (!m_rangeRequested || !ok || first != m_received || last != m_ticket.fileSize - 1 ||
            (total >= 0 && total != m_ticket.fileSize)) {
            restartFromZero();
            return false;
        }
    }
    bool ok = false;
    const qint64 announced = m_reply->rawHeader("Content-Length").toLongLong(&ok);
    if (ok && announced != m_ticket.fileSize - m_received) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download server announced %1 bytes, but GetBill said the report has %2 bytes; the file "
                         "was not saved.")
                          .arg(announced + m_received)
                          .arg(m_ticket.fileSize)));
        return false;
    }
    m_expectedSha256 = announcedSha256(*m_reply);
    const QString etag = QString::fromLatin1(m_reply->rawHeader("ETag"));
    if (etag != m_etag && etag.size() <= 512) {
        m_etag = etag;
        PartialDownload{m_ticket.id, m_ticket.fileSize, m_etag}.save(m_targetPath);
    }
    return true;
}

void DownloadJob::restartFromZero()
{
    // A server that resumes wrongly gets two more chances from byte 0, not an endless loop.
    if (++m_restarts > 2) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download server %1 sent the wrong part of the file; the file was not saved.")
                          .arg(m_currentUrl.host())));
        return;
    }
    m_reply->disconnect(this);
    m_reply->abort();
    m_reply.reset();
    truncatePart();
    get(m_currentUrl);
}

void DownloadJob::onReadyRead()
{
    if (m_stopped)
        return;
    if (!m_responseAccepted)
        onMetaData();
    if (m_stopped || !m_responseAccepted || m_received - m_written >= maxUnwrittenBytes)
        return;
    takeChunk(m_reply->read(m_reply->bytesAvailable()));
}

bool DownloadJob::takeChunk(const QByteArray &chunk)
{
    if (chunk.isEmpty())
        return true;
    if (m_received + chunk.size() > m_ticket.fileSize) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download server sent more than the %1 bytes GetBill announced; the file was not saved.")
                          .arg(m_ticket.fileSize)));
        return false;
    }
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, chunk] { writer->write(chunk); }, Qt::QueuedConnection);
    m_received += chunk.size();
    m_rate.update(m_received);
    emit progress(m_received, m_ticket.fileSize);
    return true;
}

ApiError DownloadJob::transferError() const
{
    const QString host = m_currentUrl.host();
    switch (m_reply->error()) {
    case QNetworkReply::OperationCanceledError:
        return ApiError(ApiError::Kind::Timeout, tr("The download from %1 stalled: no data for %2 seconds.")
                                                     .arg(host)
                                                     .arg(m_options.transferTimeoutMs / 1000.0));
    case QNetworkReply::SslHandshakeFailedError:
        return ApiError(ApiError::Kind::Tls,
                        tr("The secure connection to the download server %1 could not be verified (untrusted or "
                           "invalid certificate).")
                            .arg(host));
    case QNetworkReply::RemoteHostClosedError:
        return ApiError(ApiError::Kind::Network, tr("The download server %1 closed the connection after %2 of %3.")
                                                     .arg(host, size(m_received), size(m_ticket.fileSize)));
    default:
        return ApiError(ApiError::Kind::Network, tr("The download from %1 failed after %2 of %3 (network error).")
                                                     .arg(host, size(m_received), size(m_ticket.fileSize)));
    }
}

void DownloadJob::onFinished()
{
    if (m_stopped)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status >= 300 && status < 400) {
        const QUrl next = m_currentUrl.resolved(m_reply->header(QNetworkRequest::LocationHeader).toUrl());
        if (++m_redirects > maxRedirects || !next.isValid()) {
            fail(ApiError(ApiError::Kind::InsecureUrl, tr("The download server redirected too often.")));
            return;
        }
        if (!UrlPolicy::isAllowed(next)) {
            fail(ApiError(ApiError::Kind::InsecureUrl,
                          tr("The download server redirected to an insecure address (%1); it was not followed.")
                              .arg(UrlPolicy::redacted(next))));
            return;
        }
        m_reply.reset();
        get(next);
        return;
    }
    if (status == 416 && m_rangeRequested) {
        restartFromZero();
        return;
    }
    if (status >= 400) {
        const bool linkProblem = status == 400 || status == 401 || status == 403 || status == 404 || status == 410;
        fail(ApiError(linkProblem ? ApiError::Kind::LinkRejected : ApiError::Kind::Http,
                      linkProblem ? tr("The download link was refused by %1 (HTTP %2): it has expired or was already "
                                       "used.")
                                        .arg(m_currentUrl.host())
                                        .arg(status)
                                  : tr("The download server %1 answered HTTP %2.").arg(m_currentUrl.host()).arg(status),
                      status)
                 .withRetryAfter(ApiError::fromHttp(status, {}, RateLimit(), m_reply->rawHeader("Retry-After"))
                                     .retryAfterSeconds()));
        return;
    }
    if (m_reply->error() != QNetworkReply::NoError) {
        fail(transferError());
        return;
    }
    if (!m_responseAccepted)
        onMetaData();
    if (m_stopped)
        return;
    if (!m_responseAccepted) {
        fail(ApiError(ApiError::Kind::InvalidResponse,
                      tr("The download server %1 answered HTTP %2.").arg(m_currentUrl.host()).arg(status), status));
        return;
    }
    // What the reply still holds is taken whatever waits for the disk: at most its bounded read buffer.
    if (!takeChunk(m_reply->readAll()))
        return;
    if (m_received != m_ticket.fileSize) {
        // The announced length matched (checked on the headers), so the connection ended early: worth resuming.
        fail(ApiError(ApiError::Kind::Network, tr("The download from %1 ended early: %2 of %3 bytes arrived.")
                                                   .arg(m_currentUrl.host())
                                                   .arg(m_received)
                                                   .arg(m_ticket.fileSize)));
        return;
    }
    m_reply.reset();
    m_bodyComplete = true;
    emit verifying();
    maybeFinalize();
}

void DownloadJob::maybeFinalize()
{
    if (!m_bodyComplete || m_finalizing || m_written != m_received)
        return;
    // Flushing and syncing hundreds of MiB can take a second: the writer does it, the event loop stays free.
    m_finalizing = true;
    QMetaObject::invokeMethod(m_writer, &PartWriter::finish, Qt::QueuedConnection);
}

void DownloadJob::onPartFinished(const QByteArray &digest, const QString &error)
{
    if (m_stopped)
        return;
    stopWriter();
    if (!error.isEmpty()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(partPath()), error)));
        return;
    }
    m_sha256 = QString::fromLatin1(digest.toHex());
    if (!m_expectedSha256.isEmpty()) {
        if (m_expectedSha256 != digest) {
            fail(ApiError(ApiError::Kind::Integrity,
                          tr("The downloaded file does not match the checksum the download server announced; the "
                             "file was not saved.")));
            return;
        }
        m_checksumVerified = true;
    }
    QString why;
    if (!FileCommit::commit(partPath(), m_targetPath, m_overwrite, &why)) {
        fail(ApiError(ApiError::Kind::LocalFile, why));
        return;
    }
    m_ownsPart = false;
    QFile::remove(PartialDownload::metaPath(m_targetPath));
    m_lock.reset();
    emitSuccess();
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
    m_stopped = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply.reset();
    }
    // Bytes already on disk are worth keeping when the next attempt can continue after them.
    const bool keep = m_partOpen && m_received > 0 && isResumable(error);
    stopWriter();
    if (keep) {
        m_ownsPart = false;
        m_keptPartial = true;
        m_lock.reset();
    } else {
        releasePart();
    }
    emitFailure(error);
}

void DownloadJob::discardPart()
{
    stopWriter();
    if (m_ownsPart) {
        m_ownsPart = false;
        PartialDownload::discard(m_targetPath);
    }
}

void DownloadJob::releasePart()
{
    discardPart();
    m_lock.reset();
}

void DownloadJob::abortWork()
{
    m_stopped = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply.reset();
    }
    releasePart();
}

} // namespace getbill
