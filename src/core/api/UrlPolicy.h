#pragma once

#include <QUrl>

namespace getbill::UrlPolicy {

/// localhost, 127.0.0.0/8 and ::1: the only hosts allowed to speak plain http (tests and the demo sandbox).
bool isLoopbackHost(const QString &host);
/// https anywhere, or http to a loopback host. Everything else is refused before any byte is sent.
bool isAllowed(const QUrl &url);
/// Same scheme, host and port: the only place the bearer token may go.
bool isSameOrigin(const QUrl &a, const QUrl &b);
/// The URL without user info, query or fragment: safe for messages and logs (signed links keep their
/// signature in the query).
QString redacted(const QUrl &url);

} // namespace getbill::UrlPolicy
