#include "sandbox/SandboxListener.h"

#include <QSslSocket>

namespace getbill::sandbox {

SandboxListener::SandboxListener(std::optional<QSslConfiguration> tls, SocketHandler handler, QObject *parent)
    : QTcpServer(parent), m_tls(std::move(tls)), m_handler(std::move(handler))
{}

void SandboxListener::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(*m_tls);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(socket))
        ssl->startServerEncryption();
    m_handler(socket);
}

} // namespace getbill::sandbox
