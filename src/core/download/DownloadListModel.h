#pragma once

#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>
#include <optional>

namespace getbill {

/// The downloads list of the window, a download manager's: this session's downloads (the DownloadQueue) and the
/// earlier ones (the DownloadHistory, shared with the CLI) in one list. The running ones stay on top, newest
/// first; below them everything else, newest first. One row per file: a history record of a file that a row of
/// this session saved, or that a newer record replaced, is not shown twice. Saved files are checked on disk
/// (refreshFiles()): one moved or deleted since says so instead of "Saved".
///
/// Rows carry the DownloadQueue roles (the same delegate paints both kinds) plus the ones below, and the actions
/// that make sense for them, so that the buttons, the context menu and the keys of the panel agree.
class DownloadListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        IsHistoryRole = DownloadQueue::ErrorKindRole + 1, ///< bool: from an earlier session (or the CLI)
        FileMissingRole,                                  ///< bool: saved, but no longer there as it was saved
        SearchTextRole,                                   ///< what the search field matches: title, id, path, rule
        ActionsRole,                                      ///< int(Actions)
        OriginRole,                                       ///< the watch rule that saved it (DownloadRecord::origin)
    };
    enum Action
    {
        NoAction = 0,
        Cancel = 0x1,
        Retry = 0x2,        ///< failed, cancelled or interrupted: another attempt in place
        ChooseFolder = 0x4, ///< the folder was the problem: another attempt somewhere else
        Open = 0x8,
        ShowInFolder = 0x10,
        CopyPath = 0x20,
        Remove = 0x40,        ///< from the list; the file and what sync knows stay
        DownloadAgain = 0x80, ///< the saved file is gone
    };
    Q_DECLARE_FLAGS(Actions, Action)
    Q_FLAG(Actions)

    explicit DownloadListModel(DownloadQueue *queue, DownloadHistory *history = nullptr, QObject *parent = nullptr);

    void setHistory(DownloadHistory *history);
    DownloadQueue *queue() const { return m_queue; }
    DownloadHistory *history() const { return m_history; }

    Actions actions(int row) const;
    /// The row's place in the queue, or -1 for a history row.
    int queueRow(int row) const;
    /// The row showing a queue row, or -1.
    int rowOfQueueRow(int queueRow) const;
    QString filePath(int row) const;
    QString reportId(int row) const;
    /// Removes a finished row from the list; its history records are marked unlisted, not deleted (sync and the
    /// report rows still read them) and the file stays. False with `error` when the history cannot be written; a
    /// running row is not removed.
    bool remove(int row, QString *error = nullptr);
    /// Empties the list of every finished download, of this session and before (records unlisted, as remove());
    /// running ones stay, no file is touched.
    bool clearHistory(QString *error = nullptr);
    /// Looks at the saved files again, and at the history file for records of other writers (the window calls this
    /// when it is activated).
    void refreshFiles();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;
    /// Saved files leave the window as files (a file manager, an e-mail): text/uri-list.
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }

private:
    struct Row
    {
        QString key;           ///< "q<serial>" or "h<path>"
        int queueRow = -1;     ///< for rows of the queue
        DownloadRecord record; ///< for rows of the history
        QDateTime sortTime;
        bool active = false;
    };

    QList<Row> buildRows() const;
    /// Brings the rows to buildRows() with removals, one move of the kept ones and insertions, so that views keep
    /// their selection and current row.
    void sync();
    void onQueueDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles);
    bool isMissing(const Row &row) const;
    bool checkMissing(const Row &row) const;
    ReportDownloadJob::State state(const Row &row) const;

    QPointer<DownloadQueue> m_queue;
    QPointer<DownloadHistory> m_history;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOfKey;
    mutable QHash<QString, bool> m_missing; ///< path -> missing, looked at once per refreshFiles()
};

Q_DECLARE_OPERATORS_FOR_FLAGS(DownloadListModel::Actions)

} // namespace getbill
