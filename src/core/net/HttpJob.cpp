#include "net/HttpJob.h"

#include "Format.h"
#include "api/RequestGate.h"
#include "api/UrlPolicy.h"
#include "auth/TokenProvider.h"
#include "net/HttpErrors.h"
#include "net/RequestLog.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <algorithm>

namespace getbill {

HttpJob::HttpJob(QNetworkAccessManager *network, const NetworkOptions &options, HttpPurpose purpose, QUrl url,
                 QObject *parent)
    : Job(parent), m_network(network), m_options(options), m_purpose(purpose), m_url(std::move(url)),
      m_origin(m_url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)),
      m_retry(purpose != HttpPurpose::File), m_maxBodyBytes(options.maxJsonBytes)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &HttpJob::attempt);
}

HttpJob::~HttpJob()
{
    dropReply();
}

void HttpJob::setBearer(TokenProvider *tokens)
{
    m_bearer = true;
    // The session, not the account: when the account switches, this provider goes away and so does our token.
    m_tokens = tokens ? tokens->session() : nullptr;
}

void HttpJob::setGate(RequestGate *gate)
{
    m_gate = gate;
}

void HttpJob::setPost(const QByteArray &contentType, const QByteArray &body)
{
    m_method = "POST";
    m_contentType = contentType;
    m_payload = body;
}

void HttpJob::setRawHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

void HttpJob::setProgressBase(qint64 alreadyDone, qint64 total)
{
    m_base = alreadyDone;
    m_total = total;
}

QByteArray HttpJob::rawHeader(const QByteArray &name) const
{
    for (const auto &header : m_responseHeaders)
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    return {};
}

void HttpJob::run()
{
    if (!UrlPolicy::isAllowed(m_url)) {
        emitFailure(ApiError(ApiError::Kind::InsecureUrl,
                             m_purpose == HttpPurpose::File
                                 ? tr("The download link is not secure (not https); the file was not downloaded.")
                                 : tr("The address %1 is not allowed: it must be https (plain http only to this "
                                      "computer).")
                                       .arg(UrlPolicy::redacted(m_url))));
        return;
    }
    attempt();
}

void HttpJob::attempt()
{
    if (m_gate && !m_gateHeld) {
        // Counted by the gate from its go until releaseGate(): the answer's headers tell it what is left.
        m_gate->acquire(this, [this](const ApiError &refused) {
            if (refused.isError()) {
                emitFailure(refused);
                return;
            }
            m_gateHeld = true;
            if (isFinished())
                releaseGate();
            else
                attempt();
        });
        return;
    }
    ++m_attempt;
    if (!m_bearer) {
        send({});
        return;
    }
    if (!m_tokens) {
        releaseGate();
        emitFailure(
            ApiError(ApiError::Kind::NotAuthenticated,
                     tr("The account changed or was signed out; the request to %1 was not sent.").arg(m_url.host())));
        return;
    }
    m_tokens->requestToken(this, [this](const QString &token, const ApiError &error) {
        if (isFinished())
            return;
        if (error.isError()) {
            releaseGate();
            emitFailure(error);
        } else {
            send(token);
        }
    });
}

void HttpJob::send(const QString &token)
{
    m_token = token;
    m_body.clear();
    m_responseHeaders.clear();
    m_tooLarge = false;
    m_started = false;
    m_status = 0;

    QNetworkRequest request(m_url);
    m_options.apply(request);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    switch (m_purpose) {
    case HttpPurpose::Api:
    case HttpPurpose::Token:
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::SameOriginRedirectPolicy);
        request.setMaximumRedirectsAllowed(m_purpose == HttpPurpose::Api ? 5 : 3);
        request.setRawHeader("Accept", "application/json");
        break;
    case HttpPurpose::File:
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        // Qt 6.4's HTTP/2 path ignores setReadBufferSize and buffers the whole body in memory (measured against
        // nginx: 352 MiB peak RSS for a 256 MiB file, 43 MiB over HTTP/1.1; tst_nginx_memory holds the line).
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        request.setRawHeader("Accept-Encoding", "identity");
        break;
    }
    // The token travels only to the origin this job was made for; Qt's same-origin policy keeps redirects there.
    if (m_bearer && UrlPolicy::isSameOrigin(m_url, m_origin))
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    for (const auto &header : std::as_const(m_headers))
        request.setRawHeader(header.first, header.second);

    if (m_method == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, m_contentType);
        m_reply.reset(m_network->post(request, m_payload));
    } else {
        m_reply.reset(m_network->get(request));
    }
    m_sentAt.start();
    if (m_purpose == HttpPurpose::File)
        m_reply->setReadBufferSize(m_options.readBufferBytes);
    connect(m_reply.data(), &QNetworkReply::metaDataChanged, this, &HttpJob::onMetaData);
    connect(m_reply.data(), &QNetworkReply::readyRead, this, &HttpJob::onReadyRead);
    connect(m_reply.data(), &QNetworkReply::finished, this, &HttpJob::onFinished);
}

void HttpJob::onMetaData()
{
    m_status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_responseHeaders = m_reply->rawHeaderPairs();
    m_http2 = m_reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool();
    if (m_purpose != HttpPurpose::File || m_started || m_status < 200 || m_status >= 300)
        return;
    m_started = true;
    emit responseStarted();
}

void HttpJob::onReadyRead()
{
    if (isFinished() || !m_reply)
        return;
    if (m_purpose == HttpPurpose::File && m_status >= 200 && m_status < 300) {
        if (!m_started)
            onMetaData();
        pump();
        return;
    }
    // A JSON answer, or the body of an error or redirect: small, and never more than the cap in memory.
    if (m_tooLarge)
        return;
    const qint64 announced = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    if (announced > m_maxBodyBytes || m_body.size() + m_reply->bytesAvailable() > m_maxBodyBytes) {
        m_tooLarge = true;
        m_reply->abort();
        return;
    }
    m_body += m_reply->readAll();
}

void HttpJob::pump()
{
    while (!isFinished() && m_reply && m_reply->bytesAvailable() > 0) {
        const qint64 room = m_sink ? m_sink->room() : 0;
        if (room <= 0)
            return; // resumeReading() continues; the reply's bounded buffer holds the server back
        if (m_readBuffer.isEmpty())
            m_readBuffer.resize(qsizetype(std::max<qint64>(64 * 1024, m_options.readBufferBytes)));
        const qint64 n = m_reply->read(m_readBuffer.data(),
                                       std::min({room, m_reply->bytesAvailable(), qint64(m_readBuffer.size())}));
        if (n <= 0)
            return;
        ApiError error;
        if (!m_sink->write(QByteArrayView(m_readBuffer.constData(), n), &error)) {
            abortWith(error);
            return;
        }
        m_received += n;
        emit progress(m_base + m_received, m_total);
    }
}

void HttpJob::resumeReading()
{
    if (isFinished() || !m_reply || !m_started)
        return;
    pump();
    if (m_reply && m_reply->isFinished() && m_reply->bytesAvailable() == 0)
        onFinished();
}

void HttpJob::onFinished()
{
    if (isFinished() || !m_reply)
        return;
    QNetworkReply &reply = *m_reply;
    if (m_responseHeaders.isEmpty())
        onMetaData();
    if (m_sentAt.isValid()) // once per reply: a full sink brings us back here
        RequestLog::exchange(m_method, m_url, m_status, reply.error(), m_sentAt.elapsed());
    m_sentAt.invalidate();
    if (m_purpose == HttpPurpose::File && m_status >= 200 && m_status < 300 &&
        reply.error() == QNetworkReply::NoError) {
        pump();
        if (isFinished() || (m_reply && m_reply->bytesAvailable() > 0))
            return; // the sink is full: resumeReading() comes back here
    } else if (!m_tooLarge && reply.bytesAvailable() > 0) {
        onReadyRead();
    }
    if (m_purpose == HttpPurpose::Api) {
        m_rateLimit = RateLimit::fromReply(reply);
        if (m_rateLimit.isKnown())
            emit rateLimitSeen(m_rateLimit);
    }
    releaseGate(m_rateLimit);

    ApiError error;
    if (m_tooLarge) {
        error = tooLargeError();
    } else if (m_purpose == HttpPurpose::File && m_status >= 300 && m_status < 400) {
        if (followRedirect())
            return;
        return; // followRedirect() failed the job
    } else if (m_status >= 400) {
        error = httpError();
    } else if (reply.error() != QNetworkReply::NoError) {
        error = transportError(reply.error());
    } else if (m_status >= 300) {
        // A redirect Qt did not follow (another origin): the far end wanted our token or secret elsewhere.
        error = redirectRefused();
    }
    dropReply();
    if (!error.isError()) {
        emitSuccess();
        return;
    }
    // Every 401 is reported to the provider, also the one after the refresh: that is how an OAuth provider learns
    // it is signed out.
    if (m_bearer && error.httpStatus() == 401 && m_tokens && m_tokens->tokenRejected(m_token) && !m_tokenRefreshed) {
        m_tokenRefreshed = true;
        --m_attempt; // a refreshed token is not a retry of a failure
        attempt();
        return;
    }
    retryOrFail(error);
}

bool HttpJob::followRedirect()
{
    const QUrl next = m_url.resolved(m_reply->header(QNetworkRequest::LocationHeader).toUrl());
    dropReply();
    if (++m_redirects > maxFileRedirects || !next.isValid()) {
        emitFailure(ApiError(ApiError::Kind::InsecureUrl, tr("The download server redirected too often.")));
        return false;
    }
    // https never goes back to http, even on this computer: what was protected stays protected.
    const bool downgrade = m_url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0 &&
                           next.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) != 0;
    if (downgrade || !UrlPolicy::isAllowed(next)) {
        emitFailure(ApiError(ApiError::Kind::InsecureUrl,
                             tr("The download server redirected to an insecure address (%1); it was not followed.")
                                 .arg(UrlPolicy::redacted(next))));
        return false;
    }
    m_url = next;
    send({});
    return true;
}

void HttpJob::retryOrFail(const ApiError &error)
{
    // Behind a gate, a 429 is a wait for the window, however long, and not a failure: the gate holds every request
    // until then and says so once (no `retrying` per request).
    if (m_gate && error.httpStatus() == 429 && m_rateLimitedWaits < RequestGate::maxRateLimitedWaits) {
        ++m_rateLimitedWaits;
        --m_attempt;
        m_gate->rateLimited(error.rateLimit().isKnown() ? error.rateLimit() : m_rateLimit, error.retryAfterSeconds());
        attempt();
        return;
    }
    if (m_retry) {
        if (const auto delay = m_options.retry.delayAfter(error, m_attempt)) {
            emit retrying(error, int(delay->count()));
            m_retryTimer.start(*delay);
            return;
        }
    }
    emitFailure(error);
}

void HttpJob::abortWith(const ApiError &error)
{
    if (isFinished())
        return;
    m_retryTimer.stop();
    dropReply();
    emitFailure(error);
}

void HttpJob::abortWork()
{
    m_retryTimer.stop();
    dropReply();
}

void HttpJob::releaseGate(const RateLimit &seen)
{
    if (!m_gateHeld)
        return;
    m_gateHeld = false;
    if (m_gate)
        m_gate->release(seen);
}

void HttpJob::dropReply()
{
    releaseGate();
    if (!m_reply)
        return;
    m_reply->disconnect(this);
    m_reply->abort();
    m_reply.reset();
}

ApiError HttpJob::httpError() const
{
    return HttpErrors::forStatus(m_purpose, host(), m_status, m_body, m_rateLimit, rawHeader("Retry-After"));
}

ApiError HttpJob::transportError(int networkError) const
{
    // Through a proxy, a refusal on the way is the proxy's, and the user needs to know which one.
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(m_url));
    QString proxy;
    if (!proxies.isEmpty() && proxies.first().type() != QNetworkProxy::NoProxy && !UrlPolicy::isLoopbackHost(host()))
        proxy = proxies.first().hostName() + QLatin1Char(':') + QString::number(proxies.first().port());
    return HttpErrors::forTransport(m_purpose, host(), networkError, m_options.transferTimeoutMs, m_base + m_received,
                                    m_total, proxy);
}

ApiError HttpJob::redirectRefused() const
{
    return HttpErrors::redirectRefused(m_purpose, host());
}

ApiError HttpJob::tooLargeError() const
{
    return HttpErrors::tooLarge(m_purpose, host(), m_maxBodyBytes);
}

} // namespace getbill
