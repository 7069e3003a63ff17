#include "sandbox/SandboxServer.h"

#include "sandbox/GeneratedBody.h"
#include "sandbox/HttpConnection.h"
#include "sandbox/SampleCatalogue.h"
#include "sandbox/SandboxListener.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>
#include <QUrlQuery>
#include <algorithm>
#include <deque>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

namespace {

const QString ApiPrefix = u"/external-api/v1"_s;
const QString ReadScope = u"reports:read"_s;

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return raw.toHex();
}

QByteArray readResource(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonValue isoOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

QJsonValue dateOrNull(const QDate &d)
{
    return d.isValid() ? QJsonValue(d.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

void merge(QJsonObject &target, const QJsonObject &overrides)
{
    for (auto it = overrides.begin(); it != overrides.end(); ++it)
        target.insert(it.key(), it.value());
}

HttpResponse jsonResponse(int status, const QJsonObject &body)
{
    HttpResponse r;
    r.status = status;
    r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    r.setHeader("Content-Type", "application/json");
    r.setHeader("Cache-Control", "no-store");
    return r;
}

HttpResponse envelope(int status, const QString &message, const QJsonObject &details = {})
{
    QJsonObject o{{u"error"_s, true}, {u"message"_s, message}, {u"code"_s, status}};
    if (!details.isEmpty())
        o.insert(u"details"_s, details);
    return jsonResponse(status, o);
}

HttpResponse oauthError(int status, const QString &error, const QString &description)
{
    return jsonResponse(status, QJsonObject{{u"error"_s, error}, {u"error_description"_s, description}});
}

bool isForeign(const SandboxReport &r)
{
    return !r.ownerCompany.isEmpty() && r.ownerCompany != u"demo"_s;
}

struct TokenInfo
{
    QStringList scopes;
    qint64 expiresAtMs = 0; ///< 0 = never
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

} // namespace

class SandboxServer::Private
{
public:
    explicit Private(SandboxServer *q) : q(q) {}

    void onSocket(QTcpSocket *socket, Fault::Host host);
    void onRequest(HttpConnection *connection, Fault::Host listenerHost, const HttpRequest &request);
    std::optional<Fault> takeFault(Fault::Host host, const QString &pathAndQuery);

    HttpResponse handleApi(const HttpRequest &request, const QString &path, const QUrlQuery &query);
    HttpResponse handleList(const QUrlQuery &query);
    HttpResponse handleReport(const QString &id);
    HttpResponse handleTicket(const QString &id);
    HttpResponse handleToken(const HttpRequest &request);
    HttpResponse handleDownload(const HttpRequest &request, const QString &path, const QUrlQuery &query);

    QJsonObject reportJson(const SandboxReport &r) const;
    QByteArray sign(const QString &path, const QString &expires) const;
    QString externalFileName(const SandboxReport &r) const;
    std::optional<QString> materialise(const SandboxReport &r, QString *error);
    QUrl externalLink(const QString &fileName, qint64 expires) const;
    QString scheme() const { return m_options.tls ? u"https"_s : u"http"_s; }

    SandboxServer *q;
    Options m_options;
    QString m_error;
    SandboxListener *m_api = nullptr;
    SandboxListener *m_download = nullptr;
    SandboxListener *m_download6 = nullptr;
    QList<SandboxReport> m_reports;
    QHash<QString, TokenInfo> m_tokens;
    QHash<QString, ClientInfo> m_clients;
    int m_tokenLifetime = 3600;
    int m_tokenRequests = 0;
    int m_linkLifetime = 3600;
    bool m_singleUse = false;
    int m_rateLimit = 1000;
    int m_rateWindow = 3600;
    QHash<QString, std::deque<qint64>> m_hits;
    QList<ActiveFault> m_faults;
    QList<RecordedRequest> m_requests;
    QHash<QString, LinkInfo> m_links;
    QByteArray m_signingKey = randomHex(32);
    std::optional<ExternalDownloadHost> m_external;
    QHash<QString, ExternalFile> m_externalFiles; ///< by report id
};

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

    const RecordedRequest record{host, request.method, target, request.headers, request.body};
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

QJsonObject SandboxServer::Private::reportJson(const SandboxReport &r) const
{
    QJsonObject o{
        {u"id"_s, r.id},
        {u"type"_s, r.type},
        {u"title"_s, r.title},
        {u"description"_s, r.description},
        {u"status"_s, r.status},
        {u"filename"_s, r.filename},
        {u"file_size"_s, r.advertisedSize >= 0 ? r.advertisedSize : r.realSize()},
        {u"mime_type"_s, r.mimeType},
        {u"period_from"_s, dateOrNull(r.periodFrom)},
        {u"period_to"_s, dateOrNull(r.periodTo)},
        {u"generated_at"_s, isoOrNull(r.generatedAt)},
        {u"created_at"_s, isoOrNull(r.createdAt)},
        {u"download_available"_s, r.downloadAvailable},
    };
    merge(o, r.overrides);
    return o;
}

HttpResponse SandboxServer::Private::handleApi(const HttpRequest &request, const QString &path, const QUrlQuery &query)
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 windowMs = qint64(m_rateWindow) * 1000;
    auto rateHeaders = [&](HttpResponse r, qint64 remaining, qint64 resetMs) {
        r.setHeader("X-RateLimit-Limit", QByteArray::number(m_rateLimit));
        r.setHeader("X-RateLimit-Remaining", QByteArray::number(qMax<qint64>(0, remaining)));
        r.setHeader("X-RateLimit-Reset", QByteArray::number((resetMs + 999) / 1000));
        r.setHeader("X-RateLimit-Window", QByteArray::number(m_rateWindow));
        return r;
    };
    auto unlimited = [&](HttpResponse r) {
        return rateHeaders(std::move(r), m_rateLimit, nowMs + windowMs);
    };

    if (path != ApiPrefix && !path.startsWith(ApiPrefix + u'/'))
        return unlimited(envelope(404, u"Resource not found"_s));

    // Authentication: a bearer token we issued (and that has not expired), one added by a test, or the demo token.
    const QByteArray authorization = request.headers.value("authorization");
    QString token;
    if (authorization.size() > 7 && authorization.left(7).compare("bearer ", Qt::CaseInsensitive) == 0)
        token = QString::fromUtf8(authorization.mid(7).trimmed());
    std::optional<TokenInfo> info;
    if (token == demoToken())
        info = TokenInfo{{ReadScope}, 0};
    else if (m_tokens.contains(token) && (m_tokens[token].expiresAtMs == 0 || nowMs < m_tokens[token].expiresAtMs))
        info = m_tokens.value(token);
    if (token.isEmpty() || !info)
        return unlimited(envelope(401, u"Authentication credentials are missing or invalid"_s));

    // Sliding window per token: forget the hits older than the window, refuse when it is full.
    std::deque<qint64> &hits = m_hits[token];
    while (!hits.empty() && hits.front() <= nowMs - windowMs)
        hits.pop_front();
    if (hits.size() >= static_cast<size_t>(qMax(0, m_rateLimit))) {
        const qint64 freeAtMs = hits.empty() ? nowMs + windowMs : hits.front() + windowMs;
        const qint64 retryAfter = qMax<qint64>(1, (freeAtMs - nowMs + 999) / 1000);
        const QJsonObject details{
            {u"retry_after"_s, retryAfter},
            {u"limit"_s, m_rateLimit},
            {u"reset_time"_s, QDateTime::fromMSecsSinceEpoch(freeAtMs, Qt::UTC).toString(Qt::ISODate)}};
        return rateHeaders(envelope(429, u"Rate limit exceeded. Please try again later."_s, details), 0, freeAtMs);
    }
    hits.push_back(nowMs);
    const qint64 remaining = m_rateLimit - static_cast<qint64>(hits.size());
    const qint64 resetMs = hits.front() + windowMs;

    if (!info->scopes.contains(ReadScope))
        return rateHeaders(envelope(403, u"Required scope \"reports:read\" not found in token"_s), remaining, resetMs);
    if (request.method != "GET" && request.method != "HEAD")
        return rateHeaders(envelope(405, u"Method not allowed"_s), remaining, resetMs);

    const QString rest = path.mid(ApiPrefix.size());
    HttpResponse r;
    if (rest == u"/reports"_s || rest == u"/reports/"_s) {
        r = handleList(query);
    } else if (rest.startsWith(u"/reports/download/"_s)) {
        const QString id = rest.mid(18);
        r = id.isEmpty() || id.contains(u'/') ? envelope(404, u"Resource not found"_s) : handleTicket(id);
    } else if (rest.startsWith(u"/reports/"_s)) {
        const QString id = rest.mid(9);
        r = id.isEmpty() || id.contains(u'/') ? envelope(404, u"Resource not found"_s) : handleReport(id);
    } else {
        r = envelope(404, u"Resource not found"_s);
    }
    if (request.method == "HEAD")
        r.omitBody = true;
    return rateHeaders(std::move(r), remaining, resetMs);
}

HttpResponse SandboxServer::Private::handleList(const QUrlQuery &query)
{
    QJsonObject errors;
    auto number = [&](const QString &name, int fallback, int max) {
        if (!query.hasQueryItem(name))
            return fallback;
        bool ok = false;
        const int value = query.queryItemValue(name, QUrl::FullyDecoded).toInt(&ok);
        if (!ok)
            errors.insert(name, QJsonArray{u"The %1 must be an integer."_s.arg(name)});
        else if (value < 1)
            errors.insert(name, QJsonArray{u"The %1 must be at least 1."_s.arg(name)});
        else if (max > 0 && value > max)
            errors.insert(name, QJsonArray{u"The %1 may not be greater than %2."_s.arg(name).arg(max)});
        return value;
    };
    const int page = number(u"page"_s, 1, 0);
    const int limit = number(u"limit"_s, 20, 100);
    if (!errors.isEmpty())
        return envelope(422, u"Validation failed"_s, errors);
    const QString type = query.queryItemValue(u"type"_s, QUrl::FullyDecoded);

    // Only the caller's company's reports are listed; newest first, ties broken by id for a stable order.
    QList<SandboxReport> visible;
    for (const SandboxReport &r : std::as_const(m_reports)) {
        if (!isForeign(r) && (type.isEmpty() || r.type == type))
            visible.append(r);
    }
    std::stable_sort(visible.begin(), visible.end(), [](const SandboxReport &a, const SandboxReport &b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id < b.id;
    });
    QJsonArray data;
    const qint64 first = qint64(page - 1) * limit;
    for (qint64 i = first; i < visible.size() && i < first + limit; ++i)
        data.append(reportJson(visible[i]));
    const qint64 total = visible.size();
    const QJsonObject pagination{
        {u"total"_s, total}, {u"page"_s, page}, {u"limit"_s, limit}, {u"pages"_s, (total + limit - 1) / limit}};
    return jsonResponse(
        200, QJsonObject{
                 {u"error"_s, false}, {u"message"_s, u"Success"_s}, {u"data"_s, data}, {u"pagination"_s, pagination}});
}

HttpResponse SandboxServer::Private::handleReport(const QString &id)
{
    const std::optional<SandboxReport> r = q->report(id);
    if (!r)
        return envelope(404, u"Report not found"_s);
    if (isForeign(*r))
        return envelope(403, u"Access denied to this report"_s);
    return jsonResponse(200,
                        QJsonObject{{u"error"_s, false}, {u"message"_s, u"Success"_s}, {u"data"_s, reportJson(*r)}});
}

QByteArray SandboxServer::Private::sign(const QString &path, const QString &expires) const
{
    return QMessageAuthenticationCode::hash((path + u'\n' + expires).toUtf8(), m_signingKey, QCryptographicHash::Sha256)
        .toHex();
}

HttpResponse SandboxServer::Private::handleTicket(const QString &id)
{
    const std::optional<SandboxReport> r = q->report(id);
    if (!r)
        return envelope(404, u"Report not found"_s);
    if (isForeign(*r))
        return envelope(403, u"Access denied to this report"_s);
    if (r->status != u"completed"_s || !r->downloadAvailable)
        return envelope(422, u"Report is not ready for download"_s);

    qint64 expires = QDateTime::currentSecsSinceEpoch() + m_linkLifetime;
    QUrl url;
    if (m_external) {
        QString error;
        const std::optional<QString> fileName = materialise(*r, &error);
        if (!fileName)
            return envelope(500, u"The sandbox could not write the report file: "_s + error);
        // nginx refuses a link once expires < now, the sandbox's own host once now >= expires: one second less
        // gives both the same lifetime (so 0 is already expired on both).
        --expires;
        url = externalLink(*fileName, expires);
    } else {
        // Each ticket gets its own opaque link, so single use and expiry apply per ticket as on the real host.
        const QString opaque = QString::fromLatin1(randomHex(12));
        m_links.insert(opaque, LinkInfo{r->id, false});
        const QString path = u"/reports/"_s + opaque;
        const QString expiresText = QString::number(expires);
        url = q->downloadOrigin();
        url.setPath(path);
        url.setQuery(u"expires="_s + expiresText + u"&signature="_s + QString::fromLatin1(sign(path, expiresText)));
    }

    QJsonObject data{
        {u"id"_s, r->id},
        {u"filename"_s, r->filename},
        {u"file_size"_s, r->advertisedSize >= 0 ? r->advertisedSize : r->realSize()},
        {u"mime_type"_s, r->mimeType},
        {u"download_url"_s, url.toString(QUrl::FullyEncoded)},
        {u"expires_at"_s, QDateTime::fromSecsSinceEpoch(expires, Qt::UTC).toString(Qt::ISODate)},
    };
    merge(data, r->ticketOverrides);
    return jsonResponse(200, QJsonObject{{u"error"_s, false},
                                         {u"message"_s, u"Report download information retrieved"_s},
                                         {u"data"_s, data}});
}

QString SandboxServer::Private::externalFileName(const SandboxReport &r) const
{
    // The report's own name when it is a plain one; hostile names (tests have "../../x.pdf") never reach the
    // file system: a name derived from the id stands in.
    static const QRegularExpression plain(u"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"_s);
    const QString idHash =
        QString::fromLatin1(QCryptographicHash::hash(r.id.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    QString name = plain.match(r.filename).hasMatch() && !r.filename.contains(u".."_s) ? r.filename : idHash;
    // Two reports with the same file name get a file each.
    for (auto it = m_externalFiles.cbegin(); it != m_externalFiles.cend(); ++it) {
        if (it.key() != r.id && it->fileName == name)
            return idHash + u'-' + name;
    }
    return name;
}

std::optional<QString> SandboxServer::Private::materialise(const SandboxReport &r, QString *error)
{
    if (m_external->folder.isEmpty()) {
        *error = u"no folder is set for the external download host"_s;
        return std::nullopt;
    }
    const QByteArray etag = q->etagOf(r.id);
    const QDir folder(m_external->folder);
    const auto known = m_externalFiles.constFind(r.id);
    if (known != m_externalFiles.cend() && known->etag == etag && QFileInfo::exists(folder.filePath(known->fileName)))
        return known->fileName;
    const QString fileName = known != m_externalFiles.cend() ? known->fileName : externalFileName(r);
    // Generated bodies may be GiB large: they go to disk a MiB at a time. QSaveFile makes the file appear whole.
    QSaveFile file(folder.filePath(fileName));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return std::nullopt;
    }
    constexpr qint64 ChunkBytes = 1024 * 1024;
    const qint64 size = r.realSize();
    for (qint64 offset = 0; offset < size; offset += ChunkBytes) {
        const qint64 length = qMin(ChunkBytes, size - offset);
        const QByteArray bytes =
            r.content.isEmpty() ? GeneratedBody::chunk(r.id, offset, length) : r.content.mid(offset, length);
        if (file.write(bytes) != bytes.size()) {
            *error = file.errorString();
            file.cancelWriting();
            return std::nullopt;
        }
    }
    if (!file.commit()) {
        *error = file.errorString();
        return std::nullopt;
    }
    m_externalFiles.insert(r.id, ExternalFile{fileName, etag});
    return fileName;
}

QUrl SandboxServer::Private::externalLink(const QString &fileName, qint64 expires) const
{
    QUrl url = m_external->base;
    QString path = url.path();
    if (!path.endsWith(u'/'))
        path += u'/';
    url.setPath(path + fileName);
    url.setQuery(u"md5="_s + QString::fromLatin1(secureLinkMd5(url.path(), expires, m_external->secret)) +
                 u"&expires="_s + QString::number(expires));
    return url;
}

HttpResponse SandboxServer::Private::handleToken(const HttpRequest &request)
{
    if (request.method != "POST")
        return oauthError(405, u"invalid_request"_s, u"The token endpoint only accepts POST."_s);
    // Form encoding writes spaces as '+', which QUrlQuery leaves alone.
    QByteArray form = request.body;
    form.replace('+', "%20");
    const QUrlQuery params(QString::fromUtf8(form));
    auto param = [&](const QString &name) {
        return params.queryItemValue(name, QUrl::FullyDecoded);
    };

    const QString grant = param(u"grant_type"_s);
    if (grant.isEmpty())
        return oauthError(400, u"invalid_request"_s, u"The grant_type parameter is missing."_s);
    if (grant != u"client_credentials"_s)
        return oauthError(400, u"unsupported_grant_type"_s, u"Only client_credentials is supported."_s);

    // client_secret_post, or client_secret_basic in the Authorization header.
    QString clientId = param(u"client_id"_s);
    QString secret = param(u"client_secret"_s);
    const QByteArray authorization = request.headers.value("authorization");
    if (clientId.isEmpty() && authorization.left(6).compare("basic ", Qt::CaseInsensitive) == 0) {
        const QByteArray pair = QByteArray::fromBase64(authorization.mid(6).trimmed());
        const qsizetype colon = pair.indexOf(':');
        clientId = QUrl::fromPercentEncoding(pair.left(colon));
        secret = QUrl::fromPercentEncoding(pair.mid(colon + 1));
    }
    const auto client = m_clients.constFind(clientId);
    if (clientId.isEmpty() || client == m_clients.cend() || client->secret != secret)
        return oauthError(401, u"invalid_client"_s, u"Client authentication failed."_s);

    QStringList scopes = param(u"scope"_s).split(u' ', Qt::SkipEmptyParts);
    if (scopes.isEmpty())
        scopes = client->scopes;
    for (const QString &s : std::as_const(scopes)) {
        if (!client->scopes.contains(s))
            return oauthError(400, u"invalid_scope"_s, u"The requested scope is not granted to this client."_s);
    }

    const QString token = QString::fromLatin1(randomHex(8) + '.' + randomHex(16) + '.' + randomHex(8));
    m_tokens.insert(token, TokenInfo{scopes, QDateTime::currentMSecsSinceEpoch() + qint64(m_tokenLifetime) * 1000});
    ++m_tokenRequests;
    return jsonResponse(200, QJsonObject{{u"access_token"_s, token},
                                         {u"token_type"_s, u"Bearer"_s},
                                         {u"expires_in"_s, m_tokenLifetime},
                                         {u"scope"_s, scopes.join(u' ')}});
}

HttpResponse SandboxServer::Private::handleDownload(const HttpRequest &request, const QString &path,
                                                    const QUrlQuery &query)
{
    // Deliberately no look at Authorization: the download host authorises by signature only.
    if (request.method != "GET" && request.method != "HEAD")
        return HttpResponse::text(405, "Method Not Allowed\n");
    if (!path.startsWith(u"/reports/"_s))
        return HttpResponse::text(404, "Not Found\n");
    const QString opaque = path.mid(9);
    const QString expires = query.queryItemValue(u"expires"_s, QUrl::FullyDecoded);
    const QByteArray signature = query.queryItemValue(u"signature"_s, QUrl::FullyDecoded).toLatin1();
    if (signature.isEmpty() || expires.isEmpty() || signature != sign(path, expires))
        return HttpResponse::text(403, "Invalid signature\n");
    if (QDateTime::currentSecsSinceEpoch() >= expires.toLongLong())
        return HttpResponse::text(403, "Request has expired\n");
    const auto link = m_links.constFind(opaque);
    if (link == m_links.cend())
        return HttpResponse::text(404, "Not Found\n");
    if (m_singleUse && link->used)
        return HttpResponse::text(403, "Link already used\n");
    const std::optional<SandboxReport> report = q->report(link->reportId);
    if (!report)
        return HttpResponse::text(404, "Not Found\n");

    const qint64 size = report->realSize();
    const QByteArray etag = q->etagOf(report->id);
    qint64 start = 0;
    qint64 end = size - 1;
    bool partial = false;
    const QByteArray range = request.headers.value("range");
    const QByteArray ifRange = request.headers.value("if-range");
    if (range.startsWith("bytes=") && !range.contains(',') && (ifRange.isEmpty() || ifRange == etag)) {
        const QByteArray spec = range.mid(6).trimmed();
        const qsizetype dash = spec.indexOf('-');
        bool okFirst = false;
        bool okLast = false;
        const qint64 first = spec.left(dash).toLongLong(&okFirst);
        const qint64 last = spec.mid(dash + 1).toLongLong(&okLast);
        if (dash > 0 && okFirst && (dash == spec.size() - 1 || (okLast && last >= first))) {
            if (first >= size) {
                HttpResponse r = HttpResponse::text(416, "Range Not Satisfiable\n");
                r.setHeader("Content-Range", "bytes */" + QByteArray::number(size));
                return r;
            }
            start = first;
            end = dash == spec.size() - 1 ? size - 1 : qMin(last, size - 1);
            partial = true;
        } else if (dash == 0 && okLast && last > 0) {
            start = qMax<qint64>(0, size - last);
            partial = true;
        }
    }

    HttpResponse r;
    r.status = partial ? 206 : 200;
    r.setHeader("Content-Type", report->mimeType.toUtf8());
    r.setHeader("ETag", etag);
    r.setHeader("Accept-Ranges", "bytes");
    r.setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + QUrl::toPercentEncoding(report->filename));
    if (partial)
        r.setHeader("Content-Range", "bytes " + QByteArray::number(start) + '-' + QByteArray::number(end) + '/' +
                                         QByteArray::number(size));
    r.bodySize = qMax<qint64>(0, end - start + 1);
    if (!report->content.isEmpty()) {
        const QByteArray content = report->content;
        r.source = [content, start](qint64 offset, qint64 length) {
            return content.mid(start + offset, length);
        };
    } else {
        const QString id = report->id;
        r.source = [id, start](qint64 offset, qint64 length) {
            return GeneratedBody::chunk(id, start + offset, length);
        };
    }
    r.omitBody = request.method == "HEAD";
    if (!r.omitBody) {
        // Only a body that went out completely uses the link up: a cut transfer may still be resumed.
        r.onComplete = [this, opaque] {
            if (m_links.contains(opaque))
                m_links[opaque].used = true;
        };
    }
    return r;
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
}

void SandboxServer::addReport(const SandboxReport &r)
{
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
    m_d->m_tokens.insert(token, TokenInfo{scopes, 0});
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
    m_d->m_rateLimit = limit;
    m_d->m_rateWindow = qMax(1, windowSeconds);
    m_d->m_hits.clear();
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

void SandboxServer::setExternalDownloadHost(const std::optional<ExternalDownloadHost> &host)
{
    if (!host || !m_d->m_external || host->folder != m_d->m_external->folder)
        m_d->m_externalFiles.clear();
    m_d->m_external = host;
}

std::optional<ExternalDownloadHost> SandboxServer::externalDownloadHost() const
{
    return m_d->m_external;
}

QString SandboxServer::externalFilePath(const QString &id) const
{
    const auto file = m_d->m_externalFiles.constFind(id);
    if (!m_d->m_external || file == m_d->m_externalFiles.cend())
        return {};
    return QDir(m_d->m_external->folder).filePath(file->fileName);
}

QString SandboxServer::prepareExternalFile(const QString &id, QString *error)
{
    const std::optional<SandboxReport> r = report(id);
    if (!m_d->m_external || !r) {
        *error = !m_d->m_external ? u"no external download host is set"_s : u"no report "_s + id;
        return {};
    }
    return m_d->materialise(*r, error) ? externalFilePath(id) : QString();
}

QByteArray SandboxServer::secureLinkMd5(const QString &uriPath, qint64 expires, const QByteArray &secret)
{
    const QByteArray text = QByteArray::number(expires) + uriPath.toUtf8() + ' ' + secret;
    return QCryptographicHash::hash(text, QCryptographicHash::Md5)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QList<RecordedRequest> SandboxServer::requests() const
{
    return m_d->m_requests;
}

void SandboxServer::clearRequests()
{
    m_d->m_requests.clear();
}

} // namespace getbill::sandbox
