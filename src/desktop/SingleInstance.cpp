#include "SingleInstance.h"

#include <QCryptographicHash>
#include <QDataStream>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>

namespace getbill {

namespace {
// Caps what a peer may send: a few thousand ids at most, never an unbounded buffer.
constexpr qint64 MaxMessageBytes = 1024 * 1024;
constexpr quint32 ProtocolVersion = 1;
} // namespace

SingleInstance::SingleInstance(QString key, QObject *parent) : QObject(parent), m_key(std::move(key))
{}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultKey()
{
    return QStringLiteral("getbill-reports");
}

QString SingleInstance::serverName() const
{
    // Hash the user's home into the name: per user, short enough for the socket path limit, no user name leaked.
    const QByteArray user = QDir::homePath().toUtf8();
    const QByteArray hash = QCryptographicHash::hash(user, QCryptographicHash::Sha256).toHex().left(12);
    return m_key + QLatin1Char('-') + QString::fromLatin1(hash);
}

bool SingleInstance::sendToRunning(const QStringList &arguments, int timeoutMs) const
{
    QLocalSocket socket;
    socket.connectToServer(serverName());
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QByteArray message;
    QDataStream out(&message, QIODevice::WriteOnly);
    out << ProtocolVersion << arguments;
    QByteArray framed;
    QDataStream frame(&framed, QIODevice::WriteOnly);
    frame << message;
    socket.write(framed);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // Wait for the acknowledgement: only then is it safe for this process to exit.
    if (!socket.waitForReadyRead(timeoutMs))
        return false;
    return socket.read(1) == "1";
}

bool SingleInstance::listen()
{
    if (m_server)
        return true;
    // Ask first: with UserAccessOption Qt creates the socket elsewhere and renames it into place, which would
    // silently take the name over from a running instance.
    QLocalSocket probe;
    probe.connectToServer(serverName());
    if (probe.waitForConnected(500)) {
        probe.abort();
        return false;
    }
    // Nobody answers: whatever is left is a crashed instance's socket file.
    QLocalServer::removeServer(serverName());
    auto *server = new QLocalServer(this);
    server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!server->listen(serverName())) {
        delete server;
        return false;
    }
    m_server = server;
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    return true;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (socket->bytesAvailable() > MaxMessageBytes) {
                socket->abort();
                return;
            }
            QDataStream in(socket);
            in.startTransaction();
            QByteArray message;
            in >> message;
            if (!in.commitTransaction())
                return; // wait for the rest of the frame
            QDataStream body(message);
            quint32 version = 0;
            QStringList arguments;
            body >> version >> arguments;
            const bool ok = body.status() == QDataStream::Ok && version == ProtocolVersion;
            socket->write(ok ? "1" : "0");
            socket->flush();
            socket->disconnectFromServer();
            if (ok)
                emit argumentsReceived(arguments);
        });
    }
}

} // namespace getbill
