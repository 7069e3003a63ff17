#include "download/PendingDownloads.h"

#include "api/JsonParsing.h"
#include "download/SecureFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <optional>
#include <utility>

namespace getbill::PendingDownloads {

namespace {
constexpr qint64 maxBytes = 4 * 1024 * 1024;

/// Beside the partial-download records' folder (whose every *.json is a record), in the same private folder.
QString path()
{
    const QString folder =
        QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QLatin1String("/getbill-reports");
    if (!SecureFile::makePrivateFolder(folder))
        return {};
    return folder + QLatin1String("/pending.json");
}

// By name, not by number: a later version that reorders DownloadTarget::Mode still reads this list.
constexpr std::pair<DownloadTarget::Mode, const char *> modeNames[] = {
    {DownloadTarget::Mode::File, "file"},
    {DownloadTarget::Mode::Folder, "folder"},
    {DownloadTarget::Mode::UniqueFolder, "unique-folder"},
};

QString modeName(DownloadTarget::Mode mode)
{
    for (const auto &[value, name] : modeNames)
        if (value == mode)
            return QLatin1String(name);
    return {};
}

std::optional<DownloadTarget::Mode> modeFromName(const QString &text)
{
    for (const auto &[value, name] : modeNames)
        if (text == QLatin1String(name))
            return value;
    return std::nullopt;
}
} // namespace

bool save(const QList<PendingDownload> &items)
{
    const QString file = path();
    if (file.isEmpty())
        return false;
    if (items.isEmpty()) {
        QFile::remove(file);
        return true;
    }
    QJsonArray array;
    for (const PendingDownload &item : items)
        array.append(QJsonObject{{QStringLiteral("report"), item.reportId},
                                 {QStringLiteral("title"), item.title},
                                 {QStringLiteral("mode"), modeName(item.target.mode)},
                                 {QStringLiteral("path"), item.target.path},
                                 {QStringLiteral("overwrite"), item.target.overwrite}});
    return SecureFile::writePrivate(
        file, QJsonDocument(QJsonObject{{QStringLiteral("items"), array}}).toJson(QJsonDocument::Compact));
}

QList<PendingDownload> take()
{
    const QString file = path();
    if (file.isEmpty())
        return {};
    const QByteArray bytes = SecureFile::readPrivate(file, maxBytes);
    QFile::remove(file);
    QList<PendingDownload> items;
    const QJsonArray array = QJsonDocument::fromJson(bytes).object().value(QLatin1String("items")).toArray();
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        PendingDownload item;
        item.reportId = o.value(QLatin1String("report")).toString();
        item.title = o.value(QLatin1String("title")).toString().left(500);
        const std::optional<DownloadTarget::Mode> mode = modeFromName(o.value(QLatin1String("mode")).toString());
        item.target.path = o.value(QLatin1String("path")).toString();
        item.target.overwrite = o.value(QLatin1String("overwrite")).toBool();
        // Only places the application can write to as it would have: a file or a folder, by absolute path.
        if (!json::isPlausibleReportId(item.reportId) || !mode || !QDir::isAbsolutePath(item.target.path))
            continue;
        item.target.mode = *mode;
        items.append(item);
    }
    return items;
}

} // namespace getbill::PendingDownloads
