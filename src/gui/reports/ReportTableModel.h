#pragma once

#include "api/Report.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QSet>

namespace getbill::gui {

/// The reports of the account as table rows (title, type, period, status, size, generated). Rows are keyed by
/// report id: a refresh updates rows in place and drops the ones that disappeared, so views keep their selection
/// and scroll position. SortRole gives raw values (bytes, timestamps) so sizes and dates sort numerically.
class ReportTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TitleColumn,
        TypeColumn,
        PeriodColumn,
        StatusColumn,
        SizeColumn,
        GeneratedColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        IdRole,
        TypeRole,
        StatusRole,
        ReportRole,   ///< the whole Report
        SavedPathRole ///< where this session saved it, or empty
    };

    explicit ReportTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Adds the report, or updates the row with the same id.
    void upsert(const Report &report);
    void upsert(const QList<Report> &reports);
    /// Starts a refresh: rows stay; the ones not upserted before endRefresh() are removed then.
    void beginRefresh();
    void endRefresh();
    /// Ends a refresh that failed: every row stays.
    void cancelRefresh();
    void clear();

    int rowOf(const QString &id) const;
    bool contains(const QString &id) const { return m_rowOfId.contains(id); }
    const Report &reportAt(int row) const { return m_rows.at(row).report; }
    std::optional<Report> report(const QString &id) const;
    /// The distinct report types, sorted: what the type filter offers.
    QStringList types() const;

    /// The row's text the search looks in, case-folded.
    const QString &searchKey(int row) const;
    static QString searchKeyFor(const Report &report);

    void setSavedPath(const QString &id, const QString &path);
    QString savedPath(const QString &id) const;

signals:
    /// The set of types changed (the filter combo re-reads types()).
    void typesChanged();

private:
    bool addType(const QString &type); ///< true when it is new
    QIcon statusIcon(const QString &status) const;
    struct Row
    {
        Report report;
        QString savedPath;
        QString searchKey;
    };
    void reindex(int from);

    QList<Row> m_rows;
    QHash<QString, int> m_rowOfId;
    QSet<QString> m_seenInRefresh;
    bool m_refreshing = false;
    QStringList m_types;
    mutable QHash<QString, QIcon> m_statusIcons; ///< by file: five at most (ReportIcons::statusFile)
};

} // namespace getbill::gui
