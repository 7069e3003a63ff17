#include "api/RateLimit.h"

namespace getbill {

namespace {
qint64 headerNumber(const QNetworkReply &reply, const char *name)
{
    bool ok = false;
    const qint64 value = reply.rawHeader(name).trimmed().toLongLong(&ok);
    return ok && value >= 0 ? value : -1;
}

int clampedInt(qint64 value)
{
    return value > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max() : static_cast<int>(value);
}
} // namespace

QDateTime RateLimit::resetTime() const
{
    return resetEpoch >= 0 ? QDateTime::fromSecsSinceEpoch(resetEpoch) : QDateTime();
}

RateLimit RateLimit::fromReply(const QNetworkReply &reply)
{
    RateLimit r;
    r.limit = clampedInt(headerNumber(reply, "X-RateLimit-Limit"));
    r.remaining = clampedInt(headerNumber(reply, "X-RateLimit-Remaining"));
    r.resetEpoch = headerNumber(reply, "X-RateLimit-Reset");
    r.windowSeconds = clampedInt(headerNumber(reply, "X-RateLimit-Window"));
    return r;
}

} // namespace getbill
