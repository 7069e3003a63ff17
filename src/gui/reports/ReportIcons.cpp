#include "ReportIcons.h"

namespace getbill::gui::ReportIcons {

QString statusFile(const QString &status)
{
    if (status == QLatin1String("completed"))
        return QStringLiteral(":/getbill/icons/status-completed.png");
    if (status == QLatin1String("processing"))
        return QStringLiteral(":/getbill/icons/status-processing.png");
    if (status == QLatin1String("failed"))
        return QStringLiteral(":/getbill/icons/status-failed.png");
    if (status == QLatin1String("downloaded"))
        return QStringLiteral(":/getbill/icons/status-downloaded.png");
    return QStringLiteral(":/getbill/icons/status-pending.png");
}

QIcon status(const QString &status)
{
    return QIcon(statusFile(status));
}

QIcon application()
{
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/getbill/icons/getbill-reports-%1.png").arg(size), QSize(size, size));
    return icon;
}

} // namespace getbill::gui::ReportIcons
