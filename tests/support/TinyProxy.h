#pragma once

#include <QList>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>

class QProcess;

namespace getbill::test {

/// How TinyProxy::start() sets it up (outside the class so that `= {}` works as a default argument).
struct TinyProxyOptions
{
    int startTimeoutMs = 10'000; ///< how long start() waits for it to accept connections
    QString user;                ///< with password: BasicAuth user password
    QString password;
    QList<quint16> connectPorts;                   ///< ConnectPort lines; empty lets CONNECT reach any port
    QString program = QStringLiteral("tinyproxy"); ///< looked up in PATH and the sbin folders, or a path
};

/// Debian's tinyproxy on a free loopback port, as the HTTP proxy of a corporate network: https goes through it as
/// CONNECT tunnels, so the proxy sees host and port only. Optional BasicAuth, `Allow 127.0.0.1`, CONNECT limited to
/// the given ports, and a log at level Connect (one line per request line it saw) that tests read to check that
/// only CONNECT lines reached it, never a token or a signature. Configuration, pid and log live in a temporary
/// folder; the destructor stops it (SIGTERM, then waits). start() fails with a clear message when tinyproxy is
/// missing: scripts/test installs it.
class TinyProxy
{
public:
    using Options = TinyProxyOptions;

    TinyProxy();
    ~TinyProxy();
    TinyProxy(const TinyProxy &) = delete;
    TinyProxy &operator=(const TinyProxy &) = delete;

    /// Starts it and waits (Options::startTimeoutMs) until it accepts connections; false and errorString() on failure.
    bool start(const Options &options = {});
    void stop();
    bool isRunning() const;
    QString errorString() const { return m_error; }

    quint16 port() const { return m_port; }
    QUrl url() const;                ///< http://127.0.0.1:P
    QUrl urlWithCredentials() const; ///< http://user:password@127.0.0.1:P (curl --proxy, GETBILL proxy settings)
    QString logPath() const;
    QString logText() const;

private:
    bool launch(quint16 port, bool *portTaken);

    Options m_options;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_program;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace getbill::test
