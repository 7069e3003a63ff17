#pragma once

#include "Job.h"
#include "api/NetworkOptions.h"
#include "api/Report.h"
#include "download/TransferRate.h"

#include <QScopedPointer>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QLockFile;
class QThread;

namespace getbill {

class PartWriter;

/// Streams one signed download URL to `targetPath`. The body goes to "<target>.part" as it arrives (bounded read
/// buffer, no Authorization, no cookies, identity encoding), its size (and the server's checksum, when it sends
/// X-Checksum-Sha256 or a sha-256 Digest) is checked, and only then is it renamed onto the target, atomically.
/// A .part left by an interrupted attempt (with its PartialDownload sidecar) is continued with Range/If-Range; a
/// server that answers 200 instead of 206, or with the wrong Content-Range, makes it start over from byte 0.
/// Cancel, a size or checksum mismatch and refusals remove the .part; a transient failure (network, stall, 5xx,
/// refused link) keeps it for the next attempt (keptPartial()). An existing target is only replaced when
/// overwrite was chosen. A lock file beside the target keeps two jobs from writing the same .part.
/// The file itself is written, hashed and synced by a PartWriter in a worker thread: the caller's event loop
/// (the GUI's) only moves chunks, and at most maxUnwrittenBytes wait for the disk at any time.
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
    /// Bytes taken over from an earlier attempt's .part (0 when it started from scratch).
    qint64 resumedFrom() const { return m_resumedFrom; }
    /// True when the server sent a checksum and it was checked.
    bool checksumVerified() const { return m_checksumVerified; }
    /// After a failure: the .part and its sidecar were kept so that a later attempt can resume.
    bool keptPartial() const { return m_keptPartial; }
    /// Whether a failure leaves the .part for a later attempt (network trouble, stalls, 5xx, refused links).
    static bool isResumable(const ApiError &error);

signals:
    /// All bytes arrived; the size and checksum are being checked and the file committed.
    void verifying();

public:
    static constexpr int maxRedirects = 5;
    /// Received bytes not yet on disk before reading from the network pauses (TCP then slows the server down).
    static constexpr qint64 maxUnwrittenBytes = 8 * 1024 * 1024;

protected:
    void abortWork() override;

private:
    void get(const QUrl &url);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    bool takeChunk(const QByteArray &chunk);
    void startWriter();
    /// Lets the writer finish what was queued, closes the file and ends its thread (blocking, briefly).
    void stopWriter();
    void onPartOpened(qint64 resumedBytes, const QString &error);
    void onWritten(int generation, qint64 total);
    void maybeFinalize();
    void onPartFinished(const QByteArray &digest, const QString &error);
    void truncatePart();
    void fail(const ApiError &error);
    void discardPart();
    void releasePart();
    void restartFromZero();
    bool acceptResponse(int status);
    ApiError transferError() const;

    QNetworkAccessManager *m_network;
    NetworkOptions m_options;
    DownloadTicket m_ticket;
    QString m_targetPath;
    bool m_overwrite = false;
    std::unique_ptr<QThread> m_writerThread;
    PartWriter *m_writer = nullptr; ///< lives in m_writerThread
    bool m_partOpen = false;
    qint64 m_written = 0; ///< bytes the writer has put in the file (acknowledged)
    int m_generation = 0; ///< truncations requested: acknowledgements of older content are ignored
    bool m_bodyComplete = false;
    bool m_finalizing = false;
    QScopedPointer<QNetworkReply, QScopedPointerDeleteLater> m_reply;
    QUrl m_currentUrl;
    int m_redirects = 0;
    qint64 m_received = 0;
    bool m_stopped = false;
    TransferRate m_rate;
    QString m_sha256;
    std::unique_ptr<QLockFile> m_lock;
    QString m_etag;
    QByteArray m_expectedSha256; ///< raw digest the server announced, empty when none
    qint64 m_resumedFrom = 0;
    bool m_rangeRequested = false;
    bool m_responseAccepted = false;
    int m_restarts = 0;
    bool m_checksumVerified = false;
    bool m_keptPartial = false;
    bool m_ownsPart = false; ///< the .part and its sidecar are ours to delete on failure
};

} // namespace getbill
