// The API host (list, one report, download information) and the OAuth token endpoint of SandboxServer, as
// GETBILL_API.md describes them: authentication, scopes, the rate limit per OAuth client, GetBill's envelopes.
#include "sandbox/SandboxServerPrivate.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;
using namespace internal;

namespace {

const QString ReadScope = u"reports:read"_s;

qint64 ceilSecs(qint64 ms)
{
    return ms >= 0 ? (ms + 999) / 1000 : ms / 1000;
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

} // namespace

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
    // Every answer of the API carries the four headers GETBILL_API.md lists, errors included; requests that no
    // token can be charged for show the full limit.
    const qint64 nowMs = this->nowMs();
    auto rateHeaders = [&](HttpResponse r, const SlidingWindowLimit::Decision &d) {
        r.setHeader("X-RateLimit-Limit", QByteArray::number(m_rateLimit.limit()));
        r.setHeader("X-RateLimit-Remaining", QByteArray::number(qMax<qint64>(0, d.remaining)));
        r.setHeader("X-RateLimit-Reset", QByteArray::number(ceilSecs(d.freeAtMs)));
        r.setHeader("X-RateLimit-Window", QByteArray::number(m_rateLimit.windowMs() / 1000));
        return r;
    };
    auto unlimited = [&](HttpResponse r) {
        return rateHeaders(std::move(r), m_rateLimit.untouched(nowMs));
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
        info = TokenInfo{{ReadScope}, 0, {}};
    else if (m_tokens.contains(token) && (m_tokens[token].expiresAtMs == 0 || nowMs < m_tokens[token].expiresAtMs))
        info = m_tokens.value(token);
    if (token.isEmpty() || !info)
        return unlimited(envelope(401, u"Authentication credentials are missing or invalid"_s));

    // GetBill counts per OAuth client: tokens issued to one client share a window; others have their own.
    const QString rateKey = info->clientId.isEmpty() ? u"t:"_s + token : u"c:"_s + info->clientId;
    const SlidingWindowLimit::Decision rate = m_rateLimit.hit(rateKey, nowMs);
    if (!rate.allowed) {
        // reset_time, X-RateLimit-Reset and retry_after name the same moment, in whole seconds.
        const qint64 retryAfter = qMax<qint64>(1, (rate.freeAtMs - nowMs + 999) / 1000);
        const QJsonObject details{
            {u"retry_after"_s, retryAfter},
            {u"limit"_s, m_rateLimit.limit()},
            {u"reset_time"_s, QDateTime::fromSecsSinceEpoch(ceilSecs(rate.freeAtMs), Qt::UTC).toString(Qt::ISODate)}};
        HttpResponse r = envelope(429, u"Rate limit exceeded. Please try again later."_s, details);
        if (m_retryAfterHeader)
            r.setHeader("Retry-After", QByteArray::number(retryAfter));
        return rateHeaders(std::move(r), rate);
    }

    if (!info->scopes.contains(ReadScope))
        return rateHeaders(envelope(403, u"Required scope \"reports:read\" not found in token"_s), rate);
    if (request.method != "GET" && request.method != "HEAD")
        return rateHeaders(envelope(405, u"Method not allowed"_s), rate);

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
    return rateHeaders(std::move(r), rate);
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
    std::optional<SandboxReport> r = q->report(id);
    if (!r)
        return envelope(404, u"Report not found"_s);
    if (isForeign(*r))
        return envelope(403, u"Access denied to this report"_s);
    if (r->completesAfterPolls > 0 && r->status != u"completed"_s && ++m_polls[id] >= r->completesAfterPolls) {
        // Generation finishes as this poll arrives: from now on the list and the ticket see it completed too.
        r->status = u"completed"_s;
        r->downloadAvailable = true;
        r->generatedAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
        q->addReport(*r);
    }
    return jsonResponse(200,
                        QJsonObject{{u"error"_s, false}, {u"message"_s, u"Success"_s}, {u"data"_s, reportJson(*r)}});
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

    qint64 expires = nowSecs() + m_linkLifetime;
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
        url = ownLink(r->id, expires);
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
    m_tokens.insert(token, TokenInfo{scopes, nowMs() + qint64(m_tokenLifetime) * 1000, clientId});
    ++m_tokenRequests;
    return jsonResponse(200, QJsonObject{{u"access_token"_s, token},
                                         {u"token_type"_s, u"Bearer"_s},
                                         {u"expires_in"_s, m_tokenLifetime},
                                         {u"scope"_s, scopes.join(u' ')}});
}

} // namespace getbill::sandbox
