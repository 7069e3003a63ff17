#include "ReportsView.h"

#include "Format.h"
#include "ReportColumns.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "SearchEscape.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"
#include "api/ReportWatcher.h"
#include "download/DownloadHistory.h"
#include "download/DownloadItem.h"
#include "download/DownloadQueue.h"
#include "preview/ReportPreviewPane.h"
#include "ui_ReportsView.h"

#include <QHeaderView>
#include <QResizeEvent>
#include <QTabWidget>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;
} // namespace

ReportsView::ReportsView(ApiClient *api, DownloadQueue *queue, QWidget *parent)
    : QWidget(parent), m_ui(std::make_unique<Ui::ReportsView>()), m_api(api), m_queue(queue),
      m_model(new ReportTableModel(this)), m_proxy(new ReportFilterModel(this)), m_detail(new ReportDetailPanel),
      m_watcher(new ReportWatcher(api, this))
{
    m_ui->setupUi(this);
    m_ui->splitter->addWidget(m_detail);
    m_ui->splitter->setStretchFactor(0, 3);
    m_ui->splitter->setStretchFactor(1, 1);
    // The search field's least width in the user's font, not in pixels.
    m_ui->searchEdit->setMinimumWidth(m_ui->searchEdit->fontMetrics().averageCharWidth() * 28);
    m_detail->setStatusCheckInterval(m_watcher->interval());
    m_detail->preview()->setSources(api, nullptr, nullptr);
    setupTable();
    applyOrientation(Qt::Horizontal);
    connect(m_ui->splitter, &QSplitter::splitterMoved, this, [this] { m_splitDragged = true; });

    connect(m_ui->searchEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setSearchText(text);
        filtersChanged();
    });
    // Return in the search field goes to the results and selects the first one, so a keyboard user can search,
    // press Enter, and press Enter again to download what the panel shows.
    connect(m_ui->searchEdit, &QLineEdit::returnPressed, this, [this] {
        if (m_proxy->rowCount() == 0)
            return;
        m_ui->reportTable->setFocus();
        if (!m_ui->reportTable->selectionModel()->hasSelection())
            m_ui->reportTable->selectionModel()->setCurrentIndex(
                m_proxy->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
    SearchEscape::install(m_ui->searchEdit, m_ui->reportTable);
    connect(m_ui->typeCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setTypeFilter(m_ui->typeCombo->currentData().toString());
        filtersChanged();
    });
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &ReportsView::refresh);
    connect(m_ui->emptyAction, &QPushButton::clicked, this, [this] {
        if (m_proxy->isFiltering())
            clearFilters();
        else
            refresh();
    });
    connect(m_model, &ReportTableModel::typesChanged, this, [this] {
        updateTypeCombo();
        m_columns->setTypes(m_model->types());
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, [this] {
            updateEmptyState();
            updateCount();
        });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ReportsView::updateEmptyState);
    // The panel renders the model: any change of the shown report's row (a poll, a finished download) reaches it.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const auto shown = m_detail->report();
        const int row = shown ? m_model->rowOf(shown->id) : -1;
        if (row >= from.row() && row <= to.row())
            updateDetail();
    });
    connect(m_watcher, &ReportWatcher::updated, this, [this](const Report &report) {
        m_model->upsert(report);
        if (report.canDownload())
            emit statusMessage(tr("“%1” is ready to download.").arg(report.title), 8000);
    });

    connect(m_detail, &ReportDetailPanel::downloadRequested, this,
            [this](const QString &id, bool choose) { emit downloadRequested({id}, choose); });
    connect(m_detail, &ReportDetailPanel::openRequested, this, &ReportsView::openRequested);
    connect(m_detail, &ReportDetailPanel::showInFolderRequested, this, &ReportsView::showInFolderRequested);
    connect(m_detail->preview(), &ReportPreviewPane::statusMessage, this, &ReportsView::statusMessage);
    // Pages and tables need room: the Preview tab widens the panel (to about 80 characters, more than 42 % of the
    // window, at most 65 % of it: a narrow window gives the preview most of itself); Details gives the list its own
    // width back.
    connect(m_detail->tabs(), &QTabWidget::currentChanged, this, [this](int index) {
        if (m_ui->splitter->orientation() == Qt::Vertical)
            return; // below the list, the panel already has the window's whole width
        const QList<int> sizes = m_ui->splitter->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        const int wanted = qMax(total * 42 / 100, qMin(fontMetrics().averageCharWidth() * 80, total * 65 / 100));
        if (m_detail->tabs()->widget(index) == m_detail->preview()) {
            if (sizes.value(1) < wanted) {
                m_sizesBeforePreview = sizes;
                m_ui->splitter->setSizes({total - wanted, wanted});
            }
        } else if (!m_sizesBeforePreview.isEmpty()) {
            m_ui->splitter->setSizes(std::exchange(m_sizesBeforePreview, {}));
        }
    });
    connect(m_detail, &ReportDetailPanel::idCopied, this,
            [this](const QString &id) { emit statusMessage(tr("Copied %1").arg(id), 4000); });

    connect(m_queue, &DownloadQueue::itemFinished, this, &ReportsView::onDownloadChanged);
    connect(m_queue, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from) { onDownloadChanged(from.row()); });

    updateTypeCombo();
    updateEmptyState();
    updateCount();
}

ReportsView::~ReportsView() = default;

QTableView *ReportsView::table() const
{
    return m_ui->reportTable;
}

void ReportsView::setHistory(DownloadHistory *history)
{
    m_history = history;
    m_detail->preview()->setSources(m_api, m_history, m_previewCache);
}

void ReportsView::setPreviewCache(PreviewCache *cache)
{
    m_previewCache = cache;
    m_detail->preview()->setSources(m_api, m_history, m_previewCache);
}

void ReportsView::setupTable()
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
    // Widths from the font and the content, the column chooser, columns stepping aside when narrow.
    m_columns = new ReportColumns(table);
    connect(m_columns, &ReportColumns::columnsChosen, this, [this] { updateOrientation(); });
    table->sortByColumn(ReportTableModel::PeriodColumn, Qt::DescendingOrder);

    connect(table, &QTableView::activated, this, [this](const QModelIndex &) {
        const QStringList ids = selectedReportIds();
        if (!ids.isEmpty())
            emit downloadRequested(ids, false);
    });
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ReportsView::updateDetail);
    connect(table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ReportsView::updateDetail);
}

QByteArray ReportsView::headerState() const
{
    return m_columns->saveState();
}

void ReportsView::restoreHeaderState(const QByteArray &state)
{
    m_columns->restoreState(state);
    updateOrientation();
}

QSplitter *ReportsView::splitter() const
{
    return m_ui->splitter;
}

int ReportsView::sideBySideWidth() const
{
    // The list with its title and the columns that matter most beside a panel of about 36 characters (or what its
    // buttons and unbreakable words need).
    const int panel = qMax(m_detail->minimumSizeHint().width(), fontMetrics().averageCharWidth() * 36);
    return m_columns->comfortableWidth() + m_ui->splitter->handleWidth() + panel;
}

void ReportsView::updateOrientation()
{
    const Qt::Orientation wanted = width() >= sideBySideWidth() ? Qt::Horizontal : Qt::Vertical;
    if (wanted != m_ui->splitter->orientation() || (wanted == Qt::Vertical && !m_splitDragged))
        applyOrientation(wanted); // below the list, the shares follow the height until the user drags the handle
}

void ReportsView::applyOrientation(Qt::Orientation orientation)
{
    QSplitter *splitter = m_ui->splitter;
    if (orientation != splitter->orientation())
        m_splitDragged = false;
    const bool changed = orientation != splitter->orientation();
    splitter->setOrientation(orientation);
    m_sizesBeforePreview.clear();
    if (orientation == Qt::Horizontal) {
        // The panel at its comfortable width, the list takes the rest.
        const int panel = qMax(m_detail->minimumSizeHint().width(), fontMetrics().averageCharWidth() * 40);
        splitter->setSizes({qMax(width() - panel, m_columns->comfortableWidth()), panel});
    } else {
        // Below the list: the list keeps a little more than half the height.
        const int total = qMax(splitter->height(), height());
        splitter->setSizes({total * 55 / 100, total * 45 / 100});
    }
    if (changed)
        emit orientationChanged(orientation);
}

void ReportsView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateOrientation();
}

void ReportsView::refresh()
{
    if (m_listJob || !m_api)
        return; // one load at a time: F5 during a load would only restart it
    ReportListJob *job = m_api->listReports();
    job->setParent(this);
    m_listJob = job;
    m_model->beginRefresh();
    m_ui->refreshButton->setEnabled(false);
    emit loadProgress(0, 0, false);
    emit statusMessage(tr("Loading reports…"), 0);
    updateEmptyState();

    connect(job, &ReportListJob::pageArrived, this, [this](const QList<Report> &reports, int, int pages) {
        m_model->upsert(reports);
        markSaved(reports);
        const int done = m_listJob ? m_listJob->pagesFetched() : 0;
        emit loadProgress(done, pages, false);
        emit statusMessage(tr("Loading reports… page %1 of %2").arg(done).arg(pages), 0);
    });
    connect(job, &ReportListJob::retrying, this,
            [this](const ApiError &error, int delayMs) { emit statusMessage(Format::retryingIn(error, delayMs), 0); });
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        m_listJob = nullptr;
        m_ui->refreshButton->setEnabled(true);
        emit loadProgress(0, 0, true);
        const bool ok = job->succeeded();
        m_loadFailed = !ok && job->error().kind() != ApiError::Kind::Cancelled;
        if (ok) {
            m_model->endRefresh();
            m_loadedOnce = true;
            emit statusMessage(m_model->rowCount() == 1 ? tr("1 report loaded")
                                                        : tr("%n reports loaded", nullptr, m_model->rowCount()),
                               5000);
        } else {
            // Keep what is shown: an old list beats an empty window when the network hiccups.
            m_model->cancelRefresh();
            emit statusMessage({}, 0);
            if (job->error().kind() != ApiError::Kind::Cancelled)
                emit loadFailed(job->error());
        }
        updateEmptyState();
        updateCount();
        emit listLoaded(ok);
    });
    job->start();
}

void ReportsView::clear()
{
    if (m_listJob)
        m_listJob->cancel();
    m_watcher->stop();
    m_model->clear();
    m_loadedOnce = false;
    m_loadFailed = false;
    updateEmptyState();
    updateCount();
}

void ReportsView::markSaved(const QList<Report> &reports)
{
    if (!m_history)
        return;
    // The one rule of "already downloaded" (DownloadHistory::savedCopy): a record whose file is still there.
    for (const Report &report : reports)
        if (const auto saved = m_history->savedCopy(report.id))
            m_model->setSavedPath(report.id, saved->path);
}

void ReportsView::onDownloadChanged(int row)
{
    const QModelIndex index = m_queue->index(row);
    const QString id = index.data(DownloadQueue::ReportIdRole).toString();
    if (!m_model->contains(id))
        return;
    const State state = index.data(DownloadQueue::StateRole).value<State>();
    if (state == State::Done)
        m_model->setSavedPath(id, index.data(DownloadQueue::TargetPathRole).toString());
    m_detail->setLinkExpiry(id, index.data(DownloadQueue::LinkExpiryRole).toDateTime(), DownloadItem::isFinal(state));
}

void ReportsView::updateTypeCombo()
{
    QComboBox *combo = m_ui->typeCombo;
    const QString current = combo->currentData().toString();
    const QSignalBlocker blocker(combo);
    combo->clear();
    combo->addItem(tr("All types"), QString());
    for (const QString &type : m_model->types())
        combo->addItem(Format::typeText(type), type);
    const int index = combo->findData(current);
    combo->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0 && !current.isEmpty())
        m_proxy->setTypeFilter({});
}

void ReportsView::updateEmptyState()
{
    if (m_proxy->rowCount() > 0) {
        m_ui->tableStack->setCurrentWidget(m_ui->reportTable);
        return;
    }
    m_ui->tableStack->setCurrentWidget(m_ui->emptyPage);
    const auto showAction = [this](const QString &text) {
        m_ui->emptyAction->setText(text);
        m_ui->emptyAction->setAccessibleName(text);
        m_ui->emptyAction->show();
    };
    if (m_listJob) {
        m_ui->emptyLabel->setText(tr("Loading reports from GetBill…"));
        m_ui->emptyAction->hide();
    } else if (m_model->rowCount() > 0) {
        m_ui->emptyLabel->setText(tr("No report matches the search or the type filter."));
        showAction(tr("Show all reports"));
    } else if (m_loadFailed) {
        // The message bar above says why and carries the one Retry; the toolbar keeps Refresh.
        m_ui->emptyLabel->setText(tr("The report list could not be loaded."));
        m_ui->emptyAction->hide();
    } else {
        m_ui->emptyLabel->setText(m_loadedOnce ? tr("There are no reports yet. GetBill lists them here once they "
                                                    "are generated.")
                                               : tr("The report list has not been loaded."));
        showAction(tr("Refresh"));
    }
}

void ReportsView::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int all = m_model->rowCount();
    m_ui->countLabel->setText(shown == all ? (all == 1 ? tr("1 report") : tr("%n reports", nullptr, all))
                                           : tr("%1 of %2 reports").arg(shown).arg(all));
}

void ReportsView::clearFilters()
{
    m_ui->searchEdit->clear();
    m_ui->typeCombo->setCurrentIndex(0);
}

void ReportsView::focusSearch()
{
    m_ui->searchEdit->setFocus(Qt::ShortcutFocusReason);
    m_ui->searchEdit->selectAll();
}

QStringList ReportsView::selectedReportIds() const
{
    QList<int> rows;
    const QModelIndexList selected = m_ui->reportTable->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows << index.row();
    // Selection order is the order of clicks; the table's order is what users expect for a batch.
    std::sort(rows.begin(), rows.end());
    QStringList ids;
    for (const int row : std::as_const(rows))
        ids << m_proxy->index(row, 0).data(ReportTableModel::IdRole).toString();
    return ids;
}

QList<Report> ReportsView::selectedReports() const
{
    QList<Report> reports;
    const QStringList ids = selectedReportIds();
    for (const QString &id : ids)
        if (const auto r = m_model->report(id))
            reports << *r;
    return reports;
}

std::optional<Report> ReportsView::report(const QString &id) const
{
    return m_model->report(id);
}

void ReportsView::addReport(const Report &report)
{
    m_model->upsert(report);
    markSaved({report});
}

void ReportsView::filtersChanged()
{
    updateEmptyState();
    updateCount();
    // The filter changes the rows in one layout change, which deselects what it hid without a selection signal:
    // the panel stops showing a report that is no longer selected.
    const auto shown = m_detail->report();
    if (shown && !selectedReportIds().contains(shown->id))
        updateDetail();
}

void ReportsView::updateDetail()
{
    // What the panel shows is what the actions act on: the current row when it is selected, else the first
    // selected one, else nothing.
    const QModelIndex current = m_ui->reportTable->currentIndex();
    const QStringList selected = selectedReportIds();
    QString id;
    if (current.isValid() && m_ui->reportTable->selectionModel()->isRowSelected(current.row()))
        id = current.data(ReportTableModel::IdRole).toString();
    else if (!selected.isEmpty())
        id = selected.first();
    const auto shown = m_model->report(id);
    if (!shown) {
        m_detail->clearReport();
        m_watcher->stop();
        return;
    }
    m_detail->setReport(*shown, m_model->savedPath(id));
    // A longer file name may need a wider panel than the splitter gave it: widen it rather than cut the fields.
    const int least = m_detail->minimumSizeHint().width();
    const QList<int> sizes = m_ui->splitter->sizes();
    if (m_ui->splitter->orientation() == Qt::Horizontal && sizes.size() == 2 && sizes.at(1) < least)
        m_ui->splitter->setSizes({sizes.at(0) + sizes.at(1) - least, least});
    const int row = m_queue->rowOfReport(id);
    if (row >= 0) {
        const QModelIndex item = m_queue->index(row);
        m_detail->setLinkExpiry(id, item.data(DownloadQueue::LinkExpiryRole).toDateTime(),
                                DownloadItem::isFinal(item.data(DownloadQueue::StateRole).value<State>()));
    }
    // Only the shown report is followed, and only while the page is on screen: GetBill rate-limits reads.
    if (isVisible())
        m_watcher->watch(*shown);
}

void ReportsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateDetail();
}

void ReportsView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_watcher->stop();
}

void ReportsView::selectIds(const QStringList &ids)
{
    // A report hidden by the search or type filter could not be selected: show everything instead.
    for (const QString &id : ids)
        if (m_model->contains(id) && !m_proxy->mapFromSource(m_model->index(m_model->rowOf(id), 0)).isValid()) {
            clearFilters();
            break;
        }
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

} // namespace getbill::gui
