#pragma once

#include "sandbox/SandboxTypes.h"

#include <QList>

namespace getbill::sandbox {

/// What SandboxServer remembers of the requests it received, in a bounded amount of memory: each record keeps at
/// most the first MaxBodyBytes of the body and MaxHeaders headers of bounded size, and the log keeps the newest
/// records within a count and a byte budget, dropping the oldest. A process hammering the demo cannot grow it.
class RequestLog
{
public:
    static constexpr int DefaultMaxRecords = 10'000;
    static constexpr qint64 DefaultMaxBytes = 64 * 1024 * 1024;
    static constexpr qsizetype MaxBodyBytes = 64 * 1024;
    static constexpr qsizetype MaxTargetBytes = 8 * 1024;
    static constexpr int MaxHeaders = 64;
    static constexpr qsizetype MaxHeaderBytes = 16 * 1024; ///< names and values together
    /// What a record costs beyond its bytes (containers, strings' headers): counted against the byte budget.
    static constexpr qint64 RecordOverheadBytes = 256;

    /// The record of a request, within the bounds above: a header that does not fit (count or bytes) is left out
    /// whole; body and target are cut. `truncated` says whether anything was.
    static RecordedRequest bounded(Fault::Host host, const QByteArray &method, const QByteArray &target,
                                   const QMap<QByteArray, QByteArray> &headers, const QByteArray &body);
    /// The bytes a record is counted for.
    static qint64 cost(const RecordedRequest &record);

    /// Keeps the newest `count` records at most (< 0 counts as 0: record nothing).
    void setMaxRecords(int count);
    /// Keeps the newest records whose cost() sums to `bytes` at most (< 0 counts as 0).
    void setMaxBytes(qint64 bytes);
    int maxRecords() const { return m_maxRecords; }
    qint64 maxBytes() const { return m_maxBytes; }

    void append(const RecordedRequest &record);
    QList<RecordedRequest> records() const { return m_records; }
    qint64 bytes() const { return m_bytes; }
    void clear();

private:
    void trim();

    QList<RecordedRequest> m_records;
    qint64 m_bytes = 0;
    int m_maxRecords = DefaultMaxRecords;
    qint64 m_maxBytes = DefaultMaxBytes;
};

} // namespace getbill::sandbox
