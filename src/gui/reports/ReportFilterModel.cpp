#include "ReportFilterModel.h"

#include "ReportTableModel.h"

namespace getbill::gui {

ReportFilterModel::ReportFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ReportTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(true);
    // Rows that change while sorted (status polled, pages arriving) move to their place.
    setDynamicSortFilter(true);
}

void ReportFilterModel::setTypeFilter(const QString &type)
{
    if (type == m_type)
        return;
    m_type = type;
    refilter();
}

void ReportFilterModel::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    m_words = trimmed.toCaseFolded().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    refilter();
}

void ReportFilterModel::refilter()
{
    // One layout change for the new set of rows, not invalidateFilter()'s removal or insertion per gap between
    // them: a keystroke that hides every other of 10,000 rows sent the table thousands of row removals, each one
    // walking the vertical header's sections (55-68 ms for that keystroke; 6-24 ms as one layout change,
    // re-sorting included: benchmarks/list_filter). The view keeps what is still shown selected; ReportsView
    // follows the change (count, empty state, panel).
    invalidate();
}

bool ReportFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *model = qobject_cast<const ReportTableModel *>(sourceModel());
    if (!model || sourceParent.isValid())
        return false;
    const Report &r = model->reportAt(sourceRow);
    if (!m_type.isEmpty() && r.type != m_type)
        return false;
    // Every word must appear somewhere: "financial 2024" finds the financial reports of 2024.
    const QString &haystack = model->searchKey(sourceRow);
    for (const QString &word : m_words)
        if (!haystack.contains(word))
            return false;
    return true;
}

bool ReportFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    if (a.typeId() == QMetaType::LongLong && b.typeId() == QMetaType::LongLong)
        return a.toLongLong() < b.toLongLong();
    const int order = QString::localeAwareCompare(a.toString(), b.toString());
    if (order != 0)
        return order < 0;
    // Equal keys (same type or status): keep a stable, useful order by period.
    return sourceModel()->index(left.row(), ReportTableModel::PeriodColumn).data(sortRole()).toLongLong() <
           sourceModel()->index(right.row(), ReportTableModel::PeriodColumn).data(sortRole()).toLongLong();
}

} // namespace getbill::gui
