#pragma once

#include <QSslConfiguration>
#include <QTcpServer>
#include <functional>
#include <optional>

namespace getbill::sandbox {

/// A loopback listener that hands every accepted socket to a callback, wrapped in a QSslSocket whose server
/// handshake has started when TLS is on. Doing it here rather than through the pending-connection queue lets the
/// HTTP layer watch the handshake too, so a client that rejects the certificate just closes its connection.
class SandboxListener : public QTcpServer
{
    Q_OBJECT
public:
    using SocketHandler = std::function<void(QTcpSocket *socket)>;

    SandboxListener(std::optional<QSslConfiguration> tls, SocketHandler handler, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    std::optional<QSslConfiguration> m_tls;
    SocketHandler m_handler;
};

} // namespace getbill::sandbox
