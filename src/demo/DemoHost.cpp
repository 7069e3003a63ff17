#include "DemoHost.h"

#include "sandbox/SandboxServer.h"

namespace getbill {

DemoHost::DemoHost(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("DemoHost"));
}

DemoHost::~DemoHost()
{
    if (m_server) {
        // The server's sockets belong to its thread: delete it there, then stop the thread.
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_server = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
}

QString DemoHost::token() const
{
    return demoToken();
}

QString DemoHost::demoToken()
{
    return sandbox::SandboxServer::demoToken();
}

bool DemoHost::start(QString *error)
{
    if (m_server)
        return true;
    m_thread.start();
    auto *server = new sandbox::SandboxServer;
    server->moveToThread(&m_thread);
    bool ok = false;
    QString message;
    QUrl url;
    QMetaObject::invokeMethod(
        server,
        [&] {
            ok = server->start();
            message = server->errorString();
            url = server->apiUrl();
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        if (error)
            *error = tr("The demo data could not be started: %1").arg(message);
        return false;
    }
    m_server = server;
    m_apiUrl = url;
    return true;
}

void DemoHost::run(const std::function<void(sandbox::SandboxServer &)> &work)
{
    if (!m_server)
        return;
    QMetaObject::invokeMethod(
        m_server, [this, &work] { work(*m_server); }, Qt::BlockingQueuedConnection);
}

} // namespace getbill
