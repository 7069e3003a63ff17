#include "SingleInstance.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QtEndian>

#ifdef Q_OS_WIN
#include <QCryptographicHash>
#else
#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace getbill {

namespace {
constexpr quint32 ProtocolVersion = 1;
// QDataStream's encoding of a null QString.
constexpr quint32 NullString = 0xFFFFFFFF;

#ifndef Q_OS_WIN
/// A real folder (not a symlink) owned by this user that no one else may enter.
bool isPrivateFolder(const QString &path)
{
    if (path.isEmpty() || !QDir::isAbsolutePath(path))
        return false;
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    return S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

QString socketFolder()
{
    // $XDG_RUNTIME_DIR as Qt sees it, but only when it is the folder the environment names: Qt 6.4 silently moves to a
    // /tmp/runtime-<user> folder of its own when the variable's folder is unsuitable, and then we use ours instead.
#ifdef Q_OS_DARWIN
    const bool hasRuntime = true;
#else
    const QString variable = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const bool hasRuntime = !variable.isEmpty();
#endif
    if (hasRuntime) {
        const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
#ifdef Q_OS_DARWIN
        const bool asNamed = true;
#else
        const bool asNamed = QDir::cleanPath(runtime) == QDir::cleanPath(variable);
#endif
        if (asNamed && isPrivateFolder(runtime))
            return QDir::cleanPath(runtime);
    }
    // No usable runtime folder: a folder of our own. mkdir() fails on anything already there, which must then pass
    // the same checks: another user can create this name first, or plant a symlink, and we never use theirs.
    const QString fallback =
        QDir::cleanPath(QDir::tempPath()) + QLatin1String("/getbill-reports-") + QString::number(::geteuid());
    ::mkdir(QFile::encodeName(fallback).constData(), 0700);
    if (isPrivateFolder(fallback))
        return fallback;
    qWarning("SingleInstance: %ls is not a private folder of this user; running without a single instance",
             qUtf16Printable(fallback));
    return {};
}

std::optional<uid_t> peerUid(qintptr descriptor)
{
    if (descriptor < 0)
        return std::nullopt;
#ifdef Q_OS_LINUX
    struct ucred credentials = {};
    socklen_t length = sizeof credentials;
    if (::getsockopt(int(descriptor), SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 ||
        length != sizeof credentials)
        return std::nullopt;
    return credentials.uid;
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(int(descriptor), &uid, &gid) != 0)
        return std::nullopt;
    return uid;
#endif
}
#endif

enum class Listener
{
    None,   ///< nobody answers on the name
    Ours,   ///< connected, and the peer is this user
    Foreign ///< connected to another user's listener: send it nothing
};

/// Connects `socket` to `name` and says who listens there.
Listener connectTo(QLocalSocket &socket, const QString &name, int timeoutMs)
{
    socket.connectToServer(name);
    if (!socket.waitForConnected(timeoutMs))
        return Listener::None;
#ifndef Q_OS_WIN
    const std::optional<uid_t> uid = peerUid(socket.socketDescriptor());
    if (!uid || *uid != ::geteuid()) {
        socket.abort();
        return Listener::Foreign;
    }
#endif
    return Listener::Ours;
}
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
    if (m_key.isEmpty() || m_key.contains(QLatin1Char('/')) || m_key.contains(QLatin1Char('\\')) ||
        m_key.startsWith(QLatin1Char('.')))
        return {};
#ifdef Q_OS_WIN
    // Named pipes are per session; hash the user's home into the name so that no user name is leaked.
    const QByteArray user = QDir::homePath().toUtf8();
    const QByteArray hash = QCryptographicHash::hash(user, QCryptographicHash::Sha256).toHex().left(12);
    return m_key + QLatin1Char('-') + QString::fromLatin1(hash);
#else
    const QString folder = socketFolder();
    return folder.isEmpty() ? QString() : folder + QLatin1Char('/') + m_key + QLatin1String(".socket");
#endif
}

QByteArray SingleInstance::encodeMessage(const QStringList &arguments)
{
    if (arguments.size() > maxArguments)
        return {};
    for (const QString &argument : arguments)
        if (argument.size() > maxArgumentLength)
            return {};
    QByteArray message;
    QDataStream out(&message, QIODevice::WriteOnly);
    out << ProtocolVersion << arguments;
    if (out.status() != QDataStream::Ok || message.size() > maxMessageBytes)
        return {};
    return message;
}

std::optional<QStringList> SingleInstance::decodeMessage(const QByteArray &message)
{
    // Read by hand rather than with QDataStream: its QStringList reader reserves whatever count the peer claims.
    if (message.size() > maxMessageBytes)
        return std::nullopt;
    const char *at = message.constData();
    qsizetype left = message.size();
    const auto readU32 = [&](quint32 &value) {
        if (left < 4)
            return false;
        value = qFromBigEndian<quint32>(at);
        at += 4;
        left -= 4;
        return true;
    };
    quint32 version = 0;
    quint32 count = 0;
    if (!readU32(version) || version != ProtocolVersion || !readU32(count) || count > quint32(maxArguments) ||
        qsizetype(count) * 4 > left)
        return std::nullopt;
    QStringList arguments;
    arguments.reserve(qsizetype(count));
    for (quint32 i = 0; i < count; ++i) {
        quint32 bytes = 0;
        if (!readU32(bytes))
            return std::nullopt;
        if (bytes == NullString) {
            arguments.append(QString());
            continue;
        }
        if (bytes % 2 != 0 || bytes / 2 > quint32(maxArgumentLength) || qsizetype(bytes) > left)
            return std::nullopt;
        QString argument(qsizetype(bytes / 2), Qt::Uninitialized);
        QChar *out = argument.data();
        for (qsizetype c = 0; c < argument.size(); ++c)
            out[c] = QChar(qFromBigEndian<quint16>(at + 2 * c));
        if (argument.isNull())
            argument = QLatin1String(""); // empty, not null: encodeMessage() must give back the same bytes
        at += bytes;
        left -= bytes;
        arguments.append(argument);
    }
    if (left != 0)
        return std::nullopt;
    return arguments;
}

bool SingleInstance::sendToRunning(const QStringList &arguments, int timeoutMs) const
{
    const QByteArray message = encodeMessage(arguments);
    const QString name = serverName();
    if (message.isEmpty() || name.isEmpty())
        return false;
    QLocalSocket socket;
    if (connectTo(socket, name, timeoutMs) != Listener::Ours)
        return false;
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
    m_listenError = ListenError::Unavailable;
    const QString name = serverName();
    if (name.isEmpty())
        return false;
    // Ask first: whoever answers keeps the name, ours or not.
    QLocalSocket probe;
    switch (connectTo(probe, name, 500)) {
    case Listener::Ours:
        probe.abort();
        m_listenError = ListenError::AlreadyRunning;
        return false;
    case Listener::Foreign:
        m_listenError = ListenError::NotOurs;
        return false;
    case Listener::None:
        break;
    }
    auto *server = new QLocalServer(this);
#ifdef Q_OS_WIN
    QLocalServer::removeServer(name);
    server->setSocketOptions(QLocalServer::UserAccessOption);
#else
    // Nobody answers. What is left there may be a crashed instance's socket, which is replaced; anything else (another
    // user's file, which only root could put in our folder, or not a socket) is left alone.
    struct stat st = {};
    const QByteArray path = QFile::encodeName(name);
    if (::lstat(path.constData(), &st) == 0) {
        if (st.st_uid != ::geteuid()) {
            delete server;
            m_listenError = ListenError::NotOurs;
            return false;
        }
        if (!S_ISSOCK(st.st_mode) || ::unlink(path.constData()) != 0) {
            delete server;
            return false;
        }
    } else if (errno != ENOENT) {
        delete server;
        return false;
    }
    // No socket options: with them Qt binds elsewhere and renames the socket into place, which would replace one that
    // appeared meanwhile. The private folder is what keeps other users out; the peer check backs it up.
#endif
    if (!server->listen(name)) {
        delete server;
        return false;
    }
    m_server = server;
    m_listenError = ListenError::None;
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    return true;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
#ifndef Q_OS_WIN
        // Another user's process that reached the socket (a folder opened up, a hard link) hands nothing over.
        const std::optional<uid_t> uid = peerUid(socket->socketDescriptor());
        if (!uid || *uid != ::geteuid()) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
#endif
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readMessage(socket); });
    }
}

void SingleInstance::readMessage(QLocalSocket *socket)
{
    if (socket->state() != QLocalSocket::ConnectedState)
        return;
    // One frame: a 32-bit big-endian length (QDataStream's QByteArray) and the message.
    if (socket->bytesAvailable() < 4)
        return;
    const quint32 length = qFromBigEndian<quint32>(socket->peek(4).constData());
    if (length > quint32(maxMessageBytes)) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (socket->bytesAvailable() < 4 + qint64(length))
        return; // wait for the rest of the frame
    socket->read(4);
    const QByteArray message = socket->read(length);
    // Nothing may follow the frame.
    const std::optional<QStringList> arguments =
        socket->bytesAvailable() == 0 ? decodeMessage(message) : std::optional<QStringList>();
    socket->write(arguments ? "1" : "0");
    socket->flush();
    socket->disconnectFromServer();
    if (arguments)
        emit argumentsReceived(*arguments);
}

} // namespace getbill
