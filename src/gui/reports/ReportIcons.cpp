#include "ReportIcons.h"

namespace getbill::gui::ReportIcons {

QIcon status(const QString &status)
{
    if (status == QLatin1String("completed"))
        return QIcon(QStringLiteral(":/getbill/icons/status-completed.png"));
    if (status == QLatin1String("processing"))
        return QIcon(QStringLiteral(":/getbill/icons/status-processing.png"));
    if (status == QLatin1String("failed"))
        return QIcon(QStringLiteral(":/getbill/icons/status-failed.png"));
    return QIcon(QStringLiteral(":/getbill/icons/status-pending.png"));
}

QIcon application()
{
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/getbill/icons/getbill-reports-%1.png").arg(size), QSize(size, size));
    return icon;
}

} // namespace getbill::gui::ReportIcons
