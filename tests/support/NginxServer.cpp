#include "NginxServer.h"

#include "sandbox/SandboxServer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>
#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif
#include <unistd.h>

namespace getbill::test {

using namespace Qt::Literals::StringLiterals;

namespace {

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return raw.toHex();
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    const bool ok = socket.waitForConnected(500);
    socket.abort();
    return ok;
}

/// Two distinct free loopback ports, free on ::1 too when the machine has IPv6 loopback. The sockets are closed
/// again before nginx binds: another process may take a port in between, which launch() reports (and start()
/// then tries other ports).
bool pickPorts(bool ipv6, quint16 *first, quint16 *second)
{
    for (int attempt = 0; attempt < 20; ++attempt) {
        QTcpServer a, b, a6, b6;
        if (!a.listen(QHostAddress::LocalHost, 0) || !b.listen(QHostAddress::LocalHost, 0))
            return false;
        if (ipv6 && (!a6.listen(QHostAddress::LocalHostIPv6, a.serverPort()) ||
                     !b6.listen(QHostAddress::LocalHostIPv6, b.serverPort())))
            continue;
        *first = a.serverPort();
        *second = b.serverPort();
        return true;
    }
    return false;
}

void dieWithParent()
{
#ifdef Q_OS_LINUX
    // A test killed by ctest's timeout must not leave nginx behind.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
}

} // namespace

QString findProgram(const QString &nameOrPath)
{
    if (nameOrPath.contains(u'/')) {
        const QFileInfo file(nameOrPath);
        return file.isFile() && file.isExecutable() ? file.absoluteFilePath() : QString();
    }
    QString found = QStandardPaths::findExecutable(nameOrPath);
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(nameOrPath, {u"/usr/sbin"_s, u"/sbin"_s, u"/usr/local/sbin"_s});
    return found;
}

NginxServer::NginxServer() = default;

NginxServer::~NginxServer()
{
    stop();
}

QString NginxServer::path(const QString &relative) const
{
    return m_dir->filePath(relative);
}

bool NginxServer::start(const Options &options)
{
    if (m_process) {
        m_error = u"nginx is already started"_s;
        return false;
    }
    m_options = options;
    m_nginx = findProgram(options.nginxProgram);
    if (m_nginx.isEmpty()) {
        m_error =
            u"nginx was not found (%1): install Debian's nginx-light (scripts/test does)"_s.arg(options.nginxProgram);
        return false;
    }
    m_openssl = findProgram(options.opensslProgram);
    if (m_openssl.isEmpty()) {
        m_error =
            u"openssl was not found (%1): install Debian's openssl (scripts/test does)"_s.arg(options.opensslProgram);
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = u"cannot make a temporary folder: "_s + m_dir->errorString();
        return false;
    }
    for (const QString &sub : {u"logs"_s, u"temp"_s, u"files"_s}) {
        if (!QDir(m_dir->path()).mkpath(sub)) {
            m_error = u"cannot make %1 in %2"_s.arg(sub, m_dir->path());
            return false;
        }
    }
    m_secret = randomHex(16);
    if (!makeCertificates())
        return false;

    const bool ipv6 = QTcpServer().listen(QHostAddress::LocalHostIPv6, 0);
    for (int attempt = 0; attempt < 3; ++attempt) {
        quint16 http2 = 0, http1 = 0;
        if (!pickPorts(ipv6, &http2, &http1)) {
            m_error = u"no free loopback port"_s;
            return false;
        }
        bool portTaken = false;
        if (launch(http2, http1, ipv6, &portTaken))
            return true;
        if (!portTaken)
            return false;
    }
    return false;
}

bool NginxServer::runOpenssl(const QStringList &arguments)
{
    QProcess openssl;
    openssl.setWorkingDirectory(m_dir->path());
    openssl.start(m_openssl, arguments);
    if (!openssl.waitForFinished(30'000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0) {
        if (openssl.state() != QProcess::NotRunning) {
            openssl.kill();
            openssl.waitForFinished();
        }
        m_error = u"openssl %1 failed (exit %2): %3"_s.arg(arguments.value(0))
                      .arg(openssl.exitCode())
                      .arg(QString::fromLocal8Bit(openssl.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

bool NginxServer::makeCertificates()
{
    // The recipe of src/sandbox/certs/README.md with a fresh CA each start: its key stays in the temporary folder.
    const QStringList ec{u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s};
    if (!runOpenssl(QStringList{u"req"_s, u"-x509"_s} + ec +
                    QStringList{u"-keyout"_s, u"ca.key"_s, u"-out"_s, u"ca.pem"_s, u"-days"_s, u"2"_s, u"-subj"_s,
                                u"/O=GetBill Reports tests/CN=Throw-away nginx test CA"_s, u"-addext"_s,
                                u"basicConstraints=critical,CA:TRUE"_s, u"-addext"_s,
                                u"keyUsage=critical,keyCertSign,cRLSign"_s}))
        return false;
    if (!runOpenssl(QStringList{u"req"_s} + ec +
                    QStringList{u"-keyout"_s, u"server.key"_s, u"-out"_s, u"server.csr"_s, u"-subj"_s,
                                u"/O=GetBill Reports tests/CN=localhost"_s}))
        return false;
    QFile ext(path(u"server.ext"_s));
    if (!ext.open(QIODevice::WriteOnly) ||
        ext.write("basicConstraints=critical,CA:FALSE\n"
                  "keyUsage=critical,digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=serverAuth\n"
                  "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,IP:0.0.0.0\n") < 0) {
        m_error = u"cannot write "_s + ext.fileName();
        return false;
    }
    ext.close();
    return runOpenssl({u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.pem"_s, u"-CAkey"_s, u"ca.key"_s,
                       u"-CAcreateserial"_s, u"-out"_s, u"server.pem"_s, u"-days"_s, u"2"_s, u"-sha256"_s,
                       u"-extfile"_s, u"server.ext"_s});
}

QByteArray NginxServer::configuration(quint16 http2Port, quint16 http1Port, bool ipv6) const
{
    const QByteArray dir = QFile::encodeName(m_dir->path());
    const QByteArray files = QFile::encodeName(filesFolder());
    QByteArray locations = R"(
        ssl_certificate @DIR@/server.pem;
        ssl_certificate_key @DIR@/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location /files/ {
            alias @FILES@/;
            secure_link $arg_md5,$arg_expires;
            secure_link_md5 "$secure_link_expires$uri @SECRET@";
            if ($secure_link = "") { return 403; }
            if ($secure_link = "0") { return 410; }
        }
        location /slow/ {
            alias @FILES@/;
            secure_link $arg_md5,$arg_expires;
            secure_link_md5 "$secure_link_expires$uri @SECRET@";
            if ($secure_link = "") { return 403; }
            if ($secure_link = "0") { return 410; }
            limit_rate @RATE@;
        }
)";
    if (m_options.apiOrigin.isValid()) {
        locations += R"(
        location /external-api/ {
            proxy_pass @API@;
            proxy_http_version 1.1;
            proxy_buffering off;
            proxy_request_buffering off;
        }
        location = /token {
            proxy_pass @API@;
            proxy_http_version 1.1;
            proxy_buffering off;
        }
)";
    }
    locations += "        location / { return 404; }\n";
    auto server = [&](quint16 port, bool http2) -> QByteArray {
        const QByteArray listen = QByteArray::number(port) + (http2 ? " ssl http2;" : " ssl;");
        QByteArray s = "    server {\n        listen 127.0.0.1:" + listen + '\n';
        if (ipv6)
            s += "        listen [::1]:" + listen + '\n';
        return s + "        server_name localhost;\n" + locations + "    }\n";
    };
    QByteArray conf = R"(# Written by getbill::test::NginxServer; everything lives in this folder.
@USER@worker_processes @WORKERS@;
pid @DIR@/nginx.pid;
lock_file @DIR@/nginx.lock;
error_log @DIR@/logs/error.log info;
events { worker_connections 256; }
http {
    # Whether an Authorization header came, never its value.
    map $http_authorization $getbill_has_authorization { "" 0; default 1; }
    log_format getbill escape=json '{"request":"$request","method":"$request_method","uri":"$uri",'
                                   '"status":$status,"bytes":$body_bytes_sent,"protocol":"$server_protocol",'
                                   '"range":"$http_range","port":$server_port,'
                                   '"authorization":$getbill_has_authorization}';
    access_log @DIR@/logs/access.log getbill;
    client_body_temp_path @DIR@/temp/body;
    proxy_temp_path @DIR@/temp/proxy;
    fastcgi_temp_path @DIR@/temp/fastcgi;
    uwsgi_temp_path @DIR@/temp/uwsgi;
    scgi_temp_path @DIR@/temp/scgi;
    types {
        text/csv csv;
        application/pdf pdf;
        application/vnd.openxmlformats-officedocument.spreadsheetml.sheet xlsx;
    }
    default_type application/octet-stream;
    sendfile on;
)";
    conf += server(http2Port, true) + server(http1Port, false) + "}\n";
    // Started as root, workers would run as nobody and could not read the caller's private temporary folders.
    conf.replace("@USER@", ::geteuid() == 0 ? "user root;\n" : "");
    conf.replace("@WORKERS@", QByteArray::number(qMax(1, m_options.workers)));
    conf.replace("@DIR@", dir);
    conf.replace("@FILES@", files);
    conf.replace("@SECRET@", m_secret);
    conf.replace("@RATE@", QByteArray::number(qMax<qint64>(1, m_options.slowBytesPerSecond)));
    conf.replace("@API@", m_options.apiOrigin.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toEncoded());
    return conf;
}

bool NginxServer::launch(quint16 http2Port, quint16 http1Port, bool ipv6, bool *portTaken)
{
    *portTaken = false;
    QFile::remove(path(u"nginx.pid"_s));
    QFile conf(path(u"nginx.conf"_s));
    if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        conf.write(configuration(http2Port, http1Port, ipv6)) < 0) {
        m_error = u"cannot write "_s + conf.fileName();
        return false;
    }
    conf.close();

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(m_nginx);
    m_process->setArguments({u"-p"_s, m_dir->path() + u'/', u"-e"_s, path(u"logs/error.log"_s), u"-c"_s,
                             conf.fileName(), u"-g"_s, u"daemon off;"_s});
    m_process->setChildProcessModifier(dieWithParent);
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        m_error = u"nginx (%1) did not start: %2"_s.arg(m_nginx, m_process->errorString());
        m_process.reset();
        return false;
    }
    // Ready once nginx wrote its pid file (it does so after binding every listen socket) and both ports accept.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < m_options.startTimeoutMs) {
        if (m_process->state() == QProcess::NotRunning)
            break;
        if (QFileInfo::exists(path(u"nginx.pid"_s)) && accepts(http2Port) && accepts(http1Port)) {
            m_http2Port = http2Port;
            m_http1Port = http1Port;
            return true;
        }
        m_process->waitForFinished(20); // returns at once if nginx exits
    }
    const QString output = QString::fromLocal8Bit(m_process->readAllStandardError()).trimmed();
    const QString log = errorLogText().trimmed();
    const bool exited = m_process->state() == QProcess::NotRunning;
    stop();
    *portTaken = log.contains(u"Address already in use"_s) || output.contains(u"Address already in use"_s);
    m_error = (exited ? u"nginx exited before accepting connections"_s
                      : u"nginx did not accept connections within %1 ms"_s.arg(m_options.startTimeoutMs)) +
              u" (%1, configuration %2): %3 %4"_s.arg(m_nginx, conf.fileName(), output, log.right(2000));
    return false;
}

void NginxServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
    m_http2Port = m_http1Port = 0;
}

bool NginxServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

quint16 NginxServer::port(Protocol protocol) const
{
    return protocol == Protocol::Http2 ? m_http2Port : m_http1Port;
}

QUrl NginxServer::origin(Protocol protocol) const
{
    QUrl url;
    url.setScheme(u"https"_s);
    url.setHost(u"localhost"_s);
    url.setPort(port(protocol));
    return url;
}

QUrl NginxServer::filesUrl(Protocol protocol) const
{
    QUrl url = origin(protocol);
    url.setPath(u"/files/"_s);
    return url;
}

QUrl NginxServer::slowFilesUrl(Protocol protocol) const
{
    QUrl url = origin(protocol);
    url.setPath(u"/slow/"_s);
    return url;
}

QUrl NginxServer::apiUrl(Protocol protocol) const
{
    QUrl url = origin(protocol);
    url.setPath(u"/external-api/v1"_s);
    return url;
}

QString NginxServer::filesFolder() const
{
    return m_dir ? path(u"files"_s) : QString();
}

QString NginxServer::caBundlePath() const
{
    return m_dir ? path(u"ca.pem"_s) : QString();
}

sandbox::ExternalDownloadHost NginxServer::downloadHost(Protocol protocol, bool slow) const
{
    return sandbox::ExternalDownloadHost{slow ? slowFilesUrl(protocol) : filesUrl(protocol), m_secret, filesFolder()};
}

QUrl NginxServer::signedUrl(Protocol protocol, const QString &fileName, qint64 expires, bool slow) const
{
    QUrl url = slow ? slowFilesUrl(protocol) : filesUrl(protocol);
    url.setPath(url.path() + fileName);
    url.setQuery(u"md5="_s + QString::fromLatin1(sandbox::SandboxServer::secureLinkMd5(url.path(), expires, m_secret)) +
                 u"&expires="_s + QString::number(expires));
    return url;
}

QString NginxServer::accessLogPath() const
{
    return m_dir ? path(u"logs/access.log"_s) : QString();
}

QList<NginxLogEntry> NginxServer::accessLog() const
{
    QList<NginxLogEntry> entries;
    QFile file(accessLogPath());
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty())
            continue;
        NginxLogEntry e;
        e.request = o.value(u"request"_s).toString();
        e.method = o.value(u"method"_s).toString();
        e.uri = o.value(u"uri"_s).toString();
        e.status = o.value(u"status"_s).toInt();
        e.bytes = o.value(u"bytes"_s).toInteger();
        e.protocol = o.value(u"protocol"_s).toString();
        e.range = o.value(u"range"_s).toString();
        e.port = o.value(u"port"_s).toInt();
        e.authorization = o.value(u"authorization"_s).toInt() != 0;
        entries.append(e);
    }
    return entries;
}

QString NginxServer::errorLogText() const
{
    QFile file(m_dir ? path(u"logs/error.log"_s) : QString());
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()) : QString();
}

} // namespace getbill::test
