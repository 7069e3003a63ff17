#pragma once

#include "sandbox/SandboxServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <memory>

namespace getbill::sandbox::test {

/// What one request to the sandbox gave back: status, body as far as it came, headers, and how long it took.
struct Result
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    qint64 elapsedMs = 0;
    bool finished = false;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

/// The base of the sandbox's test classes: a SandboxServer on loopback and a real QNetworkAccessManager that
/// drives it over real sockets, as the client will, with the calls every sandbox test makes.
class SandboxTestCase : public QObject
{
    Q_OBJECT
protected:
    /// Starts a fresh server (and network manager); false and the reason in errorString() of the server on failure.
    bool startServer(const SandboxServer::Options &options);
    /// Adds the three reports most tests use: report_abc123 (a completed CSV), report_pend01 (processing) and
    /// report_other1 (another company's).
    void addStandardReports();
    void stopServer();

    QJsonObject ticketData(const QString &id);
    Result run(QNetworkReply *reply, int timeoutMs = 10000);
    Result api(const QString &pathAndQuery, const QString &token = SandboxServer::demoToken());
    Result get(const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {}, int transferTimeoutMs = 0);
    Result postToken(const QByteArray &form, const QByteArray &basicAuth = {});
    QUrl ticketUrl(const QString &id);
    QUrl url(const QString &pathAndQuery) const;
    SandboxReport makeReport(const QString &id, const QByteArray &content) const;

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QSslConfiguration m_ssl = QSslConfiguration::defaultConfiguration();
};

} // namespace getbill::sandbox::test
