#pragma once

#include <QDateTime>
#include <QNetworkReply>

namespace getbill {

/// The rate-limit headers GetBill sends with every answer (X-RateLimit-*). A field the server left out is -1.
struct RateLimit
{
    int limit = -1;
    int remaining = -1;
    qint64 resetEpoch = -1; ///< Unix time at which the window frees up
    int windowSeconds = -1;

    bool isKnown() const { return limit >= 0 || remaining >= 0 || resetEpoch >= 0; }
    QDateTime resetTime() const;

    static RateLimit fromReply(const QNetworkReply &reply);
};

} // namespace getbill
