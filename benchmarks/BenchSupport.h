#pragma once

// Shared by the benchmark servers (getbill-sandbox, getbill-nginx): sizes on the command line, KEY=VALUE output,
// and running until SIGTERM or SIGINT.
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QString>
#include <csignal>
#include <cstdio>
#include <optional>
#include <unistd.h>

namespace getbill::bench {

/// "2MiB", "256MiB", "1GiB", "64KiB", "1000": a size in bytes; nullopt when it is none.
inline std::optional<qint64> parseSize(const QString &text)
{
    static const struct
    {
        const char *suffix;
        qint64 factor;
    } units[] = {{"GiB", 1024LL * 1024 * 1024}, {"MiB", 1024LL * 1024}, {"KiB", 1024}, {"B", 1}};
    for (const auto &unit : units) {
        const QString suffix = QString::fromLatin1(unit.suffix);
        if (text.endsWith(suffix)) {
            bool ok = false;
            const qint64 n = text.chopped(suffix.size()).toLongLong(&ok);
            return ok && n >= 0 ? std::optional<qint64>(n * unit.factor) : std::nullopt;
        }
    }
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    return ok && n >= 0 ? std::optional<qint64>(n) : std::nullopt;
}

/// One KEY=VALUE line on standard output, flushed: the bench script reads them as they come.
inline void printValue(const char *key, const QString &value)
{
    std::printf("%s=%s\n", key, qPrintable(value));
    std::fflush(stdout);
}

namespace detail {
inline int signalPipe[2] = {-1, -1};
inline void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}
} // namespace detail

/// Makes SIGTERM and SIGINT end QCoreApplication::exec() (normally, so destructors stop child servers).
inline bool quitOnTermination()
{
    if (::pipe(detail::signalPipe) != 0)
        return false;
    auto *notifier = new QSocketNotifier(detail::signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), &QCoreApplication::quit);
    struct sigaction action = {};
    action.sa_handler = detail::onSignal;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

} // namespace getbill::bench
