#pragma once

#include "api/ApiError.h"

#include <QByteArray>
#include <QString>

namespace getbill {

/// What a request is for. The purpose decides every rule that differs between GetBill's three kinds of request,
/// so that no caller sets up a QNetworkRequest by hand (HttpJob), and how a failure reads (HttpErrors).
enum class HttpPurpose
{
    /// The GetBill API: bearer token, JSON accepted, redirects followed within the origin only (Qt 6.4's default
    /// policy would carry Authorization to another host), bounded body, transient failures retried.
    Api,
    /// The OAuth token endpoint: a form POST with the client secret, same-origin redirects only, small body,
    /// transient failures retried.
    Token,
    /// A signed download link: no token, no cookies, identity encoding (byte counts are the file's), redirects
    /// followed by hand so each hop is checked (https, or http to loopback; never https to http), the body streamed
    /// to a BodySink with a bounded read buffer, over HTTP/1.1 (Qt 6.4's HTTP/2 ignores setReadBufferSize and
    /// buffers the whole body: 304 MiB for a 256 MiB file, measured). Not retried here: a retry needs a fresh link.
    File,
};

/// A failed exchange in the user's words, by far end: the API (the token must stay there), the sign-in service (the
/// secret must stay there) and the download host (where progress matters). One table for every request.
namespace HttpErrors {

/// An answer with status 400 or more: the API's own envelope, or what a download host's refusal means.
ApiError forStatus(HttpPurpose purpose, const QString &host, int status, const QByteArray &body,
                   const RateLimit &rateLimit, const QByteArray &retryAfter);
/// No usable answer (QNetworkReply::NetworkError): a stall, TLS, a refused connection, a cut. `done` and `total`
/// are the file's bytes (File), for "after 12 MB of 40 MB". `proxy` (host:port) when the request went through one.
ApiError forTransport(HttpPurpose purpose, const QString &host, int networkError, qint64 timeoutMs, qint64 done,
                      qint64 total, const QString &proxy = {});
/// A redirect that was not followed (another origin).
ApiError redirectRefused(HttpPurpose purpose, const QString &host);
/// A body over the cap, not read.
ApiError tooLarge(HttpPurpose purpose, const QString &host, qint64 maxBytes);

} // namespace HttpErrors
} // namespace getbill
