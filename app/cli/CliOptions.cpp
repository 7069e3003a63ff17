#include "CliOptions.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace getbill::cli {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::cli::CliOptions)
};

/// Walks the arguments, handing out "--name value" and "--name=value" alike.
class ArgumentReader
{
public:
    explicit ArgumentReader(const QStringList &arguments) : m_arguments(arguments) {}

    bool atEnd() const { return m_index >= m_arguments.size(); }
    QString next() { return m_arguments.at(m_index++); }
    QStringList rest()
    {
        const QStringList remaining = m_arguments.mid(m_index);
        m_index = m_arguments.size();
        return remaining;
    }

    /// The value of option `name` whose argument was `argument` ("--name=value" or "--name" followed by a value).
    std::optional<QString> value(const QString &argument, const QString &name, QString *error)
    {
        const QString prefix = name + QLatin1Char('=');
        if (argument.startsWith(prefix))
            return argument.mid(prefix.size());
        if (atEnd() || m_arguments.at(m_index).startsWith(QLatin1String("--"))) {
            *error = Text::tr("option %1 needs a value").arg(name);
            return std::nullopt;
        }
        return next();
    }

private:
    const QStringList &m_arguments;
    int m_index = 0;
};

/// "--name" or "--name=...".
bool isOption(const QString &argument, const char *name)
{
    const QLatin1String n(name);
    return argument == n || (argument.startsWith(n) && argument.size() > n.size() && argument.at(n.size()) == u'=');
}

bool isHelp(const QString &argument)
{
    return argument == QLatin1String("--help") || argument == QLatin1String("-h");
}

std::optional<CliOptions::Command> commandNamed(const QString &word)
{
    if (word == QLatin1String("list"))
        return CliOptions::Command::List;
    if (word == QLatin1String("show"))
        return CliOptions::Command::Show;
    if (word == QLatin1String("download"))
        return CliOptions::Command::Download;
    if (word == QLatin1String("auth"))
        return CliOptions::Command::Auth;
    if (word == QLatin1String("sync"))
        return CliOptions::Command::Sync;
    return std::nullopt;
}

/// The options only `sync` has; false with `error` on a bad value. `handled` false: not one of them.
bool parseSyncOption(CliOptions &o, ArgumentReader &reader, const QString &argument, bool *handled, QString *error)
{
    *handled = true;
    const auto value = [&](const char *name) {
        return reader.value(argument, QString::fromLatin1(name), error);
    };
    if (isOption(argument, "--type")) {
        const std::optional<QString> type = value("--type");
        if (!type || type->isEmpty()) {
            if (type)
                *error = Text::tr("option --type needs a value");
            return false;
        }
        if (!o.types.contains(*type))
            o.types << *type;
    } else if (isOption(argument, "--since")) {
        const std::optional<QString> date = value("--since");
        if (!date)
            return false;
        static const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
        o.since = iso.match(*date).hasMatch() ? QDate::fromString(*date, Qt::ISODate) : QDate();
        if (!o.since.isValid()) {
            *error = Text::tr("--since needs a date as YYYY-MM-DD (got \"%1\")").arg(date->left(40));
            return false;
        }
    } else if (isOption(argument, "--template")) {
        const std::optional<QString> text = value("--template");
        if (!text)
            return false;
        QString why;
        const std::optional<SyncTemplate> placement = SyncTemplate::parse(*text, &why);
        if (!placement) {
            *error = Text::tr("--template: %1").arg(why);
            return false;
        }
        o.placement = *placement;
    } else if (argument == QLatin1String("--dry-run")) {
        o.dryRun = true;
    } else if (argument == QLatin1String("--refetch-missing")) {
        o.refetchMissing = true;
    } else if (isOption(argument, "--wait-pending")) {
        // The duration is optional, so it only comes after '=': a following word is never taken for it.
        const QString prefix = QStringLiteral("--wait-pending=");
        const std::optional<qint64> ms = argument.startsWith(prefix)
                                             ? CliOptions::parseDuration(argument.mid(prefix.size()))
                                             : CliOptions::defaultWaitPendingMs;
        if (!ms || *ms <= 0 || *ms > CliOptions::maxWaitPendingMs) {
            *error = Text::tr("--wait-pending takes a duration such as 90s, 15m or 2h (at most 7 days)");
            return false;
        }
        o.waitPendingMs = *ms;
    } else if (isOption(argument, "--reserve")) {
        const std::optional<QString> number = value("--reserve");
        if (!number)
            return false;
        bool ok = false;
        o.reserve = number->toInt(&ok);
        if (!ok || o.reserve < 0 || o.reserve > CliOptions::maxReserve) {
            *error = Text::tr("--reserve must be a number of requests from 0 to %1").arg(CliOptions::maxReserve);
            return false;
        }
    } else {
        *handled = false;
    }
    return true;
}
} // namespace

std::optional<qint64> CliOptions::parseDuration(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^([0-9]{1,7})([smh])$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 amount = match.captured(1).toLongLong();
    const QChar unit = match.captured(2).at(0);
    const qint64 seconds = unit == u's' ? amount : unit == u'm' ? amount * 60 : amount * 3600;
    return seconds * 1000;
}

QString CliOptions::usage()
{
    return Text::tr(
        "Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] COMMAND\n"
        "\n"
        "Commands:\n"
        "  list [--type TYPE] [--json]      list every report (all pages), as a table or a JSON array\n"
        "  show ID [--json]                 show one report\n"
        "  download ID... [--output-dir DIR | --output FILE] [--overwrite] [--jobs N]\n"
        "                                   download reports; prints the absolute path of each saved file\n"
        "  auth set-token                   read an access token from standard input into the keychain\n"
        "  auth set-client --client-id ID   read an OAuth client secret from standard input\n"
        "  auth status | auth clear\n"
        "  sync --output-dir DIR [--type TYPE]... [--since YYYY-MM-DD] [--template TEMPLATE] [--dry-run]\n"
        "       [--wait-pending[=DURATION]] [--jobs N] [--refetch-missing] [--reserve N]\n"
        "                                   fetch every completed report not already fetched into DIR;\n"
        "                                   prints the absolute path of each new file (nothing when none)\n"
        "\n"
        "Sync templates: folders separated by /, fields {id} {type} {title} {filename} {stem} {ext}\n"
        "  {period_from} {period_to} {generated_at}, dates with a format: {period_from:yyyy-MM}.\n"
        "  Default {filename}. Example: --template '{type}/{period_from:yyyy}/{filename}'\n"
        "\n"
        "Options:\n"
        "  --api-url URL   the GetBill API (https, or http on localhost only)\n"
        "  --demo          use a built-in sandbox with sample reports; no account needed\n"
        "  --verbose       log each HTTP request on standard error (method, host, path, status, time),\n"
        "                  without tokens, secrets or link signatures; standard output is unchanged\n"
        "  --help          show this text\n"
        "  --version       show the version\n"
        "\n"
        "Environment:\n"
        "  GETBILL_API_URL    default https://getbill.io/external-api/v1\n"
        "  GETBILL_TOKEN_URL  default https://getbill.io/token\n"
        "  GETBILL_TOKEN      an access token; overrides the keychain\n"
        "  GETBILL_CLIENT_ID, GETBILL_CLIENT_SECRET_FILE\n"
        "                     an API client for unattended runs (the file: yours, mode 0600)\n"
        "  CREDENTIALS_DIRECTORY  systemd's LoadCredential=: getbill-client-id, getbill-client-secret\n"
        "  GETBILL_CA_BUNDLE  a PEM file of extra trusted certificate authorities\n"
        "\n"
        "Exit status: 0 done, 2 usage, 3 not signed in, 4 refused by GetBill, 5 network or server problem,\n"
        "6 size mismatch, 7 local file problem, 130 interrupted.\n");
}

QString CliOptions::shortUsage()
{
    return Text::tr("Usage: getbill-reports-cli [--api-url URL] [--demo] [--verbose] list|show|download|sync|auth ...\n"
                    "Run `getbill-reports-cli --help` for the commands and their options.");
}

std::optional<CliOptions> CliOptions::parse(const QStringList &arguments, QString *error)
{
    CliOptions o;
    ArgumentReader reader(arguments);
    bool sawOutputDir = false;
    bool sawOutputFile = false;
    bool endOfOptions = false;
    QStringList positional;

    while (!reader.atEnd()) {
        const QString argument = reader.next();
        if (endOfOptions || !argument.startsWith(QLatin1Char('-')) || argument == QLatin1String("-")) {
            if (o.command == Command::None) {
                const std::optional<Command> command = commandNamed(argument);
                if (!command) {
                    *error = Text::tr("unknown command \"%1\"").arg(argument.left(80));
                    return std::nullopt;
                }
                o.command = *command;
                if (o.command == Command::Auth) {
                    // The auth subcommands have their own options: AuthCommand parses them.
                    o.authArguments = reader.rest();
                    return o;
                }
            } else {
                positional << argument;
            }
            continue;
        }
        if (argument == QLatin1String("--")) {
            endOfOptions = true;
            continue;
        }
        if (isHelp(argument)) {
            o.command = Command::Help;
            return o;
        }
        if (argument == QLatin1String("--version")) {
            o.command = Command::Version;
            return o;
        }
        // Global options are accepted before and after the command word: `list --demo` reads naturally too.
        if (isOption(argument, "--api-url")) {
            const std::optional<QString> value = reader.value(argument, QStringLiteral("--api-url"), error);
            if (!value)
                return std::nullopt;
            if (value->isEmpty()) {
                *error = Text::tr("option --api-url needs a value");
                return std::nullopt;
            }
            o.apiUrl = *value;
            continue;
        }
        if (argument == QLatin1String("--demo")) {
            o.demo = true;
            continue;
        }
        if (argument == QLatin1String("--verbose")) {
            o.verbose = true;
            continue;
        }

        const Command c = o.command;
        if (c == Command::Sync) {
            bool handled = false;
            if (!parseSyncOption(o, reader, argument, &handled, error))
                return std::nullopt;
            if (handled)
                continue;
        }
        if ((c == Command::List || c == Command::Show) && argument == QLatin1String("--json")) {
            o.json = true;
        } else if (c == Command::List && isOption(argument, "--type")) {
            const std::optional<QString> value = reader.value(argument, QStringLiteral("--type"), error);
            if (!value)
                return std::nullopt;
            o.type = *value;
        } else if ((c == Command::Download || c == Command::Sync) && isOption(argument, "--output-dir")) {
            const std::optional<QString> value = reader.value(argument, QStringLiteral("--output-dir"), error);
            if (!value)
                return std::nullopt;
            o.outputDir = *value;
            sawOutputDir = true;
        } else if (c == Command::Download && isOption(argument, "--output")) {
            const std::optional<QString> value = reader.value(argument, QStringLiteral("--output"), error);
            if (!value)
                return std::nullopt;
            o.outputFile = *value;
            sawOutputFile = true;
        } else if (c == Command::Download && argument == QLatin1String("--overwrite")) {
            o.overwrite = true;
        } else if ((c == Command::Download || c == Command::Sync) && isOption(argument, "--jobs")) {
            const std::optional<QString> value = reader.value(argument, QStringLiteral("--jobs"), error);
            if (!value)
                return std::nullopt;
            bool ok = false;
            o.jobs = value->toInt(&ok);
            if (!ok || o.jobs < 1 || o.jobs > maxJobs) {
                *error = Text::tr("--jobs must be a number from 1 to %1").arg(maxJobs);
                return std::nullopt;
            }
        } else {
            *error = Text::tr("unknown option %1").arg(argument.left(80));
            return std::nullopt;
        }
    }

    if (o.demo && !o.apiUrl.isEmpty()) {
        *error = Text::tr("--demo and --api-url cannot be used together");
        return std::nullopt;
    }
    switch (o.command) {
    case Command::None:
        *error = Text::tr("no command given");
        return std::nullopt;
    case Command::List:
        if (!positional.isEmpty()) {
            *error = Text::tr("list takes no argument (got \"%1\")").arg(positional.first().left(80));
            return std::nullopt;
        }
        break;
    case Command::Show:
        if (positional.size() != 1) {
            *error = positional.isEmpty() ? Text::tr("show needs a report id")
                                          : Text::tr("show takes exactly one report id");
            return std::nullopt;
        }
        o.ids = positional;
        break;
    case Command::Download:
        if (positional.isEmpty()) {
            *error = Text::tr("download needs at least one report id");
            return std::nullopt;
        }
        // Each report once: two jobs writing the same file would fight over it.
        for (const QString &id : std::as_const(positional))
            if (!o.ids.contains(id))
                o.ids << id;
        if (sawOutputFile && sawOutputDir) {
            *error = Text::tr("use either --output-dir or --output, not both");
            return std::nullopt;
        }
        if (sawOutputFile && o.outputFile.isEmpty()) {
            *error = Text::tr("option --output needs a value");
            return std::nullopt;
        }
        if (sawOutputFile && o.ids.size() != 1) {
            *error = Text::tr("--output needs exactly one report id; use --output-dir for several");
            return std::nullopt;
        }
        if (sawOutputDir && o.outputDir.isEmpty()) {
            *error = Text::tr("option --output-dir needs a value");
            return std::nullopt;
        }
        break;
    case Command::Sync:
        if (!positional.isEmpty()) {
            *error = parseDuration(positional.first())
                         ? Text::tr("sync takes no argument (got \"%1\"); a wait is written --wait-pending=%1")
                               .arg(positional.first().left(40))
                         : Text::tr("sync takes no argument (got \"%1\")").arg(positional.first().left(80));
            return std::nullopt;
        }
        if (o.outputDir.isEmpty()) {
            *error = Text::tr("sync needs --output-dir DIR");
            return std::nullopt;
        }
        break;
    case Command::Help:
    case Command::Version:
    case Command::Auth:
        break;
    }
    return o;
}

} // namespace getbill::cli
