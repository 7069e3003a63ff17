#pragma once

#include "sandbox/SandboxTypes.h"

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

namespace getbill::sandbox {

/// How SandboxServer::start() sets the server up. Declared outside the class so that `= {}` works as a default
/// argument (GCC rejects nested structs with member initialisers there).
struct SandboxOptions
{
    bool tls = false;
    bool sampleData = true;
};

/// An in-process look-alike of the GetBill service on real loopback sockets: the external API and the token
/// endpoint on one listener, the signed-URL download host on another (a different origin), both served from the
/// caller's thread and event loop. Tests, the CLI's --demo and benchmarks drive it; faults make it misbehave on
/// purpose, and the requests it receives are recorded (the newest ones, bounded: see requests()). All its time
/// comes from one clock that tests can replace (setClock()).
class SandboxServer : public QObject
{
    Q_OBJECT
public:
    using Options = SandboxOptions;

    explicit SandboxServer(QObject *parent = nullptr);
    ~SandboxServer() override;

    /// Listens on loopback, ephemeral ports; false and errorString() on failure.
    bool start(const Options &options = {});
    QString errorString() const;
    bool isListening() const;

    QUrl apiUrl() const;                  ///< http(s)://127.0.0.1:P/external-api/v1
    QUrl tokenUrl() const;                ///< http(s)://127.0.0.1:P/token (same listener as the API)
    QUrl downloadOrigin() const;          ///< http(s)://localhost:Q: another listener, port and host name
    static QByteArray caCertificatePem(); ///< the CA that signed the test certificate (for GETBILL_CA_BUNDLE)
    static QString demoToken();           ///< "demo-token": always accepted, scope reports:read

    // catalogue
    void clearReports();
    void addReport(const SandboxReport &r); ///< replaces a report with the same id (and restarts its poll count)
    QList<SandboxReport> reports() const;
    std::optional<SandboxReport> report(const QString &id) const;
    QByteArray contentOf(const QString &id) const; ///< the exact bytes served (generated ones materialised)
    QByteArray etagOf(const QString &id) const;    ///< the ETag the download host sends for it (with quotes)

    // tokens and OAuth clients
    void addToken(const QString &token, const QStringList &scopes = {QStringLiteral("reports:read")});
    void addClient(const QString &clientId, const QString &clientSecret,
                   const QStringList &scopes = {QStringLiteral("reports:read")});
    void setTokenLifetime(int seconds); ///< for tokens issued by /token (default 3600); 0 = already expired
    int tokenRequestCount() const;      ///< POSTs to /token that issued a token

    // time
    /// The time every time-based answer reads: rate-limit windows and X-RateLimit-Reset, token lifetimes, link
    /// expiry (`expires=`, `expires_at`) and retry_after. An empty function goes back to the system clock (the
    /// default). Rate-limit windows start afresh. Fault delays and stalls stay in real time: they play the network.
    /// With an external download host, keep the system clock: the real server checks expiry by its own.
    /// SandboxClock::function() gives a clock that tests advance.
    void setClock(std::function<qint64()> nowMsecsSinceEpoch);

    // links, rate limit, faults
    void setLinkLifetime(int seconds); ///< download_url expiry (default 3600); 0 = already expired
    void setSingleUseLinks(bool on);
    /// A sliding window per OAuth client (tokens from /token) or per token (addToken(), the demo token); default
    /// 1000 requests per 3600 s. Every API answer carries X-RateLimit-Limit, -Remaining, -Reset (Unix time) and
    /// -Window (seconds); a full window answers 429 with details retry_after, limit and reset_time. The token
    /// endpoint is not counted and carries none of them: GETBILL_API.md documents the limit for the API's reads.
    void setRateLimit(int limit, int windowSeconds);
    /// Also send a Retry-After header (seconds, = retry_after) with a 429. Off by default: GetBill does not
    /// document one, and clients must cope with both.
    void setRetryAfterHeader(bool on);
    void addFault(const Fault &f);
    void clearFaults();

    // a real download host (nginx) instead of downloadOrigin()
    /// From now on tickets link to `host.base` + the report's file name, signed for nginx's secure_link
    /// (?md5=...&expires=..., the link lifetime applies), and each report's bytes are written once into
    /// host.folder, chunk by chunk. std::nullopt goes back to the sandbox's own download host. Faults and the
    /// request log of the download host do not apply there: the real server answers.
    void setExternalDownloadHost(const std::optional<ExternalDownloadHost> &host);
    std::optional<ExternalDownloadHost> externalDownloadHost() const;
    /// The file a ticket for `id` wrote into the external host's folder; empty before that ticket.
    QString externalFilePath(const QString &id) const;
    /// Writes the report's file for the external host now rather than at its first ticket (benchmarks do it before
    /// they start the clock); its path, or empty and `error` set when no host is set, the id is unknown or the write
    /// failed.
    QString prepareExternalFile(const QString &id, QString *error);
    /// nginx's value of secure_link_md5 "$secure_link_expires$uri <secret>": MD5, base64url without padding.
    static QByteArray secureLinkMd5(const QString &uriPath, qint64 expires, const QByteArray &secret);

    // what arrived
    /// The newest requests received, oldest first, within the log's bounds (see RequestLog): at most
    /// setRequestLogLimit() records (default 10,000) and setRequestLogByteLimit() bytes (default 64 MiB), each
    /// with the first 64 KiB of its body and at most 64 headers (16 KiB).
    QList<RecordedRequest> requests() const;
    void setRequestLogLimit(int maxRequests);     ///< 0 records nothing (requestReceived() still fires)
    void setRequestLogByteLimit(qint64 maxBytes); ///< the oldest records go first
    void clearRequests();

signals:
    /// Every request, as recorded (so bounded the same way), whether or not the log keeps it.
    void requestReceived(const getbill::sandbox::RecordedRequest &request);

private:
    class Private;
    std::unique_ptr<Private> m_d;
};

} // namespace getbill::sandbox
