#include "CliCommand.h"

#include "Console.h"
#include "ExitStatus.h"
#include "Format.h"

#include <QCoreApplication>

namespace getbill::cli {

CliCommand::CliCommand(ApiClient *api, Console *console, QObject *parent) : Job(parent), m_api(api), m_console(console)
{}

ExitStatus CliCommand::exitStatus() const
{
    return exitStatusFor(error());
}

void CliCommand::interrupt(int signalNumber)
{
    Q_UNUSED(signalNumber)
    if (isFinished())
        return;
    cancel();
    m_console->error(QCoreApplication::translate("getbill::cli", "Interrupted; no partial file was left behind."));
}

void CliCommand::announceRetry(const ApiError &error, int delayMs)
{
    m_console->message(Format::retryingIn(ApiError(error.kind(), userMessage(error), error.httpStatus()), delayMs));
}

void CliCommand::fail(const ApiError &error)
{
    m_console->error(userMessage(error));
    emitFailure(error);
}

} // namespace getbill::cli
