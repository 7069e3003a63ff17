#include "sandbox/RequestLog.h"

namespace getbill::sandbox {

RecordedRequest RequestLog::bounded(Fault::Host host, const QByteArray &method, const QByteArray &target,
                                    const QMap<QByteArray, QByteArray> &headers, const QByteArray &body)
{
    RecordedRequest r;
    r.host = host;
    r.method = method;
    r.pathAndQuery = QString::fromUtf8(target.left(MaxTargetBytes));
    r.body = body.left(MaxBodyBytes);
    r.bodySize = body.size();
    r.truncated = target.size() > MaxTargetBytes || body.size() > MaxBodyBytes;
    qsizetype headerBytes = 0;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        const qsizetype size = it.key().size() + it.value().size();
        if (r.headers.size() >= MaxHeaders || headerBytes + size > MaxHeaderBytes) {
            r.truncated = true;
            continue;
        }
        r.headers.insert(it.key(), it.value());
        headerBytes += size;
    }
    return r;
}

qint64 RequestLog::cost(const RecordedRequest &record)
{
    qint64 bytes = RecordOverheadBytes + record.method.size() + record.pathAndQuery.size() * 2 + record.body.size();
    for (auto it = record.headers.cbegin(); it != record.headers.cend(); ++it)
        bytes += it.key().size() + it.value().size();
    return bytes;
}

void RequestLog::setMaxRecords(int count)
{
    m_maxRecords = qMax(0, count);
    trim();
}

void RequestLog::setMaxBytes(qint64 bytes)
{
    m_maxBytes = qMax<qint64>(0, bytes);
    trim();
}

void RequestLog::append(const RecordedRequest &record)
{
    m_records.append(record);
    m_bytes += cost(record);
    trim();
}

void RequestLog::clear()
{
    m_records.clear();
    m_bytes = 0;
}

void RequestLog::trim()
{
    // QList drops its first element without moving the rest (unless a caller still shares it).
    while (!m_records.isEmpty() && (m_records.size() > m_maxRecords || m_bytes > m_maxBytes)) {
        m_bytes -= cost(m_records.first());
        m_records.removeFirst();
    }
}

} // namespace getbill::sandbox
