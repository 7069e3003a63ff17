#include "download/DownloadHistory.h"

#include "download/Sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace getbill {

namespace {
constexpr int formatVersion = 1;
// A history of maxRecords entries is well below this; anything larger is not ours.
constexpr qint64 maxFileBytes = 16 * 1024 * 1024;

QJsonObject toJson(const DownloadRecord &r)
{
    return QJsonObject{
        {QStringLiteral("id"), r.reportId},   {QStringLiteral("filename"), r.filename},
        {QStringLiteral("path"), r.path},     {QStringLiteral("size"), double(r.size)},
        {QStringLiteral("sha256"), r.sha256}, {QStringLiteral("time"), r.finishedAt.toUTC().toString(Qt::ISODate)}};
}

std::optional<DownloadRecord> fromJson(const QJsonObject &o)
{
    DownloadRecord r;
    r.reportId = o.value(QLatin1String("id")).toString();
    r.filename = o.value(QLatin1String("filename")).toString();
    r.path = o.value(QLatin1String("path")).toString();
    r.size = qint64(o.value(QLatin1String("size")).toDouble(-1));
    r.sha256 = o.value(QLatin1String("sha256")).toString();
    r.finishedAt = QDateTime::fromString(o.value(QLatin1String("time")).toString(), Qt::ISODate);
    if (!r.isValid())
        return std::nullopt;
    return r;
}
} // namespace

DownloadHistory::DownloadHistory(QString filePath, QObject *parent) : QObject(parent), m_filePath(std::move(filePath))
{}

QString DownloadHistory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QLatin1String("/getbill-reports/download-history.json");
}

bool DownloadHistory::load(QString *error)
{
    m_records.clear();
    QFile file(m_filePath);
    if (!file.exists()) {
        emit changed();
        return true;
    }
    const auto damaged = [&](const QString &why) {
        file.close();
        QFile::remove(m_filePath + QLatin1String(".bad"));
        QFile::rename(m_filePath, m_filePath + QLatin1String(".bad"));
        if (error)
            *error = tr("The download history %1 could not be read (%2); a new one was started.")
                         .arg(QDir::toNativeSeparators(m_filePath), why);
        emit changed();
        return false;
    };
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot read the download history %1: %2")
                         .arg(QDir::toNativeSeparators(m_filePath), file.errorString());
        return false;
    }
    if (file.size() > maxFileBytes)
        return damaged(tr("too large"));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return damaged(tr("not a history file"));
    const QJsonArray items = doc.object().value(QLatin1String("downloads")).toArray();
    for (const QJsonValue &v : items)
        if (const auto record = fromJson(v.toObject()))
            m_records.append(*record);
    emit changed();
    return true;
}

bool DownloadHistory::add(const DownloadRecord &record, QString *error)
{
    m_records.append(record);
    while (m_records.size() > maxRecords)
        m_records.removeFirst();
    emit changed();
    return save(error);
}

bool DownloadHistory::remove(const QString &path, const QDateTime &finishedAt, QString *error)
{
    const qsizetype removed = m_records.removeIf([&](const DownloadRecord &r) {
        return r.path == path && (!finishedAt.isValid() || r.finishedAt == finishedAt);
    });
    if (removed == 0)
        return true;
    emit changed();
    return save(error);
}

bool DownloadHistory::clear(QString *error)
{
    m_records.clear();
    emit changed();
    return save(error);
}

bool DownloadHistory::contains(const QString &reportId) const
{
    return latest(reportId).has_value();
}

std::optional<DownloadRecord> DownloadHistory::latest(const QString &reportId) const
{
    for (auto it = m_records.crbegin(); it != m_records.crend(); ++it)
        if (it->reportId == reportId)
            return *it;
    return std::nullopt;
}

std::optional<DownloadRecord> DownloadHistory::savedCopy(const QString &reportId, const QString &folder) const
{
    const QString inFolder = folder.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
    for (auto it = m_records.crbegin(); it != m_records.crend(); ++it) {
        if (it->reportId != reportId)
            continue;
        const QFileInfo file(it->path);
        if (!inFolder.isEmpty() && file.absolutePath() != inFolder)
            continue;
        if (file.isFile() && (it->size < 0 || file.size() == it->size))
            return *it;
    }
    return std::nullopt;
}

bool DownloadHistory::save(QString *error)
{
    QJsonArray items;
    for (const DownloadRecord &r : m_records)
        items.append(toJson(r));
    const QJsonObject root{{QStringLiteral("version"), formatVersion}, {QStringLiteral("downloads"), items}};
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 ||
        !file.commit()) {
        if (error)
            *error = tr("Cannot save the download history %1: %2")
                         .arg(QDir::toNativeSeparators(m_filePath), file.errorString());
        return false;
    }
    return true;
}

QString DownloadHistory::sha256OfFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    Sha256 hash;
    if (!hash.addData(&file))
        return {};
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace getbill
