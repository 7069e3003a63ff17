#include "api/JsonParsing.h"

#include "api/UrlPolicy.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

namespace getbill::json {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::json)
};

ApiError invalid(const QString &why)
{
    return ApiError(ApiError::Kind::InvalidResponse,
                    Text::tr("GetBill sent an answer this application does not understand (%1).").arg(why));
}

/// An optional string field: absent or null is fine, any other type is not.
bool optionalString(const QJsonObject &o, const char *key, QString *out, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString()) {
        *why = Text::tr("field \"%1\" is not text").arg(QLatin1String(key));
        return false;
    }
    *out = v.toString();
    return true;
}

bool optionalInteger(const QJsonObject &o, const char *key, qint64 *out, qint64 max, QString *why)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return true;
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > double(max) || std::floor(d) != d) {
        *why = Text::tr("field \"%1\" is not a valid number").arg(QLatin1String(key));
        return false;
    }
    *out = static_cast<qint64>(d);
    return true;
}

QDateTime parseTimestamp(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

bool optionalTimestamp(const QJsonObject &o, const char *key, QDateTime *out, QString *why)
{
    QString text;
    if (!optionalString(o, key, &text, why))
        return false;
    *out = parseTimestamp(text);
    return true;
}

bool optionalDate(const QJsonObject &o, const char *key, QDate *out, QString *why)
{
    QString text;
    if (!optionalString(o, key, &text, why))
        return false;
    *out = QDate::fromString(text.left(10), Qt::ISODate);
    return true;
}

/// Parses the success envelope and hands back "data"; an envelope with error:true becomes an ApiError.
bool parseEnvelope(const QByteArray &body, QJsonObject *envelope, ApiError *error)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = invalid(body.trimmed().startsWith('<') ? Text::tr("an HTML page instead of data")
                                                        : Text::tr("the data is not valid JSON"));
        return false;
    }
    if (!doc.isObject()) {
        *error = invalid(Text::tr("the data is not a JSON object"));
        return false;
    }
    *envelope = doc.object();
    if (envelope->value(QLatin1String("error")).toBool(false)) {
        *error = ApiError::fromHttp(envelope->value(QLatin1String("code")).toInt(400), body, RateLimit());
        return false;
    }
    return true;
}
} // namespace

bool isPlausibleReportId(const QString &id)
{
    if (id.isEmpty() || id.size() > 200)
        return false;
    for (const QChar c : id) {
        if (c.isLetterOrNumber() && c.unicode() < 128)
            continue;
        if (c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('.') || c == QLatin1Char(':'))
            continue;
        return false;
    }
    return id != QLatin1String(".") && id != QLatin1String("..");
}

bool parseReport(const QJsonObject &o, Report *report, QString *why)
{
    Report r;
    const QJsonValue id = o.value(QLatin1String("id"));
    if (!id.isString() || !isPlausibleReportId(id.toString())) {
        *why = Text::tr("a report has no valid \"id\"");
        return false;
    }
    r.id = id.toString();
    const QJsonValue available = o.value(QLatin1String("download_available"));
    if (!available.isUndefined() && !available.isNull() && !available.isBool()) {
        *why = Text::tr("field \"download_available\" is not true or false");
        return false;
    }
    r.downloadAvailable = available.toBool(false);
    if (!optionalString(o, "type", &r.type, why) || !optionalString(o, "title", &r.title, why) ||
        !optionalString(o, "description", &r.description, why) || !optionalString(o, "status", &r.status, why) ||
        !optionalString(o, "filename", &r.filename, why) || !optionalString(o, "mime_type", &r.mimeType, why) ||
        !optionalInteger(o, "file_size", &r.fileSize, maxFileSize, why) ||
        !optionalDate(o, "period_from", &r.periodFrom, why) || !optionalDate(o, "period_to", &r.periodTo, why) ||
        !optionalTimestamp(o, "generated_at", &r.generatedAt, why) ||
        !optionalTimestamp(o, "created_at", &r.createdAt, why))
        return false;
    r.json = o;
    *report = std::move(r);
    return true;
}

bool parseReportPage(const QByteArray &body, ReportPage *page, ApiError *error)
{
    QJsonObject envelope;
    if (!parseEnvelope(body, &envelope, error))
        return false;
    const QJsonValue data = envelope.value(QLatin1String("data"));
    if (!data.isArray()) {
        *error = invalid(Text::tr("the report list is missing"));
        return false;
    }
    ReportPage result;
    const QJsonArray array = data.toArray();
    result.reports.reserve(array.size());
    for (const QJsonValue &item : array) {
        Report report;
        QString why;
        if (!item.isObject() || !parseReport(item.toObject(), &report, &why)) {
            *error = invalid(why.isEmpty() ? Text::tr("a report is not an object") : why);
            return false;
        }
        result.reports.append(std::move(report));
    }
    result.total = int(result.reports.size());
    result.limit = int(result.reports.size());
    const QJsonValue pagination = envelope.value(QLatin1String("pagination"));
    if (pagination.isObject()) {
        const QJsonObject p = pagination.toObject();
        qint64 total = result.total, number = 1, limit = result.limit, pages = 1;
        QString why;
        constexpr qint64 maxCount = 10'000'000;
        if (!optionalInteger(p, "total", &total, maxCount, &why) ||
            !optionalInteger(p, "page", &number, maxCount, &why) ||
            !optionalInteger(p, "limit", &limit, maxCount, &why) ||
            !optionalInteger(p, "pages", &pages, maxCount, &why)) {
            *error = invalid(why);
            return false;
        }
        result.total = int(total);
        result.page = int(std::max<qint64>(1, number));
        result.limit = int(limit);
        result.pages = int(pages);
    } else if (!pagination.isUndefined() && !pagination.isNull()) {
        *error = invalid(Text::tr("field \"pagination\" is not an object"));
        return false;
    }
    *page = std::move(result);
    return true;
}

bool parseReportBody(const QByteArray &body, Report *report, ApiError *error)
{
    QJsonObject envelope;
    if (!parseEnvelope(body, &envelope, error))
        return false;
    const QJsonValue data = envelope.value(QLatin1String("data"));
    QString why;
    if (!data.isObject()) {
        *error = invalid(Text::tr("the report is missing"));
        return false;
    }
    if (!parseReport(data.toObject(), report, &why)) {
        *error = invalid(why);
        return false;
    }
    return true;
}

bool parseTicketBody(const QByteArray &body, DownloadTicket *ticket, ApiError *error)
{
    QJsonObject envelope;
    if (!parseEnvelope(body, &envelope, error))
        return false;
    const QJsonValue data = envelope.value(QLatin1String("data"));
    if (!data.isObject()) {
        *error = invalid(Text::tr("the download information is missing"));
        return false;
    }
    const QJsonObject o = data.toObject();
    DownloadTicket t;
    QString why, url;
    const QJsonValue id = o.value(QLatin1String("id"));
    if (!id.isString() || !isPlausibleReportId(id.toString()))
        why = Text::tr("the download information has no valid \"id\"");
    else if (!o.value(QLatin1String("file_size")).isDouble())
        why = Text::tr("field \"file_size\" is missing or not a number");
    else if (!o.value(QLatin1String("download_url")).isString())
        why = Text::tr("field \"download_url\" is missing or not text");
    if (!why.isEmpty()) {
        *error = invalid(why);
        return false;
    }
    t.id = id.toString();
    if (!optionalString(o, "filename", &t.filename, &why) || !optionalString(o, "mime_type", &t.mimeType, &why) ||
        !optionalInteger(o, "file_size", &t.fileSize, maxFileSize, &why) ||
        !optionalString(o, "download_url", &url, &why) || !optionalTimestamp(o, "expires_at", &t.expiresAt, &why)) {
        *error = invalid(why);
        return false;
    }
    t.downloadUrl = QUrl(url, QUrl::StrictMode);
    if (!t.downloadUrl.isValid() || t.downloadUrl.isRelative() || t.downloadUrl.host().isEmpty()) {
        *error = invalid(Text::tr("the download link is not a valid web address"));
        return false;
    }
    if (!UrlPolicy::isAllowed(t.downloadUrl)) {
        *error = ApiError(ApiError::Kind::InsecureUrl,
                          Text::tr("GetBill offered a download link that is not secure (not https); it was not used."));
        return false;
    }
    *ticket = std::move(t);
    return true;
}

} // namespace getbill::json
