#pragma once

#include "NginxServer.h"
#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QString>

namespace getbill::test {

/// The CLI under test (getbill-reports-cli of this build tree).
inline QString cliPath()
{
    return QStringLiteral(GETBILL_CLI);
}

/// The CLI's environment for the nginx tests: private HOME and XDG folders, the sandbox's demo token, an API URL,
/// nginx's CA when `caBundle` is set, short retries, and a stall timeout that leaves the sandbox time to write a
/// large report file for nginx while it answers the ticket.
inline QProcessEnvironment nginxCliEnvironment(const QString &home, const QUrl &apiUrl, const QString &caBundle)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys)
        if (key.startsWith(QLatin1String("GETBILL_")) || key.startsWith(QLatin1String("LC_")) ||
            key == QLatin1String("LANG") || key == QLatin1String("LANGUAGE"))
            env.remove(key);
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("GETBILL_API_URL"), apiUrl.toString());
    env.insert(QStringLiteral("GETBILL_TOKEN"), sandbox::SandboxServer::demoToken());
    env.insert(QStringLiteral("GETBILL_TEST_RETRY_BASE_MS"), QStringLiteral("10"));
    env.insert(QStringLiteral("GETBILL_TEST_TIMEOUT_MS"), QStringLiteral("10000"));
    if (!caBundle.isEmpty())
        env.insert(QStringLiteral("GETBILL_CA_BUNDLE"), caBundle);
    return env;
}

/// The lines of an nginx access log for one served file (by its path under /files/ or /slow/).
inline QList<NginxLogEntry> fileRequests(const QList<NginxLogEntry> &log, const QString &fileName)
{
    QList<NginxLogEntry> out;
    for (const NginxLogEntry &e : log)
        if (e.uri == QStringLiteral("/files/") + fileName || e.uri == QStringLiteral("/slow/") + fileName)
            out.append(e);
    return out;
}

/// The protocol the CLI's file downloads use whatever the server offers: DownloadJob turns HTTP/2 off for file
/// bodies because Qt 6.4's HTTP/2 ignores setReadBufferSize and buffers the whole body (tst_nginx_memory measures
/// it). API calls keep HTTP/2. Change this when file bodies go back to HTTP/2.
inline const QString &fileDownloadProtocol()
{
    static const QString protocol = QStringLiteral("HTTP/1.1");
    return protocol;
}

} // namespace getbill::test
