// getbill-reports-cli: parses the command line and runs one CliSession; the logic lives in the classes of app/cli.
#include "CliEnvironment.h"
#include "CliOptions.h"
#include "CliSession.h"
#include "Console.h"
#include "DemoHost.h"
#include "SignalWatcher.h"
#include "Translations.h"
#include "auth/KeychainSecretStore.h"

#include <QCoreApplication>
#include <QFile>
#include <QNetworkAccessManager>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace getbill;
using namespace getbill::cli;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("getbill-reports-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GETBILL_VERSION));
    // Messages for people in the system's language (LANGUAGE, LC_ALL, LANG); --json output stays the API's.
    Translations translations;
    translations.install(QLocale::system());

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

    QNetworkAccessManager network;
    KeychainSecretStore keychain;
    DemoHost demo;
    CliSession session(&network, &console, &in, &keychain, &demo, *options,
                       CliEnvironment::from(QProcessEnvironment::systemEnvironment()));
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::signalled, &session, &CliSession::interrupt);
    QObject::connect(&session, &Job::finished, &app,
                     [&session] { QCoreApplication::exit(toInt(session.exitStatus())); });
    // Queued: finished() must come once exec() runs, or the exit code would be lost.
    QMetaObject::invokeMethod(&session, &CliSession::start, Qt::QueuedConnection);
    return app.exec();
}
