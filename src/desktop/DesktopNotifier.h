#pragma once

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QString>

namespace getbill {

/// Desktop notifications over org.freedesktop.Notifications (GNOME Shell, KDE Plasma, notification-daemon, dunst...):
/// each one carries a `key` (the file it is about) that comes back with activated() when the user clicks it.
/// notify() returns false when no notification service is on the bus; the caller then falls back to the tray.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static const QString service;

    explicit DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);

    /// A notification service is running or can be started by the bus.
    bool isAvailable() const;
    /// `summary` and `body` are plain text (escaped: servers may read markup). False when there is no service.
    bool notify(const QString &summary, const QString &body, const QString &key);

signals:
    /// The user clicked the notification (its default action, or "Show").
    void activated(const QString &key);

private slots:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QDBusConnection m_bus;
    QHash<uint, QString> m_keys; ///< notifications shown, by the server's id
};

} // namespace getbill
