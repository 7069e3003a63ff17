#include "sandbox/SlidingWindowLimit.h"

#include <QtGlobal>

namespace getbill::sandbox {

void SlidingWindowLimit::setLimit(int limit, qint64 windowMs)
{
    m_limit = qMax(0, limit);
    m_windowMs = qMax<qint64>(1, windowMs);
    clear();
}

void SlidingWindowLimit::clear()
{
    m_hits.clear();
}

SlidingWindowLimit::Decision SlidingWindowLimit::hit(const QString &key, qint64 nowMs)
{
    // Forget the hits that left the window, refuse when it is still full.
    std::deque<qint64> &hits = m_hits[key];
    while (!hits.empty() && hits.front() <= nowMs - m_windowMs)
        hits.pop_front();
    if (hits.size() >= static_cast<size_t>(m_limit))
        return Decision{false, 0, hits.empty() ? nowMs + m_windowMs : hits.front() + m_windowMs};
    hits.push_back(nowMs);
    return Decision{true, m_limit - static_cast<qint64>(hits.size()), hits.front() + m_windowMs};
}

SlidingWindowLimit::Decision SlidingWindowLimit::untouched(qint64 nowMs) const
{
    return Decision{true, m_limit, nowMs + m_windowMs};
}

} // namespace getbill::sandbox
