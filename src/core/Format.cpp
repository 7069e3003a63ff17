#include "Format.h"

#include <QCoreApplication>
#include <QLocale>

namespace getbill::Format {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::Format)
};
} // namespace

QString dataSize(qint64 bytes)
{
    if (bytes < 0)
        return Text::tr("unknown size");
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

QString noValue()
{
    return QStringLiteral("\u2014");
}

bool hasFile(const Report &report)
{
    return report.fileSize > 0 || (report.fileSize == 0 && report.canDownload());
}

QString reportSize(const Report &report)
{
    return hasFile(report) ? dataSize(report.fileSize) : noValue();
}

QString linkExpiryNote(const QDateTime &expiresAt, bool downloadFinished, const QDateTime &now, int soonSeconds)
{
    if (!expiresAt.isValid() || downloadFinished || now.secsTo(expiresAt) > soonSeconds)
        return {};
    if (expiresAt <= now)
        return Text::tr("The download link expired at %1; a new one is asked for when the download continues.")
            .arg(clockTime(expiresAt));
    return Text::tr("The download link expires at %1; a new one is asked for if the download needs longer.")
        .arg(clockTime(expiresAt));
}

QString speed(double bytesPerSecond)
{
    if (bytesPerSecond <= 0)
        return {};
    return Text::tr("%1/s").arg(dataSize(static_cast<qint64>(bytesPerSecond)));
}

QString duration(qint64 seconds)
{
    if (seconds < 60)
        return Text::tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return Text::tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return Text::tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QString seconds(qint64 milliseconds)
{
    return QLocale().toString(double(milliseconds) / 1000.0, 'g', 4);
}

QString clockTime(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime().time(), QLocale::ShortFormat);
}

QString dateTime(const QDateTime &utc)
{
    if (!utc.isValid())
        return {};
    return QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat);
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

QString isoPeriod(const QDate &from, const QDate &to)
{
    if (!from.isValid() && !to.isValid())
        return noValue();
    const auto date = [](const QDate &d) {
        return d.isValid() ? d.toString(Qt::ISODate) : QString();
    };
    return date(from) + QLatin1String("..") + date(to);
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("completed"))
        return Text::tr("Completed");
    if (status == QLatin1String("pending"))
        return Text::tr("Pending");
    if (status == QLatin1String("processing"))
        return Text::tr("Processing");
    if (status == QLatin1String("failed"))
        return Text::tr("Failed");
    if (status.isEmpty())
        return Text::tr("Unknown");
    // A status this version does not know: show it as the API said, capitalised.
    return status.left(1).toUpper() + status.mid(1);
}

QString typeText(const QString &type)
{
    if (type == QLatin1String("financial"))
        return Text::tr("Financial");
    if (type == QLatin1String("collection"))
        return Text::tr("Collection");
    if (type == QLatin1String("export"))
        return Text::tr("Export");
    if (type == QLatin1String("aging"))
        return Text::tr("Aging");
    if (type == QLatin1String("payments"))
        return Text::tr("Payments");
    return type.left(1).toUpper() + type.mid(1);
}

QString fileKind(const QString &mimeType)
{
    if (mimeType == QLatin1String("application/pdf"))
        return Text::tr("PDF document");
    if (mimeType == QLatin1String("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        return Text::tr("Excel workbook");
    if (mimeType == QLatin1String("text/csv"))
        return Text::tr("CSV file");
    return mimeType;
}

QString notDownloadableReason(const Report &report)
{
    if (report.canDownload())
        return {};
    if (report.status == QLatin1String("pending"))
        return Text::tr(
            "GetBill has not started generating this report yet. It can be downloaded once it is completed.");
    if (report.status == QLatin1String("processing"))
        return Text::tr("GetBill is still generating this report. It can be downloaded once it is completed.");
    if (report.status == QLatin1String("failed"))
        return Text::tr("GetBill could not generate this report, so there is no file to download. Ask for it to be "
                        "generated again in the GetBill dashboard.");
    if (report.isCompleted())
        return Text::tr("GetBill does not offer this report for download at the moment.");
    return Text::tr("This report is not ready (status: %1).").arg(statusText(report.status));
}

QString waitingUntil(const QDateTime &retryAt, const ApiError &why)
{
    if (why.isError())
        return Text::tr("Waiting until %1: %2").arg(clockTime(retryAt), why.message());
    return Text::tr("Waiting until %1.").arg(clockTime(retryAt));
}

QString retryingIn(const ApiError &why, qint64 delayMs, const QDateTime &now)
{
    return Text::tr("%1 Trying again in %2 s (waiting until %3).")
        .arg(why.message(), QLocale().toString(double(delayMs) / 1000.0, 'f', 1), clockTime(now.addMSecs(delayMs)));
}

QString rateLimitWait(const QDateTime &until, bool keepingReserve, int reserve)
{
    if (!keepingReserve)
        return Text::tr("Waiting until %1 for GetBill's rate limit: it is used up for now.").arg(clockTime(until));
    if (reserve == 1)
        return Text::tr("Waiting until %1 for GetBill's rate limit: 1 request kept for your other work.")
            .arg(clockTime(until));
    return Text::tr("Waiting until %1 for GetBill's rate limit: %2 requests kept for your other work.")
        .arg(clockTime(until), QLocale().toString(reserve));
}

QString reportIdCount(int count)
{
    return Text::tr("%n report id(s)", nullptr, count);
}

} // namespace getbill::Format
