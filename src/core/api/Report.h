#pragma once

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>

namespace getbill {

/// One report as GET /reports and GET /reports/{id} describe it. `json` keeps the object exactly as the API sent
/// it, so the CLI can print the API's own field names and unknown fields survive.
struct Report
{
    QString id;
    QString type;
    QString title;
    QString description;
    QString status;
    QString filename;
    qint64 fileSize = -1; ///< bytes; -1 when the API did not say
    QString mimeType;
    QDate periodFrom;
    QDate periodTo;
    QDateTime generatedAt;
    QDateTime createdAt;
    bool downloadAvailable = false;
    QJsonObject json;

    bool isCompleted() const { return status == QLatin1String("completed"); }
    /// Completed and offered for download: the API's advice before asking for a ticket.
    bool canDownload() const { return isCompleted() && downloadAvailable; }
};

/// One page of GET /reports.
struct ReportPage
{
    QList<Report> reports;
    int total = 0;
    int page = 1;
    int limit = 0;
    int pages = 1;
};

/// The answer of GET /reports/download/{id}: where to fetch the file and what to expect. The URL is signed and
/// expiring: it is a secret of sorts and never goes to logs or messages.
struct DownloadTicket
{
    QString id;
    QString filename;
    qint64 fileSize = -1;
    QString mimeType;
    QUrl downloadUrl;
    QDateTime expiresAt;

    bool isValid() const { return !id.isEmpty() && downloadUrl.isValid(); }
    /// True when the link has expired or will within `marginSeconds`.
    bool expiresWithin(int marginSeconds, const QDateTime &now = QDateTime::currentDateTimeUtc()) const
    {
        return expiresAt.isValid() && now.secsTo(expiresAt) <= marginSeconds;
    }
};

} // namespace getbill

Q_DECLARE_METATYPE(getbill::Report)
Q_DECLARE_METATYPE(getbill::DownloadTicket)
