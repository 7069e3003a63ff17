#include "MainWindow.h"

#include "DialogSaveLocation.h"
#include "DownloadsPanel.h"
#include "DropOverlay.h"
#include "FileLauncher.h"
#include "Format.h"
#include "MessageBar.h"
#include "ReportLink.h"
#include "ReportsView.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "Tint.h"
#include "WindowPlacement.h"
#include "api/ApiClient.h"
#include "download/DownloadController.h"
#include "download/DownloadListModel.h"
#include "download/DownloadQueue.h"
#include "ui_MainWindow.h"

#include <QAction>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QStatusBar>
#include <QTableView>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;
} // namespace

MainWindow::MainWindow(ApiClient *api, DownloadController *downloads, Settings *settings, SaveLocationChooser *chooser,
                       FileLauncher *launcher, QWidget *parent)
    : QMainWindow(parent), m_ui(std::make_unique<Ui::MainWindow>()), m_api(api), m_controller(downloads),
      m_settings(settings), m_chooser(chooser), m_launcher(launcher),
      m_saveLocation(new DialogSaveLocation(chooser, settings, this))
{
    m_ui->setupUi(this);
    m_messages = new MessageBar(m_ui->centralWidget);
    m_ui->centralLayout->insertWidget(0, m_messages);
    m_overlay = new DropOverlay(m_ui->centralWidget, this);
    connect(m_overlay, &DropOverlay::idsDropped, this, &MainWindow::openReportIds);
    connect(m_overlay, &DropOverlay::nothingToDrop, this,
            [this] { showNoIdFound(tr("The dropped text holds no report id.")); });
    m_reports = new ReportsView(api, downloads->queue(), m_ui->reportsPage);
    m_ui->reportsLayout->addWidget(m_reports);

    m_downloadList = new DownloadListModel(downloads->queue(), downloads->history(), this);
    m_downloads = new DownloadsPanel(m_downloadList, downloads, launcher, this);
    connect(m_downloads, &DownloadsPanel::message, this,
            [this](const QString &text) { m_messages->showMessage(MessageBar::Level::Warning, text); });
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
    m_busy->setMaximumWidth(fontMetrics().averageCharWidth() * 20);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_modeLabel = new QLabel(this);
    m_modeLabel->setObjectName(QStringLiteral("modeLabel"));
    // Heard as what it says ("Demo data…", the API's host); what it is about is its description.
    m_modeLabel->setAccessibleDescription(tr("Connection"));
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_modeLabel);

    m_ui->welcomeIcon->setPixmap(QPixmap(QStringLiteral(":/getbill/icons/getbill-reports-128.png")));
    QFont heading = m_ui->welcomeHeading->font();
    heading.setPointSizeF(heading.pointSizeF() * 1.8);
    heading.setBold(true);
    m_ui->welcomeHeading->setFont(heading);
    // A fixed width lets the wrapped text claim the height it needs instead of being squeezed by the spacers; in
    // characters of the user's font, and the two choices as large buttons in that font too.
    const QFontMetrics metrics = fontMetrics();
    m_ui->welcomeText->setFixedWidth(metrics.averageCharWidth() * 72);
    for (QPushButton *button : {m_ui->signInButton, m_ui->demoButton})
        button->setMinimumSize(metrics.averageCharWidth() * 30, metrics.height() * 5 / 2);
    m_ui->welcomeText->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Minimum);
    m_ui->welcomeLayout->setSpacing(14);
    m_ui->signInButton->setToolTip(tr("Use your company's GetBill API access"));
    m_ui->demoButton->setToolTip(tr("Try the application with sample reports served from this computer"));
    connect(m_ui->signInButton, &QPushButton::clicked, this, &MainWindow::signInRequested);
    connect(m_ui->demoButton, &QPushButton::clicked, this, &MainWindow::demoRequested);

    connect(m_reports, &ReportsView::downloadRequested, this, &MainWindow::download);
    connect(m_reports, &ReportsView::openRequested, this, [this](const QString &path) {
        if (!m_launcher->open(path))
            m_messages->showMessage(MessageBar::Level::Warning,
                                    tr("No application could open “%1”.").arg(QFileInfo(path).fileName()));
    });
    connect(m_reports, &ReportsView::showInFolderRequested, this, [this](const QString &path) {
        if (!m_launcher->showInFolder(path))
            m_messages->showMessage(MessageBar::Level::Warning,
                                    tr("No file manager could show %1.").arg(QDir::toNativeSeparators(path)));
    });
    connect(m_reports, &ReportsView::statusMessage, this, [this](const QString &text, int timeoutMs) {
        if (text.isEmpty())
            statusBar()->clearMessage();
        else
            statusBar()->showMessage(text, timeoutMs);
    });
    connect(m_reports, &ReportsView::loadProgress, this, [this](int page, int pages, bool done) {
        if (!done && page == 0)
            m_messages->dismiss(); // a new load: the old failure no longer applies
        m_busy->setVisible(!done);
        m_busy->setRange(0, pages > 1 ? pages : 0);
        m_busy->setValue(page);
    });
    connect(m_reports, &ReportsView::loadFailed, this, &MainWindow::onListLoadFailed);
    connect(m_reports, &ReportsView::listLoaded, this, [this](bool ok) {
        emit listLoaded(ok);
        if (ok && !m_idsWaitingForList.isEmpty())
            openReportIds(std::exchange(m_idsWaitingForList, {}));
    });
    connectDownloads();
    createActions();
    setDemoMode(false);
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::connectDownloads()
{
    DownloadController *c = m_controller;
    c->setSaveLocation(m_saveLocation);
    c->setCatalogue([this](const QString &id) { return m_reports->report(id); });
    connect(c, &DownloadController::reportLookedUp, m_reports, &ReportsView::addReport);
    connect(c, &DownloadController::lookupFailed, this,
            [this](const QStringList &errors) { m_messages->showError(errors.join(QLatin1Char('\n'))); });
    connect(c, &DownloadController::notDownloadable, this, [this](const QStringList &reasons) {
        m_messages->showMessage(MessageBar::Level::Warning, reasons.join(QLatin1Char('\n')));
    });
    connect(c, &DownloadController::queued, this, [this](const QStringList &ids) {
        m_reports->selectIds(ids);
        m_downloadsDock->show();
        m_downloads->selectQueueRow(m_controller->queue()->rowCount() - 1);
    });
    connect(c->queue(), &DownloadQueue::itemFinished, this, &MainWindow::onDownloadFinished);
}

void MainWindow::restoreWindowState()
{
    WindowPlacement::restore(this, m_settings->windowGeometry());
    m_reports->restoreHeaderState(m_settings->tableHeaderState());
    const QByteArray state = m_settings->windowState();
    if (!state.isEmpty())
        restoreState(state);
}

void MainWindow::saveWindowState()
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->setTableHeaderState(m_reports->headerState());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    // Downloads may be running: the Application decides (hide to the tray, ask, or quit).
    if (m_closeGuard && !m_closeGuard()) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
    emit closed();
}

void MainWindow::showWelcome()
{
    m_ui->pages->setCurrentWidget(m_ui->welcomePage);
    m_modeLabel->setText(tr("Not signed in"));
    m_ui->signInButton->setFocus();
    enableReportActions(false);
}

void MainWindow::showReports(bool load)
{
    m_ui->pages->setCurrentWidget(m_ui->reportsPage);
    m_reports->table()->setFocus();
    enableReportActions(true);
    setDemoMode(m_demo); // the status bar names where the reports come from
    if (load && !m_reports->hasLoaded() && !m_reports->isLoading())
        refresh();
}

bool MainWindow::isShowingWelcome() const
{
    return m_ui->pages->currentWidget() == m_ui->welcomePage;
}

void MainWindow::setDemoMode(bool demo)
{
    m_demo = demo;
    if (QAction *back = findChild<QAction *>(QStringLiteral("actionDemo"), Qt::FindDirectChildrenOnly))
        back->setEnabled(!demo);    // already there
    setOverallProgress(m_progress); // the title names the demo
    m_modeLabel->setText(demo ? tr("Demo data (sample reports on this computer)") : m_api->baseUrl().host());
    if (demo)
        Tint::apply(m_modeLabel, Tint::Tone::Demo, QStringLiteral("padding:1px 8px;"));
    else
        m_modeLabel->setStyleSheet({});
}

void MainWindow::setOverallProgress(int percent)
{
    m_progress = percent;
    const QString title = m_demo ? tr("GetBill Reports — Demo data") : tr("GetBill Reports");
    setWindowTitle(percent < 0 ? title : tr("%1% — %2").arg(percent).arg(title));
}

void MainWindow::setHistory(DownloadHistory *history)
{
    m_reports->setHistory(history);
    m_downloadList->setHistory(history);
}

void MainWindow::clearReports()
{
    m_messages->dismiss();
    m_reports->clear();
}

void MainWindow::refresh()
{
    m_reports->refresh();
}

void MainWindow::onListLoadFailed(const ApiError &error)
{
    const QString text = tr("The report list could not be loaded: %1").arg(error.detailedMessage());
    if (error.category() == ApiError::Category::NotAuthenticated)
        m_messages->showMessage(MessageBar::Level::Error, text, tr("Sign in…"), [this] { emit signInRequested(); });
    else
        m_messages->showError(text, [this] { refresh(); });
}

// ---------------------------------------------------------------------------------------------------------------
// Ids from outside: drop, paste, arguments, second launch.

void MainWindow::showNoIdFound(const QString &where)
{
    m_messages->showMessage(MessageBar::Level::Warning,
                            tr("%1 Report ids look like report_abc123; links like getbill://report/report_abc123 "
                               "work too.")
                                .arg(where));
}

void MainWindow::pasteReportIds()
{
    if (const QMimeData *mime = QGuiApplication::clipboard()->mimeData()) {
        const QStringList ids = ReportLink::idsFromMimeData(mime);
        if (ids.isEmpty())
            showNoIdFound(tr("The clipboard holds no report id."));
        else
            openReportIds(ids);
    }
}

void MainWindow::openReportText(const QString &text)
{
    const QStringList ids = ReportLink::idsFromText(text);
    if (ids.isEmpty())
        showNoIdFound(tr("No report id found."));
    else
        openReportIds(ids);
}

void MainWindow::openReportIds(const QStringList &ids)
{
    if (ids.isEmpty())
        return;
    if (isShowingWelcome() || !m_reports->hasLoaded()) {
        // Nothing to download with yet: keep them until the list of the chosen account is there.
        for (const QString &id : ids)
            if (!m_idsWaitingForList.contains(id))
                m_idsWaitingForList.append(id);
        if (isShowingWelcome())
            m_messages->showInformation(tr("Sign in or explore the demo data first; %1 will then be downloaded.")
                                            .arg(Format::reportIdCount(int(m_idsWaitingForList.size()))));
        return;
    }
    download(ids, false);
}

// ---------------------------------------------------------------------------------------------------------------
// Downloads: the controller decides; the window says where by default.

void MainWindow::downloadSelected(bool chooseLocation)
{
    if (isShowingWelcome())
        return;
    const QStringList ids = selectedReportIds();
    if (ids.isEmpty()) {
        statusBar()->showMessage(tr("Select a report to download first."), 4000);
        return;
    }
    download(ids, chooseLocation);
}

void MainWindow::download(const QStringList &ids, bool chooseLocation)
{
    const DownloadTarget target = !chooseLocation && m_settings->saveMode() == Settings::SaveMode::AlwaysToFolder
                                      ? DownloadTarget::uniqueInFolder(m_settings->downloadFolder())
                                      : DownloadTarget::ask();
    m_controller->download(ids, target);
}

void MainWindow::onDownloadFinished(int row)
{
    const QModelIndex index = m_controller->queue()->index(row);
    const QString title = index.data(DownloadQueue::TitleRole).toString();
    switch (index.data(DownloadQueue::StateRole).value<State>()) {
    case State::Done:
        statusBar()->showMessage(
            tr("Saved “%1” to %2")
                .arg(title, QDir::toNativeSeparators(index.data(DownloadQueue::TargetPathRole).toString())),
            10000);
        break;
    case State::Failed:
        m_messages->showError(tr("“%1” was not saved: %2").arg(title, index.data(DownloadQueue::ErrorRole).toString()),
                              [this, serial = index.data(DownloadQueue::SerialRole).toULongLong()] {
                                  DownloadQueue *queue = m_controller->queue();
                                  queue->retry(queue->rowOfSerial(serial));
                              });
        break;
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
    dialog.showWatchRules(m_api->accountKey(), m_watch);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_controller->queue()->setMaxConcurrent(m_settings->maxConcurrentDownloads());
    emit settingsChanged();
}

} // namespace getbill::gui
