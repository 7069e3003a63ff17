#include "ReportTableModel.h"

#include "Format.h"
#include "PlainText.h"
#include "ReportIcons.h"

#include <QDir>
#include <QFont>

namespace getbill::gui {

ReportTableModel::ReportTableModel(QObject *parent) : QAbstractTableModel(parent)
{}

int ReportTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ReportTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReportTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Report &r = row.report;
    switch (role) {
    case IdRole:
        return r.id;
    case TypeRole:
        return r.type;
    case StatusRole:
        return r.status;
    case ReportRole:
        return QVariant::fromValue(r);
    case SavedPathRole:
        return row.savedPath;
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn:
            return r.title.isEmpty() ? r.id : r.title;
        case TypeColumn:
            return r.type.isEmpty() ? QString() : Format::typeText(r.type);
        case PeriodColumn:
            return Format::period(r.periodFrom, r.periodTo);
        case StatusColumn:
            return row.savedPath.isEmpty() ? Format::statusText(r.status) : tr("Downloaded");
        case SizeColumn:
            // Reports still being generated announce 0 bytes: "—", as the panel and the CLI say, not "0 bytes".
            return Format::reportSize(r);
        case GeneratedColumn:
            return Format::dateTime(r.generatedAt);
        }
        break;
    case SortRole:
        // Raw values: bytes and timestamps sort as numbers, not as "9 MB" > "10 MB".
        switch (index.column()) {
        case TitleColumn:
            return r.title.isEmpty() ? r.id : r.title;
        case TypeColumn:
            return r.type;
        case PeriodColumn:
            return r.periodFrom.isValid() ? r.periodFrom.toJulianDay() : qint64(-1);
        case StatusColumn:
            return r.status;
        case SizeColumn:
            return r.fileSize;
        case GeneratedColumn:
            return r.generatedAt.isValid() ? r.generatedAt.toMSecsSinceEpoch() : qint64(-1);
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == StatusColumn)
            return statusIcon(row.savedPath.isEmpty() ? r.status : QStringLiteral("downloaded"));
        break;
    case Qt::ToolTipRole:
        // Titles, descriptions and paths are the server's or the disk's: shown literally (PlainText).
        if (index.column() == TitleColumn)
            return PlainText::toolTip(r.description.isEmpty() ? r.title : r.title + QLatin1Char('\n') + r.description);
        if (index.column() == StatusColumn && !row.savedPath.isEmpty())
            return PlainText::toolTip(tr("Saved to %1").arg(QDir::toNativeSeparators(row.savedPath)));
        if (index.column() == StatusColumn)
            return PlainText::toolTip(Format::notDownloadableReason(r));
        if (index.column() == SizeColumn && Format::hasFile(r))
            return tr("%L1 bytes").arg(r.fileSize);
        if (index.column() == SizeColumn)
            return PlainText::toolTip(Format::notDownloadableReason(r));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::AccessibleTextRole:
        if (index.column() == StatusColumn)
            return data(index, Qt::DisplayRole);
        break;
    case Qt::AccessibleDescriptionRole:
        // What the tooltips tell a mouse user, as plain text: the description, where it was saved or why it cannot
        // be downloaded yet, the exact size.
        if (index.column() == TitleColumn)
            return r.description;
        if (index.column() == StatusColumn)
            return row.savedPath.isEmpty() ? Format::notDownloadableReason(r)
                                           : tr("Saved to %1").arg(QDir::toNativeSeparators(row.savedPath));
        if (index.column() == SizeColumn && r.fileSize >= 0)
            return tr("%L1 bytes").arg(r.fileSize);
        break;
    }
    return {};
}

QVariant ReportTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TitleColumn:
        return tr("Title");
    case TypeColumn:
        return tr("Type");
    case PeriodColumn:
        return tr("Period");
    case StatusColumn:
        return tr("Status");
    case SizeColumn:
        return tr("Size");
    case GeneratedColumn:
        return tr("Generated");
    }
    return {};
}

QString ReportTableModel::searchKeyFor(const Report &r)
{
    // What the search looks in, folded once per change rather than per row and keystroke (10,000 rows filter in a
    // few milliseconds): title, id, type, the period as shown, description, file name.
    const QChar gap = QLatin1Char(' ');
    const QString key = r.title + gap + r.id + gap + r.type + gap + Format::typeText(r.type) + gap +
                        Format::period(r.periodFrom, r.periodTo) + gap + r.description + gap + r.filename;
    return key.toCaseFolded();
}

const QString &ReportTableModel::searchKey(int row) const
{
    return m_rows.at(row).searchKey;
}

void ReportTableModel::upsert(const Report &report)
{
    upsert(QList<Report>{report});
}

void ReportTableModel::upsert(const QList<Report> &reports)
{
    // Known reports change in place; the new ones arrive as one insertion at the end. One insertion per report made
    // a page of 100 go 100 times through the sorted proxy, the table, the count and the empty state (issue 10: the
    // window stalled while 10,000 reports loaded).
    QList<Report> added;
    QHash<QString, qsizetype> addedAt;
    bool newType = false;
    for (const Report &report : reports) {
        if (report.id.isEmpty())
            continue;
        if (m_refreshing)
            m_seenInRefresh.insert(report.id);
        newType |= addType(report.type);
        if (const auto it = m_rowOfId.constFind(report.id); it != m_rowOfId.constEnd()) {
            const int row = it.value();
            m_rows[row].report = report;
            m_rows[row].searchKey = searchKeyFor(report);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else if (const auto twice = addedAt.constFind(report.id); twice != addedAt.constEnd()) {
            added[twice.value()] = report; // the same id twice in one call: the later one is what it is now
        } else {
            addedAt.insert(report.id, added.size());
            added << report;
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        for (const Report &report : std::as_const(added)) {
            m_rowOfId.insert(report.id, int(m_rows.size()));
            m_rows.append({report, {}, searchKeyFor(report)});
        }
        endInsertRows();
    }
    if (newType)
        emit typesChanged();
}

QIcon ReportTableModel::statusIcon(const QString &status) const
{
    // Decoded once per file, not on every paint of every row: a QIcon made from a file decodes it at once, which
    // was 7% of the GUI thread while 10,000 reports loaded.
    const QString file = ReportIcons::statusFile(status);
    auto it = m_statusIcons.find(file);
    if (it == m_statusIcons.end())
        it = m_statusIcons.insert(file, QIcon(file));
    return it.value();
}

bool ReportTableModel::addType(const QString &type)
{
    if (type.isEmpty() || m_types.contains(type))
        return false;
    m_types.append(type);
    m_types.sort(Qt::CaseInsensitive);
    return true;
}

void ReportTableModel::beginRefresh()
{
    m_refreshing = true;
    m_seenInRefresh.clear();
}

void ReportTableModel::endRefresh()
{
    if (!m_refreshing)
        return;
    m_refreshing = false;
    // Remove from the end so earlier row numbers stay valid while we go.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (m_seenInRefresh.contains(m_rows.at(row).report.id))
            continue;
        beginRemoveRows({}, row, row);
        m_rowOfId.remove(m_rows.at(row).report.id);
        m_rows.removeAt(row);
        endRemoveRows();
        reindex(row);
    }
    m_seenInRefresh.clear();
    QStringList types;
    for (const Row &row : std::as_const(m_rows)) {
        if (!row.report.type.isEmpty() && !types.contains(row.report.type))
            types.append(row.report.type);
    }
    types.sort(Qt::CaseInsensitive);
    if (types != m_types) {
        m_types = types;
        emit typesChanged();
    }
}

void ReportTableModel::cancelRefresh()
{
    m_refreshing = false;
    m_seenInRefresh.clear();
}

void ReportTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_rowOfId.clear();
    m_seenInRefresh.clear();
    m_refreshing = false;
    endResetModel();
    if (!m_types.isEmpty()) {
        m_types.clear();
        emit typesChanged();
    }
}

void ReportTableModel::reindex(int from)
{
    for (int row = from; row < m_rows.size(); ++row)
        m_rowOfId[m_rows.at(row).report.id] = row;
}

int ReportTableModel::rowOf(const QString &id) const
{
    return m_rowOfId.value(id, -1);
}

std::optional<Report> ReportTableModel::report(const QString &id) const
{
    const int row = rowOf(id);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row).report;
}

QStringList ReportTableModel::types() const
{
    return m_types;
}

void ReportTableModel::setSavedPath(const QString &id, const QString &path)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    m_rows[row].savedPath = path;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QString ReportTableModel::savedPath(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? QString() : m_rows.at(row).savedPath;
}

} // namespace getbill::gui
