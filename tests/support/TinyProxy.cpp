#include "TinyProxy.h"

#include "NginxServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

namespace getbill::test {

using namespace Qt::Literals::StringLiterals;

TinyProxy::TinyProxy() = default;

TinyProxy::~TinyProxy()
{
    stop();
}

bool TinyProxy::start(const Options &options)
{
    if (m_process) {
        m_error = u"tinyproxy is already started"_s;
        return false;
    }
    m_options = options;
    m_program = findProgram(options.program);
    if (m_program.isEmpty()) {
        m_error =
            u"tinyproxy was not found (%1): install Debian's tinyproxy (scripts/test does)"_s.arg(options.program);
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = u"cannot make a temporary folder: "_s + m_dir->errorString();
        return false;
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        quint16 port = 0;
        {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0)) {
                m_error = u"no free loopback port"_s;
                return false;
            }
            port = probe.serverPort();
        }
        bool portTaken = false;
        if (launch(port, &portTaken))
            return true;
        if (!portTaken)
            return false;
    }
    return false;
}

bool TinyProxy::launch(quint16 port, bool *portTaken)
{
    *portTaken = false;
    QByteArray conf = "# Written by getbill::test::TinyProxy.\n"
                      "Port " +
                      QByteArray::number(port) +
                      "\n"
                      "Listen 127.0.0.1\n"
                      "Timeout 30\n"
                      "LogFile \"" +
                      QFile::encodeName(logPath()) +
                      "\"\n"
                      "LogLevel Connect\n"
                      "PidFile \"" +
                      QFile::encodeName(m_dir->filePath(u"tinyproxy.pid"_s)) +
                      "\"\n"
                      "MaxClients 20\n"
                      "Allow 127.0.0.1\n"
                      "DisableViaHeader Yes\n";
    if (!m_options.user.isEmpty())
        conf += "BasicAuth " + m_options.user.toUtf8() + ' ' + m_options.password.toUtf8() + '\n';
    for (const quint16 allowed : std::as_const(m_options.connectPorts))
        conf += "ConnectPort " + QByteArray::number(allowed) + '\n';
    QFile file(m_dir->filePath(u"tinyproxy.conf"_s));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(conf) != conf.size()) {
        m_error = u"cannot write "_s + file.fileName();
        return false;
    }
    file.close();
    QFile::remove(logPath());

    m_process = std::make_unique<QProcess>();
    m_process->setProgram(m_program);
    m_process->setArguments({u"-d"_s, u"-c"_s, file.fileName()});
    m_process->setChildProcessModifier([] {
#ifdef Q_OS_LINUX
        ::prctl(PR_SET_PDEATHSIG, SIGTERM); // a test killed by its timeout leaves no proxy behind
#endif
    });
    m_process->start();
    if (!m_process->waitForStarted(5000)) {
        m_error = u"tinyproxy (%1) did not start: %2"_s.arg(m_program, m_process->errorString());
        m_process.reset();
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < m_options.startTimeoutMs && m_process->state() == QProcess::Running) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        if (socket.waitForConnected(200)) {
            socket.abort();
            m_port = port;
            return true;
        }
        m_process->waitForFinished(20); // returns at once if tinyproxy exits
    }
    const bool exited = m_process->state() == QProcess::NotRunning;
    const QString output = QString::fromLocal8Bit(m_process->readAll()) + u' ' + logText();
    stop();
    *portTaken = output.contains(u"Address already in use"_s);
    m_error = (exited ? u"tinyproxy exited before accepting connections"_s
                      : u"tinyproxy did not accept connections within %1 ms"_s.arg(m_options.startTimeoutMs)) +
              u" (%1): %2"_s.arg(m_program, output.trimmed().right(2000));
    return false;
}

void TinyProxy::stop()
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
    m_port = 0;
}

bool TinyProxy::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QUrl TinyProxy::url() const
{
    QUrl u;
    u.setScheme(u"http"_s);
    u.setHost(u"127.0.0.1"_s);
    u.setPort(m_port);
    return u;
}

QUrl TinyProxy::urlWithCredentials() const
{
    QUrl u = url();
    u.setUserName(m_options.user);
    u.setPassword(m_options.password);
    return u;
}

QString TinyProxy::logPath() const
{
    return m_dir ? m_dir->filePath(u"tinyproxy.log"_s) : QString();
}

QString TinyProxy::logText() const
{
    QFile file(logPath());
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()) : QString();
}

} // namespace getbill::test
