#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace getbill {
class DownloadQueue;
}

namespace getbill::gui {

class FileLauncher;

/// The list of downloads of this session over the DownloadQueue: progress, speed, time left, state, and per item
/// Cancel (Delete or Escape), Open and Show in folder once saved; Clear finished tidies up.
class DownloadsPanel : public QWidget
{
    Q_OBJECT
public:
    DownloadsPanel(DownloadQueue *queue, FileLauncher *launcher, QWidget *parent = nullptr);

    QListView *view() const { return m_view; }
    /// Selects the row (the window does so for a download it just started).
    void selectRow(int row);
    int currentRow() const;

public slots:
    void cancelCurrent();
    void openCurrent();
    void showCurrentInFolder();

private:
    void updateButtons();
    void updateSummary();

    DownloadQueue *m_queue;
    FileLauncher *m_launcher;
    QListView *m_view;
    QLabel *m_summary;
    QPushButton *m_cancel;
    QPushButton *m_open;
    QPushButton *m_showInFolder;
    QPushButton *m_clear;
};

} // namespace getbill::gui
