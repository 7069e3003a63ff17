#pragma once

#include <QDBusConnection>
#include <QString>

namespace getbill {

/// The application's entry in a Unity-style launcher or dock (Ubuntu Dock, Plank, KDE's task manager): the overall
/// download progress and the number of downloads running, sent as com.canonical.Unity.LauncherEntry.Update signals
/// on the session bus. Nothing listens on most desktops, which is fine: a signal nobody wants is dropped.
class LauncherEntry
{
public:
    static const QString defaultAppUri; ///< application://io.getbill.Reports.desktop
    static const QString defaultPath;   ///< /io/getbill/Reports/launcher

    explicit LauncherEntry(const QDBusConnection &bus, const QString &appUri = defaultAppUri,
                           const QString &path = defaultPath);

    /// `progress` in [0, 1] of `count` downloads running; a count of 0 clears the entry (idle).
    void update(double progress, int count);
    void clear() { update(0, 0); }

private:
    QDBusConnection m_bus;
    QString m_appUri;
    QString m_path;
    double m_progress = -1;
    int m_count = -1;
};

} // namespace getbill
