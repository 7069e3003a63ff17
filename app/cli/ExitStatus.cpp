#include "ExitStatus.h"

#include <QCoreApplication>

namespace getbill::cli {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::cli)
};

/// "45 s", "30 min", "2 h 5 min": the wait a 429 asks for, readable at a glance.
QString duration(int seconds)
{
    if (seconds < 90)
        return Text::tr("%1 s").arg(seconds);
    if (seconds < 90 * 60)
        return Text::tr("%1 min").arg((seconds + 59) / 60);
    const int minutes = (seconds + 59) / 60;
    return Text::tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}
} // namespace

ExitStatus exitStatusFor(const ApiError &error)
{
    switch (error.category()) {
    case ApiError::Category::None:
        return ExitStatus::Ok;
    case ApiError::Category::NotAuthenticated:
        return ExitStatus::NotAuthenticated;
    case ApiError::Category::Refused:
        return ExitStatus::Refused;
    case ApiError::Category::Transient:
    case ApiError::Category::Untrusted: // a network failure, as the README's table says
        return ExitStatus::Transient;
    case ApiError::Category::Integrity:
        return ExitStatus::Integrity;
    case ApiError::Category::LocalFile:
        return ExitStatus::LocalFile;
    case ApiError::Category::Cancelled:
        return ExitStatus::Interrupted;
    }
    return ExitStatus::Transient;
}

QString notSignedInMessage()
{
    return Text::tr("Not signed in: set GETBILL_TOKEN or run `getbill-reports-cli auth set-token`");
}

QString userMessage(const ApiError &error)
{
    if (error.kind() == ApiError::Kind::NotAuthenticated)
        return notSignedInMessage();
    QString text = error.detailedMessage();
    if (error.category() == ApiError::Category::NotAuthenticated)
        text += QLatin1Char(' ') +
                Text::tr("Check GETBILL_TOKEN or sign in again with `getbill-reports-cli auth set-token`.");
    // A 429 that asked for longer than we are willing to wait: tell when it is worth coming back.
    if (error.category() == ApiError::Category::Transient && error.retryAfterSeconds())
        text += QLatin1Char(' ') +
                Text::tr("GetBill asks to wait %1 before trying again.").arg(duration(*error.retryAfterSeconds()));
    return text;
}

} // namespace getbill::cli
