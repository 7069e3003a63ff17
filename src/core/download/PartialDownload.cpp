#include "download/PartialDownload.h"

#include "api/JsonParsing.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace getbill {

namespace {
constexpr int formatVersion = 1;
// A sidecar is a few hundred bytes; a bigger file is not one of ours.
constexpr qint64 maxMetaBytes = 64 * 1024;
} // namespace

std::optional<PartialDownload> PartialDownload::load(const QString &target)
{
    QFile file(metaPath(target));
    if (!file.open(QIODevice::ReadOnly) || file.size() > maxMetaBytes)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    const QJsonObject o = doc.object();
    if (o.value(QLatin1String("version")).toInt() != formatVersion)
        return std::nullopt;
    PartialDownload meta;
    meta.reportId = o.value(QLatin1String("id")).toString();
    const double size = o.value(QLatin1String("size")).toDouble(-1);
    meta.etag = o.value(QLatin1String("etag")).toString();
    if (!json::isPlausibleReportId(meta.reportId) || size < 0 || size > double(json::maxFileSize) ||
        meta.etag.size() > 512)
        return std::nullopt;
    meta.fileSize = qint64(size);
    return meta;
}

bool PartialDownload::save(const QString &target) const
{
    const QJsonObject o{{QStringLiteral("version"), formatVersion},
                        {QStringLiteral("id"), reportId},
                        {QStringLiteral("size"), double(fileSize)},
                        {QStringLiteral("etag"), etag}};
    QSaveFile file(metaPath(target));
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(o).toJson(QJsonDocument::Compact)) >= 0 &&
           file.commit();
}

void PartialDownload::discard(const QString &target)
{
    QFile::remove(partPath(target));
    QFile::remove(metaPath(target));
}

} // namespace getbill
