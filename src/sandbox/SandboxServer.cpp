// SandboxServer's public side: set-up on loopback, the catalogue, tokens, switches, the request log, and the
// dispatch of every request to its host's handler with the faults applied.
#include "sandbox/SandboxServer.h"

#include "sandbox/GeneratedBody.h"
#include "sandbox/SampleCatalogue.h"
#include "sandbox/SandboxServerPrivate.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;
using namespace internal;

QByteArray internal::randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return raw.toHex();
}

namespace {

QByteArray readResource(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

QString SandboxServer::Private::scheme() const
{
    return m_options.tls ? u"https"_s : u"http"_s;
}

qint64 SandboxServer::Private::nowMs() const
{
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

qint64 SandboxServer::Private::nowSecs() const
{
    const qint64 ms = nowMs();
    return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

void SandboxServer::Private::onSocket(QTcpSocket *socket, Fault::Host host)
{
    new HttpConnection(
        socket, [this, host](HttpConnection *c, const HttpRequest &r) { onRequest(c, host, r); }, q);
}

std::optional<Fault> SandboxServer::Private::takeFault(Fault::Host host, const QString &pathAndQuery)
{
    for (int i = 0; i < m_faults.size(); ++i) {
        ActiveFault &f = m_faults[i];
        if (f.fault.host != host || !pathAndQuery.contains(f.fault.pathContains))
            continue;
        const Fault fault = f.fault;
        if (f.remaining > 0 && --f.remaining == 0)
            m_faults.removeAt(i);
        return fault;
    }
    return std::nullopt;
}

void SandboxServer::Private::onRequest(HttpConnection *connection, Fault::Host listenerHost, const HttpRequest &request)
{
    const QString target = QString::fromUtf8(request.target);
    const qsizetype q = target.indexOf(u'?');
    const QString path = QUrl::fromPercentEncoding(target.left(q < 0 ? target.size() : q).toUtf8());
    const QUrlQuery query(q < 0 ? QString() : target.mid(q + 1));
    const Fault::Host host =
        listenerHost == Fault::Host::Api && path == u"/token"_s ? Fault::Host::Token : listenerHost;

    const RecordedRequest record =
        RequestLog::bounded(host, request.method, request.target, request.headers, request.body);
    m_requests.append(record);
    emit this->q->requestReceived(record);

    const std::optional<Fault> fault = takeFault(host, target);
    QPointer<HttpConnection> guard(connection);
    auto answer = [this, guard, host, request, path, query, fault] {
        if (!guard)
            return;
        HttpResponse r;
        if (fault && fault->status != 0) {
            r.status = fault->status;
            r.body = fault->body;
            r.setHeader("Content-Type", fault->contentType);
        } else if (fault && !fault->redirectTo.isEmpty()) {
            r = HttpResponse::text(302, "Found\n");
            r.setHeader("Location", QUrl(fault->redirectTo).toEncoded());
        } else if (host == Fault::Host::Token) {
            r = handleToken(request);
        } else if (host == Fault::Host::Api) {
            r = handleApi(request, path, query);
        } else {
            r = handleDownload(request, path, query);
        }
        if (fault) {
            for (const auto &h : fault->headers)
                r.setHeader(h.first, h.second);
            r.cutAfterBytes = fault->cutAfterBytes;
            r.stallAfterBytes = fault->stallAfterBytes;
            r.contentLengthDelta = fault->contentLengthDelta;
            r.appendBytes = fault->appendBytes;
        }
        guard->respond(std::move(r));
    };
    if (fault && fault->delayMs > 0)
        QTimer::singleShot(fault->delayMs, connection, answer);
    else
        answer();
}

// ---------------------------------------------------------------------------------------------------------------

SandboxServer::SandboxServer(QObject *parent) : QObject(parent), m_d(std::make_unique<Private>(this))
{}

SandboxServer::~SandboxServer()
{
    // Connections call back into m_d: they go before it does.
    qDeleteAll(findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly));
    delete m_d->m_api;
    delete m_d->m_download;
    delete m_d->m_download6;
}

bool SandboxServer::start(const Options &options)
{
    if (m_d->m_api) {
        m_d->m_error = u"The sandbox is already started"_s;
        return false;
    }
    m_d->m_options = options;
    std::optional<QSslConfiguration> tls;
    if (options.tls) {
        if (!QSslSocket::supportsSsl()) {
            m_d->m_error = u"TLS is not available (no OpenSSL backend)"_s;
            return false;
        }
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        const QList<QSslCertificate> chain =
            QSslCertificate::fromData(readResource(u":/getbill/sandbox/certs/server.pem"_s), QSsl::Pem);
        const QSslKey key(readResource(u":/getbill/sandbox/certs/server.key"_s), QSsl::Ec, QSsl::Pem);
        if (chain.isEmpty() || key.isNull()) {
            m_d->m_error = u"The sandbox's test certificate could not be loaded"_s;
            return false;
        }
        config.setLocalCertificateChain(chain);
        config.setPrivateKey(key);
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        tls = config;
    }

    m_d->m_api = new SandboxListener(
        tls, [this](QTcpSocket *s) { m_d->onSocket(s, Fault::Host::Api); }, this);
    m_d->m_download = new SandboxListener(
        tls, [this](QTcpSocket *s) { m_d->onSocket(s, Fault::Host::Download); }, this);
    if (!m_d->m_api->listen(QHostAddress::LocalHost, 0) || !m_d->m_download->listen(QHostAddress::LocalHost, 0)) {
        m_d->m_error =
            u"Cannot listen on loopback: "_s + m_d->m_api->errorString() + u' ' + m_d->m_download->errorString();
        delete m_d->m_api;
        delete m_d->m_download;
        m_d->m_api = m_d->m_download = nullptr;
        return false;
    }
    // "localhost" may resolve to ::1 first: answer there too when the machine has IPv6 loopback.
    m_d->m_download6 = new SandboxListener(
        tls, [this](QTcpSocket *s) { m_d->onSocket(s, Fault::Host::Download); }, this);
    if (!m_d->m_download6->listen(QHostAddress::LocalHostIPv6, m_d->m_download->serverPort())) {
        delete m_d->m_download6;
        m_d->m_download6 = nullptr;
    }
    if (options.sampleData) {
        const QList<SandboxReport> samples = SampleCatalogue::reports();
        for (const SandboxReport &r : samples)
            addReport(r);
    }
    return true;
}

QString SandboxServer::errorString() const
{
    return m_d->m_error;
}

bool SandboxServer::isListening() const
{
    return m_d->m_api && m_d->m_api->isListening();
}

QUrl SandboxServer::apiUrl() const
{
    if (!m_d->m_api)
        return {};
    QUrl url;
    url.setScheme(m_d->scheme());
    url.setHost(u"127.0.0.1"_s);
    url.setPort(m_d->m_api->serverPort());
    url.setPath(ApiPrefix);
    return url;
}

QUrl SandboxServer::tokenUrl() const
{
    QUrl url = apiUrl();
    if (!url.isEmpty())
        url.setPath(u"/token"_s);
    return url;
}

QUrl SandboxServer::downloadOrigin() const
{
    if (!m_d->m_download)
        return {};
    QUrl url;
    url.setScheme(m_d->scheme());
    url.setHost(u"localhost"_s);
    url.setPort(m_d->m_download->serverPort());
    return url;
}

QByteArray SandboxServer::caCertificatePem()
{
    return readResource(u":/getbill/sandbox/certs/ca.pem"_s);
}

QString SandboxServer::demoToken()
{
    return u"demo-token"_s;
}

void SandboxServer::clearReports()
{
    m_d->m_reports.clear();
    m_d->m_polls.clear();
}

void SandboxServer::addReport(const SandboxReport &r)
{
    m_d->m_polls.remove(r.id);
    for (SandboxReport &existing : m_d->m_reports) {
        if (existing.id == r.id) {
            existing = r;
            return;
        }
    }
    m_d->m_reports.append(r);
}

QList<SandboxReport> SandboxServer::reports() const
{
    return m_d->m_reports;
}

std::optional<SandboxReport> SandboxServer::report(const QString &id) const
{
    for (const SandboxReport &r : std::as_const(m_d->m_reports)) {
        if (r.id == id)
            return r;
    }
    return std::nullopt;
}

QByteArray SandboxServer::contentOf(const QString &id) const
{
    const std::optional<SandboxReport> r = report(id);
    if (!r)
        return {};
    return r->content.isEmpty() ? GeneratedBody::materialise(r->id, r->generatedSize) : r->content;
}

QByteArray SandboxServer::etagOf(const QString &id) const
{
    const std::optional<SandboxReport> r = report(id);
    if (!r)
        return {};
    // Stable for the same bytes; generated bodies are a function of id and size, so those two suffice there.
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(r->id.toUtf8());
    h.addData(QByteArray::number(r->realSize()));
    if (!r->content.isEmpty())
        h.addData(r->content);
    return '"' + h.result().toHex().left(24) + '"';
}

void SandboxServer::addToken(const QString &token, const QStringList &scopes)
{
    m_d->m_tokens.insert(token, TokenInfo{scopes, 0, {}});
}

void SandboxServer::addClient(const QString &clientId, const QString &clientSecret, const QStringList &scopes)
{
    m_d->m_clients.insert(clientId, ClientInfo{clientSecret, scopes});
}

void SandboxServer::setTokenLifetime(int seconds)
{
    m_d->m_tokenLifetime = seconds;
}

int SandboxServer::tokenRequestCount() const
{
    return m_d->m_tokenRequests;
}

void SandboxServer::setLinkLifetime(int seconds)
{
    m_d->m_linkLifetime = seconds;
}

void SandboxServer::setSingleUseLinks(bool on)
{
    m_d->m_singleUse = on;
}

void SandboxServer::setRateLimit(int limit, int windowSeconds)
{
    m_d->m_rateLimit.setLimit(limit, qint64(qMax(1, windowSeconds)) * 1000);
}

void SandboxServer::setClock(std::function<qint64()> nowMsecsSinceEpoch)
{
    m_d->m_clock = std::move(nowMsecsSinceEpoch);
    // Hits were counted on the old clock's time line: on the new one they could sit in the future for ever.
    m_d->m_rateLimit.clear();
}

void SandboxServer::setRetryAfterHeader(bool on)
{
    m_d->m_retryAfterHeader = on;
}

void SandboxServer::addFault(const Fault &f)
{
    if (f.times != 0)
        m_d->m_faults.append(ActiveFault{f, f.times});
}

void SandboxServer::clearFaults()
{
    m_d->m_faults.clear();
}

QList<RecordedRequest> SandboxServer::requests() const
{
    return m_d->m_requests.records();
}

void SandboxServer::setRequestLogLimit(int maxRequests)
{
    m_d->m_requests.setMaxRecords(maxRequests);
}

void SandboxServer::setRequestLogByteLimit(qint64 maxBytes)
{
    m_d->m_requests.setMaxBytes(maxBytes);
}

void SandboxServer::clearRequests()
{
    m_d->m_requests.clear();
}

} // namespace getbill::sandbox
