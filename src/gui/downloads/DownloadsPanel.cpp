#include "DownloadsPanel.h"

#include "DownloadItemDelegate.h"
#include "FileLauncher.h"
#include "download/DownloadQueue.h"
#include "download/ReportDownloadJob.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;

bool isActive(State state)
{
    return state == State::Queued || state == State::GettingLink || state == State::Downloading ||
           state == State::Verifying || state == State::Waiting;
}
} // namespace

DownloadsPanel::DownloadsPanel(DownloadQueue *queue, FileLauncher *launcher, QWidget *parent)
    : QWidget(parent), m_queue(queue), m_launcher(launcher), m_view(new QListView(this)), m_summary(new QLabel(this)),
      m_cancel(new QPushButton(tr("&Cancel download"), this)), m_open(new QPushButton(tr("Open file"), this)),
      m_showInFolder(new QPushButton(tr("Show in folder"), this)), m_clear(new QPushButton(tr("C&lear finished"), this))
{
    setObjectName(QStringLiteral("downloadsPanel"));
    setAccessibleName(tr("Downloads"));
    m_view->setObjectName(QStringLiteral("downloadsView"));
    m_view->setAccessibleName(tr("Download list"));
    m_view->setModel(queue);
    m_view->setItemDelegate(new DownloadItemDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformItemSizes(true);
    m_summary->setObjectName(QStringLiteral("downloadsSummary"));
    m_summary->setAccessibleName(tr("Downloads summary"));

    const QList<QPair<QPushButton *, QString>> buttons = {{m_cancel, QStringLiteral("downloadCancel")},
                                                          {m_open, QStringLiteral("downloadOpen")},
                                                          {m_showInFolder, QStringLiteral("downloadShowInFolder")},
                                                          {m_clear, QStringLiteral("downloadClearFinished")}};
    for (const auto &[button, name] : buttons) {
        button->setObjectName(name);
        button->setAccessibleName(button->text().remove(QLatin1Char('&')));
    }
    m_cancel->setToolTip(tr("Stop the selected download; nothing is left on disk (Delete or Escape)"));

    auto *buttonsColumn = new QVBoxLayout;
    buttonsColumn->addWidget(m_cancel);
    buttonsColumn->addWidget(m_open);
    buttonsColumn->addWidget(m_showInFolder);
    buttonsColumn->addWidget(m_clear);
    buttonsColumn->addStretch(1);
    buttonsColumn->addWidget(m_summary);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttonsColumn);

    // Delete and Escape act on the list only: elsewhere Escape belongs to the search field and dialogs.
    auto *cancelAction = new QAction(tr("Cancel download"), this);
    cancelAction->setShortcuts({QKeySequence(Qt::Key_Delete), QKeySequence(Qt::Key_Escape)});
    cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(cancelAction);
    connect(cancelAction, &QAction::triggered, this, &DownloadsPanel::cancelCurrent);
    // Enter on a saved item opens it.
    connect(m_view, &QListView::activated, this, [this](const QModelIndex &index) {
        if (index.data(DownloadQueue::StateRole).value<State>() == State::Done)
            openCurrent();
    });

    connect(m_cancel, &QPushButton::clicked, this, &DownloadsPanel::cancelCurrent);
    connect(m_open, &QPushButton::clicked, this, &DownloadsPanel::openCurrent);
    connect(m_showInFolder, &QPushButton::clicked, this, &DownloadsPanel::showCurrentInFolder);
    connect(m_clear, &QPushButton::clicked, m_queue, &DownloadQueue::clearFinished);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &DownloadsPanel::updateButtons);
    connect(m_queue, &QAbstractItemModel::dataChanged, this, [this] {
        updateButtons();
        updateSummary();
    });
    connect(m_queue, &QAbstractItemModel::rowsInserted, this, &DownloadsPanel::updateSummary);
    connect(m_queue, &QAbstractItemModel::rowsRemoved, this, &DownloadsPanel::updateSummary);
    connect(m_queue, &QAbstractItemModel::modelReset, this, &DownloadsPanel::updateSummary);
    updateButtons();
    updateSummary();
}

void DownloadsPanel::selectRow(int row)
{
    const QModelIndex index = m_queue->index(row);
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

int DownloadsPanel::currentRow() const
{
    return m_view->currentIndex().row();
}

void DownloadsPanel::cancelCurrent()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_queue->cancel(row);
}

void DownloadsPanel::openCurrent()
{
    const QModelIndex index = m_view->currentIndex();
    if (index.data(DownloadQueue::StateRole).value<State>() == State::Done)
        m_launcher->open(index.data(DownloadQueue::TargetPathRole).toString());
}

void DownloadsPanel::showCurrentInFolder()
{
    const QModelIndex index = m_view->currentIndex();
    if (index.data(DownloadQueue::StateRole).value<State>() == State::Done)
        m_launcher->showInFolder(index.data(DownloadQueue::TargetPathRole).toString());
}

void DownloadsPanel::updateButtons()
{
    const QModelIndex index = m_view->currentIndex();
    const State state = index.data(DownloadQueue::StateRole).value<State>();
    m_cancel->setEnabled(index.isValid() && isActive(state));
    m_open->setEnabled(index.isValid() && state == State::Done);
    m_showInFolder->setEnabled(index.isValid() && state == State::Done);
}

void DownloadsPanel::updateSummary()
{
    int active = 0;
    int done = 0;
    for (int row = 0; row < m_queue->rowCount(); ++row) {
        const State state = m_queue->index(row).data(DownloadQueue::StateRole).value<State>();
        active += isActive(state) ? 1 : 0;
        done += state == State::Done ? 1 : 0;
    }
    m_summary->setText(tr("%n running", nullptr, active) + QLatin1Char('\n') + tr("%n saved", nullptr, done));
    m_clear->setEnabled(m_queue->rowCount() > active);
}

} // namespace getbill::gui
