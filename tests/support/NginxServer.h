#pragma once

#include "sandbox/SandboxTypes.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

class QProcess;

namespace getbill::test {

/// One line of NginxServer's access log (nginx writes it when a request ends, also when the client went away).
struct NginxLogEntry
{
    QString request; ///< the request line: "GET /files/x.csv?md5=...&expires=... HTTP/2.0"
    QString method;
    QString uri; ///< the decoded path, without the query
    int status = 0;
    qint64 bytes = 0;           ///< body bytes sent
    QString protocol;           ///< "HTTP/2.0" or "HTTP/1.1"
    QString range;              ///< the Range header, empty when there was none
    int port = 0;               ///< the port it came in on (tells the HTTP/2 and the HTTP/1.1 listener apart)
    bool authorization = false; ///< whether an Authorization header came with it (its value is never logged)
};

/// How NginxServer::start() sets it up (outside the class so that `= {}` works as a default argument).
struct NginxOptions
{
    int startTimeoutMs = 10'000;             ///< how long start() waits for it to accept connections
    QUrl apiOrigin;                          ///< http(s)://host:port: proxy /external-api/ and /token there
    qint64 slowBytesPerSecond = 1024 * 1024; ///< limit_rate of /slow/ (per connection)
    int workers = 1;
    QString nginxProgram = QStringLiteral("nginx");     ///< a name looked up in PATH and /usr/sbin, or a path
    QString opensslProgram = QStringLiteral("openssl"); ///< the same
};

/// A real nginx (Debian's nginx-light) on loopback, for what a real download host does differently from the
/// sandbox: TLS from a throw-away CA made with the openssl tool at start, HTTP/2 on one port and HTTP/1.1 only on
/// another (same content), files under /files/ (and, throttled, under /slow/) protected by secure_link exactly as
/// SandboxServer::setExternalDownloadHost signs them (403 on a bad signature, 410 once expired), and optionally a
/// reverse proxy of /external-api/ and /token to a sandbox, so that API calls go over TLS and HTTP/2 too.
/// Everything (configuration, keys, pid, logs, temp paths, served files) lives in one temporary folder; the
/// destructor stops nginx (SIGTERM, then waits) and removes it. start() fails with a clear message when nginx or
/// openssl is missing: scripts/test installs them, so a test must fail, not skip.
class NginxServer
{
public:
    enum class Protocol
    {
        Http2, ///< `listen ... ssl http2`: ALPN offers h2 and http/1.1
        Http1  ///< `listen ... ssl`: HTTP/1.1 only
    };

    using Options = NginxOptions;

    NginxServer();
    ~NginxServer();
    NginxServer(const NginxServer &) = delete;
    NginxServer &operator=(const NginxServer &) = delete;

    /// Makes the CA and certificate, writes the configuration, starts nginx on free loopback ports and waits until
    /// both ports accept connections (Options::startTimeoutMs). False, with errorString(), on any failure.
    bool start(const Options &options = {});
    /// SIGTERM, then waits for nginx to exit (SIGKILL after 5 s). Also done by the destructor.
    void stop();
    bool isRunning() const;
    QString errorString() const { return m_error; }

    quint16 port(Protocol protocol) const;
    QUrl origin(Protocol protocol) const;       ///< https://localhost:P
    QUrl filesUrl(Protocol protocol) const;     ///< https://localhost:P/files/
    QUrl slowFilesUrl(Protocol protocol) const; ///< https://localhost:P/slow/: the same files, at slowBytesPerSecond
    QUrl apiUrl(Protocol protocol) const;       ///< https://localhost:P/external-api/v1 (proxied to Options::apiOrigin)
    QString filesFolder() const;                ///< what /files/ and /slow/ serve
    QByteArray secret() const { return m_secret; }
    QString caBundlePath() const; ///< the throw-away CA (PEM), for GETBILL_CA_BUNDLE or curl --cacert
    QString folder() const { return m_dir ? m_dir->path() : QString(); }

    /// The sandbox's setting that makes its tickets link here, signed with this server's secret.
    sandbox::ExternalDownloadHost downloadHost(Protocol protocol, bool slow = false) const;
    /// A link to a file of filesFolder() signed the way secure_link checks it (for curl and the self-test).
    QUrl signedUrl(Protocol protocol, const QString &fileName, qint64 expires, bool slow = false) const;

    QString accessLogPath() const;
    QList<NginxLogEntry> accessLog() const; ///< every line so far, oldest first
    QString errorLogText() const;

private:
    bool makeCertificates();
    bool runOpenssl(const QStringList &arguments);
    QByteArray configuration(quint16 http2Port, quint16 http1Port, bool ipv6) const;
    bool launch(quint16 http2Port, quint16 http1Port, bool ipv6, bool *portTaken);
    QString path(const QString &relative) const;

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_nginx;
    QString m_openssl;
    QByteArray m_secret;
    quint16 m_http2Port = 0;
    quint16 m_http1Port = 0;
    QString m_error;
};

/// Finds a program by name in PATH and the sbin folders (nginx lives in /usr/sbin, which a user's PATH may lack),
/// or checks a given path; empty when there is none.
QString findProgram(const QString &nameOrPath);

} // namespace getbill::test
