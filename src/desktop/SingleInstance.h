#pragma once

#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <optional>

class QLocalServer;
class QLocalSocket;

namespace getbill {

/// Makes the desktop application single-instance per user: the first launch listens on a local socket; a later
/// launch connects, hands over its arguments (report ids, links) and exits, and the first one's window downloads
/// them.
///
/// On Unix the socket lives in the user's runtime folder ($XDG_RUNTIME_DIR: 0700 and the user's own), or, when there
/// is none, in a 0700 folder of the user's own under the temporary folder ("getbill-reports-<uid>"), which is
/// refused when it is not a real folder owned by the user with no access for anyone else. Both ends check who is on
/// the other side (the peer's uid): the server drops connections from other users, and a launch hands its arguments
/// only to a listener of its own user. A listener or socket file of another user is never taken over or removed: the
/// launch then runs as an instance of its own (sendToRunning() and listen() both return false). On Windows the name
/// is a named pipe, which is per session.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    /// Why listen() returned false.
    enum class ListenError
    {
        None,
        AlreadyRunning, ///< an instance of this user listens on the name
        NotOurs,        ///< the name is taken by another user's listener or socket file: left alone
        Unavailable,    ///< no private folder for the socket, or something other than a socket of ours is there
    };

    /// Most arguments one message may carry, and the longest argument (UTF-16 code units: 8 KiB on the wire).
    static constexpr int maxArguments = 1000;
    static constexpr int maxArgumentLength = 4096;
    /// Largest message (and frame body) accepted.
    static constexpr int maxMessageBytes = 1024 * 1024;

    /// `key` names the instance group; tests use their own to stay apart from a running application. It is a file
    /// name: a key with a separator has no server name.
    explicit SingleInstance(QString key = defaultKey(), QObject *parent = nullptr);
    ~SingleInstance() override;

    static QString defaultKey();

    /// Hands `arguments` to a running instance of this user. True when one took them (the caller should then exit).
    /// False when none listens, the listener belongs to another user (nothing is sent to it), or the arguments exceed
    /// the caps.
    bool sendToRunning(const QStringList &arguments, int timeoutMs = 2000) const;
    /// Becomes the running instance. False when another one already listens, the name belongs to another user or the
    /// socket cannot be created; listenError() says which.
    bool listen();
    ListenError listenError() const { return m_listenError; }
    /// On Unix the absolute path of the socket; empty when there is no private folder for it.
    QString serverName() const;

    /// The message a launch sends: version and arguments in QDataStream's format. Empty when `arguments` exceed
    /// maxArguments, maxArgumentLength or maxMessageBytes.
    static QByteArray encodeMessage(const QStringList &arguments);
    /// Strict inverse of encodeMessage(): the right version, at most maxArguments arguments of at most
    /// maxArgumentLength each, and nothing after the last one; anything else is no message (fuzzed:
    /// fuzz/fuzz_instancemessage.cpp).
    static std::optional<QStringList> decodeMessage(const QByteArray &message);

signals:
    /// Arguments a later launch handed over.
    void argumentsReceived(const QStringList &arguments);

private:
    void onNewConnection();
    void readMessage(QLocalSocket *socket);

    QString m_key;
    QLocalServer *m_server = nullptr;
    ListenError m_listenError = ListenError::None;
};

} // namespace getbill
