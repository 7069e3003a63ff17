#include "download/TransferRate.h"

#include <cmath>

namespace getbill {

TransferRate::TransferRate(qint64 windowMs) : m_windowMs(windowMs)
{}

void TransferRate::start(qint64 initialBytes)
{
    m_clock.start();
    m_samples = {{0, initialBytes}};
}

void TransferRate::update(qint64 bytesDone)
{
    if (!m_clock.isValid())
        start(bytesDone);
    const qint64 now = m_clock.elapsed();
    // Within a step of the one before it, the newest sample moves forward instead of adding one.
    if (m_samples.size() >= 2 && now - m_samples.at(m_samples.size() - 2).ms < resolutionMs)
        m_samples.last() = {now, bytesDone};
    else
        m_samples.append({now, bytesDone});
    // Keep one sample older than the window so the rate covers the whole window.
    while (m_samples.size() > 2 && m_samples.at(1).ms < now - m_windowMs)
        m_samples.removeFirst();
}

double TransferRate::bytesPerSecond() const
{
    if (m_samples.size() < 2)
        return 0;
    const Sample &first = m_samples.front();
    const Sample &last = m_samples.back();
    const qint64 ms = last.ms - first.ms;
    return ms > 0 ? double(last.bytes - first.bytes) * 1000.0 / double(ms) : 0;
}

std::optional<qint64> TransferRate::secondsLeft(qint64 total) const
{
    const double rate = bytesPerSecond();
    if (rate <= 0 || m_samples.isEmpty() || total < 0)
        return std::nullopt;
    return qint64(std::ceil(double(std::max<qint64>(0, total - m_samples.back().bytes)) / rate));
}

} // namespace getbill
