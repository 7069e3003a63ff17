#include "net/RequestLog.h"

#include "diag/Redactor.h"

namespace getbill {

Q_LOGGING_CATEGORY(lcHttp, "getbill.http", QtWarningMsg)

namespace RequestLog {

void setEnabled(bool on)
{
    const_cast<QLoggingCategory &>(lcHttp()).setEnabled(QtInfoMsg, on);
}

QString line(const QByteArray &method, const QUrl &url, int status, int networkError, qint64 elapsedMs)
{
    QString host = url.host();
    if (url.port() > 0)
        host += QLatin1Char(':') + QString::number(url.port());
    const QString path = url.path(QUrl::FullyEncoded).isEmpty() ? QStringLiteral("/") : url.path(QUrl::FullyEncoded);
    const QString outcome =
        status > 0 ? QString::number(status) : QStringLiteral("no answer (network error %1)").arg(networkError);
    return Redactor::redact(QString::fromLatin1(method) + QLatin1Char(' ') + host + QLatin1Char(' ') + path +
                            QLatin1String(" -> ") + outcome + QLatin1String(" (") + QString::number(elapsedMs) +
                            QLatin1String(" ms)"));
}

void exchange(const QByteArray &method, const QUrl &url, int status, int networkError, qint64 elapsedMs)
{
    // The printf form: `qCInfo(lcHttp) <<` trips -Wpedantic (a variadic macro without arguments) in Qt 6.4.
    qCInfo(lcHttp, "%s", qUtf8Printable(line(method, url, status, networkError, elapsedMs)));
}

} // namespace RequestLog
} // namespace getbill
