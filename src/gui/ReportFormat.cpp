#include "ReportFormat.h"

#include <QCoreApplication>
#include <QLocale>

namespace getbill::gui::ReportFormat {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ReportFormat", text);
}
} // namespace

QString size(qint64 bytes)
{
    if (bytes < 0)
        return tr("unknown size");
    // Decimal units, as file managers on Linux and macOS show them, so the numbers match what users see there.
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString period(const QDate &from, const QDate &to)
{
    const QLocale locale;
    if (!from.isValid() && !to.isValid())
        return {};
    // A whole calendar month is what almost every report covers: "January 2024" reads better than two dates.
    if (from.isValid() && to.isValid() && from.day() == 1 && to == from.addMonths(1).addDays(-1))
        return locale.standaloneMonthName(from.month()) + QLatin1Char(' ') + QString::number(from.year());
    const QString a = from.isValid() ? locale.toString(from, QLocale::ShortFormat) : QString();
    const QString b = to.isValid() ? locale.toString(to, QLocale::ShortFormat) : QString();
    return a + QStringLiteral(" – ") + b;
}

QString dateTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    return QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat);
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("completed"))
        return tr("Completed");
    if (status == QLatin1String("pending"))
        return tr("Pending");
    if (status == QLatin1String("processing"))
        return tr("Processing");
    if (status == QLatin1String("failed"))
        return tr("Failed");
    if (status.isEmpty())
        return tr("Unknown");
    // A status this version does not know: show it as the API said, capitalised.
    return status.left(1).toUpper() + status.mid(1);
}

QIcon statusIcon(const QString &status)
{
    if (status == QLatin1String("completed"))
        return QIcon(QStringLiteral(":/getbill/icons/status-completed.png"));
    if (status == QLatin1String("pending"))
        return QIcon(QStringLiteral(":/getbill/icons/status-pending.png"));
    if (status == QLatin1String("processing"))
        return QIcon(QStringLiteral(":/getbill/icons/status-processing.png"));
    if (status == QLatin1String("failed"))
        return QIcon(QStringLiteral(":/getbill/icons/status-failed.png"));
    return QIcon(QStringLiteral(":/getbill/icons/status-pending.png"));
}

QString fileKind(const QString &mimeType)
{
    if (mimeType == QLatin1String("application/pdf"))
        return tr("PDF document");
    if (mimeType == QLatin1String("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        return tr("Excel workbook");
    if (mimeType == QLatin1String("text/csv"))
        return tr("CSV file");
    return mimeType;
}

QString notDownloadableReason(const Report &report)
{
    if (report.canDownload())
        return {};
    if (report.status == QLatin1String("pending"))
        return tr("GetBill has not started generating this report yet. It can be downloaded once it is completed.");
    if (report.status == QLatin1String("processing"))
        return tr("GetBill is still generating this report. It can be downloaded once it is completed.");
    if (report.status == QLatin1String("failed"))
        return tr("GetBill could not generate this report, so there is no file to download. Ask for it to be "
                  "generated again in the GetBill dashboard.");
    if (report.isCompleted())
        return tr("GetBill does not offer this report for download at the moment.");
    return tr("This report is not ready (status: %1).").arg(statusText(report.status));
}

QIcon applicationIcon()
{
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/getbill/icons/getbill-reports-%1.png").arg(size), QSize(size, size));
    return icon;
}

QString speed(double bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return {};
    return tr("%1/s").arg(
        QLocale().formattedDataSize(static_cast<qint64>(bytesPerSecond), 1, QLocale::DataSizeSIFormat));
}

QString duration(qint64 seconds)
{
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

} // namespace getbill::gui::ReportFormat
