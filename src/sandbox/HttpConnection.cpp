#include "sandbox/HttpConnection.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    }
    headers.append({name, value});
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpResponse HttpResponse::text(int status, const QByteArray &text)
{
    HttpResponse r;
    r.status = status;
    r.body = text;
    r.setHeader("Content-Type", "text/plain; charset=utf-8");
    return r;
}

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 416:
        return "Range Not Satisfiable";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status";
    }
}

HttpConnection::HttpConnection(QTcpSocket *socket, RequestHandler handler, QObject *parent)
    : QObject(parent), m_socket(socket), m_handler(std::move(handler))
{
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::writeMore);
    // Over TLS, bytesWritten fires when plaintext is encrypted; the encrypted bytes leaving drive the flow too.
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        connect(ssl, &QSslSocket::encryptedBytesWritten, this, &HttpConnection::writeMore);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::close);
    // A peer that vanishes mid-answer (or fails the TLS handshake) must not leave a half-dead connection behind.
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpConnection::close);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::close()
{
    if (m_closing)
        return;
    m_closing = true;
    m_state = State::Done;
    m_socket->abort();
    deleteLater();
}

void HttpConnection::onReadyRead()
{
    if (m_state != State::ReadingHead && m_state != State::ReadingBody) {
        // One request per connection: whatever follows is drained and ignored.
        m_socket->readAll();
        return;
    }
    m_buffer += m_socket->readAll();
    if (m_state == State::ReadingHead) {
        qsizetype end = m_buffer.indexOf("\r\n\r\n");
        qsizetype separator = 4;
        const qsizetype bareEnd = m_buffer.indexOf("\n\n");
        if (bareEnd >= 0 && (end < 0 || bareEnd < end)) {
            end = bareEnd;
            separator = 2;
        }
        if (end < 0) {
            if (m_buffer.size() > MaxHeaderBytes)
                fail(431, "Request headers too large");
            return;
        }
        if (end > MaxHeaderBytes) {
            fail(431, "Request headers too large");
            return;
        }
        if (!parseHead(end, separator))
            return;
    }
    if (m_state == State::ReadingBody && m_buffer.size() >= m_expectedBody) {
        m_request.body = m_buffer.left(m_expectedBody);
        m_buffer.clear();
        m_state = State::Waiting;
        m_handler(this, m_request);
    }
}

bool HttpConnection::parseHead(qsizetype headEnd, qsizetype separatorLength)
{
    const QByteArray head = m_buffer.left(headEnd);
    m_buffer.remove(0, headEnd + separatorLength);
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    const QList<QByteArray> requestLine = lines.value(0).split(' ');
    if (requestLine.size() != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith('/') ||
        !requestLine[2].startsWith("HTTP/1.")) {
        fail(400, "Malformed request line");
        return false;
    }
    for (const char c : requestLine[0]) {
        if (c < 'A' || c > 'Z') {
            fail(400, "Malformed request line");
            return false;
        }
    }
    m_request.method = requestLine[0];
    m_request.target = requestLine[1];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0) {
            fail(400, "Malformed header line");
            return false;
        }
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        auto it = m_request.headers.find(name);
        if (it == m_request.headers.end())
            m_request.headers.insert(name, value);
        else
            it.value() += ", " + value;
    }
    if (m_request.headers.contains("transfer-encoding")) {
        fail(501, "Transfer-Encoding is not supported");
        return false;
    }
    if (m_request.headers.contains("content-length")) {
        bool ok = false;
        m_expectedBody = m_request.headers.value("content-length").toLongLong(&ok);
        if (!ok || m_expectedBody < 0) {
            fail(400, "Invalid Content-Length");
            return false;
        }
        if (m_expectedBody > MaxBodyBytes) {
            fail(413, "Request body too large");
            return false;
        }
    }
    m_state = State::ReadingBody;
    return true;
}

void HttpConnection::fail(int status, const QByteArray &message)
{
    m_state = State::Waiting;
    respond(HttpResponse::text(status, message + '\n'));
}

void HttpConnection::respond(HttpResponse response)
{
    if (m_state != State::Waiting)
        return;
    m_response = std::move(response);
    if (!m_response.source) {
        m_response.bodySize = m_response.body.size();
        const QByteArray body = m_response.body;
        m_response.source = [body](qint64 offset, qint64 length) {
            return body.mid(offset, length);
        };
    }
    const qint64 announced = m_response.bodySize + m_response.appendBytes.size() + m_response.contentLengthDelta;
    m_total = m_response.omitBody ? 0 : m_response.bodySize + m_response.appendBytes.size();
    m_limit = m_total;
    if (m_response.cutAfterBytes >= 0)
        m_limit = qMin(m_limit, m_response.cutAfterBytes);
    if (m_response.stallAfterBytes >= 0)
        m_limit = qMin(m_limit, m_response.stallAfterBytes);

    QByteArray head = "HTTP/1.1 " + QByteArray::number(m_response.status) + ' ' +
                      HttpResponse::reasonPhrase(m_response.status) + "\r\n";
    for (const auto &h : std::as_const(m_response.headers)) {
        if (h.first.compare("content-length", Qt::CaseInsensitive) != 0 &&
            h.first.compare("connection", Qt::CaseInsensitive) != 0)
            head += h.first + ": " + h.second + "\r\n";
    }
    head += "Content-Length: " + QByteArray::number(qMax<qint64>(0, announced)) + "\r\nConnection: close\r\n\r\n";
    m_state = State::Writing;
    m_socket->write(head);
    writeMore();
}

qint64 HttpConnection::pendingBytes() const
{
    qint64 pending = m_socket->bytesToWrite();
    if (auto *ssl = qobject_cast<QSslSocket *>(m_socket))
        pending += ssl->encryptedBytesToWrite();
    return pending;
}

void HttpConnection::writeMore()
{
    if (m_state != State::Writing)
        return;
    // Produce the next chunk only when the socket has drained below the bound: memory stays flat.
    while (m_sent < m_limit && pendingBytes() < HighWaterBytes) {
        const qint64 n = qMin(ChunkBytes, m_limit - m_sent);
        const qint64 bodyPart = qBound<qint64>(0, m_response.bodySize - m_sent, n);
        QByteArray chunk = bodyPart > 0 ? m_response.source(m_sent, bodyPart) : QByteArray();
        if (chunk.size() < n) {
            const qint64 appendOffset = m_sent + chunk.size() - m_response.bodySize;
            chunk += m_response.appendBytes.mid(appendOffset, n - chunk.size());
        }
        if (m_socket->write(chunk) != chunk.size()) {
            close();
            return;
        }
        m_sent += n;
    }
    if (m_sent < m_limit || pendingBytes() > 0)
        return;
    if (m_limit < m_total && m_response.stallAfterBytes >= 0 && m_limit == m_response.stallAfterBytes &&
        (m_response.cutAfterBytes < 0 || m_response.stallAfterBytes <= m_response.cutAfterBytes)) {
        // Keep the socket open and silent: the client has to notice the stall by itself.
        m_state = State::Stalled;
        return;
    }
    m_state = State::Done;
    if (m_limit == m_total && m_response.onComplete)
        m_response.onComplete();
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        close();
}

} // namespace getbill::sandbox
