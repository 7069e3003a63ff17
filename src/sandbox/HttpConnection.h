#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <functional>

class QTcpSocket;

namespace getbill::sandbox {

/// One parsed HTTP/1.1 request.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;                    ///< path and query, as sent
    QMap<QByteArray, QByteArray> headers; ///< lower-case names; repeated headers joined with ", "
    QByteArray body;
};

/// An answer for HttpConnection: either a small `body` or a `source` producing any slice of a body of `bodySize`
/// bytes on demand, plus the fault knobs that deliberately break the transfer.
struct HttpResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qint64 bodySize = -1; ///< with `source`; otherwise body.size()
    std::function<QByteArray(qint64 offset, qint64 length)> source;
    bool omitBody = false; ///< HEAD: headers (with the real Content-Length) only
    qint64 cutAfterBytes = -1;
    qint64 stallAfterBytes = -1;
    qint64 contentLengthDelta = 0;
    QByteArray appendBytes;
    std::function<void()> onComplete; ///< called once every byte reached the socket

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const;

    static HttpResponse text(int status, const QByteArray &text);
    static QByteArray reasonPhrase(int status);
};

/// Serves exactly one request on one socket (every answer says `Connection: close`): reads and bounds the request,
/// hands it to the callback, then writes the answer in chunks only as fast as the socket drains, so a multi-GiB
/// body costs a few hundred KiB. Deletes itself when the peer goes away or the answer is done.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using RequestHandler = std::function<void(HttpConnection *connection, const HttpRequest &request)>;

    static constexpr qint64 MaxHeaderBytes = 64 * 1024;
    static constexpr qint64 MaxBodyBytes = 1024 * 1024;
    static constexpr qint64 ChunkBytes = 64 * 1024;
    static constexpr qint64 HighWaterBytes = 256 * 1024;

    /// Takes ownership of `socket` (plain, or a QSslSocket whose server handshake has started).
    HttpConnection(QTcpSocket *socket, RequestHandler handler, QObject *parent = nullptr);
    ~HttpConnection() override;

    /// Sends the answer; only the first call counts.
    void respond(HttpResponse response);

private:
    enum class State
    {
        ReadingHead,
        ReadingBody,
        Waiting,
        Writing,
        Stalled,
        Done
    };

    void onReadyRead();
    bool parseHead(qsizetype headEnd, qsizetype separatorLength);
    void fail(int status, const QByteArray &message);
    void writeMore();
    qint64 pendingBytes() const;
    void close();

    QTcpSocket *m_socket;
    RequestHandler m_handler;
    State m_state = State::ReadingHead;
    QByteArray m_buffer;
    HttpRequest m_request;
    qint64 m_expectedBody = 0;
    HttpResponse m_response;
    qint64 m_total = 0; ///< body bytes this answer will send if nothing interferes
    qint64 m_limit = 0; ///< body bytes it actually sends (cut / stall)
    qint64 m_sent = 0;
    bool m_closing = false;
};

} // namespace getbill::sandbox
