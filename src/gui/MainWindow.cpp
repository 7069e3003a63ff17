#include "MainWindow.h"

#include "DownloadsPanel.h"
#include "DropOverlay.h"
#include "FileLauncher.h"
#include "MessageBar.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportFormat.h"
#include "ReportLink.h"
#include "ReportTableModel.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/ReportDownloadJob.h"
#include "download/SafeFileName.h"
#include "ui_MainWindow.h"

#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QTableView>
#include <memory>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;

/// Widths that fit the demo's titles and the other columns' longest values at the default font.
constexpr int DefaultWidths[ReportTableModel::ColumnCount] = {340, 95, 125, 115, 80, 150};

QString fileFilterFor(const QString &mimeType, const QString &extension)
{
    return ReportFormat::fileKind(mimeType) + QStringLiteral(" (*.") + extension + QStringLiteral(");;") +
           QCoreApplication::translate("MainWindow", "All files (*)");
}
} // namespace

MainWindow::MainWindow(ApiClient *api, DownloadQueue *queue, Settings *settings, SaveLocationChooser *chooser,
                       FileLauncher *launcher, QWidget *parent)
    : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>()), m_api(api), m_queue(queue), m_settings(settings),
      m_chooser(chooser), m_launcher(launcher), m_model(new ReportTableModel(this)),
      m_proxy(new ReportFilterModel(this))
{
    m_ui->setupUi(this);
    setWindowIcon(ReportFormat::applicationIcon());
    setAcceptDrops(true);

    m_messages = new MessageBar(m_ui->centralWidget);
    m_ui->centralLayout->insertWidget(0, m_messages);
    m_overlay = new DropOverlay(m_ui->centralWidget);

    m_detail = new ReportDetailPanel(api, m_ui->detailArea);
    m_ui->detailArea->setWidget(m_detail);
    m_ui->splitter->setStretchFactor(0, 3);
    m_ui->splitter->setStretchFactor(1, 1);
    m_ui->splitter->setSizes({940, 360});

    m_downloads = new DownloadsPanel(queue, launcher, this);
    m_downloadsDock = new QDockWidget(tr("Downloads"), this);
    m_downloadsDock->setObjectName(QStringLiteral("downloadsDock"));
    m_downloadsDock->setAccessibleName(tr("Downloads"));
    m_downloadsDock->setWidget(m_downloads);
    m_downloadsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::BottomDockWidgetArea, m_downloadsDock);
    m_downloadsDock->hide();

    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("loadingIndicator"));
    m_busy->setAccessibleName(tr("Loading"));
    m_busy->setMaximumWidth(160);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_modeLabel = new QLabel(this);
    m_modeLabel->setObjectName(QStringLiteral("modeLabel"));
    m_modeLabel->setAccessibleName(tr("Connection"));
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_modeLabel);

    QPixmap logo(QStringLiteral(":/getbill/icons/getbill-reports-128.png"));
    m_ui->welcomeIcon->setPixmap(logo);
    QFont heading = m_ui->welcomeHeading->font();
    heading.setPointSizeF(heading.pointSizeF() * 1.8);
    heading.setBold(true);
    m_ui->welcomeHeading->setFont(heading);
    // A fixed width lets the wrapped text claim the height it needs instead of being squeezed by the spacers.
    m_ui->welcomeText->setFixedWidth(600);
    m_ui->welcomeText->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Minimum);
    m_ui->welcomeLayout->setSpacing(14);
    m_ui->signInButton->setToolTip(tr("Use your company's GetBill API access"));
    m_ui->demoButton->setToolTip(tr("Try the application with sample reports served from this computer"));
    connect(m_ui->signInButton, &QPushButton::clicked, this, &MainWindow::signInRequested);
    connect(m_ui->demoButton, &QPushButton::clicked, this, &MainWindow::demoRequested);

    setupTable();
    createActions();

    connect(m_ui->searchEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setSearchText(text);
        updateEmptyState();
        updateCount();
    });
    // Return in the search field goes to the results, so a keyboard user can search then press Enter to download.
    connect(m_ui->searchEdit, &QLineEdit::returnPressed, this, [this] {
        if (m_proxy->rowCount() == 0)
            return;
        m_ui->reportTable->setFocus();
        if (!m_ui->reportTable->currentIndex().isValid())
            m_ui->reportTable->setCurrentIndex(m_proxy->index(0, 0));
    });
    connect(m_ui->typeCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setTypeFilter(m_ui->typeCombo->currentData().toString());
        updateEmptyState();
        updateCount();
    });
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &MainWindow::refresh);
    connect(m_ui->emptyAction, &QPushButton::clicked, this, [this] {
        if (m_proxy->isFiltering())
            clearFilters();
        else
            refresh();
    });
    connect(m_model, &ReportTableModel::typesChanged, this, &MainWindow::updateTypeCombo);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, [this] {
            updateEmptyState();
            updateCount();
        });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::updateEmptyState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const auto shown = m_detail->report();
        if (!shown)
            return;
        const int row = m_model->rowOf(shown->id);
        if (row >= from.row() && row <= to.row())
            updateDetail();
    });

    connect(m_detail, &ReportDetailPanel::downloadRequested, this,
            [this](const QString &id, bool choose) { downloadReports({id}, choose); });
    connect(m_detail, &ReportDetailPanel::openRequested, this, [this](const QString &path) { m_launcher->open(path); });
    connect(m_detail, &ReportDetailPanel::showInFolderRequested, this,
            [this](const QString &path) { m_launcher->showInFolder(path); });
    connect(m_detail, &ReportDetailPanel::reportUpdated, this, [this](const Report &report) {
        m_model->upsert(report);
        if (report.canDownload())
            statusBar()->showMessage(tr("“%1” is ready to download.").arg(report.title), 8000);
    });
    connect(m_detail, &ReportDetailPanel::idCopied, this,
            [this](const QString &id) { statusBar()->showMessage(tr("Copied %1").arg(id), 4000); });

    connect(m_queue, &DownloadQueue::itemFinished, this, &MainWindow::onDownloadFinished);

    setDemoMode(false);
    restoreState();
    updateTypeCombo();
    updateEmptyState();
    updateCount();
}

MainWindow::~MainWindow() = default;

QTableView *MainWindow::reportTable() const
{
    return m_ui->reportTable;
}

void MainWindow::setupTable()
{
    QTableView *table = m_ui->reportTable;
    m_proxy->setSourceModel(m_model);
    table->setModel(m_proxy);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 12);
    table->setIconSize(QSize(16, 16));
    QHeaderView *header = table->horizontalHeader();
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ReportTableModel::TitleColumn, QHeaderView::Stretch);
    for (int column = 0; column < ReportTableModel::ColumnCount; ++column)
        header->resizeSection(column, DefaultWidths[column]);
    table->sortByColumn(ReportTableModel::PeriodColumn, Qt::DescendingOrder);

    connect(table, &QTableView::activated, this, [this](const QModelIndex &) { downloadSelected(false); });
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::updateDetail);
    connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateDetail);
}

void MainWindow::createActions()
{
    auto add = [this](const QString &text, const QString &name, const QList<QKeySequence> &keys, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        action->setShortcuts(keys);
        // Window-wide shortcuts, but a focused line edit still gets its own Ctrl+V / Ctrl+F first.
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    // Fixed keys rather than QKeySequence::Save/SaveAs: some platform themes map SaveAs to nothing or to a key
    // that collides with Save.
    QAction *download = add(tr("&Download"), QStringLiteral("actionDownload"), {QKeySequence(Qt::CTRL | Qt::Key_S)},
                            [this] { downloadSelected(false); });
    QAction *downloadTo = add(tr("Download &to…"), QStringLiteral("actionDownloadTo"),
                              {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)}, [this] { downloadSelected(true); });
    QAction *paste = add(tr("&Paste report ids"), QStringLiteral("actionPaste"), {QKeySequence::Paste},
                         [this] { pasteReportIds(); });
    QAction *settings = add(tr("&Settings…"), QStringLiteral("actionSettings"),
                            {QKeySequence(Qt::CTRL | Qt::Key_Comma)}, [this] { openSettings(); });
    settings->setMenuRole(QAction::PreferencesRole);
    QAction *signIn = add(tr("Sign &in…"), QStringLiteral("actionSignIn"), {}, [this] { emit signInRequested(); });
    QAction *quit = add(tr("&Quit"), QStringLiteral("actionQuit"), {QKeySequence::Quit}, [this] { close(); });
    QAction *find = add(tr("&Find"), QStringLiteral("actionFind"), {QKeySequence::Find}, [this] {
        if (isShowingWelcome())
            return;
        m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
        m_ui->searchEdit->selectAll();
    });
    QAction *reload = add(tr("&Refresh"), QStringLiteral("actionRefresh"), {QKeySequence(Qt::Key_F5)}, [this] {
        if (!isShowingWelcome())
            refresh();
    });
    QAction *about = add(tr("&About GetBill Reports"), QStringLiteral("actionAbout"), {}, [this] {
        QMessageBox::about(this, tr("About GetBill Reports"),
                           tr("<b>GetBill Reports %1</b><p>Lists your company's GetBill reports and saves them where "
                              "you choose.</p>")
                               .arg(QStringLiteral(GETBILL_VERSION)));
    });
    QAction *toggleDownloads = m_downloadsDock->toggleViewAction();
    toggleDownloads->setText(tr("&Downloads panel"));
    toggleDownloads->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_J));
    addAction(toggleDownloads);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(download);
    file->addAction(downloadTo);
    file->addAction(paste);
    file->addSeparator();
    file->addAction(signIn);
    file->addAction(settings);
    file->addSeparator();
    file->addAction(quit);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(find);
    view->addAction(reload);
    view->addAction(toggleDownloads);
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(about);
}

void MainWindow::restoreState()
{
    const QByteArray geometry = m_settings->windowGeometry();
    if (geometry.isEmpty() || !restoreGeometry(geometry))
        resize(1320, 800);
    const QByteArray header = m_settings->tableHeaderState();
    if (!header.isEmpty())
        m_ui->reportTable->horizontalHeader()->restoreState(header);
    const QByteArray state = m_settings->windowState();
    if (!state.isEmpty())
        QMainWindow::restoreState(state);
    // Restoring may bring the downloads dock back, but it has nothing to show before a download starts.
    m_downloadsDock->setVisible(false);
}

void MainWindow::saveState()
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(QMainWindow::saveState());
    m_settings->setTableHeaderState(m_ui->reportTable->horizontalHeader()->saveState());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    QMainWindow::closeEvent(event);
}

void MainWindow::showWelcome()
{
    m_ui->pages->setCurrentWidget(m_ui->welcomePage);
    m_modeLabel->setText(tr("Not signed in"));
    m_ui->signInButton->setFocus();
}

void MainWindow::showReports()
{
    m_ui->pages->setCurrentWidget(m_ui->reportsPage);
    m_ui->reportTable->setFocus();
    setDemoMode(m_demo); // the status bar names where the reports come from
    if (!m_loadedOnce && !m_listJob)
        refresh();
}

bool MainWindow::isShowingWelcome() const
{
    return m_ui->pages->currentWidget() == m_ui->welcomePage;
}

void MainWindow::setDemoMode(bool demo)
{
    m_demo = demo;
    setWindowTitle(demo ? tr("GetBill Reports — Demo data") : tr("GetBill Reports"));
    m_modeLabel->setText(demo ? tr("Demo data (sample reports on this computer)") : m_api->baseUrl().host());
    m_modeLabel->setStyleSheet(demo ? QStringLiteral("QLabel{background:#fff3c4;color:#4d3b00;border-radius:3px;"
                                                     "padding:1px 8px;}")
                                    : QString());
}

void MainWindow::refresh()
{
    if (m_listJob)
        return; // one load at a time: F5 during a load would only restart it
    m_messages->dismiss();
    ReportListJob *job = m_api->listReports();
    job->setParent(this);
    m_listJob = job;
    m_model->beginRefresh();
    m_busy->setRange(0, 0);
    m_busy->show();
    m_ui->refreshButton->setEnabled(false);
    statusBar()->showMessage(tr("Loading reports…"));
    updateEmptyState();

    connect(job, &ReportListJob::pageArrived, this, [this](const QList<Report> &reports, int page, int pages) {
        m_model->upsert(reports);
        if (m_history)
            for (const Report &report : reports)
                if (const auto record = m_history->latest(report.id); record && QFileInfo::exists(record->path)) {
                    m_model->setSavedPath(report.id, record->path);
                    m_detail->setSavedPath(report.id, record->path);
                }
        if (pages > 1) {
            m_busy->setRange(0, pages);
            m_busy->setValue(page);
        }
        statusBar()->showMessage(tr("Loading reports… page %1 of %2").arg(page).arg(pages));
    });
    connect(job, &ReportListJob::retrying, this, [this](const ApiError &error, int delayMs) {
        statusBar()->showMessage(
            tr("%1 Trying again in %2.").arg(error.message(), ReportFormat::duration(qMax(1, delayMs / 1000))));
    });
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        m_listJob = nullptr;
        m_busy->hide();
        m_ui->refreshButton->setEnabled(true);
        const bool ok = job->succeeded();
        if (ok) {
            m_model->endRefresh();
            m_loadedOnce = true;
            statusBar()->showMessage(
                (m_model->rowCount() == 1 ? tr("1 report loaded") : tr("%1 reports loaded").arg(m_model->rowCount())),
                5000);
        } else {
            // Keep what is shown: an old list beats an empty window when the network hiccups.
            m_model->cancelRefresh();
            statusBar()->clearMessage();
            const ApiError &error = job->error();
            if (error.category() == ApiError::Category::NotAuthenticated)
                m_messages->showMessage(MessageBar::Level::Error,
                                        tr("The report list could not be loaded: %1").arg(error.detailedMessage()),
                                        tr("Sign in…"), [this] { emit signInRequested(); });
            else
                m_messages->showError(tr("The report list could not be loaded: %1").arg(error.detailedMessage()),
                                      [this] { refresh(); });
        }
        updateEmptyState();
        updateCount();
        emit listLoaded(ok);
        if (ok && !m_idsWaitingForList.isEmpty()) {
            const QStringList ids = std::exchange(m_idsWaitingForList, {});
            openReportIds(ids);
        }
    });
    job->start();
}

void MainWindow::updateTypeCombo()
{
    QComboBox *combo = m_ui->typeCombo;
    const QString current = combo->currentData().toString();
    const QSignalBlocker blocker(combo);
    combo->clear();
    combo->addItem(tr("All types"), QString());
    for (const QString &type : m_model->types())
        combo->addItem(type.left(1).toUpper() + type.mid(1), type);
    const int index = combo->findData(current);
    combo->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0 && !current.isEmpty())
        m_proxy->setTypeFilter({});
}

void MainWindow::updateEmptyState()
{
    const bool empty = m_proxy->rowCount() == 0;
    if (!empty) {
        m_ui->tableStack->setCurrentWidget(m_ui->reportTable);
        return;
    }
    m_ui->tableStack->setCurrentWidget(m_ui->emptyPage);
    if (m_listJob) {
        m_ui->emptyLabel->setText(tr("Loading reports from GetBill…"));
        m_ui->emptyAction->hide();
    } else if (m_model->rowCount() > 0) {
        m_ui->emptyLabel->setText(tr("No report matches the search or the type filter."));
        m_ui->emptyAction->setText(tr("Show all reports"));
        m_ui->emptyAction->setAccessibleName(tr("Show all reports"));
        m_ui->emptyAction->show();
    } else {
        m_ui->emptyLabel->setText(m_loadedOnce ? tr("There are no reports yet. GetBill lists them here once they "
                                                    "are generated.")
                                               : tr("The report list has not been loaded."));
        m_ui->emptyAction->setText(tr("Refresh"));
        m_ui->emptyAction->setAccessibleName(tr("Refresh"));
        m_ui->emptyAction->show();
    }
}

void MainWindow::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int all = m_model->rowCount();
    m_ui->countLabel->setText(shown == all ? (all == 1 ? tr("1 report") : tr("%1 reports").arg(all))
                                           : tr("%1 of %2 reports").arg(shown).arg(all));
}

void MainWindow::clearFilters()
{
    m_ui->searchEdit->clear();
    m_ui->typeCombo->setCurrentIndex(0);
}

QStringList MainWindow::selectedReportIds() const
{
    QStringList ids;
    const QModelIndexList rows = m_ui->reportTable->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        ids << index.data(ReportTableModel::IdRole).toString();
    // Selection order is the order of clicks; the table's order is what users expect for a batch.
    std::sort(ids.begin(), ids.end(), [this](const QString &a, const QString &b) {
        return m_proxy->mapFromSource(m_model->index(m_model->rowOf(a), 0)).row() <
               m_proxy->mapFromSource(m_model->index(m_model->rowOf(b), 0)).row();
    });
    return ids;
}

void MainWindow::updateDetail()
{
    const QModelIndex current = m_ui->reportTable->currentIndex();
    const QStringList selected = selectedReportIds();
    QString id = current.isValid() ? current.data(ReportTableModel::IdRole).toString() : QString();
    if (!selected.isEmpty() && !selected.contains(id))
        id = selected.first();
    const auto report = m_model->report(id);
    if (!report) {
        m_detail->clearReport();
        return;
    }
    m_detail->setReport(*report, m_model->savedPath(id));
}

void MainWindow::selectIds(const QStringList &ids)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QString &id : ids) {
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(m_model->rowOf(id), 0));
        if (!index.isValid())
            continue;
        selection.select(index, index.siblingAtColumn(ReportTableModel::ColumnCount - 1));
        if (!first.isValid())
            first = index;
    }
    if (!first.isValid())
        return;
    QItemSelectionModel *model = m_ui->reportTable->selectionModel();
    model->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    model->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_ui->reportTable->scrollTo(first);
    updateDetail();
}

// ---------------------------------------------------------------------------------------------------------------
// Ids from outside: drop, paste, arguments, second launch.

void MainWindow::pasteReportIds()
{
    if (const QMimeData *mime = QGuiApplication::clipboard()->mimeData()) {
        const QStringList ids = ReportLink::idsFromMimeData(mime);
        if (ids.isEmpty()) {
            m_messages->showMessage(MessageBar::Level::Warning,
                                    tr("The clipboard holds no report id. Report ids look like report_abc123; links "
                                       "like getbill://report/report_abc123 work too."));
            return;
        }
        openReportIds(ids);
    }
}

void MainWindow::openReportText(const QString &text)
{
    const QStringList ids = ReportLink::idsFromText(text);
    if (ids.isEmpty()) {
        m_messages->showMessage(MessageBar::Level::Warning,
                                tr("No report id found. Report ids look like report_abc123; links like "
                                   "getbill://report/report_abc123 work too."));
        return;
    }
    openReportIds(ids);
}

void MainWindow::openReportIds(const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    if (isShowingWelcome() || (!m_loadedOnce && m_listJob)) {
        // Nothing to download with yet: keep them until the list of the chosen account is there.
        for (const QString &id : ids) {
            if (!m_idsWaitingForList.contains(id))
                m_idsWaitingForList.append(id);
        }
        if (isShowingWelcome())
            m_messages->showInformation(
                tr("Sign in or explore the demo data first; %1 report id(s) will then be downloaded.")
                    .arg(m_idsWaitingForList.size()));
        return;
    }

    struct Batch
    {
        QStringList ids;
        int pending = 0;
        QStringList errors;
    };
    auto batch = std::make_shared<Batch>();
    batch->ids = ids;
    auto complete = [this, batch] {
        if (batch->pending > 0)
            return;
        QStringList found;
        for (const QString &id : std::as_const(batch->ids)) {
            if (m_model->contains(id))
                found << id;
        }
        if (!batch->errors.isEmpty())
            m_messages->showError(batch->errors.join(QLatin1Char('\n')));
        if (found.isEmpty())
            return;
        // A dropped id hidden by the search or type filter could not be selected: show everything instead.
        for (const QString &id : std::as_const(found)) {
            if (!m_proxy->mapFromSource(m_model->index(m_model->rowOf(id), 0)).isValid()) {
                clearFilters();
                break;
            }
        }
        selectIds(found);
        downloadReports(found, false);
    };

    for (const QString &id : ids) {
        if (m_model->contains(id))
            continue;
        ++batch->pending;
        ReportJob *job = m_api->fetchReport(id);
        job->setParent(this);
        connect(job, &Job::finished, this, [this, job, batch, complete] {
            job->deleteLater();
            --batch->pending;
            if (job->succeeded())
                m_model->upsert(job->report());
            else
                batch->errors << job->error().detailedMessage();
            complete();
        });
        job->start();
    }
    if (batch->pending > 0)
        statusBar()->showMessage(tr("Looking up %1 report id(s)…").arg(batch->pending), 5000);
    complete();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!ReportLink::canRead(event->mimeData())) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    const int count = int(ReportLink::idsFromMimeData(event->mimeData()).size());
    m_overlay->setText(count > 1 ? tr("Drop %1 report ids to download").arg(count) : tr("Drop report ids to download"));
    m_overlay->showOver();
}

void MainWindow::dragMoveEvent(QDragMoveEvent *event)
{
    if (ReportLink::canRead(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_overlay->hide();
    QMainWindow::dragLeaveEvent(event);
}

void MainWindow::dropEvent(QDropEvent *event)
{
    m_overlay->hide();
    const QStringList ids = ReportLink::idsFromMimeData(event->mimeData());
    event->acceptProposedAction();
    if (ids.isEmpty()) {
        m_messages->showMessage(MessageBar::Level::Warning,
                                tr("The dropped text holds no report id. Report ids look like report_abc123; links "
                                   "like getbill://report/report_abc123 work too."));
        return;
    }
    openReportIds(ids);
}

// ---------------------------------------------------------------------------------------------------------------
// Downloads.

void MainWindow::downloadSelected(bool chooseLocation)
{
    if (isShowingWelcome())
        return;
    const QStringList ids = selectedReportIds();
    if (ids.isEmpty()) {
        statusBar()->showMessage(tr("Select a report to download first."), 4000);
        return;
    }
    downloadReports(ids, chooseLocation);
}

void MainWindow::downloadReports(const QStringList &ids, bool chooseLocation)
{
    QList<Report> ready;
    QStringList refused;
    for (const QString &id : ids) {
        const auto report = m_model->report(id);
        if (!report)
            continue;
        if (report->canDownload())
            ready << *report;
        else
            refused << tr("“%1” cannot be downloaded: %2")
                           .arg(report->title.isEmpty() ? report->id : report->title,
                                ReportFormat::notDownloadableReason(*report));
    }
    if (!refused.isEmpty())
        m_messages->showMessage(MessageBar::Level::Warning, refused.join(QLatin1Char('\n')));
    if (ready.isEmpty())
        return;
    if (ready.size() == 1) {
        downloadOne(ready.first(), chooseLocation);
        return;
    }
    // Several at once: one folder for all (a save dialog per file would be tiring), never overwriting.
    QString folder;
    if (!chooseLocation && m_settings->saveMode() == Settings::SaveMode::AlwaysToFolder) {
        folder = m_settings->downloadFolder();
    } else {
        folder = m_chooser->chooseFolder(this, tr("Save %n reports to", nullptr, int(ready.size())),
                                         m_settings->lastSaveFolder());
        if (folder.isEmpty())
            return;
        m_settings->setLastSaveFolder(folder);
    }
    for (const Report &report : std::as_const(ready))
        enqueue(report, DownloadTarget::uniqueInFolder(folder), std::nullopt);
}

void MainWindow::downloadOne(const Report &report, bool chooseLocation)
{
    if (m_ticketJobs.value(report.id))
        return; // already asking for this report's link
    TicketJob *job = m_api->fetchTicket(report.id);
    job->setParent(this);
    m_ticketJobs.insert(report.id, job);
    statusBar()->showMessage(tr("Preparing “%1”…").arg(report.title), 5000);
    connect(job, &Job::finished, this, [this, job, report, chooseLocation] {
        job->deleteLater();
        m_ticketJobs.remove(report.id);
        if (!job->succeeded()) {
            if (job->error().category() != ApiError::Category::Cancelled)
                m_messages->showError(job->error().detailedMessage(),
                                      [this, report, chooseLocation] { downloadOne(report, chooseLocation); });
            return;
        }
        m_detail->setTicket(job->ticket());
        m_pendingSaves.push_back({report, job->ticket(), chooseLocation});
        processPendingSaves();
    });
    job->start();
}

void MainWindow::processPendingSaves()
{
    // One save dialog at a time: a second ticket arriving while the first dialog is open waits its turn.
    if (m_inSaveDialog)
        return;
    while (!m_pendingSaves.empty()) {
        const PendingSave save = m_pendingSaves.front();
        m_pendingSaves.pop_front();
        saveWithTicket(save);
    }
}

void MainWindow::saveWithTicket(const PendingSave &save)
{
    const Report &report = save.report;
    const DownloadTicket &ticket = save.ticket;
    if (!save.chooseLocation && m_settings->saveMode() == Settings::SaveMode::AlwaysToFolder) {
        enqueue(report, DownloadTarget::uniqueInFolder(m_settings->downloadFolder()), ticket);
        return;
    }
    const QString name =
        SafeFileName::sanitize(ticket.filename.isEmpty() ? report.filename : ticket.filename, report.id,
                               ticket.mimeType.isEmpty() ? report.mimeType : ticket.mimeType);
    const QString suggested = QDir(m_settings->lastSaveFolder()).filePath(name);
    m_inSaveDialog = true;
    const QString path = m_chooser->chooseSaveFile(this, tr("Save “%1”").arg(report.title), suggested,
                                                   fileFilterFor(ticket.mimeType, QFileInfo(name).suffix()));
    m_inSaveDialog = false;
    if (!path.isEmpty()) {
        m_settings->setLastSaveFolder(QFileInfo(path).absolutePath());
        // The native dialog has already asked before replacing an existing file: the answer is the user's choice.
        enqueue(report, DownloadTarget::file(path, QFileInfo::exists(path)), ticket);
    } else {
        statusBar()->showMessage(tr("Download of “%1” cancelled.").arg(report.title), 4000);
    }
    processPendingSaves();
}

void MainWindow::enqueue(const Report &report, const DownloadTarget &target,
                         const std::optional<DownloadTicket> &ticket)
{
    const int row = m_queue->enqueue(report.id, target, ticket, report.title.isEmpty() ? report.id : report.title);
    m_downloadsDock->show();
    m_downloads->selectRow(row);
}

void MainWindow::onDownloadFinished(int row)
{
    const QModelIndex index = m_queue->index(row);
    const QString id = index.data(DownloadQueue::ReportIdRole).toString();
    const QString title = index.data(DownloadQueue::TitleRole).toString();
    switch (static_cast<State>(index.data(DownloadQueue::StateRole).toInt())) {
    case State::Done: {
        const QString path = index.data(DownloadQueue::TargetPathRole).toString();
        m_model->setSavedPath(id, path);
        m_detail->setSavedPath(id, path);
        statusBar()->showMessage(tr("Saved “%1” to %2").arg(title, QDir::toNativeSeparators(path)), 10000);
        break;
    }
    case State::Failed: {
        const QString error = index.data(DownloadQueue::ErrorRole).toString();
        m_messages->showError(tr("“%1” was not saved: %2").arg(title, error), [this, id] {
            if (m_model->contains(id))
                downloadReports({id}, false);
        });
        break;
    }
    case State::Cancelled:
        statusBar()->showMessage(tr("Download of “%1” cancelled; nothing was saved.").arg(title), 5000);
        break;
    default:
        break;
    }
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, m_chooser, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_queue->setMaxConcurrent(m_settings->maxConcurrentDownloads());
    emit settingsChanged();
}

} // namespace getbill::gui
