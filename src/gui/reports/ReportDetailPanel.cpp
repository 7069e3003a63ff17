#include "ReportDetailPanel.h"

#include "FlowLayout.h"
#include "Format.h"
#include "PlainText.h"
#include "ReportIcons.h"
#include "Tint.h"
#include "preview/ReportPreviewPane.h"

#include <QClipboard>
#include <QDir>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace getbill::gui {

ReportDetailPanel::ReportDetailPanel(QWidget *parent)
    : QWidget(parent), m_content(new QWidget(this)), m_placeholder(new QLabel(this)), m_title(new QLabel(m_content)),
      m_statusIcon(new QLabel(m_content)), m_reason(new QLabel(m_content)), m_description(new QLabel(m_content)),
      m_expiry(new QLabel(m_content)), m_download(new QPushButton(tr("&Download"), m_content)),
      // Mnemonics unique in the window, whose downloads panel, type filter and menus are on screen too
      // (tests/gui/tst_keyboard.cpp checks).
      m_downloadTo(new QPushButton(tr("Download t&o…"), m_content)), m_open(new QPushButton(tr("O&pen"), m_content)),
      m_showInFolder(new QPushButton(tr("Show in fo&lder"), m_content)),
      m_copyId(new QPushButton(tr("Copy &id"), m_content)), m_tabs(new QTabWidget(this)),
      m_preview(new ReportPreviewPane)
{
    setObjectName(QStringLiteral("reportDetailPanel"));
    setAccessibleName(tr("Report details"));

    m_placeholder->setObjectName(QStringLiteral("detailPlaceholder"));
    m_placeholder->setText(tr("Select a report to see its details."));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);

    // Everything here comes from GetBill: text, never markup.
    for (QLabel *label : {m_title, m_reason, m_description, m_expiry, m_placeholder})
        PlainText::apply(label);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    // Values are heard as they read (Qt names a label by its text, in step with every change); what each one is
    // goes in its description.
    m_title->setAccessibleDescription(tr("Report title"));

    m_reason->setObjectName(QStringLiteral("detailReason"));
    m_reason->setWordWrap(true);
    Tint::apply(m_reason, Tint::Tone::Warning, QStringLiteral("padding:6px;")); // the palette's, not a cream box
    m_reason->setAccessibleDescription(tr("Why this report cannot be downloaded"));

    m_description->setObjectName(QStringLiteral("detailDescription"));
    m_description->setWordWrap(true);
    m_description->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_description->setAccessibleDescription(tr("Description"));

    m_expiry->setObjectName(QStringLiteral("detailExpiry"));
    m_expiry->setWordWrap(true);
    m_expiry->setAccessibleDescription(tr("Download link expiry"));

    auto *titleRow = new QHBoxLayout;
    m_statusIcon->setObjectName(QStringLiteral("detailStatusIcon"));
    m_statusIcon->setAccessibleDescription(tr("Status"));
    titleRow->addWidget(m_statusIcon, 0, Qt::AlignTop);
    titleRow->addWidget(m_title, 1);

    auto *form = new QFormLayout;
    m_form = form;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight);
    // Values wrap beside their captions (QFormLayout's WrapLongRows would put them below, but its height for a
    // width comes out a row short inside the scroll area, which cut the last row).
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
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

    // The buttons keep their whole text and wrap to further lines as the panel narrows (a grid cut "Download to…"
    // at 800x500).
    auto *actions = new FlowLayout;
    for (QPushButton *button : {m_download, m_downloadTo, m_open, m_showInFolder, m_copyId})
        actions->addWidget(button);

    auto *content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->addLayout(titleRow);
    content->addWidget(m_reason);
    content->addLayout(form);
    content->addWidget(m_description);
    content->addWidget(m_expiry);
    content->addLayout(actions);
    content->addStretch(1);

    // The fields on their own tab (scrolling when the panel is short), the file's content on the other.
    auto *details = new QWidget;
    auto *detailsLayout = new QVBoxLayout(details);
    detailsLayout->setContentsMargins(12, 12, 12, 12);
    detailsLayout->addWidget(m_placeholder, 1);
    detailsLayout->addWidget(m_content, 1);
    auto *detailsScroll = new QScrollArea;
    detailsScroll->setObjectName(QStringLiteral("detailFields"));
    detailsScroll->setAccessibleName(tr("Details"));
    detailsScroll->setWidgetResizable(true);
    detailsScroll->setFrameShape(QFrame::NoFrame);
    // Up and down: the panel is at least its content's minimum (minimumSizeHint()) and what is wider wraps; a
    // splitter the user dragged narrower gets a scroll bar rather than cut fields.
    detailsScroll->setWidget(details);
    m_details = details;
    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->setAccessibleName(tr("Details or preview"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(detailsScroll, tr("Details"));
    m_tabs->addTab(m_preview, tr("Preview"));
    m_tabs->setTabToolTip(1, tr("The report's pages or tables, without saving it"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_tabs);

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
    connect(m_preview, &ReportPreviewPane::saveRequested, this,
            [this](const QString &id) { emit downloadRequested(id, false); });
    connect(m_copyId, &QPushButton::clicked, this, [this] {
        if (!m_report)
            return;
        QGuiApplication::clipboard()->setText(m_report->id);
        emit idCopied(m_report->id);
    });

    clearReport();
}

ReportDetailPanel::~ReportDetailPanel() = default;

QLabel *ReportDetailPanel::addField(QFormLayout *form, const QString &name, const QString &label)
{
    auto *value = new QLabel(m_content);
    PlainText::apply(value);
    value->setObjectName(QStringLiteral("detail_") + name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    auto *caption = new QLabel(label, m_content);
    caption->setBuddy(value);
    value->setAccessibleDescription(QString(label).remove(QLatin1Char(':')));
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
    m_statusIcon->setPixmap(ReportIcons::status(report.status).pixmap(24, 24));
    m_statusIcon->setToolTip(Format::statusText(report.status));
    m_statusIcon->setAccessibleName(Format::statusText(report.status)); // a picture: its name is what it shows
    m_fields[QStringLiteral("status")]->setText(Format::statusText(report.status));
    m_fields[QStringLiteral("type")]->setText(Format::typeText(report.type));
    m_fields[QStringLiteral("period")]->setText(Format::period(report.periodFrom, report.periodTo));
    m_fields[QStringLiteral("filename")]->setText(report.filename);
    m_fields[QStringLiteral("format")]->setText(Format::fileKind(report.mimeType));
    // As the list and the CLI say it ("—" while there is no file); the exact count of bytes beside it.
    m_fields[QStringLiteral("size")]->setText(
        Format::hasFile(report) ? tr("%1 (%L2 bytes)").arg(Format::reportSize(report)).arg(report.fileSize)
                                : Format::reportSize(report));
    m_fields[QStringLiteral("generated")]->setText(report.generatedAt.isValid() ? Format::dateTime(report.generatedAt)
                                                                                : tr("not yet"));
    m_fields[QStringLiteral("created")]->setText(Format::dateTime(report.createdAt));
    m_fields[QStringLiteral("available")]->setText(report.downloadAvailable ? tr("available") : tr("not available"));
    m_fields[QStringLiteral("id")]->setText(report.id);
    m_description->setText(report.description);
    m_description->setVisible(!report.description.isEmpty());

    QString reason = Format::notDownloadableReason(report);
    if (!reason.isEmpty() && !report.isCompleted() && report.status != QLatin1String("failed"))
        reason += QLatin1Char(' ') + tr("The status is checked every %1 while this panel is open.")
                                         .arg(Format::duration(qMax(1, m_checkIntervalMs / 1000)));
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
    if (other)
        m_expiry->hide();
    setSavedPath(report.id, savedPath);
    m_preview->setReport(report);
    updateGeometry(); // a longer file name or title may need a wider minimum
}

QList<const QLabel *> ReportDetailPanel::measuredLabels() const
{
    QList<const QLabel *> labels = {m_title, m_reason, m_description, m_expiry};
    for (auto it = m_fields.constBegin(); it != m_fields.constEnd(); ++it) {
        labels << it.value();
        if (const auto *caption = qobject_cast<const QLabel *>(m_form->labelForField(it.value())))
            labels << caption;
    }
    return labels;
}

int ReportDetailPanel::contentWidth(const QList<const QPushButton *> &buttons) const
{
    static const QRegularExpression breaks(QStringLiteral("(?<=[\\s/\\\\-])"));
    const auto longestRun = [](const QLabel *label) {
        int widest = 0;
        const QStringList runs = label->text().split(breaks);
        for (const QString &run : runs)
            widest = qMax(widest, label->fontMetrics().horizontalAdvance(run.trimmed()));
        return widest + label->contentsMargins().left() + label->contentsMargins().right() + 2;
    };
    int content = longestRun(m_title) + m_statusIcon->sizeHint().width() + 12;
    for (const QLabel *label : {m_reason, m_description, m_expiry})
        content = qMax(content, longestRun(label) + 16);
    const int gap = m_form->horizontalSpacing() >= 0 ? m_form->horizontalSpacing() : 6;
    for (auto it = m_fields.constBegin(); it != m_fields.constEnd(); ++it) {
        const QWidget *caption = m_form->labelForField(it.value());
        content = qMax(content, (caption ? caption->sizeHint().width() : 0) + gap + longestRun(it.value()));
    }
    for (const QPushButton *button : buttons)
        content = qMax(content, button->sizeHint().width());
    return content;
}

QSize ReportDetailPanel::minimumSizeHint() const
{
    // The Details tab is at least as wide as what its fields cannot wrap: the widest button, and a caption beside
    // the longest unbreakable run of its value (lines break at spaces, after '/' and '-'), in the user's font; and
    // never narrower than ~30 characters. Measured here: QLabel's own minimum of selectable wrapped text came out
    // narrower than its longest word, which cut file names.
    const QSize own = QWidget::minimumSizeHint();
    if (!m_details || !layout() || !m_form)
        return own;
    // Layouts ask for this many times per change (the splitter, the tabs, the scroll area): the text measuring,
    // the costly part, is done again only when a text or a font changed (issue 10: it took 7% of the GUI thread
    // while a preview table showed).
    const QList<const QLabel *> texts = measuredLabels();
    const QList<const QPushButton *> buttons = {m_download, m_downloadTo, m_open, m_showInFolder, m_copyId};
    QString key = style()->name() + font().key() + m_title->font().key();
    for (const QLabel *label : texts)
        key += QChar(0x1f) + label->text();
    for (const QPushButton *button : buttons)
        key += QChar(0x1f) + button->text();
    if (key != m_contentWidthKey) {
        m_contentWidthKey = key;
        m_contentWidth = contentWidth(buttons);
    }
    int content = m_contentWidth;
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this);
    const QMargins outer = layout()->contentsMargins();
    content = qMax(content, m_details->minimumSizeHint().width()) + 24 + scrollBar + outer.left() + outer.right();
    // Below a narrow list the panel scrolls, so it need not claim the height of everything it holds: about ten
    // lines, or the list would be left two rows at 800x500.
    return QSize(std::max({own.width(), content, fontMetrics().averageCharWidth() * 30}),
                 qMin(own.height(), fontMetrics().height() * 10));
}

void ReportDetailPanel::clearReport()
{
    m_report.reset();
    m_savedPath.clear();
    m_content->hide();
    m_placeholder->show();
    m_preview->clearReport();
}

void ReportDetailPanel::setLinkExpiry(const QString &reportId, const QDateTime &expiresAt, bool downloadFinished,
                                      const QDateTime &now)
{
    if (!m_report || reportId != m_report->id)
        return;
    // The link itself is a secret of sorts: show when it expires, never the URL; and only while that matters (a
    // download under way whose link runs out soon), not for a link valid another hour or a file already saved.
    const QString note =
        Format::linkExpiryNote(expiresAt, downloadFinished, now.isValid() ? now : QDateTime::currentDateTimeUtc());
    m_expiry->setText(note);
    m_expiry->setVisible(!note.isEmpty());
}

void ReportDetailPanel::setStatusCheckInterval(int ms)
{
    m_checkIntervalMs = ms;
    if (m_report)
        setReport(*m_report, m_savedPath);
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

} // namespace getbill::gui
