#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtGlobal>

namespace getbill {

class ClockTimer;

/// Where long waits get their time from: the rate-limit reserve (until X-RateLimit-Reset, up to an hour) and the
/// polling of reports being generated (up to hours). The product uses SystemClock; tests use ManualClock and move it
/// forward together with the sandbox's SandboxClock, so that an hour of waiting takes no time and the order of
/// events stays the real one. Times are milliseconds since the epoch, as the X-RateLimit-Reset header counts them.
class Clock : public QObject
{
    Q_OBJECT
public:
    explicit Clock(QObject *parent = nullptr) : QObject(parent) {}
    virtual qint64 nowMs() const = 0;

protected:
    friend class ClockTimer;
    /// `timer` is due at timer->dueMs(): make it fire then (ClockTimer::fire()).
    virtual void arm(ClockTimer *timer) = 0;
    /// `timer` was stopped or is going away.
    virtual void disarm(ClockTimer *timer) = 0;
    static void fire(ClockTimer *timer);
};

/// A single-shot timer on a Clock's time.
class ClockTimer : public QObject
{
    Q_OBJECT
public:
    explicit ClockTimer(Clock *clock, QObject *parent = nullptr);
    ~ClockTimer() override;

    /// (Re)starts the timer for the clock time `dueMs`; a time already past fires from the event loop.
    void startAt(qint64 dueMs);
    void start(qint64 delayMs);
    void stop();
    bool isActive() const { return m_active; }
    qint64 dueMs() const { return m_dueMs; }
    Clock *clock() const { return m_clock; }

signals:
    void timeout();

private:
    friend class Clock;
    friend class SystemClock;
    void fire();

    QPointer<Clock> m_clock;
    qint64 m_dueMs = 0;
    bool m_active = false;
    QTimer m_realTimer; ///< SystemClock's way of waiting
};

/// The computer's clock (QDateTime::currentMSecsSinceEpoch) and real timers.
class SystemClock : public Clock
{
    Q_OBJECT
public:
    explicit SystemClock(QObject *parent = nullptr) : Clock(parent) {}
    qint64 nowMs() const override;

protected:
    void arm(ClockTimer *timer) override;
    void disarm(ClockTimer *timer) override;
};

/// A clock that moves only when told: set() and advance() fire every timer that became due, earliest first, before
/// they return. Tests drive it; the CLI's test knob GETBILL_TEST_CLOCK_FILE drives one from a file.
class ManualClock : public Clock
{
    Q_OBJECT
public:
    explicit ManualClock(qint64 startMs, QObject *parent = nullptr);
    ~ManualClock() override;

    qint64 nowMs() const override { return m_nowMs; }
    /// Moves to `ms` (never backwards: a smaller value is ignored) and fires what became due.
    void set(qint64 ms);
    void advance(qint64 ms) { set(m_nowMs + ms); }
    /// Timers armed and not fired yet.
    int pendingTimers() const;

protected:
    void arm(ClockTimer *timer) override;
    void disarm(ClockTimer *timer) override;

private:
    void fireDue();

    qint64 m_nowMs;
    QList<QPointer<ClockTimer>> m_timers;
    bool m_firing = false;
};

} // namespace getbill
