#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "api/Report.h"
#include "download/TransferRate.h"
#include "net/HttpJob.h"

#include <memory>

class QNetworkAccessManager;

namespace getbill {

class PartFile;

/// Fetches one signed download URL into `targetPath`, resuming where an earlier attempt of the application left
/// off: the resuming HTTP side of a download. Each request is an HttpJob (HttpPurpose::File: no Authorization, no
/// cookies, identity encoding, redirects checked hop by hop, bounded buffering); the disk side is a PartFile (lock,
/// record, writer thread, hash, sync, commit). A partial file the application recorded is continued with
/// Range/If-Range; a server that answers 200 instead of 206, or with the wrong Content-Range, makes it start over
/// from byte 0 (twice at most). The size is checked against the ticket's, and the server's checksum when it sends
/// X-Checksum-Sha256 or a sha-256 Digest, before the file appears at the target, atomically. An existing target is
/// only replaced when overwrite was chosen. Cancel, a size or checksum mismatch and refusals remove the partial
/// file; a transient failure (network, stall, 5xx, refused link) keeps it for the next attempt (keptPartial()).
class DownloadJob : public Job, private BodySink
{
    Q_OBJECT
public:
    /// Where the job is; one step at a time, in this order.
    enum class Step
    {
        NotStarted,
        Opening,   ///< lock, checks, the partial file created or re-hashed
        Fetching,  ///< bytes flow
        Verifying, ///< all bytes arrived; syncing, checking size and checksum
        Committing,
        Done,
    };
    Q_ENUM(Step)

    DownloadJob(QNetworkAccessManager *network, const NetworkOptions &options, DownloadTicket ticket,
                QString targetPath, QObject *parent = nullptr);
    ~DownloadJob() override;

    void setOverwrite(bool overwrite) { m_overwrite = overwrite; }
    /// Stops like cancel(), but keeps the bytes received so far and their record, so that the next start of the
    /// application continues (a quit that chose "resume later"). finished() follows with Kind::Cancelled.
    void suspend();

    Step step() const { return m_step; }
    const DownloadTicket &ticket() const { return m_ticket; }
    QString targetPath() const { return m_targetPath; }
    /// The partial file's name once the file is open.
    QString partPath() const;
    qint64 bytesReceived() const { return m_received; }
    qint64 totalBytes() const { return m_ticket.fileSize; }
    const TransferRate &rate() const { return m_rate; }
    /// sha256 (lower-case hex) of the saved file, once the job succeeded.
    const QString &sha256() const { return m_sha256; }
    /// Bytes taken over from an earlier attempt's partial file (0 when it started from scratch).
    qint64 resumedFrom() const { return m_resumedFrom; }
    /// True when the server sent a checksum and it was checked.
    bool checksumVerified() const { return m_checksumVerified; }
    /// After a failure: the partial file and its record were kept so that a later attempt can resume.
    bool keptPartial() const { return m_keptPartial; }
    /// The protocol the file came over (HTTP/1.1 by design; see HttpPurpose::File).
    bool usedHttp2() const { return m_http2; }
    /// Whether a failure leaves the partial file for a later attempt (network trouble, stalls, 5xx, refused links).
    static bool isResumable(const ApiError &error);

    /// A server that resumes wrongly gets this many more chances from byte 0, not an endless loop.
    static constexpr int maxRestarts = 2;

signals:
    /// All bytes arrived; the size and checksum are being checked and the file committed.
    void verifying();

protected:
    void run() override;
    void abortWork() override;

private:
    qint64 room() const override;
    bool write(QByteArrayView chunk, ApiError *error) override;

    void onOpened(qint64 resumedBytes, const QString &error);
    void fetch();
    void onResponse(HttpJob *http);
    void onFetched(HttpJob *http);
    void restartFromZero(HttpJob *http);
    void onSynced(const QByteArray &digest, const QString &error);
    void fail(const ApiError &error);
    ApiError localError(const QString &message) const;

    QNetworkAccessManager *m_network;
    NetworkOptions m_options;
    DownloadTicket m_ticket;
    QString m_targetPath;
    bool m_overwrite = false;
    Step m_step = Step::NotStarted;
    std::unique_ptr<PartFile> m_part;
    HttpJob *m_http = nullptr;
    qint64 m_received = 0;
    qint64 m_resumedFrom = 0;
    bool m_rangeRequested = false;
    int m_restarts = 0;
    QByteArray m_expectedSha256; ///< the digest the server announced, empty when none
    QString m_sha256;
    bool m_checksumVerified = false;
    bool m_keptPartial = false;
    bool m_http2 = false;
    TransferRate m_rate;
};

} // namespace getbill
