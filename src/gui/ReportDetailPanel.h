#pragma once

#include "api/Report.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;

namespace getbill {
class ApiClient;
class ReportJob;
} // namespace getbill

namespace getbill::gui {

/// Everything about the selected report in readable form, and what can be done with it (Download, Download to…,
/// Open, Show in folder, Copy id). While it shows a report that is not completed it asks GetBill for the status
/// every pollInterval() and reports what changed through reportUpdated(); it never downloads by itself.
class ReportDetailPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int defaultPollIntervalMs = 30'000;

    ReportDetailPanel(ApiClient *api, QWidget *parent = nullptr);
    ~ReportDetailPanel() override;

    /// Shows `report`; `savedPath` is where this session saved it (enables Open / Show in folder).
    void setReport(const Report &report, const QString &savedPath = {});
    void clearReport();
    std::optional<Report> report() const { return m_report; }
    /// The download link's expiry, once a ticket for the shown report is known.
    void setTicket(const DownloadTicket &ticket);
    void setSavedPath(const QString &reportId, const QString &path);

    void setPollInterval(int ms);
    int pollInterval() const { return m_poll.interval(); }
    bool isPolling() const { return m_poll.isActive(); }

    /// For tests and the accessibility walk: the label showing `field` ("status", "size", ...).
    QLabel *field(const QString &name) const;

signals:
    void downloadRequested(const QString &reportId, bool chooseLocation);
    void openRequested(const QString &path);
    void showInFolderRequested(const QString &path);
    /// A fresher copy of the shown report arrived from GET /reports/{id}.
    void reportUpdated(const getbill::Report &report);
    /// Copy id put the id on the clipboard (the window says so in its status bar).
    void idCopied(const QString &id);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QLabel *addField(QFormLayout *form, const QString &name, const QString &label);
    void updatePolling();
    void pollNow();
    void updateActions();

    QPointer<ApiClient> m_api;
    std::optional<Report> m_report;
    QString m_savedPath;
    QTimer m_poll;
    QPointer<ReportJob> m_pollJob;

    QWidget *m_content;
    QFormLayout *m_form = nullptr;
    QLabel *m_placeholder;
    QLabel *m_title;
    QLabel *m_statusIcon;
    QLabel *m_reason;
    QLabel *m_description;
    QLabel *m_expiry;
    QHash<QString, QLabel *> m_fields;
    QPushButton *m_download;
    QPushButton *m_downloadTo;
    QPushButton *m_open;
    QPushButton *m_showInFolder;
    QPushButton *m_copyId;
};

} // namespace getbill::gui
