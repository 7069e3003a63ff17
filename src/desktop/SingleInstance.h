#pragma once

#include <QObject>
#include <QStringList>

class QLocalServer;

namespace getbill {

/// Makes the desktop application single-instance per user: the first launch listens on a local socket; a later
/// launch connects, hands over its arguments (report ids, links) and exits, and the first one's window downloads
/// them. The socket name is derived from the user, so two users of one machine do not see each other.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    /// `key` names the instance group; tests use their own to stay apart from a running application.
    explicit SingleInstance(QString key = defaultKey(), QObject *parent = nullptr);
    ~SingleInstance() override;

    static QString defaultKey();

    /// Hands `arguments` to a running instance. True when one took them (the caller should then exit).
    bool sendToRunning(const QStringList &arguments, int timeoutMs = 2000) const;
    /// Becomes the running instance. False when another one already listens or the socket cannot be created.
    bool listen();
    QString serverName() const;

signals:
    /// Arguments a later launch handed over.
    void argumentsReceived(const QStringList &arguments);

private:
    void onNewConnection();

    QString m_key;
    QLocalServer *m_server = nullptr;
};

} // namespace getbill
