#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "api/Report.h"
#include "download/TransferRate.h"

#include <QCryptographicHash>
#include <QFile>
#include <QScopedPointer>

class QNetworkAccessManager;
class QNetworkReply;

namespace getbill {

/// Streams one signed download URL to `targetPath`. The body goes to "<target>.part" as it arrives (bounded read
/// buffer, no Authorization, no cookies, identity encoding), its size is checked against the ticket's file_size,
/// and only then is it renamed onto the target, atomically. Cancel, failure or a size mismatch leave nothing at
/// the target and remove the .part; an existing target is only replaced when overwrite was chosen.
class DownloadJob : public Job
{
    Q_OBJECT
public:
    DownloadJob(QNetworkAccessManager *network, const NetworkOptions &options, DownloadTicket ticket,
                QString targetPath, QObject *parent = nullptr);
    ~DownloadJob() override;

    void setOverwrite(bool overwrite) { m_overwrite = overwrite; }
    void start();

    const DownloadTicket &ticket() const { return m_ticket; }
    QString targetPath() const { return m_targetPath; }
    QString partPath() const { return m_targetPath + QLatin1String(".part"); }
    qint64 bytesReceived() const { return m_received; }
    qint64 totalBytes() const { return m_ticket.fileSize; }
    const TransferRate &rate() const { return m_rate; }
    /// sha256 (lower-case hex) of the saved file, once the job succeeded.
    const QString &sha256() const { return m_sha256; }

    static constexpr int maxRedirects = 5;

protected:
    void abortWork() override;

private:
    void get(const QUrl &url);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void fail(const ApiError &error);
    void discardPart();
    ApiError transferError() const;

    QNetworkAccessManager *m_network;
    NetworkOptions m_options;
    DownloadTicket m_ticket;
    QString m_targetPath;
    bool m_overwrite = false;
    QFile m_part;
    QScopedPointer<QNetworkReply, QScopedPointerDeleteLater> m_reply;
    QUrl m_currentUrl;
    int m_redirects = 0;
    qint64 m_received = 0;
    bool m_stopped = false;
    TransferRate m_rate;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};
    QString m_sha256;
};

} // namespace getbill
