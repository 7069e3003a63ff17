#include "ReportLink.h"

#include <QMimeData>
#include <QRegularExpression>
#include <QUrlQuery>

namespace getbill {

namespace {

const QString Scheme = QStringLiteral("getbill");

void appendUnique(QStringList *ids, const QString &id)
{
    if (!id.isEmpty() && !ids->contains(id))
        ids->append(id);
}

/// Dashboard URLs name the id in the path (…/reports/report_abc123) or in a query item (?report=…, ?id=…).
QString idInDashboardUrl(const QUrl &url)
{
    const QStringList segments = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        if (segment.startsWith(QLatin1String("report_")) && ReportLink::isValidId(segment))
            return segment;
        const bool reportsFolder = segment == QLatin1String("reports") || segment == QLatin1String("report");
        if (reportsFolder && i + 1 < segments.size() && ReportLink::isValidId(segments.at(i + 1)) &&
            segments.at(i + 1) != QLatin1String("download"))
            return segments.at(i + 1);
    }
    const QUrlQuery query(url);
    for (const auto &key : {QStringLiteral("report_id"), QStringLiteral("report"), QStringLiteral("id")}) {
        const QString value = query.queryItemValue(key, QUrl::FullyDecoded);
        if (ReportLink::isValidId(value))
            return value;
    }
    return {};
}

/// Free text also holds ordinary words ("please download"): a bare token counts as an id only when it has the
/// look of one, an underscore or dash ("report_abc123") or letters mixed with digits ("r8x2k").
bool looksLikeBareId(const QString &token)
{
    if (!ReportLink::isValidId(token))
        return false;
    if (token.contains(QLatin1Char('_')) || token.contains(QLatin1Char('-')))
        return true;
    bool letter = false;
    bool digit = false;
    for (const QChar c : token) {
        letter = letter || c.isLetter();
        digit = digit || c.isDigit();
    }
    return letter && digit;
}

} // namespace

bool ReportLink::isValidId(const QString &id)
{
    // anchoredPattern: "^...$" would accept a trailing newline ("report_a\n"), found by fuzz_reportlink.
    static const QRegularExpression shape(QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_-]+")));
    return !id.isEmpty() && id.size() <= maxIdLength && shape.match(id).hasMatch();
}

QString ReportLink::idFromUrl(const QUrl &url)
{
    if (!url.isValid())
        return {};
    if (url.scheme().compare(Scheme, Qt::CaseInsensitive) == 0) {
        // getbill://report/ID: the host is "report" and the id the only path segment.
        const QStringList segments = url.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (url.host().compare(QLatin1String("report"), Qt::CaseInsensitive) == 0 && segments.size() == 1 &&
            isValidId(segments.first()))
            return segments.first();
        return {};
    }
    if (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"))
        return idInDashboardUrl(url);
    return {};
}

QStringList ReportLink::idsFromText(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,;]+"));
    QStringList ids;
    for (QString token : text.split(separators, Qt::SkipEmptyParts)) {
        // Quotes and brackets come along when ids are copied from JSON or a spreadsheet.
        while (!token.isEmpty() && QStringLiteral("\"'<>()[]{}").contains(token.front()))
            token.remove(0, 1);
        while (!token.isEmpty() && QStringLiteral("\"'<>()[]{}.").contains(token.back()))
            token.chop(1);
        if (token.contains(QLatin1String("://")))
            appendUnique(&ids, idFromUrl(QUrl(token, QUrl::StrictMode)));
        else if (looksLikeBareId(token))
            appendUnique(&ids, token);
    }
    return ids;
}

QStringList ReportLink::idsFromArguments(const QStringList &arguments)
{
    QStringList ids;
    for (const QString &argument : arguments) {
        for (const QString &id : idsFromText(argument))
            appendUnique(&ids, id);
    }
    return ids;
}

QStringList ReportLink::idsFromMimeData(const QMimeData *mime)
{
    QStringList ids;
    if (!mime)
        return ids;
    if (mime->hasUrls()) {
        for (const QUrl &url : mime->urls())
            appendUnique(&ids, idFromUrl(url));
    }
    if (ids.isEmpty() && mime->hasText())
        ids = idsFromText(mime->text());
    return ids;
}

bool ReportLink::canRead(const QMimeData *mime)
{
    return mime && (mime->hasUrls() || mime->hasText());
}

QUrl ReportLink::linkFor(const QString &id)
{
    QUrl url;
    url.setScheme(Scheme);
    url.setHost(QStringLiteral("report"));
    url.setPath(QLatin1Char('/') + id);
    return url;
}

} // namespace getbill
