#pragma once

#include "api/NetworkOptions.h"
#include "api/RateLimit.h"
#include "api/RequestGate.h"

#include <QList>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;

namespace getbill {

class HttpJob;
class Job;
class RequestGate;
class TokenProvider;
class ReportListJob;
class ReportJob;
class TicketJob;

/// The GetBill external API of one account: its base URL, the credential and the network options every request
/// shares. Each call returns a job, not started, that the caller owns. The bearer token is attached to requests
/// for the API origin only (HttpJob's rules), and a call's origin and credential are bound for its whole life.
/// Switching the API address or the credential cancels the calls of the old one, so nothing that was meant for
/// one account reaches another (DESIGN.md: a call's token and origin are bound together).
class ApiClient : public QObject
{
    Q_OBJECT
public:
    static QUrl defaultBaseUrl() { return QUrl(QStringLiteral("https://getbill.io/external-api/v1")); }
    /// Whether `url` may be an API base URL: https (or http to loopback), without query or fragment.
    static bool isAllowedBaseUrl(const QUrl &url);

    ApiClient(QNetworkAccessManager *network, TokenProvider *tokens, QObject *parent = nullptr);
    ~ApiClient() override;

    /// Fails (returns false, keeps the old one) unless isAllowedBaseUrl(). Another address cancels running calls.
    bool setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    void setOptions(const NetworkOptions &options) { m_options = options; }
    const NetworkOptions &options() const { return m_options; }
    QNetworkAccessManager *network() const { return m_network; }
    TokenProvider *tokens() const { return m_tokens; }
    /// Another credential (demo token, the signed-in account, GETBILL_TOKEN): cancels the calls of the old one.
    void setTokens(TokenProvider *tokens);
    /// From the last API answer that carried the headers.
    RateLimit rateLimit() const { return m_rateLimit; }
    /// Every API request made from now on waits for `gate` (the rate-limit reserve of unattended work); null = none.
    /// Not owned. Calls already made keep the gate they had.
    void setRequestGate(RequestGate *gate) { m_gate = gate; }
    RequestGate *requestGate() const { return m_gate; }
    /// Whose reports these are, for the download history (DownloadRecord::apiUrl): the base URL, or what
    /// setAccountKey() said (the demo, whose address changes from run to run, is "demo").
    QString accountKey() const;
    void setAccountKey(const QString &key) { m_accountKey = key; }

    /// Every page of GET /reports (100 a page), optionally filtered by type.
    ReportListJob *listReports(const QString &type = {});
    /// GET /reports/{id}: the only way to poll a report's status.
    ReportJob *fetchReport(const QString &id);
    /// GET /reports/download/{id}: a fresh signed link.
    TicketJob *fetchTicket(const QString &id);
    /// A GET of baseUrl() + path (+ query) with the bearer token: the building block of the calls above.
    HttpJob *get(const QString &path, const QUrlQuery &query = {});
    /// baseUrl() + path (+ query): the only URLs that get the bearer token.
    QUrl endpoint(const QString &path, const QUrlQuery &query = {}) const;

    /// Cancels every call under way (the account is going away).
    void cancelAll();

signals:
    void rateLimitChanged(const getbill::RateLimit &rateLimit);
    /// The address or the credential changed: calls of the old one were cancelled.
    void sessionChanged();

private:
    template <typename J>
    J *track(J *job);
    void noteRateLimit(const RateLimit &rateLimit);

    QNetworkAccessManager *m_network;
    TokenProvider *m_tokens;
    QUrl m_baseUrl = defaultBaseUrl();
    NetworkOptions m_options;
    RateLimit m_rateLimit;
    QPointer<RequestGate> m_gate;
    QString m_accountKey;
    QList<QPointer<Job>> m_calls;
};

} // namespace getbill
