#pragma once

// Stand-ins for the desktop's session-bus services, served from a connection of their own so that every call and
// signal makes a real trip through the test's private dbus-daemon: a notification server that records Notify and
// can say a notification was clicked or closed, a file manager that records ShowItems, and a listener of the
// launcher entry's Update signal.

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace getbill::test {

/// A connection of its own to the session bus, for one fake.
inline QDBusConnection fakeConnection(const QString &name)
{
    return QDBusConnection::connectToBus(QDBusConnection::SessionBus, name);
}

class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        QString summary;
        QString body;
        QStringList actions;
        uint id = 0;
    };

    explicit FakeNotifications(const QString &connection = QStringLiteral("fake-notifications"))
        : m_bus(fakeConnection(connection))
    {
        m_registered = m_bus.registerObject(QStringLiteral("/org/freedesktop/Notifications"), this,
                                            QDBusConnection::ExportScriptableSlots) &&
                       m_bus.registerService(QStringLiteral("org.freedesktop.Notifications"));
    }
    ~FakeNotifications() override
    {
        m_bus.unregisterService(QStringLiteral("org.freedesktop.Notifications"));
        m_bus.unregisterObject(QStringLiteral("/org/freedesktop/Notifications"));
        QDBusConnection::disconnectFromBus(m_bus.name());
    }
    bool isRegistered() const { return m_registered; }

    void emitSignal(const QString &member, uint id, const QVariant &argument)
    {
        QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/Notifications"),
                                                         QStringLiteral("org.freedesktop.Notifications"), member);
        signal << id << argument;
        m_bus.send(signal);
    }
    void click(uint id) { emitSignal(QStringLiteral("ActionInvoked"), id, QStringLiteral("default")); }
    void close(uint id) { emitSignal(QStringLiteral("NotificationClosed"), id, uint(2)); }

    QList<Call> calls;

public slots:
    Q_SCRIPTABLE uint Notify(const QString &app, uint replaces, const QString &icon, const QString &summary,
                             const QString &body, const QStringList &actions, const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(app);
        Q_UNUSED(replaces);
        Q_UNUSED(icon);
        Q_UNUSED(hints);
        Q_UNUSED(timeout);
        calls.append({summary, body, actions, uint(100 + calls.size())});
        return calls.last().id;
    }

private:
    QDBusConnection m_bus;
    bool m_registered = false;
};

class FakeFileManager : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.FileManager1")
public:
    FakeFileManager() : m_bus(fakeConnection(QStringLiteral("fake-file-manager")))
    {
        m_registered = m_bus.registerObject(QStringLiteral("/org/freedesktop/FileManager1"), this,
                                            QDBusConnection::ExportScriptableSlots) &&
                       m_bus.registerService(QStringLiteral("org.freedesktop.FileManager1"));
    }
    ~FakeFileManager() override
    {
        m_bus.unregisterService(QStringLiteral("org.freedesktop.FileManager1"));
        m_bus.unregisterObject(QStringLiteral("/org/freedesktop/FileManager1"));
        QDBusConnection::disconnectFromBus(m_bus.name());
    }
    bool isRegistered() const { return m_registered; }

    QList<QStringList> shown;
    QStringList startupIds;

public slots:
    Q_SCRIPTABLE void ShowItems(const QStringList &uris, const QString &startupId)
    {
        shown << uris;
        startupIds << startupId;
    }

private:
    QDBusConnection m_bus;
    bool m_registered = false;
};

class LauncherListener : public QObject
{
    Q_OBJECT
public:
    LauncherListener() : m_bus(fakeConnection(QStringLiteral("launcher-listener")))
    {
        m_connected = m_bus.connect({}, QStringLiteral("/io/getbill/Reports/launcher"),
                                    QStringLiteral("com.canonical.Unity.LauncherEntry"), QStringLiteral("Update"), this,
                                    SLOT(onUpdate(QString, QVariantMap)));
    }
    ~LauncherListener() override { QDBusConnection::disconnectFromBus(m_bus.name()); }
    bool isConnected() const { return m_connected; }

    QStringList uris;
    QList<QVariantMap> updates;

private slots:
    void onUpdate(const QString &uri, const QVariantMap &properties)
    {
        uris << uri;
        updates << properties;
    }

private:
    QDBusConnection m_bus;
    bool m_connected = false;
};

} // namespace getbill::test
