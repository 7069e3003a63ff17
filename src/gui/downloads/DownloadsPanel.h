#pragma once

#include "download/DownloadListModel.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListView;
class QMenu;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;

namespace getbill {
class DownloadController;
}

namespace getbill::gui {

class FileLauncher;

/// The downloads list, a download manager's: this session's downloads and the earlier ones (DownloadListModel),
/// with a search field, Clear history, an empty state that says what will appear, and per item the actions its
/// state allows (DownloadListModel::actions), the same in the buttons, the context menu and the keys: Delete
/// removes a finished item or cancels a running one, Escape cancels, Enter opens. Saved items drag out as files.
/// What fails (no application for a file, no file manager) is said through message(), never silently.
class DownloadsPanel : public QWidget
{
    Q_OBJECT
public:
    DownloadsPanel(DownloadListModel *model, DownloadController *controller, FileLauncher *launcher,
                   QWidget *parent = nullptr);

    QListView *view() const { return m_view; }
    QLineEdit *searchField() const { return m_search; }
    DownloadListModel *model() const { return m_model; }
    /// Selects the row of a queue row (the window does so for a download it just started).
    void selectQueueRow(int queueRow);
    /// The current row in the model's terms (-1 for none).
    int currentRow() const;
    /// The menu of the current row, as the context menu shows it (owned by the caller).
    QMenu *createContextMenu(QWidget *parent);

public slots:
    void trigger(getbill::DownloadListModel::Action action);
    void cancelCurrent() { trigger(DownloadListModel::Cancel); }
    void openCurrent() { trigger(DownloadListModel::Open); }
    void showCurrentInFolder() { trigger(DownloadListModel::ShowInFolder); }
    void removeCurrent() { trigger(DownloadListModel::Remove); }
    void clearHistory();

signals:
    /// Something the user should read in the window's message bar (a failed action).
    void message(const QString &text);

private:
    void updateButtons();
    void updateSummary();
    void updateEmptyState();
    QString actionText(DownloadListModel::Action action) const;

    DownloadListModel *m_model;
    DownloadController *m_controller;
    FileLauncher *m_launcher;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QStackedWidget *m_stack;
    QListView *m_view;
    QLabel *m_empty;
    QLabel *m_summary;
    QPushButton *m_cancel;
    QPushButton *m_retry;
    QPushButton *m_open;
    QPushButton *m_showInFolder;
    QPushButton *m_remove;
    QPushButton *m_clear;
};

} // namespace getbill::gui
