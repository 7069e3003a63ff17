#pragma once

#include <QHash>
#include <QString>
#include <deque>

namespace getbill::sandbox {

/// GetBill's rate limit: at most `limit` requests per key within any `window`, counted over a sliding window.
/// hit() counts a request unless the window is full and says when the oldest one counted leaves it; the caller
/// turns that into X-RateLimit-* headers or a 429.
class SlidingWindowLimit
{
public:
    struct Decision
    {
        bool allowed = true;
        qint64 remaining = 0; ///< requests still allowed in the window after this one
        qint64 freeAtMs = 0;  ///< when the oldest request counted leaves the window (so one more is allowed)
    };

    /// Forgets every count. A negative limit counts as 0 (everything refused); the window is at least 1 ms.
    void setLimit(int limit, qint64 windowMs);
    int limit() const { return m_limit; }
    qint64 windowMs() const { return m_windowMs; }
    void clear();

    /// Counts one request of `key` at `nowMs` when the window has room.
    Decision hit(const QString &key, qint64 nowMs);
    /// What an uncounted request sees: the whole limit, free a window from now.
    Decision untouched(qint64 nowMs) const;

private:
    int m_limit = 1000;
    qint64 m_windowMs = 3600 * 1000;
    QHash<QString, std::deque<qint64>> m_hits;
};

} // namespace getbill::sandbox
