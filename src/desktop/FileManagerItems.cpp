#include "FileManagerItems.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QUrl>

namespace getbill {

const QString FileManagerItems::service = QStringLiteral("org.freedesktop.FileManager1");

bool FileManagerItems::isAvailable(const QDBusConnection &bus)
{
    if (!bus.isConnected() || !bus.interface())
        return false;
    QDBusConnectionInterface *names = bus.interface();
    if (names->isServiceRegistered(service).value())
        return true;
    return names->activatableServiceNames().value().contains(service);
}

bool FileManagerItems::show(const QDBusConnection &bus, const QStringList &paths, const QString &startupId)
{
    if (paths.isEmpty() || !isAvailable(bus))
        return false;
    QStringList uris;
    for (const QString &path : paths)
        uris << QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded);
    QDBusMessage call =
        QDBusMessage::createMethodCall(service, QStringLiteral("/org/freedesktop/FileManager1"),
                                       QStringLiteral("org.freedesktop.FileManager1"), QStringLiteral("ShowItems"));
    call << uris << startupId;
    // Not waited for: a file manager being started by the bus may take seconds, and the window must not freeze.
    return QDBusConnection(bus).send(call);
}

} // namespace getbill
