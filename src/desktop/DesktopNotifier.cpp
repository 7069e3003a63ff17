#include "DesktopNotifier.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

namespace getbill {

namespace {
const QString Path = QStringLiteral("/org/freedesktop/Notifications");
const QString Interface = QStringLiteral("org.freedesktop.Notifications");
} // namespace

const QString DesktopNotifier::service = QStringLiteral("org.freedesktop.Notifications");

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent) : QObject(parent), m_bus(bus)
{
    // Only the service's owner is heard: another client cannot make us open a file manager.
    m_bus.connect(service, Path, Interface, QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(service, Path, Interface, QStringLiteral("NotificationClosed"), this, SLOT(onClosed(uint, uint)));
}

bool DesktopNotifier::isAvailable() const
{
    if (!m_bus.isConnected() || !m_bus.interface())
        return false;
    QDBusConnectionInterface *names = m_bus.interface();
    return names->isServiceRegistered(service).value() || names->activatableServiceNames().value().contains(service);
}

bool DesktopNotifier::notify(const QString &summary, const QString &body, const QString &key)
{
    if (!isAvailable())
        return false;
    QDBusMessage call = QDBusMessage::createMethodCall(service, Path, Interface, QStringLiteral("Notify"));
    const QVariantMap hints{{QStringLiteral("desktop-entry"), QStringLiteral("io.getbill.Reports")}};
    call << QStringLiteral("GetBill Reports") << uint(0) << QStringLiteral("io.getbill.Reports")
         << summary.toHtmlEscaped() << body.toHtmlEscaped() << QStringList{QStringLiteral("default"), tr("Show")}
         << hints << -1;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, key](QDBusPendingCallWatcher *call) {
        const QDBusPendingReply<uint> reply = *call;
        if (!reply.isError())
            m_keys.insert(reply.value(), key);
        call->deleteLater();
    });
    return true;
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    Q_UNUSED(action); // "default" (a click on the bubble) and "Show" do the same
    const auto it = m_keys.constFind(id);
    if (it != m_keys.constEnd())
        emit activated(*it);
}

void DesktopNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason);
    m_keys.remove(id);
}

} // namespace getbill
