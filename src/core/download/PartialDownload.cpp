#include "download/PartialDownload.h"

#include "api/JsonParsing.h"
#include "download/SecureFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <cmath>

namespace getbill {

namespace {
constexpr int formatVersion = 2;
// A record is a few hundred bytes; a bigger file is not one of ours.
constexpr qint64 maxRecordBytes = 64 * 1024;
constexpr int maxPathLength = 4096;

QString key(const QString &target)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QDir::cleanPath(target).toUtf8(), QCryptographicHash::Sha256).toHex().left(32));
}

bool isNumber(const QJsonValue &v)
{
    // Whole numbers only: save() writes no fraction, and "inode": 131.234 would be read as another file's inode 131
    // (found by fuzz_sidecar).
    const double d = v.toDouble();
    return v.isDouble() && d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d;
}

QString folderPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QLatin1String("/getbill-reports/partials");
}

/// Makes the state folder if needed; false when it is not a private folder of the user's (a link to elsewhere,
/// another user's): then it holds no records, and none are written there.
bool stateFolderIsPrivate()
{
    return SecureFile::makePrivateFolder(folderPath());
}
} // namespace

QString PartialDownload::stateFolder()
{
    const QString folder = folderPath();
    SecureFile::makePrivateFolder(folder);
    return folder;
}

QString PartialDownload::recordPath(const QString &target)
{
    return stateFolder() + QLatin1Char('/') + key(target) + QLatin1String(".json");
}

QString PartialDownload::lockPath(const QString &target)
{
    return stateFolder() + QLatin1Char('/') + key(target) + QLatin1String(".lock");
}

QByteArray PartialDownload::toJson() const
{
    const QJsonObject o{{QStringLiteral("version"), formatVersion}, {QStringLiteral("target"), target},
                        {QStringLiteral("part"), partPath},         {QStringLiteral("id"), reportId},
                        {QStringLiteral("size"), double(fileSize)}, {QStringLiteral("etag"), etag},
                        {QStringLiteral("device"), double(device)}, {QStringLiteral("inode"), double(inode)}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<PartialDownload> PartialDownload::fromJson(const QByteArray &json)
{
    if (json.size() > maxRecordBytes)
        return std::nullopt;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    // Exactly the fields toJson() writes, no more.
    if (o.size() != 8 || o.value(QLatin1String("version")).toInt() != formatVersion)
        return std::nullopt;
    for (const char *field : {"target", "part", "id", "etag"})
        if (!o.value(QLatin1String(field)).isString())
            return std::nullopt;
    for (const char *field : {"size", "device", "inode"})
        if (!isNumber(o.value(QLatin1String(field))))
            return std::nullopt;
    PartialDownload r;
    r.target = o.value(QLatin1String("target")).toString();
    r.partPath = o.value(QLatin1String("part")).toString();
    r.reportId = o.value(QLatin1String("id")).toString();
    r.etag = o.value(QLatin1String("etag")).toString();
    r.fileSize = qint64(o.value(QLatin1String("size")).toDouble());
    r.device = quint64(o.value(QLatin1String("device")).toDouble());
    r.inode = quint64(o.value(QLatin1String("inode")).toDouble());
    const auto pathOk = [](const QString &path) {
        return !path.isEmpty() && path.size() <= maxPathLength && QDir::isAbsolutePath(path) &&
               QDir::cleanPath(path) == path && !path.contains(QChar(0));
    };
    // The partial file sits beside its target: a record cannot point the application anywhere else.
    if (!pathOk(r.target) || !pathOk(r.partPath) ||
        QFileInfo(r.partPath).absolutePath() != QFileInfo(r.target).absolutePath() || r.partPath == r.target ||
        !r.partPath.endsWith(QLatin1String(".part")) || !json::isPlausibleReportId(r.reportId) ||
        r.fileSize > json::maxFileSize || r.etag.size() > 512 || r.inode == 0)
        return std::nullopt;
    return r;
}

std::optional<PartialDownload> PartialDownload::load(const QString &target)
{
    if (!stateFolderIsPrivate())
        return std::nullopt;
    const QByteArray bytes = SecureFile::readPrivate(recordPath(target), maxRecordBytes);
    std::optional<PartialDownload> record = fromJson(bytes);
    if (!record || record->target != QDir::cleanPath(target))
        return std::nullopt;
    return record;
}

QList<PartialDownload> PartialDownload::all()
{
    QList<PartialDownload> records;
    if (!stateFolderIsPrivate())
        return records;
    const QDir dir(stateFolder());
    const QStringList names = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString &name : names) {
        const std::optional<PartialDownload> record =
            fromJson(SecureFile::readPrivate(dir.filePath(name), maxRecordBytes));
        // The file name must be the record's own key: a record copied under another name is not trusted.
        if (record && key(record->target) + QLatin1String(".json") == name)
            records.append(*record);
    }
    return records;
}

bool PartialDownload::save() const
{
    return stateFolderIsPrivate() && SecureFile::writePrivate(recordPath(target), toJson());
}

void PartialDownload::forget(const QString &target)
{
    QFile::remove(recordPath(target));
}

void PartialDownload::discard(const QString &target)
{
    if (const std::optional<PartialDownload> record = load(target)) {
        if (SecureFile::identityAt(record->partPath) == SecureFile::Identity{record->device, record->inode, -1})
            QFile::remove(record->partPath);
    }
    forget(target);
}

} // namespace getbill
