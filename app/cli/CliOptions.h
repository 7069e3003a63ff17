#pragma once

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
    };

    static constexpr int defaultJobs = 3;
    static constexpr int maxJobs = 8;

    Command command = Command::None;
    QString apiUrl; ///< --api-url; empty means GETBILL_API_URL or the default
    bool demo = false;

    // list, show
    QString type;
    bool json = false;

    // show (exactly one), download (one or more, duplicates removed, command-line order kept)
    QStringList ids;

    // download
    QString outputDir;  ///< empty means the current directory
    QString outputFile; ///< only with exactly one id
    bool overwrite = false;
    int jobs = defaultJobs;

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
