#include "download/DownloadJob.h"

#include "api/UrlPolicy.h"
#include "download/FileCommit.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStorageInfo>

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
        discardPart();
    }
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
        fail(ApiError(ApiError::Kind::LocalFile, tr("The folder %1 does not exist.").arg(folder)));
        return;
    }
    if (target.exists() && (!m_overwrite || target.isDir())) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      target.isDir() ? tr("%1 is a folder.").arg(m_targetPath)
                                     : tr("%1 already exists; it was left untouched.").arg(m_targetPath)));
        return;
    }
    const QStorageInfo storage(folder);
    if (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < m_ticket.fileSize) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Not enough free space in %1: the report needs %2, %3 are free.")
                          .arg(folder, size(m_ticket.fileSize), size(storage.bytesAvailable()))));
        return;
    }
    // A leftover .part of an earlier, interrupted run is ours to replace; NewOnly makes sure we own the file.
    m_part.setFileName(partPath());
    if (!m_part.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        QFile::remove(partPath());
        if (!m_part.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
            fail(ApiError(ApiError::Kind::LocalFile,
                          tr("Cannot write in the folder %1: %2").arg(folder, m_part.errorString())));
            return;
        }
    }
    m_rate.start();
    get(m_ticket.downloadUrl);
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
    m_reply.reset(m_network->get(request));
    m_reply->setReadBufferSize(m_options.readBufferBytes);
    connect(m_reply.data(), &QNetworkReply::metaDataChanged, this, &DownloadJob::onMetaData);
    connect(m_reply.data(), &QNetworkReply::readyRead, this, &DownloadJob::onReadyRead);
    connect(m_reply.data(), &QNetworkReply::finished, this, &DownloadJob::onFinished);
}

void DownloadJob::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return;
    bool ok = false;
    const qint64 announced = m_reply->rawHeader("Content-Length").toLongLong(&ok);
    if (ok && announced != m_ticket.fileSize) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download server announced %1 bytes, but GetBill said the report has %2 bytes; the file "
                         "was not saved.")
                          .arg(announced)
                          .arg(m_ticket.fileSize)));
    }
}

void DownloadJob::onReadyRead()
{
    if (m_stopped || m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;
    const QByteArray chunk = m_reply->read(m_reply->bytesAvailable());
    if (m_received + chunk.size() > m_ticket.fileSize) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download server sent more than the %1 bytes GetBill announced; the file was not saved.")
                          .arg(m_ticket.fileSize)));
        return;
    }
    if (m_part.write(chunk) != chunk.size()) {
        fail(ApiError(ApiError::Kind::LocalFile,
                      tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(partPath()), m_part.errorString())));
        return;
    }
    m_hash.addData(chunk);
    m_received += chunk.size();
    m_rate.update(m_received);
    emit progress(m_received, m_ticket.fileSize);
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
    if (m_reply->bytesAvailable() > 0)
        onReadyRead();
    if (isFinished())
        return;
    if (m_received != m_ticket.fileSize) {
        fail(ApiError(ApiError::Kind::Integrity,
                      tr("The download is incomplete: %1 of %2 bytes arrived; the file was not saved.")
                          .arg(m_received)
                          .arg(m_ticket.fileSize)));
        return;
    }
    m_reply.reset();
    if (!m_part.flush() || !FileCommit::syncToDisk(m_part.handle())) {
        fail(ApiError(ApiError::Kind::LocalFile, tr("Cannot write %1: %2").arg(partPath(), m_part.errorString())));
        return;
    }
    m_part.close();
    m_sha256 = QString::fromLatin1(m_hash.result().toHex());
    QString why;
    if (!FileCommit::commit(partPath(), m_targetPath, m_overwrite, &why)) {
        fail(ApiError(ApiError::Kind::LocalFile, why));
        return;
    }
    emitSuccess();
}

void DownloadJob::fail(const ApiError &error)
{
    m_stopped = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply.reset();
    }
    discardPart();
    emitFailure(error);
}

void DownloadJob::discardPart()
{
    if (m_part.isOpen()) {
        m_part.close();
        m_part.remove();
    }
}

void DownloadJob::abortWork()
{
    m_stopped = true;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply.reset();
    }
    discardPart();
}

} // namespace getbill
