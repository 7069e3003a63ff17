#include "SandboxTestCase.h"

#include <QElapsedTimer>
#include <QSignalSpy>

namespace getbill::sandbox::test {

using namespace Qt::Literals::StringLiterals;

bool SandboxTestCase::startServer(const SandboxServer::Options &options)
{
    m_server = std::make_unique<SandboxServer>();
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_ssl = QSslConfiguration::defaultConfiguration();
    return m_server->start(options);
}

void SandboxTestCase::addStandardReports()
{
    m_server->addReport(makeReport(u"report_abc123"_s, "hello,world\r\n1,2\r\n"_ba.repeated(500)));
    SandboxReport pending = makeReport(u"report_pend01"_s, {});
    pending.status = u"processing"_s;
    pending.downloadAvailable = false;
    m_server->addReport(pending);
    SandboxReport foreign = makeReport(u"report_other1"_s, "secret");
    foreign.ownerCompany = u"acme"_s;
    m_server->addReport(foreign);
}

void SandboxTestCase::stopServer()
{
    m_nam.reset();
    m_server.reset();
}

SandboxReport SandboxTestCase::makeReport(const QString &id, const QByteArray &content) const
{
    SandboxReport r;
    r.id = id;
    r.type = u"financial"_s;
    r.title = u"Synthèse financière – janvier 2024"_s;
    r.description = u"Test report"_s;
    r.filename = u"financial_summary_2024_01.csv"_s;
    r.mimeType = u"text/csv"_s;
    r.periodFrom = QDate(2024, 1, 1);
    r.periodTo = QDate(2024, 1, 31);
    r.createdAt = QDateTime(QDate(2024, 2, 1), QTime(9, 30), Qt::UTC);
    r.generatedAt = r.createdAt.addSecs(60);
    r.content = content;
    return r;
}

QUrl SandboxTestCase::url(const QString &pathAndQuery) const
{
    return QUrl(m_server->apiUrl().toString() + pathAndQuery);
}

Result SandboxTestCase::run(QNetworkReply *reply, int timeoutMs)
{
    Result result;
    QElapsedTimer timer;
    timer.start();
    // Collect as it arrives: bytes that came before an error are part of what the tests check.
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [&result, reply] { result.body += reply->readAll(); });
    if (!reply->isFinished()) {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        spy.wait(timeoutMs);
    }
    result.finished = reply->isFinished();
    if (!result.finished)
        reply->abort();
    if (reply->isOpen())
        result.body += reply->readAll();
    result.elapsedMs = timer.elapsed();
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    for (const auto &h : reply->rawHeaderPairs())
        result.headers.insert(h.first.toLower(), h.second);
    reply->deleteLater();
    return result;
}

Result SandboxTestCase::get(const QUrl &target, const QList<QPair<QByteArray, QByteArray>> &headers,
                            int transferTimeoutMs)
{
    QNetworkRequest request(target);
    request.setSslConfiguration(m_ssl);
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    if (transferTimeoutMs > 0)
        request.setTransferTimeout(transferTimeoutMs);
    return run(m_nam->get(request));
}

Result SandboxTestCase::api(const QString &pathAndQuery, const QString &token)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!token.isEmpty())
        headers.append({"Authorization", "Bearer " + token.toUtf8()});
    return get(url(pathAndQuery), headers);
}

Result SandboxTestCase::postToken(const QByteArray &form, const QByteArray &basicAuth)
{
    QNetworkRequest request(m_server->tokenUrl());
    request.setSslConfiguration(m_ssl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded"_ba);
    if (!basicAuth.isEmpty())
        request.setRawHeader("Authorization", "Basic " + basicAuth.toBase64());
    return run(m_nam->post(request, form));
}

QUrl SandboxTestCase::ticketUrl(const QString &id)
{
    const Result r = api(u"/reports/download/"_s + id);
    if (r.status != 200)
        return {};
    return QUrl(r.json().value(u"data"_s).toObject().value(u"download_url"_s).toString());
}

QJsonObject SandboxTestCase::ticketData(const QString &id)
{
    return api(u"/reports/download/"_s + id).json().value(u"data"_s).toObject();
}

} // namespace getbill::sandbox::test
