#include "LauncherEntry.h"

#include <QDBusMessage>
#include <QVariantMap>

namespace getbill {

const QString LauncherEntry::defaultAppUri = QStringLiteral("application://io.getbill.Reports.desktop");
const QString LauncherEntry::defaultPath = QStringLiteral("/io/getbill/Reports/launcher");

LauncherEntry::LauncherEntry(const QDBusConnection &bus, const QString &appUri, const QString &path)
    : m_bus(bus), m_appUri(appUri), m_path(path)
{}

void LauncherEntry::update(double progress, int count)
{
    progress = count > 0 ? qBound(0.0, progress, 1.0) : 0.0;
    count = std::max(0, count);
    // Progress arrives several times a second; the launcher needs a change it can see.
    if (count == m_count && qAbs(progress - m_progress) < 0.005)
        return;
    m_progress = progress;
    m_count = count;
    QDBusMessage signal = QDBusMessage::createSignal(m_path, QStringLiteral("com.canonical.Unity.LauncherEntry"),
                                                     QStringLiteral("Update"));
    const QVariantMap properties{
        {QStringLiteral("progress"), progress},
        {QStringLiteral("progress-visible"), count > 0},
        {QStringLiteral("count"), qint64(count)},
        {QStringLiteral("count-visible"), count > 1},
    };
    signal << m_appUri << properties;
    m_bus.send(signal);
}

} // namespace getbill
