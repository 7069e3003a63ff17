// The download hosts of SandboxServer: its own signed-link listener (expiry, single use, ranges, ETag) and the
// files and secure_link URLs it prepares for an external web server (nginx) playing that part instead.
#include "sandbox/GeneratedBody.h"
#include "sandbox/SandboxServerPrivate.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSaveFile>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;
using namespace internal;

QByteArray SandboxServer::Private::sign(const QString &path, const QString &expires) const
{
    return QMessageAuthenticationCode::hash((path + u'\n' + expires).toUtf8(), m_signingKey, QCryptographicHash::Sha256)
        .toHex();
}

QUrl SandboxServer::Private::ownLink(const QString &reportId, qint64 expires)
{
    // Each ticket gets its own opaque link, so single use and expiry apply per ticket as on the real host.
    const QString opaque = QString::fromLatin1(randomHex(12));
    m_links.insert(opaque, LinkInfo{reportId, false});
    const QString path = u"/reports/"_s + opaque;
    const QString expiresText = QString::number(expires);
    QUrl url = q->downloadOrigin();
    url.setPath(path);
    url.setQuery(u"expires="_s + expiresText + u"&signature="_s + QString::fromLatin1(sign(path, expiresText)));
    return url;
}

HttpResponse SandboxServer::Private::handleDownload(const HttpRequest &request, const QString &path,
                                                    const QUrlQuery &query)
{
    // Deliberately no look at Authorization: the download host authorises by signature only.
    if (request.method != "GET" && request.method != "HEAD")
        return HttpResponse::text(405, "Method Not Allowed\n");
    if (!path.startsWith(u"/reports/"_s))
        return HttpResponse::text(404, "Not Found\n");
    const QString opaque = path.mid(9);
    const QString expires = query.queryItemValue(u"expires"_s, QUrl::FullyDecoded);
    const QByteArray signature = query.queryItemValue(u"signature"_s, QUrl::FullyDecoded).toLatin1();
    if (signature.isEmpty() || expires.isEmpty() || signature != sign(path, expires))
        return HttpResponse::text(403, "Invalid signature\n");
    if (nowSecs() >= expires.toLongLong())
        return HttpResponse::text(403, "Request has expired\n");
    const auto link = m_links.constFind(opaque);
    if (link == m_links.cend())
        return HttpResponse::text(404, "Not Found\n");
    if (m_singleUse && link->used)
        return HttpResponse::text(403, "Link already used\n");
    const std::optional<SandboxReport> report = q->report(link->reportId);
    if (!report)
        return HttpResponse::text(404, "Not Found\n");

    const qint64 size = report->realSize();
    const QByteArray etag = q->etagOf(report->id);
    qint64 start = 0;
    qint64 end = size - 1;
    bool partial = false;
    const QByteArray range = request.headers.value("range");
    const QByteArray ifRange = request.headers.value("if-range");
    if (range.startsWith("bytes=") && !range.contains(',') && (ifRange.isEmpty() || ifRange == etag)) {
        const QByteArray spec = range.mid(6).trimmed();
        const qsizetype dash = spec.indexOf('-');
        bool okFirst = false;
        bool okLast = false;
        const qint64 first = spec.left(dash).toLongLong(&okFirst);
        const qint64 last = spec.mid(dash + 1).toLongLong(&okLast);
        if (dash > 0 && okFirst && (dash == spec.size() - 1 || (okLast && last >= first))) {
            if (first >= size) {
                HttpResponse r = HttpResponse::text(416, "Range Not Satisfiable\n");
                r.setHeader("Content-Range", "bytes */" + QByteArray::number(size));
                return r;
            }
            start = first;
            end = dash == spec.size() - 1 ? size - 1 : qMin(last, size - 1);
            partial = true;
        } else if (dash == 0 && okLast && last > 0) {
            start = qMax<qint64>(0, size - last);
            partial = true;
        }
    }

    HttpResponse r;
    r.status = partial ? 206 : 200;
    r.setHeader("Content-Type", report->mimeType.toUtf8());
    r.setHeader("ETag", etag);
    r.setHeader("Accept-Ranges", "bytes");
    r.setHeader("Content-Disposition", "attachment; filename*=UTF-8''" + QUrl::toPercentEncoding(report->filename));
    if (partial)
        r.setHeader("Content-Range", "bytes " + QByteArray::number(start) + '-' + QByteArray::number(end) + '/' +
                                         QByteArray::number(size));
    r.bodySize = qMax<qint64>(0, end - start + 1);
    if (!report->content.isEmpty()) {
        const QByteArray content = report->content;
        r.source = [content, start](qint64 offset, qint64 length) {
            return content.mid(start + offset, length);
        };
    } else {
        const QString id = report->id;
        r.source = [id, start](qint64 offset, qint64 length) {
            return GeneratedBody::chunk(id, start + offset, length);
        };
    }
    r.omitBody = request.method == "HEAD";
    if (!r.omitBody) {
        // Only a body that went out completely uses the link up: a cut transfer may still be resumed.
        r.onComplete = [this, opaque] {
            if (m_links.contains(opaque))
                m_links[opaque].used = true;
        };
    }
    return r;
}

QString SandboxServer::Private::externalFileName(const SandboxReport &r) const
{
    // The report's own name when it is a plain one; hostile names (tests have "../../x.pdf") never reach the
    // file system: a name derived from the id stands in.
    static const QRegularExpression plain(u"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$"_s);
    const QString idHash =
        QString::fromLatin1(QCryptographicHash::hash(r.id.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
    QString name = plain.match(r.filename).hasMatch() && !r.filename.contains(u".."_s) ? r.filename : idHash;
    // Two reports with the same file name get a file each.
    for (auto it = m_externalFiles.cbegin(); it != m_externalFiles.cend(); ++it) {
        if (it.key() != r.id && it->fileName == name)
            return idHash + u'-' + name;
    }
    return name;
}

std::optional<QString> SandboxServer::Private::materialise(const SandboxReport &r, QString *error)
{
    if (m_external->folder.isEmpty()) {
        *error = u"no folder is set for the external download host"_s;
        return std::nullopt;
    }
    const QByteArray etag = q->etagOf(r.id);
    const QDir folder(m_external->folder);
    const auto known = m_externalFiles.constFind(r.id);
    if (known != m_externalFiles.cend() && known->etag == etag && QFileInfo::exists(folder.filePath(known->fileName)))
        return known->fileName;
    const QString fileName = known != m_externalFiles.cend() ? known->fileName : externalFileName(r);
    // Generated bodies may be GiB large: they go to disk a MiB at a time. QSaveFile makes the file appear whole.
    QSaveFile file(folder.filePath(fileName));
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return std::nullopt;
    }
    constexpr qint64 ChunkBytes = 1024 * 1024;
    const qint64 size = r.realSize();
    for (qint64 offset = 0; offset < size; offset += ChunkBytes) {
        const qint64 length = qMin(ChunkBytes, size - offset);
        const QByteArray bytes =
            r.content.isEmpty() ? GeneratedBody::chunk(r.id, offset, length) : r.content.mid(offset, length);
        if (file.write(bytes) != bytes.size()) {
            *error = file.errorString();
            file.cancelWriting();
            return std::nullopt;
        }
    }
    if (!file.commit()) {
        *error = file.errorString();
        return std::nullopt;
    }
    m_externalFiles.insert(r.id, ExternalFile{fileName, etag});
    return fileName;
}

QUrl SandboxServer::Private::externalLink(const QString &fileName, qint64 expires) const
{
    QUrl url = m_external->base;
    QString path = url.path();
    if (!path.endsWith(u'/'))
        path += u'/';
    url.setPath(path + fileName);
    url.setQuery(u"md5="_s + QString::fromLatin1(secureLinkMd5(url.path(), expires, m_external->secret)) +
                 u"&expires="_s + QString::number(expires));
    return url;
}

void SandboxServer::setExternalDownloadHost(const std::optional<ExternalDownloadHost> &host)
{
    if (!host || !m_d->m_external || host->folder != m_d->m_external->folder)
        m_d->m_externalFiles.clear();
    m_d->m_external = host;
}

std::optional<ExternalDownloadHost> SandboxServer::externalDownloadHost() const
{
    return m_d->m_external;
}

QString SandboxServer::externalFilePath(const QString &id) const
{
    const auto file = m_d->m_externalFiles.constFind(id);
    if (!m_d->m_external || file == m_d->m_externalFiles.cend())
        return {};
    return QDir(m_d->m_external->folder).filePath(file->fileName);
}

QString SandboxServer::prepareExternalFile(const QString &id, QString *error)
{
    const std::optional<SandboxReport> r = report(id);
    if (!m_d->m_external || !r) {
        *error = !m_d->m_external ? u"no external download host is set"_s : u"no report "_s + id;
        return {};
    }
    return m_d->materialise(*r, error) ? externalFilePath(id) : QString();
}

QByteArray SandboxServer::secureLinkMd5(const QString &uriPath, qint64 expires, const QByteArray &secret)
{
    const QByteArray text = QByteArray::number(expires) + uriPath.toUtf8() + ' ' + secret;
    return QCryptographicHash::hash(text, QCryptographicHash::Md5)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace getbill::sandbox
