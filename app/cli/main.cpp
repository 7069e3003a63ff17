// getbill-reports-cli: builds the run's objects and wires them; the logic lives in the classes of app/cli.
#include "AuthCommand.h"
#include "CliEnvironment.h"
#include "CliOptions.h"
#include "CliSession.h"
#include "Console.h"
#include "ExitStatus.h"
#include "SignalWatcher.h"

#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>
#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace getbill::cli;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("getbill-reports-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GETBILL_VERSION));

    QFile out;
    QFile err;
    QFile in;
    out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered);
    err.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered);
    in.open(stdin, QIODevice::ReadOnly);
#ifdef Q_OS_UNIX
    const bool errIsTerminal = ::isatty(STDERR_FILENO) == 1;
#else
    const bool errIsTerminal = false;
#endif
    Console console(&out, &err, errIsTerminal);

    QString usageError;
    const std::optional<CliOptions> options = CliOptions::parse(app.arguments().mid(1), &usageError);
    if (!options) {
        console.error(usageError);
        console.message(CliOptions::shortUsage());
        return toInt(ExitStatus::Usage);
    }
    if (options->command == CliOptions::Command::Help) {
        console.print(CliOptions::usage());
        return toInt(ExitStatus::Ok);
    }
    if (options->command == CliOptions::Command::Version) {
        console.printLine(QStringLiteral("getbill-reports-cli " GETBILL_VERSION));
        return toInt(ExitStatus::Ok);
    }

    const CliEnvironment environment = CliEnvironment::from(QProcessEnvironment::systemEnvironment());
    QNetworkAccessManager network;
    CliSession session(&network, &console, &in);
    if (const ExitStatus status = session.configure(environment); status != ExitStatus::Ok)
        return toInt(status);
    if (options->command == CliOptions::Command::Auth) {
        // The account's key: the same API URL rule as openApi() (--api-url, GETBILL_API_URL, the default).
        session.authContext().apiUrl =
            QUrl(!options->apiUrl.isEmpty()      ? options->apiUrl
                 : !environment.apiUrl.isEmpty() ? environment.apiUrl
                                                 : QStringLiteral("https://getbill.io/external-api/v1"),
                 QUrl::StrictMode);
        return runAuthCommand(options->authArguments, session.authContext());
    }
    if (const ExitStatus status = session.openApi(*options, environment); status != ExitStatus::Ok)
        return toInt(status);

    const std::unique_ptr<CliCommand> command = session.createCommand(*options);
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::signalled, command.get(), &CliCommand::interrupt);
    QObject::connect(command.get(), &getbill::Job::finished, &app,
                     [&command] { QCoreApplication::exit(toInt(exitStatusFor(command->error()))); });
    // Queued: finished() must come once exec() runs, or the exit code would be lost.
    QMetaObject::invokeMethod(command.get(), &CliCommand::start, Qt::QueuedConnection);
    return app.exec();
}
