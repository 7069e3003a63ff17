#pragma once

#include <QElapsedTimer>
#include <QList>
#include <optional>

namespace getbill {

/// Speed over the last few seconds and the time left: what a progress bar shows next to the percentage.
class TransferRate
{
public:
    /// Samples closer together than this are one: a fast transfer reports thousands of chunks a second, and a
    /// sample for each (two rates per download, over a 5 s window) was megabytes that grew with the speed.
    static constexpr qint64 resolutionMs = 100;

    explicit TransferRate(qint64 windowMs = 5000);

    void start(qint64 initialBytes = 0);
    void update(qint64 bytesDone);
    /// Bytes per second over the window; 0 until two samples exist.
    double bytesPerSecond() const;
    /// Seconds to finish `total`, when the speed is known.
    std::optional<qint64> secondsLeft(qint64 total) const;
    /// At most windowMs / resolutionMs + 2.
    qsizetype sampleCount() const { return m_samples.size(); }

private:
    struct Sample
    {
        qint64 ms;
        qint64 bytes;
    };
    qint64 m_windowMs;
    QElapsedTimer m_clock;
    QList<Sample> m_samples;
};

} // namespace getbill
