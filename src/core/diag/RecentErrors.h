#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace getbill {

/// The last errors the user was shown (API errors, failed downloads), newest last, for the diagnostics report.
/// Bounded; owned by the application object and fed on its thread.
class RecentErrors
{
public:
    static constexpr int defaultCapacity = 20;

    struct Entry
    {
        QDateTime when;
        QString text;
    };

    explicit RecentErrors(int capacity = defaultCapacity) : m_capacity(capacity) {}

    void add(const QString &text);
    QList<Entry> entries() const { return m_entries; }

private:
    int m_capacity;
    QList<Entry> m_entries;
};

} // namespace getbill
