#pragma once

// Internal to getbill_sandbox: the state behind SandboxServer and the helpers its three source files share
// (SandboxServer.cpp: set-up, dispatch, faults; SandboxApi.cpp: the API and token endpoint; SandboxDownloads.cpp:
// the download host and the external one). Nothing outside src/sandbox includes this file.

#include "sandbox/HttpConnection.h"
#include "sandbox/RequestLog.h"
#include "sandbox/SandboxListener.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/SlidingWindowLimit.h"

#include <QHash>
#include <QJsonObject>
#include <QUrlQuery>

namespace getbill::sandbox {

namespace internal {

inline const QString ApiPrefix = QStringLiteral("/external-api/v1");

/// `bytes` random bytes from the system generator, hex-encoded: tokens, link ids, the signing key.
QByteArray randomHex(int bytes);

struct TokenInfo
{
    QStringList scopes;
    qint64 expiresAtMs = 0; ///< 0 = never
    QString clientId;       ///< the OAuth client it was issued to; empty for the demo token and addToken()
};

struct ClientInfo
{
    QString secret;
    QStringList scopes;
};

struct LinkInfo
{
    QString reportId;
    bool used = false;
};

struct ActiveFault
{
    Fault fault;
    int remaining = 1;
};

/// A report file written for the external download host, and the version of the report it holds.
struct ExternalFile
{
    QString fileName;
    QByteArray etag;
};

} // namespace internal

/// The state of one SandboxServer and the handlers of its three hosts.
class SandboxServer::Private
{
public:
    explicit Private(SandboxServer *q) : q(q) {}

    // SandboxServer.cpp: sockets, dispatch, faults
    void onSocket(QTcpSocket *socket, Fault::Host host);
    void onRequest(HttpConnection *connection, Fault::Host listenerHost, const HttpRequest &request);
    std::optional<Fault> takeFault(Fault::Host host, const QString &pathAndQuery);
    QString scheme() const;
    /// The sandbox's time (setClock(), else the system's): everything time-based reads it here.
    qint64 nowMs() const;
    qint64 nowSecs() const; ///< rounded down

    // SandboxApi.cpp: the API host and the token endpoint
    HttpResponse handleApi(const HttpRequest &request, const QString &path, const QUrlQuery &query);
    HttpResponse handleList(const QUrlQuery &query);
    HttpResponse handleReport(const QString &id);
    HttpResponse handleTicket(const QString &id);
    HttpResponse handleToken(const HttpRequest &request);
    QJsonObject reportJson(const SandboxReport &r) const;

    // SandboxDownloads.cpp: the signed download host and the external one
    HttpResponse handleDownload(const HttpRequest &request, const QString &path, const QUrlQuery &query);
    QByteArray sign(const QString &path, const QString &expires) const;
    /// A fresh signed link to the sandbox's own download host for `reportId`, valid until `expires`.
    QUrl ownLink(const QString &reportId, qint64 expires);
    QString externalFileName(const SandboxReport &r) const;
    std::optional<QString> materialise(const SandboxReport &r, QString *error);
    QUrl externalLink(const QString &fileName, qint64 expires) const;

    SandboxServer *q;
    Options m_options;
    std::function<qint64()> m_clock; ///< empty: the system clock
    QString m_error;
    SandboxListener *m_api = nullptr;
    SandboxListener *m_download = nullptr;
    SandboxListener *m_download6 = nullptr;
    QList<SandboxReport> m_reports;
    QHash<QString, int> m_polls; ///< GET /reports/{id} answered so far, for reports with completesAfterPolls
    QHash<QString, internal::TokenInfo> m_tokens;
    QHash<QString, internal::ClientInfo> m_clients;
    int m_tokenLifetime = 3600;
    int m_tokenRequests = 0;
    int m_linkLifetime = 3600;
    bool m_singleUse = false;
    SlidingWindowLimit m_rateLimit;
    bool m_retryAfterHeader = false;
    QList<internal::ActiveFault> m_faults;
    RequestLog m_requests;
    QHash<QString, internal::LinkInfo> m_links;
    QByteArray m_signingKey = internal::randomHex(32);
    std::optional<ExternalDownloadHost> m_external;
    QHash<QString, internal::ExternalFile> m_externalFiles; ///< by report id
};

} // namespace getbill::sandbox
