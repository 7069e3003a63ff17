#include "ReportDetailPanel.h"

#include "ReportFormat.h"
#include "api/ApiClient.h"
#include "api/ReportJobs.h"

#include <QClipboard>
#include <QDir>
#include <QFormLayout>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace getbill::gui {

ReportDetailPanel::ReportDetailPanel(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_api(api), m_content(new QWidget(this)), m_placeholder(new QLabel(this)),
      m_title(new QLabel(m_content)), m_statusIcon(new QLabel(m_content)), m_reason(new QLabel(m_content)),
      m_description(new QLabel(m_content)), m_expiry(new QLabel(m_content)),
      m_download(new QPushButton(tr("&Download"), m_content)),
      m_downloadTo(new QPushButton(tr("Download &to…"), m_content)), m_open(new QPushButton(tr("&Open"), m_content)),
      m_showInFolder(new QPushButton(tr("Show in &folder"), m_content)),
      m_copyId(new QPushButton(tr("Copy &id"), m_content))
{
    setObjectName(QStringLiteral("reportDetailPanel"));
    setAccessibleName(tr("Report details"));
    setMinimumWidth(300);

    m_placeholder->setObjectName(QStringLiteral("detailPlaceholder"));
    m_placeholder->setText(tr("Select a report to see its details."));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);
    m_placeholder->setAccessibleName(tr("No report selected"));

    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setAccessibleName(tr("Report title"));

    m_reason->setObjectName(QStringLiteral("detailReason"));
    m_reason->setWordWrap(true);
    m_reason->setStyleSheet(QStringLiteral("QLabel{background:#fff6dc;border:1px solid #e6c76a;border-radius:4px;"
                                           "padding:6px;color:#4d3b00;}"));
    m_reason->setAccessibleName(tr("Why this report cannot be downloaded"));

    m_description->setObjectName(QStringLiteral("detailDescription"));
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_description->setAccessibleName(tr("Description"));

    m_expiry->setObjectName(QStringLiteral("detailExpiry"));
    m_expiry->setWordWrap(true);
    m_expiry->setAccessibleName(tr("Download link expiry"));

    auto *titleRow = new QHBoxLayout;
    m_statusIcon->setObjectName(QStringLiteral("detailStatusIcon"));
    m_statusIcon->setAccessibleName(tr("Status icon"));
    titleRow->addWidget(m_statusIcon, 0, Qt::AlignTop);
    titleRow->addWidget(m_title, 1);

    auto *form = new QFormLayout;
    m_form = form;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight);
    addField(form, QStringLiteral("status"), tr("Status:"));
    addField(form, QStringLiteral("type"), tr("Type:"));
    addField(form, QStringLiteral("period"), tr("Period:"));
    addField(form, QStringLiteral("filename"), tr("File:"));
    addField(form, QStringLiteral("format"), tr("Format:"));
    addField(form, QStringLiteral("size"), tr("Size:"));
    addField(form, QStringLiteral("generated"), tr("Generated:"));
    addField(form, QStringLiteral("created"), tr("Requested:"));
    addField(form, QStringLiteral("available"), tr("Download:"));
    addField(form, QStringLiteral("id"), tr("Id:"));
    addField(form, QStringLiteral("saved"), tr("Saved to:"));

    const QList<QPair<QPushButton *, QString>> buttons = {{m_download, QStringLiteral("detailDownload")},
                                                          {m_downloadTo, QStringLiteral("detailDownloadTo")},
                                                          {m_open, QStringLiteral("detailOpen")},
                                                          {m_showInFolder, QStringLiteral("detailShowInFolder")},
                                                          {m_copyId, QStringLiteral("detailCopyId")}};
    for (const auto &[button, name] : buttons) {
        button->setObjectName(name);
        button->setAccessibleName(button->text().remove(QLatin1Char('&')));
    }
    m_download->setDefault(true);
    m_download->setIcon(QIcon(QStringLiteral(":/getbill/icons/download.png")));
    m_download->setToolTip(tr("Save the report where you choose, or in your download folder (Ctrl+S)"));
    m_downloadTo->setToolTip(tr("Always ask where to save this report (Ctrl+Shift+S)"));
    m_open->setToolTip(tr("Open the saved file with its usual application"));
    m_showInFolder->setToolTip(tr("Open the folder that contains the saved file"));
    m_copyId->setToolTip(tr("Copy the report id, e.g. for the command-line tool or a colleague"));

    auto *actions = new QGridLayout;
    actions->addWidget(m_download, 0, 0);
    actions->addWidget(m_downloadTo, 0, 1);
    actions->addWidget(m_open, 1, 0);
    actions->addWidget(m_showInFolder, 1, 1);
    actions->addWidget(m_copyId, 2, 0);

    auto *content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->addLayout(titleRow);
    content->addWidget(m_reason);
    content->addLayout(form);
    content->addWidget(m_description);
    content->addWidget(m_expiry);
    content->addLayout(actions);
    content->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addWidget(m_placeholder, 1);
    layout->addWidget(m_content, 1);

    setTabOrder(m_download, m_downloadTo);
    setTabOrder(m_downloadTo, m_open);
    setTabOrder(m_open, m_showInFolder);
    setTabOrder(m_showInFolder, m_copyId);

    connect(m_download, &QPushButton::clicked, this, [this] {
        if (m_report)
            emit downloadRequested(m_report->id, false);
    });
    connect(m_downloadTo, &QPushButton::clicked, this, [this] {
        if (m_report)
            emit downloadRequested(m_report->id, true);
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!m_savedPath.isEmpty())
            emit openRequested(m_savedPath);
    });
    connect(m_showInFolder, &QPushButton::clicked, this, [this] {
        if (!m_savedPath.isEmpty())
            emit showInFolderRequested(m_savedPath);
    });
    connect(m_copyId, &QPushButton::clicked, this, [this] {
        if (!m_report)
            return;
        QGuiApplication::clipboard()->setText(m_report->id);
        emit idCopied(m_report->id);
    });

    m_poll.setInterval(defaultPollIntervalMs);
    connect(&m_poll, &QTimer::timeout, this, &ReportDetailPanel::pollNow);
    clearReport();
}

ReportDetailPanel::~ReportDetailPanel()
{
    if (m_pollJob)
        m_pollJob->cancel();
}

QLabel *ReportDetailPanel::addField(QFormLayout *form, const QString &name, const QString &label)
{
    auto *value = new QLabel(m_content);
    value->setObjectName(QStringLiteral("detail_") + name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    auto *caption = new QLabel(label, m_content);
    caption->setBuddy(value);
    value->setAccessibleName(QString(label).remove(QLatin1Char(':')));
    form->addRow(caption, value);
    m_fields.insert(name, value);
    return value;
}

QLabel *ReportDetailPanel::field(const QString &name) const
{
    return m_fields.value(name);
}

void ReportDetailPanel::setReport(const Report &report, const QString &savedPath)
{
    const bool other = !m_report || m_report->id != report.id;
    m_report = report;
    m_savedPath = savedPath;
    m_placeholder->hide();
    m_content->show();

    m_title->setText(report.title.isEmpty() ? report.id : report.title);
    m_statusIcon->setPixmap(ReportFormat::statusIcon(report.status).pixmap(24, 24));
    m_statusIcon->setToolTip(ReportFormat::statusText(report.status));
    m_fields[QStringLiteral("status")]->setText(ReportFormat::statusText(report.status));
    m_fields[QStringLiteral("type")]->setText(report.type);
    m_fields[QStringLiteral("period")]->setText(ReportFormat::period(report.periodFrom, report.periodTo));
    m_fields[QStringLiteral("filename")]->setText(report.filename);
    m_fields[QStringLiteral("format")]->setText(ReportFormat::fileKind(report.mimeType));
    m_fields[QStringLiteral("size")]->setText(
        report.fileSize >= 0 ? tr("%1 (%L2 bytes)").arg(ReportFormat::size(report.fileSize)).arg(report.fileSize)
                             : QString());
    m_fields[QStringLiteral("generated")]->setText(
        report.generatedAt.isValid() ? ReportFormat::dateTime(report.generatedAt) : tr("not yet"));
    m_fields[QStringLiteral("created")]->setText(ReportFormat::dateTime(report.createdAt));
    m_fields[QStringLiteral("available")]->setText(report.downloadAvailable ? tr("available") : tr("not available"));
    m_fields[QStringLiteral("id")]->setText(report.id);
    m_description->setText(report.description);
    m_description->setVisible(!report.description.isEmpty());

    QString reason = ReportFormat::notDownloadableReason(report);
    if (!reason.isEmpty() && !report.isCompleted() && report.status != QLatin1String("failed"))
        reason += QLatin1Char(' ') + tr("The status is checked every %1 while this panel is open.")
                                         .arg(ReportFormat::duration(qMax(1, m_poll.interval() / 1000)));
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    if (other)
        m_expiry->hide();
    setSavedPath(report.id, savedPath);
    updatePolling();
}

void ReportDetailPanel::clearReport()
{
    m_report.reset();
    m_savedPath.clear();
    m_content->hide();
    m_placeholder->show();
    updatePolling();
}

void ReportDetailPanel::setTicket(const DownloadTicket &ticket)
{
    if (!m_report || ticket.id != m_report->id || !ticket.expiresAt.isValid())
        return;
    // The link itself is a secret of sorts: show when it expires, never the URL.
    m_expiry->setText(tr("Download link valid until %1").arg(ReportFormat::dateTime(ticket.expiresAt)));
    m_expiry->show();
}

void ReportDetailPanel::setSavedPath(const QString &reportId, const QString &path)
{
    if (!m_report || m_report->id != reportId)
        return;
    m_savedPath = path;
    QLabel *saved = m_fields[QStringLiteral("saved")];
    saved->setText(QDir::toNativeSeparators(path));
    saved->setVisible(!path.isEmpty());
    m_form->setRowVisible(saved, !path.isEmpty());
    updateActions();
}

void ReportDetailPanel::updateActions()
{
    const bool downloadable = m_report && m_report->canDownload();
    m_download->setEnabled(downloadable);
    m_downloadTo->setEnabled(downloadable);
    m_open->setEnabled(!m_savedPath.isEmpty());
    m_showInFolder->setEnabled(!m_savedPath.isEmpty());
    m_copyId->setEnabled(m_report.has_value());
}

void ReportDetailPanel::setPollInterval(int ms)
{
    m_poll.setInterval(ms);
    updatePolling();
}

void ReportDetailPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updatePolling();
}

void ReportDetailPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    updatePolling();
}

void ReportDetailPanel::updatePolling()
{
    // Only reports that can still change are polled, and only while someone looks: GetBill rate-limits reads.
    const bool wanted =
        m_report && !m_report->isCompleted() && m_report->status != QLatin1String("failed") && isVisible() && m_api;
    if (wanted && !m_poll.isActive())
        m_poll.start();
    else if (!wanted)
        m_poll.stop();
}

void ReportDetailPanel::pollNow()
{
    if (!m_report || !m_api || m_pollJob)
        return;
    ReportJob *job = m_api->fetchReport(m_report->id);
    job->setParent(this);
    m_pollJob = job;
    connect(job, &Job::finished, this, [this, job] {
        job->deleteLater();
        // Polling is best effort: a failed poll is retried at the next tick, nothing to tell the user.
        if (job->succeeded() && m_report && job->report().id == m_report->id) {
            setReport(job->report(), m_savedPath);
            emit reportUpdated(job->report());
        }
    });
    job->start();
}

} // namespace getbill::gui
