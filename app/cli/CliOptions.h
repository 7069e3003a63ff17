#pragma once

#include "download/SyncTemplate.h"

#include <QDate>
#include <QString>
#include <QStringList>
#include <optional>

namespace getbill::cli {

/// The command line of getbill-reports-cli, parsed and checked against the contract of DESIGN.md. Parsing is pure
/// (no environment, no I/O): every usage error is found here, before anything touches the network.
struct CliOptions
{
    enum class Command
    {
        None,
        Help,
        Version,
        List,
        Show,
        Download,
        Auth,
        Sync,
    };

    static constexpr int defaultJobs = 3;
    static constexpr int maxJobs = 8;

    Command command = Command::None;
    QString apiUrl; ///< --api-url; empty means GETBILL_API_URL or the default
    bool demo = false;
    bool verbose = false; ///< --verbose: one line per HTTP request on standard error, redacted

    // list, show
    QString type;
    bool json = false;

    // show (exactly one), download (one or more, duplicates removed, command-line order kept)
    QStringList ids;

    // download, sync
    QString outputDir;  ///< empty means the current directory (download); required by sync
    QString outputFile; ///< only with exactly one id
    bool overwrite = false;
    int jobs = defaultJobs;

    // sync
    QStringList types; ///< --type, once or more
    QDate since;       ///< --since YYYY-MM-DD
    SyncTemplate placement = SyncTemplate::standard();
    bool dryRun = false;
    bool refetchMissing = false;
    qint64 waitPendingMs = 0; ///< --wait-pending[=DURATION]; 0 = not given
    int reserve = 50;
    static constexpr int maxReserve = 100'000;
    static constexpr qint64 defaultWaitPendingMs = 30 * 60 * 1000;
    static constexpr qint64 maxWaitPendingMs = 7 * 24 * 3600 * 1000LL;

    /// "90s", "15m", "2h" (a whole number and a unit) in milliseconds; nullopt when it is not one.
    static std::optional<qint64> parseDuration(const QString &text);

    // auth: everything after the word "auth", for AuthCommand to interpret
    QStringList authArguments;

    /// `arguments` without the program name. Returns nullopt with a one-line reason in `error` on a usage error.
    static std::optional<CliOptions> parse(const QStringList &arguments, QString *error);

    /// The full usage text (--help).
    static QString usage();
    /// Two lines for standard error after a usage error.
    static QString shortUsage();
};

} // namespace getbill::cli
