#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QUrl>

namespace getbill {

/// "getbill.http": one info line per HTTP exchange of HttpJob (every request of the application), for the
/// diagnostics report's log and the CLI's --verbose. Off by default (a script's standard error stays as it was);
/// the window and --verbose turn it on with RequestLog::setEnabled.
Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace RequestLog {

/// Turns the info lines of "getbill.http" on or off for this process.
void setEnabled(bool on);
/// "GET host:port /path -> 200 (123 ms)": the path without query, fragment or user info, redacted; `status` 0 with
/// `networkError` (QNetworkReply::NetworkError) when no answer came.
QString line(const QByteArray &method, const QUrl &url, int status, int networkError, qint64 elapsedMs);
/// Logs line() to lcHttp at info level.
void exchange(const QByteArray &method, const QUrl &url, int status, int networkError, qint64 elapsedMs);

} // namespace RequestLog
} // namespace getbill
