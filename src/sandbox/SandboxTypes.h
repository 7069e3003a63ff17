#pragma once

#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QUrl>

namespace getbill::sandbox {

/// One report of the sandbox catalogue: the metadata the API shows plus the bytes the download host serves.
struct SandboxReport
{
    QString id;
    QString type;
    QString title;
    QString description;
    QString status = QStringLiteral("completed");
    QString filename;
    QString mimeType;
    QDate periodFrom;
    QDate periodTo;
    QDateTime generatedAt;
    QDateTime createdAt;
    bool downloadAvailable = true;
    /// The file's bytes, or (when empty and generatedSize > 0) a deterministic body of generatedSize bytes that is
    /// produced chunk by chunk while streaming, so multi-GiB files never sit in memory.
    QByteArray content;
    qint64 generatedSize = 0;
    /// Merged over the JSON the API returns for this report: lets tests inject wrong types or odd values.
    QJsonObject overrides;
    /// Merged over the download-information "data" object.
    QJsonObject ticketOverrides;
    /// file_size announced in JSON when >= 0 (to lie about the size); otherwise the real size.
    qint64 advertisedSize = -1;
    /// Non-empty and != "demo": the report belongs to another company, so the API answers 403.
    QString ownerCompany;
    /// > 0 on a report that is not completed: the n-th answered GET (or HEAD) of /reports/{id} finds it completed
    /// (status, download_available, generated_at = the sandbox's clock), and so do the list and the ticket from then
    /// on. Earlier polls, and calls that are refused (401, 403, 429) or are not that GET, leave it as it is. Lets a
    /// client that waits for pending reports be tested without timers.
    int completesAfterPolls = 0;

    /// The number of bytes the download host serves.
    qint64 realSize() const { return content.isEmpty() ? generatedSize : content.size(); }
};

/// A switch that changes the next `times` answers whose host and path match. Faults are consumed in the order
/// they were added; the first matching one wins.
struct Fault
{
    enum class Host
    {
        Api,
        Download,
        Token
    };
    Host host = Host::Api;
    QString pathContains; ///< matches when the request path+query contains it (empty = any)
    int times = 1;        ///< -1 = forever
    int status = 0;       ///< answer this status with `body` (0 = the normal answer, modified by the fields below)
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; ///< extra response headers (replace ones of the same name)
    int delayMs = 0;                              ///< wait before answering
    qint64 cutAfterBytes = -1;                    ///< close the connection after sending this many body bytes
    qint64 stallAfterBytes = -1;                  ///< send nothing more (socket kept open) after this many body bytes
    qint64 contentLengthDelta = 0;                ///< announce Content-Length = real + delta (body unchanged)
    QByteArray appendBytes; ///< extra bytes sent after the real body (Content-Length includes them)
    QString redirectTo;     ///< answer 302 with this Location (absolute URL)
};

/// A real web server that plays the download host instead of the sandbox's own listener (nginx in the integration
/// tests and benchmarks, with its secure_link module). The sandbox writes each report's bytes once into `folder`
/// and hands out links to `base` + file name, signed the way nginx checks them:
///     secure_link $arg_md5,$arg_expires;  secure_link_md5 "$secure_link_expires$uri <secret>";
struct ExternalDownloadHost
{
    QUrl base;         ///< where `folder` is served, ending with '/': https://localhost:P/files/
    QByteArray secret; ///< the <secret> of secure_link_md5 (no spaces, quotes or '$': it sits in nginx's config)
    QString folder;    ///< the folder the server serves from `base`; report files are written here
};

/// What a client sent, as the sandbox saw it: tests assert on it (e.g. that no Authorization reached the
/// download host).
struct RecordedRequest
{
    Fault::Host host = Fault::Host::Api;
    QByteArray method;
    QString pathAndQuery;
    QMap<QByteArray, QByteArray> headers; ///< lower-case names; bounded (see RequestLog)
    QByteArray body;                      ///< the first RequestLog::MaxBodyBytes of it
    qint64 bodySize = 0;                  ///< the size of the whole body that arrived
    bool truncated = false;               ///< body, headers or path were cut to fit RequestLog's bounds
};

} // namespace getbill::sandbox

Q_DECLARE_METATYPE(getbill::sandbox::RecordedRequest)
