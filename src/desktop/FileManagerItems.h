#pragma once

#include <QStringList>

class QDBusConnection;

namespace getbill {

/// Shows files selected in the desktop's file manager through org.freedesktop.FileManager1 (Nautilus, Dolphin,
/// Nemo, Caja and Thunar offer it on the session bus), instead of only opening their folder.
class FileManagerItems
{
public:
    static const QString service;

    /// True when a file manager on `bus` offers the interface: running now, or started by the bus on demand.
    static bool isAvailable(const QDBusConnection &bus);
    /// Asks it to show `paths` selected (ShowItems). False when no file manager offers the interface or the bus
    /// refused the message; the caller then opens the folder instead.
    static bool show(const QDBusConnection &bus, const QStringList &paths, const QString &startupId = {});
};

} // namespace getbill
