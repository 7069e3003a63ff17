#pragma once

#include <QDateTime>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace getbill::sandbox {

/// A clock that tests set and move forward instead of waiting: hand function() to SandboxServer::setClock() and
/// every time the sandbox reads (rate-limit windows, token lifetimes, link expiry) follows advance().
/// function() shares this clock's time, so the sandbox may keep reading it after the SandboxClock is gone (it then
/// stands still at the last time it had).
class SandboxClock
{
public:
    /// 2024-02-01T12:00:00Z: a fixed start, so that tests can compare exact times.
    static constexpr qint64 DefaultStartMsecs = 1706788800000;

    explicit SandboxClock(qint64 startMsecsSinceEpoch = DefaultStartMsecs);
    SandboxClock(const SandboxClock &) = delete;
    SandboxClock &operator=(const SandboxClock &) = delete;

    qint64 msecsSinceEpoch() const;
    qint64 secsSinceEpoch() const; ///< rounded down, as QDateTime::currentSecsSinceEpoch() is
    QDateTime now() const;         ///< in UTC

    /// Moves time by `by`; a negative amount steps it back, as a wall clock can.
    void advance(std::chrono::milliseconds by);
    void set(qint64 msecsSinceEpoch);

    /// Reads this clock: the argument for SandboxServer::setClock().
    std::function<qint64()> function() const;

private:
    std::shared_ptr<std::atomic<qint64>> m_now;
};

} // namespace getbill::sandbox
