#include "download/DownloadListModel.h"

#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QSet>
#include <QUrl>
#include <algorithm>

namespace getbill {

namespace {
using State = ReportDownloadJob::State;

/// Roles that change many times a second while bytes arrive: forwarded, never a reason to rebuild the rows.
bool onlyProgress(const QList<int> &roles)
{
    static const QList<int> progress = {DownloadQueue::BytesReceivedRole, DownloadQueue::TotalBytesRole,
                                        DownloadQueue::SpeedRole, DownloadQueue::SecondsLeftRole};
    return !roles.isEmpty() &&
           std::all_of(roles.begin(), roles.end(), [](int role) { return progress.contains(role); });
}

QString queueKey(const QModelIndex &index)
{
    return QLatin1Char('q') + QString::number(index.data(DownloadQueue::SerialRole).toULongLong());
}
} // namespace

DownloadListModel::DownloadListModel(DownloadQueue *queue, DownloadHistory *history, QObject *parent)
    : QAbstractListModel(parent), m_queue(queue)
{
    connect(queue, &QAbstractItemModel::rowsInserted, this, &DownloadListModel::sync);
    connect(queue, &QAbstractItemModel::rowsRemoved, this, &DownloadListModel::sync);
    connect(queue, &QAbstractItemModel::modelReset, this, &DownloadListModel::sync);
    connect(queue, &QAbstractItemModel::dataChanged, this, &DownloadListModel::onQueueDataChanged);
    setHistory(history);
}

void DownloadListModel::setHistory(DownloadHistory *history)
{
    if (m_history)
        m_history->disconnect(this);
    m_history = history;
    if (history)
        connect(history, &DownloadHistory::changed, this, &DownloadListModel::sync);
    sync();
}

QList<DownloadListModel::Row> DownloadListModel::buildRows() const
{
    QList<Row> active;
    QList<Row> rest;
    QSet<QString> shownPaths;
    const int queueRows = m_queue ? m_queue->rowCount() : 0;
    for (int q = 0; q < queueRows; ++q) {
        const QModelIndex index = m_queue->index(q);
        const State state = index.data(DownloadQueue::StateRole).value<State>();
        Row row;
        row.key = queueKey(index);
        row.queueRow = q;
        row.active = !DownloadItem::isFinal(state);
        row.sortTime = index.data(DownloadQueue::FinishedAtRole).toDateTime();
        if (state == State::Done)
            shownPaths.insert(QDir::cleanPath(index.data(DownloadQueue::TargetPathRole).toString()));
        (row.active ? active : rest).append(row);
    }
    std::reverse(active.begin(), active.end()); // the queue appends: the newest is last
    if (m_history) {
        const QList<DownloadRecord> &records = m_history->records();
        for (auto it = records.crbegin(); it != records.crend(); ++it) {
            const QString path = QDir::cleanPath(it->path);
            if (shownPaths.contains(path))
                continue; // this session's row of the file, or a newer record of it
            shownPaths.insert(path);
            if (it->unlisted)
                continue; // removed from the list: older records of the file stay hidden too
            Row row;
            row.key = QLatin1Char('h') + path;
            row.record = *it;
            row.sortTime = it->finishedAt;
            rest.append(row);
        }
    }
    std::stable_sort(rest.begin(), rest.end(), [](const Row &a, const Row &b) {
        if (a.sortTime.isValid() != b.sortTime.isValid())
            return !a.sortTime.isValid(); // not finished yet: newer than anything finished
        return a.sortTime > b.sortTime;
    });
    return active + rest;
}

void DownloadListModel::sync()
{
    const QList<Row> next = buildRows();
    QHash<QString, int> nextIndex;
    nextIndex.reserve(next.size());
    for (int i = 0; i < next.size(); ++i)
        nextIndex.insert(next.at(i).key, i);
    // What the kept rows show first (their place in the queue may have moved), so that views asking during the
    // signals below read the new state.
    for (Row &row : m_rows)
        if (const auto it = nextIndex.constFind(row.key); it != nextIndex.constEnd())
            row = next.at(*it);

    // Removals, a run at a time from the end (a cleared history is one signal).
    for (int end = int(m_rows.size()) - 1; end >= 0;) {
        if (nextIndex.contains(m_rows.at(end).key)) {
            --end;
            continue;
        }
        int begin = end;
        while (begin > 0 && !nextIndex.contains(m_rows.at(begin - 1).key))
            --begin;
        beginRemoveRows({}, begin, end);
        m_rows.remove(begin, end - begin + 1);
        endRemoveRows();
        end = begin - 1;
    }

    // The kept rows in their new order, as one layout change that carries selections along.
    QSet<QString> kept;
    for (const Row &row : std::as_const(m_rows))
        kept.insert(row.key);
    QList<Row> reordered;
    for (const Row &row : next)
        if (kept.contains(row.key))
            reordered.append(row);
    bool moved = false;
    for (int i = 0; i < reordered.size() && !moved; ++i)
        moved = reordered.at(i).key != m_rows.at(i).key;
    if (moved) {
        emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        QHash<QString, int> newRow;
        for (int i = 0; i < reordered.size(); ++i)
            newRow.insert(reordered.at(i).key, i);
        const QModelIndexList from = persistentIndexList();
        QModelIndexList to;
        for (const QModelIndex &index : from)
            to.append(index.isValid() ? this->index(newRow.value(m_rows.at(index.row()).key)) : QModelIndex());
        m_rows = reordered;
        changePersistentIndexList(from, to);
        emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }

    // Insertions, a run at a time: the kept rows are now in next's order.
    for (int i = 0; i < next.size();) {
        if (i < m_rows.size() && m_rows.at(i).key == next.at(i).key) {
            ++i;
            continue;
        }
        int end = i;
        while (end < next.size() && !kept.contains(next.at(end).key))
            ++end;
        beginInsertRows({}, i, end - 1);
        for (int j = i; j < end; ++j)
            m_rows.insert(j, next.at(j));
        endInsertRows();
        i = end;
    }

    m_missing.clear(); // a record may have changed under the same path
    m_rowOfKey.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOfKey.insert(m_rows.at(i).key, i);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0), index(int(m_rows.size()) - 1));
}

void DownloadListModel::onQueueDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                           const QList<int> &roles)
{
    if (!onlyProgress(roles)) {
        sync();
        return;
    }
    for (int q = topLeft.row(); q <= bottomRight.row(); ++q) {
        const int row = m_rowOfKey.value(queueKey(m_queue->index(q)), -1);
        if (row >= 0)
            emit dataChanged(index(row), index(row), roles);
    }
}

ReportDownloadJob::State DownloadListModel::state(const Row &row) const
{
    if (row.queueRow < 0)
        return State::Done;
    return m_queue->index(row.queueRow).data(DownloadQueue::StateRole).value<State>();
}

bool DownloadListModel::checkMissing(const Row &row) const
{
    const QFileInfo file(row.queueRow < 0
                             ? row.record.path
                             : m_queue->index(row.queueRow).data(DownloadQueue::TargetPathRole).toString());
    const qint64 size = row.queueRow < 0
                            ? row.record.size
                            : m_queue->index(row.queueRow).data(DownloadQueue::TotalBytesRole).toLongLong();
    return !file.isFile() || (size >= 0 && file.size() != size);
}

bool DownloadListModel::isMissing(const Row &row) const
{
    if (state(row) != State::Done)
        return false;
    auto it = m_missing.find(row.key);
    if (it == m_missing.end())
        it = m_missing.insert(row.key, checkMissing(row));
    return *it;
}

void DownloadListModel::refreshFiles()
{
    // Records other writers (the CLI, a sync) added meanwhile come in first.
    if (m_history)
        m_history->reloadIfChanged();
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        const auto it = m_missing.find(row.key);
        if (it == m_missing.end())
            continue;
        const bool missing = checkMissing(row);
        if (missing != *it) {
            *it = missing;
            emit dataChanged(index(i), index(i));
        }
    }
}

DownloadListModel::Actions DownloadListModel::actions(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return NoAction;
    const Row &r = m_rows.at(row);
    const State s = state(r);
    if (!DownloadItem::isFinal(s))
        return Cancel;
    if (s != State::Done) {
        const auto kind = ApiError::Kind(m_queue->index(r.queueRow).data(DownloadQueue::ErrorKindRole).toInt());
        return Retry | Remove | (kind == ApiError::Kind::LocalFile ? ChooseFolder : NoAction);
    }
    if (isMissing(r))
        return DownloadAgain | Remove;
    return Open | ShowInFolder | CopyPath | Remove;
}

int DownloadListModel::queueRow(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).queueRow : -1;
}

int DownloadListModel::rowOfQueueRow(int queueRow) const
{
    if (!m_queue || queueRow < 0 || queueRow >= m_queue->rowCount())
        return -1;
    return m_rowOfKey.value(queueKey(m_queue->index(queueRow)), -1);
}

QString DownloadListModel::filePath(int row) const
{
    return data(index(row), DownloadQueue::TargetPathRole).toString();
}

QString DownloadListModel::reportId(int row) const
{
    return data(index(row), DownloadQueue::ReportIdRole).toString();
}

bool DownloadListModel::remove(int row, QString *error)
{
    if (!(actions(row) & Remove))
        return false;
    const Row r = m_rows.at(row);
    // The history first: were the queue's row to go first, the file's record would show up in its place.
    if (state(r) == State::Done && m_history && !m_history->unlist(filePath(row), error))
        return false;
    if (r.queueRow >= 0)
        m_queue->remove(r.queueRow);
    return true;
}

bool DownloadListModel::clearHistory(QString *error)
{
    const bool saved = !m_history || m_history->unlistAll(error);
    if (m_queue)
        m_queue->clearFinished();
    return saved;
}

int DownloadListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DownloadListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case IsHistoryRole:
        return row.queueRow < 0;
    case FileMissingRole:
        return isMissing(row);
    case ActionsRole:
        return int(actions(index.row()));
    case SearchTextRole:
        return QString(data(index, DownloadQueue::TitleRole).toString() + QLatin1Char('\n') +
                       data(index, DownloadQueue::ReportIdRole).toString() + QLatin1Char('\n') +
                       QDir::toNativeSeparators(data(index, DownloadQueue::TargetPathRole).toString()) +
                       QLatin1Char('\n') + data(index, OriginRole).toString());
    default:
        break;
    }
    if (row.queueRow >= 0)
        return m_queue->index(row.queueRow).data(role);
    const DownloadRecord &record = row.record;
    switch (role) {
    case Qt::DisplayRole:
    case DownloadQueue::TitleRole:
        return record.filename.isEmpty() ? QFileInfo(record.path).fileName() : record.filename;
    case Qt::ToolTipRole:
        return QDir::toNativeSeparators(record.path);
    case DownloadQueue::ReportIdRole:
        return record.reportId;
    case DownloadQueue::StateRole:
        return QVariant::fromValue(State::Done);
    case DownloadQueue::BytesReceivedRole:
    case DownloadQueue::TotalBytesRole:
        return record.size;
    case DownloadQueue::TargetPathRole:
        return record.path;
    case DownloadQueue::FinishedAtRole:
        return record.finishedAt;
    case DownloadQueue::ErrorKindRole:
        return int(ApiError::Kind::None);
    case OriginRole:
        return record.origin;
    default:
        return {};
    }
}

Qt::ItemFlags DownloadListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractListModel::flags(index);
    if (actions(index.row()) & Open)
        flags |= Qt::ItemIsDragEnabled;
    return flags;
}

QHash<int, QByteArray> DownloadListModel::roleNames() const
{
    QHash<int, QByteArray> names = m_queue ? m_queue->roleNames() : QAbstractListModel::roleNames();
    names.insert(IsHistoryRole, "isHistory");
    names.insert(FileMissingRole, "fileMissing");
    names.insert(SearchTextRole, "searchText");
    names.insert(OriginRole, "origin");
    names.insert(ActionsRole, "actions");
    return names;
}

QStringList DownloadListModel::mimeTypes() const
{
    return {QStringLiteral("text/uri-list")};
}

QMimeData *DownloadListModel::mimeData(const QModelIndexList &indexes) const
{
    QList<QUrl> urls;
    for (const QModelIndex &index : indexes)
        if (index.isValid() && (actions(index.row()) & Open))
            urls.append(QUrl::fromLocalFile(filePath(index.row())));
    if (urls.isEmpty())
        return nullptr;
    auto *mime = new QMimeData;
    mime->setUrls(urls);
    return mime;
}

} // namespace getbill
