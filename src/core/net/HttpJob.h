#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "api/RateLimit.h"
#include "net/HttpErrors.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QScopedPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace getbill {

class RequestGate;
class TokenProvider;

/// Takes a file body as it arrives (HttpPurpose::File). The job reads from the network only while the sink has
/// room, so a slow disk slows the server down through TCP instead of growing memory.
class BodySink
{
public:
    virtual ~BodySink() = default;
    /// Bytes the sink takes now; at 0 the job stops reading until resumeReading().
    virtual qint64 room() const = 0;
    /// Takes a chunk (valid during the call only: it is the job's read buffer); false with `error` stops the transfer
    /// (more than announced, disk full).
    virtual bool write(QByteArrayView chunk, ApiError *error) = 0;
};

/// One HTTP exchange with the rules of its purpose, in the spirit of Nextcloud's AbstractNetworkJob and
/// qBittorrent's DownloadHandler: it owns request set-up (cookies off, cache off, redirect policy, timeouts: a
/// transfer that receives nothing for NetworkOptions::transferTimeoutMs is a stall), the bounded body read, the
/// mapping of a failed reply to an ApiError worded for the user, one token refresh on 401 and retries with backoff.
///
/// A job's URL, its origin and its token provider are fixed for its whole life: a retry never asks another
/// account for a token and never sends one to another host. When the provider goes away (the user switched
/// account or signed out) a waiting retry fails instead of sending.
class HttpJob : public Job
{
    Q_OBJECT
public:
    HttpJob(QNetworkAccessManager *network, const NetworkOptions &options, HttpPurpose purpose, QUrl url,
            QObject *parent = nullptr);
    ~HttpJob() override;

    // Set-up, before start().
    /// Api: every attempt carries "Authorization: Bearer" with a token of `tokens`' current session.
    void setBearer(TokenProvider *tokens);
    /// Sends a POST with this body instead of a GET.
    void setPost(const QByteArray &contentType, const QByteArray &body);
    void setRawHeader(const QByteArray &name, const QByteArray &value);
    /// Api: each attempt waits for the gate's go (the rate-limit reserve of unattended work), and a 429 waits for the
    /// window to free up (RequestGate::rateLimited) instead of failing. Not owned; null = no gate.
    void setGate(RequestGate *gate);
    /// Api and Token retry transient failures by default; File never does.
    void setRetryEnabled(bool on) { m_retry = on; }
    /// Cap of a body kept in memory (Api, Token and error answers): default NetworkOptions::maxJsonBytes.
    void setMaxBodyBytes(qint64 bytes) { m_maxBodyBytes = bytes; }
    /// File: where the body goes (not owned; must outlive the job).
    void setSink(BodySink *sink) { m_sink = sink; }
    /// File: the transfer continues a file at `alreadyDone` of `total` bytes; progress and messages count from it.
    void setProgressBase(qint64 alreadyDone, qint64 total);

    HttpPurpose purpose() const { return m_purpose; }
    /// The URL of the last request (after redirects).
    QUrl url() const { return m_url; }
    QString host() const { return m_url.host(); }
    /// Of the final answer; 0 when none arrived.
    int status() const { return m_status; }
    /// The whole body (Api, Token, and the bounded body of an error answer).
    const QByteArray &body() const { return m_body; }
    QByteArray rawHeader(const QByteArray &name) const;
    RateLimit rateLimit() const { return m_rateLimit; }
    bool usedHttp2() const { return m_http2; }
    /// File: body bytes handed to the sink by this job.
    qint64 bytesReceived() const { return m_received; }
    int attempts() const { return m_attempt; }

    /// File: reads on once the sink has room again.
    void resumeReading();
    /// Ends the job with `error` at once (a handler of responseStarted() that does not like the answer).
    void abortWith(const ApiError &error);

    /// Hops a File request follows at most.
    static constexpr int maxFileRedirects = 5;

signals:
    /// A transient failure is retried after `delayMs` (the UI shows "waiting until ...").
    void retrying(const getbill::ApiError &error, int delayMs);
    void rateLimitSeen(const getbill::RateLimit &rateLimit);
    /// File: the final answer's status and headers are in (a 2xx); no body byte reached the sink yet.
    void responseStarted();

protected:
    void run() override;
    void abortWork() override;

private:
    void attempt();
    void send(const QString &token);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void pump();
    bool followRedirect();
    void retryOrFail(const ApiError &error);
    void releaseGate(const RateLimit &seen = {});
    void dropReply();
    ApiError httpError() const;
    ApiError transportError(int networkError) const;
    ApiError redirectRefused() const;
    ApiError tooLargeError() const;

    QNetworkAccessManager *m_network;
    NetworkOptions m_options;
    HttpPurpose m_purpose;
    QUrl m_url;
    QUrl m_origin;
    QPointer<TokenProvider> m_tokens;
    QPointer<RequestGate> m_gate;
    bool m_gateHeld = false; ///< the gate counts this attempt as on its way
    int m_rateLimitedWaits = 0;
    bool m_bearer = false;
    QString m_token;
    QByteArray m_method = "GET";
    QByteArray m_contentType;
    QByteArray m_payload;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    bool m_retry = true;
    qint64 m_maxBodyBytes;
    BodySink *m_sink = nullptr;
    qint64 m_base = 0;
    qint64 m_total = -1;

    QScopedPointer<QNetworkReply, QScopedPointerDeleteLater> m_reply;
    QTimer m_retryTimer;
    QElapsedTimer m_sentAt; ///< for the request log (RequestLog)
    QByteArray m_body;
    /// File bodies are read through this one buffer: a fresh array per read (up to the 1 MiB read buffer) made glibc
    /// raise its mmap threshold and keep the freed memory, so peak memory grew with the size of the file.
    QByteArray m_readBuffer;
    QList<QPair<QByteArray, QByteArray>> m_responseHeaders;
    RateLimit m_rateLimit;
    int m_status = 0;
    int m_attempt = 0;
    int m_redirects = 0;
    qint64 m_received = 0;
    bool m_tokenRefreshed = false;
    bool m_tooLarge = false;
    bool m_started = false; ///< File: responseStarted() was emitted for the current reply
    bool m_http2 = false;
};

} // namespace getbill
