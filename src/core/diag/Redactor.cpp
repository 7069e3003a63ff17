#include "diag/Redactor.h"

#include <QRegularExpression>
#include <QUrl>

namespace getbill {

namespace {

// Names whose value is a secret, in a query, a form body or a header-like "name: value".
const QString secretNames = QStringLiteral(
    "access_token|refresh_token|id_token|client_secret|token|password|api_key|apikey|signature|sig|md5|expires|"
    "x-amz-signature|x-amz-credential|x-amz-security-token|key-pair-id|policy");

const QRegularExpression &bearerPattern()
{
    static const QRegularExpression pattern(
        QStringLiteral("(\\bBearer\\s+|\\bAuthorization:\\s*Basic\\s+)[^\\s\"',;]+"),
        QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

const QRegularExpression &queryPattern()
{
    // After ?, &, ; or a word boundary start (form bodies, "token=..." in a message); up to the next separator.
    static const QRegularExpression pattern(QStringLiteral("((?:^|[?&;\\s(\\[<\"'])(?:") + secretNames +
                                                QStringLiteral(")=)(?!\\[redacted\\])[^&;\\s#\"'<>)\\]]*"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

const QRegularExpression &jsonPattern()
{
    static const QRegularExpression pattern(QStringLiteral("(\"(?:") + secretNames +
                                                QStringLiteral(")\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\""),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

} // namespace

QString Redactor::redact(const QString &text, const QStringList &knownSecrets)
{
    QString out = text;
    // Known secrets first, as they are and percent-encoded: a token that is not in a "token=" still goes.
    for (const QString &secret : knownSecrets) {
        if (secret.size() < 4)
            continue; // a one- or three-character "secret" would blank out ordinary words
        out.replace(secret, mask());
        const QString encoded = QString::fromLatin1(QUrl::toPercentEncoding(secret));
        if (encoded != secret)
            out.replace(encoded, mask());
    }
    out.replace(bearerPattern(), QStringLiteral("\\1") + mask());
    out.replace(jsonPattern(), QStringLiteral("\\1") + mask() + QLatin1Char('"'));
    out.replace(queryPattern(), QStringLiteral("\\1") + mask());
    return out;
}

} // namespace getbill
