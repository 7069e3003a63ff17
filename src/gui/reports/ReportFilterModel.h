#pragma once

#include <QSortFilterProxyModel>

namespace getbill::gui {

/// What the table shows of ReportTableModel: one type (or all) and the rows whose title, id, type, period,
/// description or file name contain the search text; sorted on the model's SortRole.
class ReportFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ReportFilterModel(QObject *parent = nullptr);

    void setTypeFilter(const QString &type);
    QString typeFilter() const { return m_type; }
    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }
    bool isFiltering() const { return !m_type.isEmpty() || !m_search.isEmpty(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void refilter();

    QString m_type;
    QString m_search;
    QStringList m_words; ///< the search, case-folded, split into words
};

} // namespace getbill::gui
