#include "DownloadsPanel.h"

#include "DownloadItemDelegate.h"
#include "FileLauncher.h"
#include "SearchEscape.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "download/ReportDownloadJob.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;
using Action = DownloadListModel::Action;

/// The search over the list; it also gives screen readers each row as painted: title, state and progress as its
/// name, the second line (progress in bytes, speed and time left, the saved path, the error) as its description.
class DownloadsFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::AccessibleTextRole)
            return DownloadItemDelegate::accessibleText(index);
        if (role == Qt::AccessibleDescriptionRole)
            return DownloadItemDelegate::detailText(index);
        return QSortFilterProxyModel::data(index, role);
    }
};

constexpr Action menuOrder[] = {Action::Cancel, Action::Retry,        Action::ChooseFolder, Action::DownloadAgain,
                                Action::Open,   Action::ShowInFolder, Action::CopyPath,     Action::Remove};

QString actionName(Action action)
{
    switch (action) {
    case Action::Cancel:
        return QStringLiteral("Cancel");
    case Action::Retry:
        return QStringLiteral("Retry");
    case Action::ChooseFolder:
        return QStringLiteral("ChooseFolder");
    case Action::DownloadAgain:
        return QStringLiteral("DownloadAgain");
    case Action::Open:
        return QStringLiteral("Open");
    case Action::ShowInFolder:
        return QStringLiteral("ShowInFolder");
    case Action::CopyPath:
        return QStringLiteral("CopyPath");
    case Action::Remove:
        return QStringLiteral("Remove");
    case Action::NoAction:
        break;
    }
    return {};
}
} // namespace

DownloadsPanel::DownloadsPanel(DownloadListModel *model, DownloadController *controller, FileLauncher *launcher,
                               QWidget *parent)
    : QWidget(parent), m_model(model), m_controller(controller), m_launcher(launcher),
      m_filter(new DownloadsFilter(this)), m_search(new QLineEdit(this)), m_stack(new QStackedWidget(this)),
      m_view(new QListView(this)), m_empty(new QLabel(this)), m_summary(new QLabel(this)),
      m_cancel(new QPushButton(actionText(Action::Cancel), this)), m_retry(new QPushButton(this)),
      m_open(new QPushButton(actionText(Action::Open), this)),
      m_showInFolder(new QPushButton(actionText(Action::ShowInFolder), this)),
      m_remove(new QPushButton(actionText(Action::Remove), this)), m_clear(new QPushButton(tr("Cle&ar history"), this))
{
    setObjectName(QStringLiteral("downloadsPanel"));
    setAccessibleName(tr("Downloads"));
    m_filter->setSourceModel(model);
    m_filter->setFilterRole(DownloadListModel::SearchTextRole);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_search->setObjectName(QStringLiteral("downloadsSearch"));
    m_search->setPlaceholderText(tr("Search downloads"));
    m_search->setAccessibleName(tr("Search downloads"));
    SearchEscape::install(m_search, m_view);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setFilterFixedString(text.trimmed());
        updateEmptyState();
    });

    m_view->setObjectName(QStringLiteral("downloadsView"));
    m_view->setAccessibleName(tr("Download list"));
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new DownloadItemDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setUniformItemSizes(true);
    // Saved files leave the window as files: into a file manager, an e-mail, a chat.
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    m_view->setDefaultDropAction(Qt::CopyAction);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        m_view->setCurrentIndex(index);
        QMenu *menu = createContextMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });

    m_empty->setObjectName(QStringLiteral("downloadsEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_view);
    m_stack->addWidget(m_empty);
    m_summary->setObjectName(QStringLiteral("downloadsSummary"));
    m_summary->setAccessibleDescription(tr("Downloads summary"));

    const QList<QPair<QPushButton *, QString>> buttons = {
        {m_cancel, QStringLiteral("downloadCancel")}, {m_retry, QStringLiteral("downloadRetry")},
        {m_open, QStringLiteral("downloadOpen")},     {m_showInFolder, QStringLiteral("downloadShowInFolder")},
        {m_remove, QStringLiteral("downloadRemove")}, {m_clear, QStringLiteral("downloadClearHistory")}};
    for (const auto &[button, name] : buttons) {
        button->setObjectName(name);
        button->setAccessibleName(button->text().remove(QLatin1Char('&')));
    }
    m_cancel->setToolTip(tr("Stop the selected download; nothing is left on disk (Escape)"));
    m_remove->setToolTip(tr("Take the item off the list; the file stays where it is (Delete)"));
    m_clear->setToolTip(tr("Empty the list of finished downloads; no file is deleted"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(m_clear);
    auto *left = new QVBoxLayout;
    left->addLayout(top);
    left->addWidget(m_stack, 1);
    auto *buttonsColumn = new QVBoxLayout;
    for (QPushButton *button : {m_cancel, m_retry, m_open, m_showInFolder, m_remove})
        buttonsColumn->addWidget(button);
    buttonsColumn->addStretch(1);
    buttonsColumn->addWidget(m_summary);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(left, 1);
    layout->addLayout(buttonsColumn);

    // Keys act on the list only: elsewhere Escape belongs to the search field and dialogs, Delete to text. Their
    // texts are what Help > Keyboard shortcuts lists.
    auto addKey = [this](const char *name, const QString &text, const QKeySequence &key, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(QLatin1String(name));
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetShortcut);
        m_view->addAction(action);
        connect(action, &QAction::triggered, this, slot);
    };
    addKey("downloadKeyRemove", tr("Remove the download from the list, or cancel it while it runs"),
           QKeySequence(Qt::Key_Delete),
           [this] { trigger(m_model->actions(currentRow()) & Action::Remove ? Action::Remove : Action::Cancel); });
    addKey("downloadKeyCancel", tr("Cancel the download"), QKeySequence(Qt::Key_Escape),
           [this] { trigger(Action::Cancel); });
    // Enter or a double click on a saved item opens it; on a file gone, downloads it again.
    connect(m_view, &QListView::activated, this, [this] {
        const DownloadListModel::Actions actions = m_model->actions(currentRow());
        trigger(actions & Action::Open ? Action::Open : Action::DownloadAgain);
    });

    connect(m_cancel, &QPushButton::clicked, this, [this] { trigger(Action::Cancel); });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        trigger(m_model->actions(currentRow()) & Action::DownloadAgain ? Action::DownloadAgain : Action::Retry);
    });
    connect(m_open, &QPushButton::clicked, this, [this] { trigger(Action::Open); });
    connect(m_showInFolder, &QPushButton::clicked, this, [this] { trigger(Action::ShowInFolder); });
    connect(m_remove, &QPushButton::clicked, this, [this] { trigger(Action::Remove); });
    connect(m_clear, &QPushButton::clicked, this, &DownloadsPanel::clearHistory);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &DownloadsPanel::updateButtons);
    const auto rowsChanged = [this] {
        updateButtons();
        updateSummary();
        updateEmptyState();
    };
    // The source's signals, after the filter's own handlers: the filter takes its rows away already when the source
    // is about to remove them, when the source still counts them.
    connect(model, &QAbstractItemModel::rowsInserted, this, rowsChanged);
    connect(model, &QAbstractItemModel::rowsRemoved, this, rowsChanged);
    connect(model, &QAbstractItemModel::modelReset, this, rowsChanged);
    connect(model, &QAbstractItemModel::layoutChanged, this, rowsChanged);
    connect(m_filter, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
                // Progress ticks change no button.
                if (roles.isEmpty() || !roles.contains(DownloadQueue::BytesReceivedRole)) {
                    updateButtons();
                    updateSummary();
                }
            });
    // Back to the window: files may have been moved meanwhile, the CLI may have saved some.
    connect(qGuiApp, &QGuiApplication::applicationStateChanged, this, [this](Qt::ApplicationState state) {
        if (state == Qt::ApplicationActive)
            m_model->refreshFiles();
    });
    updateButtons();
    updateSummary();
    updateEmptyState();
}

void DownloadsPanel::selectQueueRow(int queueRow)
{
    const QModelIndex index = m_filter->mapFromSource(m_model->index(m_model->rowOfQueueRow(queueRow)));
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

int DownloadsPanel::currentRow() const
{
    const QModelIndex index = m_filter->mapToSource(m_view->currentIndex());
    return index.isValid() ? index.row() : -1;
}

QString DownloadsPanel::actionText(Action action) const
{
    // The mnemonics are the buttons' too: unique in the window beside the report list, the detail panel and the
    // menus (tests/gui/tst_keyboard.cpp checks).
    switch (action) {
    case Action::Cancel:
        return tr("&Cancel download");
    case Action::Retry: {
        const QModelIndex index = m_model->index(currentRow());
        return index.data(DownloadQueue::StateRole).value<State>() == State::Interrupted ? tr("Res&ume") : tr("Retr&y");
    }
    case Action::ChooseFolder:
        return tr("Retry in another &folder…");
    case Action::DownloadAgain:
        return tr("Download a&gain");
    case Action::Open:
        return tr("Ope&n file");
    case Action::ShowInFolder:
        return tr("Sho&w in folder");
    case Action::CopyPath:
        return tr("Copy &path");
    case Action::Remove:
        return tr("Re&move from list");
    case Action::NoAction:
        break;
    }
    return {};
}

QMenu *DownloadsPanel::createContextMenu(QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("downloadsMenu"));
    const DownloadListModel::Actions actions = m_model->actions(currentRow());
    for (const Action action : menuOrder) {
        if (!(actions & action))
            continue;
        if (action == Action::Remove && !menu->isEmpty())
            menu->addSeparator();
        QAction *item = menu->addAction(actionText(action));
        item->setObjectName(QStringLiteral("downloadAction") + actionName(action));
        connect(item, &QAction::triggered, this, [this, action] { trigger(action); });
    }
    return menu;
}

void DownloadsPanel::trigger(Action action)
{
    const int row = currentRow();
    if (!(m_model->actions(row) & action))
        return;
    const int queueRow = m_model->queueRow(row);
    const QString path = m_model->filePath(row);
    const QString name = QFileInfo(path).fileName();
    switch (action) {
    case Action::Cancel:
        m_model->queue()->cancel(queueRow);
        break;
    case Action::Retry:
        m_model->queue()->retry(queueRow);
        break;
    case Action::ChooseFolder:
        m_controller->retryElsewhere(queueRow);
        break;
    case Action::DownloadAgain:
        // Into the folder it was saved in, under a name not taken (another file may sit at the old name now).
        m_controller->download(QStringList{m_model->reportId(row)},
                               DownloadTarget::uniqueInFolder(QFileInfo(path).absolutePath()));
        break;
    case Action::Open:
        if (!m_launcher->open(path))
            emit message(tr("No application could open “%1”. Use Show in folder, or set a default application for "
                            "this kind of file.")
                             .arg(name));
        break;
    case Action::ShowInFolder:
        if (!m_launcher->showInFolder(path))
            emit message(tr("No file manager could show %1.").arg(QDir::toNativeSeparators(path)));
        break;
    case Action::CopyPath:
        QGuiApplication::clipboard()->setText(QDir::toNativeSeparators(path));
        break;
    case Action::Remove: {
        QString error;
        if (!m_model->remove(row, &error))
            emit message(tr("“%1” could not be taken off the list: %2").arg(name, error));
        break;
    }
    case Action::NoAction:
        break;
    }
}

void DownloadsPanel::clearHistory()
{
    QString error;
    if (!m_model->clearHistory(&error))
        emit message(tr("The download history could not be saved: %1").arg(error));
}

void DownloadsPanel::updateButtons()
{
    const DownloadListModel::Actions actions = m_model->actions(currentRow());
    m_cancel->setEnabled(actions & Action::Cancel);
    const bool again = actions & Action::DownloadAgain;
    m_retry->setText(again ? actionText(Action::DownloadAgain) : actionText(Action::Retry));
    m_retry->setAccessibleName(m_retry->text().remove(QLatin1Char('&')));
    m_retry->setEnabled(again || (actions & Action::Retry));
    m_open->setEnabled(actions & Action::Open);
    m_showInFolder->setEnabled(actions & Action::ShowInFolder);
    m_remove->setEnabled(actions & Action::Remove);
}

void DownloadsPanel::updateSummary()
{
    // Over the whole list, earlier runs' downloads included: "0 saved" beside three saved files would be wrong.
    const int active = m_model->queue()->unfinishedCount();
    int done = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row);
        done += index.data(DownloadQueue::StateRole).value<State>() == State::Done &&
                        !index.data(DownloadListModel::FileMissingRole).toBool()
                    ? 1
                    : 0;
    }
    m_summary->setText(tr("%n running", nullptr, active) + QLatin1Char('\n') + tr("%n saved", nullptr, done));
    m_clear->setEnabled(m_model->rowCount() > active);
}

void DownloadsPanel::updateEmptyState()
{
    const bool empty = m_filter->rowCount() == 0;
    if (m_model->rowCount() == 0)
        m_empty->setText(tr("No downloads yet.\nThe reports you download appear here, with the ones saved before. "
                            "Select a report and press Ctrl+S, or drop report ids on the window."));
    else
        m_empty->setText(tr("No download matches “%1”.").arg(m_search->text().trimmed()));
    m_empty->setAccessibleName(m_empty->text());
    m_stack->setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_view);
}

} // namespace getbill::gui
