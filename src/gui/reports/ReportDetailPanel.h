#pragma once

#include "api/Report.h"

#include <QDateTime>
#include <QWidget>
#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;
class QTabWidget;

namespace getbill::gui {

class ReportPreviewPane;

/// Everything about the current report in readable form, and what can be done with it (Download, Download to…,
/// Open, Show in folder, Copy id) on a "Details" tab, and its content on a "Preview" tab (ReportPreviewPane). It
/// renders what it is given (the list's model, the downloads queue) and never talks to GetBill itself: the
/// ReportsView's ReportWatcher keeps a report that is being generated up to date, and the preview asks only while
/// its tab is open.
class ReportDetailPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ReportDetailPanel(QWidget *parent = nullptr);
    ~ReportDetailPanel() override;

    /// Shows `report`; `savedPath` is where this session saved it (enables Open / Show in folder).
    void setReport(const Report &report, const QString &savedPath = {});
    void clearReport();
    std::optional<Report> report() const { return m_report; }
    /// When the shown report's download link expires, once a download asked for one, and whether that download
    /// ended; said only when it matters (Format::linkExpiryNote). `now`: the time to compare with (tests), else the
    /// clock's.
    void setLinkExpiry(const QString &reportId, const QDateTime &expiresAt, bool downloadFinished,
                       const QDateTime &now = {});
    void setSavedPath(const QString &reportId, const QString &path);
    /// How often the status of a report being generated is checked (said in the panel).
    void setStatusCheckInterval(int ms);

    /// For tests and the accessibility walk: the label showing `field` ("status", "size", ...).
    QLabel *field(const QString &name) const;
    /// The "Details" and "Preview" tabs, and the preview.
    QTabWidget *tabs() const { return m_tabs; }
    ReportPreviewPane *preview() const { return m_preview; }

    /// As wide as what cannot wrap on the Details tab: see the definition.
    QSize minimumSizeHint() const override;

signals:
    void downloadRequested(const QString &reportId, bool chooseLocation);
    void openRequested(const QString &path);
    void showInFolderRequested(const QString &path);
    /// Copy id put the id on the clipboard (the window says so in its status bar).
    void idCopied(const QString &id);

private:
    QList<const QLabel *> measuredLabels() const;
    int contentWidth(const QList<const QPushButton *> &buttons) const;
    QLabel *addField(QFormLayout *form, const QString &name, const QString &label);
    void updateActions();

    std::optional<Report> m_report;
    QString m_savedPath;
    int m_checkIntervalMs = 30'000;

    QWidget *m_content;
    QWidget *m_details = nullptr; ///< the Details tab's scrolled page
    QFormLayout *m_form = nullptr;
    QLabel *m_placeholder;
    QLabel *m_title;
    QLabel *m_statusIcon;
    QLabel *m_reason;
    QLabel *m_description;
    QLabel *m_expiry;
    QHash<QString, QLabel *> m_fields;
    /// minimumSizeHint()'s measured width of the texts, and the texts and fonts it was measured for.
    mutable QString m_contentWidthKey;
    mutable int m_contentWidth = 0;
    QPushButton *m_download;
    QPushButton *m_downloadTo;
    QPushButton *m_open;
    QPushButton *m_showInFolder;
    QPushButton *m_copyId;
    QTabWidget *m_tabs;
    ReportPreviewPane *m_preview;
};

} // namespace getbill::gui
