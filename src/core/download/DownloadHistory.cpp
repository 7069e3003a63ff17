#include "download/DownloadHistory.h"

#include "api/ApiClient.h"
#include "download/Sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

#ifdef Q_OS_UNIX
#include <sys/stat.h>
#endif

namespace getbill {

namespace {
constexpr int formatVersion = 1;
// Compaction keeps the newest record of every report and folder, so the file may pass maxRecords: ~250 bytes a
// record, this is a quarter of a million. Anything larger is not ours.
constexpr qint64 maxFileBytes = 64 * 1024 * 1024;

QJsonObject toJson(const DownloadRecord &r)
{
    QJsonObject o{
        {QStringLiteral("id"), r.reportId},   {QStringLiteral("filename"), r.filename},
        {QStringLiteral("path"), r.path},     {QStringLiteral("size"), double(r.size)},
        {QStringLiteral("sha256"), r.sha256}, {QStringLiteral("time"), r.finishedAt.toUTC().toString(Qt::ISODate)}};
    if (!r.apiUrl.isEmpty())
        o.insert(QStringLiteral("apiUrl"), r.apiUrl);
    if (r.unlisted)
        o.insert(QStringLiteral("unlisted"), true);
    if (!r.origin.isEmpty())
        o.insert(QStringLiteral("origin"), r.origin);
    return o;
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
    r.apiUrl = o.value(QLatin1String("apiUrl")).toString();
    r.unlisted = o.value(QLatin1String("unlisted")).toBool();
    r.origin = o.value(QLatin1String("origin")).toString();
    if (!r.isValid())
        return std::nullopt;
    return r;
}

QString accountOf(const QString &apiUrl)
{
    QString key = apiUrl.isEmpty() ? DownloadHistory::defaultApiUrl() : apiUrl;
    while (key.endsWith(QLatin1Char('/')))
        key.chop(1);
    return key;
}

QString cleanAbsolute(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}
} // namespace

DownloadHistory::DownloadHistory(QString filePath, QObject *parent) : QObject(parent), m_filePath(std::move(filePath))
{}

QString DownloadHistory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QLatin1String("/getbill-reports/download-history.json");
}

QString DownloadHistory::defaultApiUrl()
{
    return ApiClient::defaultBaseUrl().toString();
}

DownloadHistory::Stamp DownloadHistory::stampNow() const
{
    Stamp stamp;
#ifdef Q_OS_UNIX
    // QSaveFile gives every save a new inode: a change is seen even within the same millisecond and size.
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(m_filePath).constData(), &st) != 0)
        return stamp;
    stamp.inode = quint64(st.st_ino);
#endif
    const QFileInfo info(m_filePath);
    if (!info.exists())
        return {};
    stamp.size = info.size();
    stamp.modifiedMs = info.lastModified().toMSecsSinceEpoch();
    return stamp;
}

DownloadHistory::Read DownloadHistory::readFile(QList<DownloadRecord> *records, QString *why) const
{
    records->clear();
    QFile file(m_filePath);
    if (!file.exists())
        return Read::Missing;
    if (!file.open(QIODevice::ReadOnly)) {
        *why = file.errorString();
        return Read::Unreadable;
    }
    if (file.size() > maxFileBytes) {
        *why = tr("too large");
        return Read::Damaged;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *why = tr("not a history file");
        return Read::Damaged;
    }
    const QJsonArray items = doc.object().value(QLatin1String("downloads")).toArray();
    for (const QJsonValue &v : items)
        if (const auto record = fromJson(v.toObject()))
            records->append(*record);
    return Read::Ok;
}

bool DownloadHistory::load(QString *error)
{
    m_records.clear();
    const Stamp stamp = stampNow();
    QString why;
    const Read read = readFile(&m_records, &why);
    if (read == Read::Unreadable) {
        if (error)
            *error = tr("Cannot read the download history %1: %2").arg(QDir::toNativeSeparators(m_filePath), why);
        return false;
    }
    m_stamp = stamp;
    if (read == Read::Damaged) {
        // Under the writers' lock: a writer that re-reads must not see the file vanish half-way.
        QLockFile lock(lockPath());
        lock.setStaleLockTime(0);
        const bool locked = lock.tryLock(m_lockTimeoutMs);
        if (stampNow() == stamp) {
            QFile::remove(m_filePath + QLatin1String(".bad"));
            QFile::rename(m_filePath, m_filePath + QLatin1String(".bad"));
            m_stamp = {};
        }
        if (locked)
            lock.unlock();
        if (error)
            *error = tr("The download history %1 could not be read (%2); a new one was started.")
                         .arg(QDir::toNativeSeparators(m_filePath), why);
        emit changed();
        return false;
    }
    emit changed();
    return true;
}

bool DownloadHistory::reloadIfChanged()
{
    const Stamp stamp = stampNow();
    if (stamp == m_stamp)
        return false;
    QList<DownloadRecord> records;
    QString why;
    const Read read = readFile(&records, &why);
    if (read != Read::Ok && read != Read::Missing)
        return false; // a writer's business; what we have stays
    m_records = records + m_unsaved;
    m_stamp = stamp;
    emit changed();
    return true;
}

bool DownloadHistory::change(const std::function<void(QList<DownloadRecord> &)> &edit, QString *error)
{
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QLockFile lock(lockPath());
    // A lock whose process is gone is stale and taken over at once; a live writer holds it for milliseconds.
    lock.setStaleLockTime(0);
    if (!lock.tryLock(m_lockTimeoutMs)) {
        edit(m_records);
        const QString message =
            lock.error() == QLockFile::LockFailedError
                ? tr("The download history %1 is locked by another program; the change is kept in memory.")
                      .arg(QDir::toNativeSeparators(m_filePath))
                : tr("Cannot lock the download history %1: its folder cannot be written.")
                      .arg(QDir::toNativeSeparators(m_filePath));
        if (error)
            *error = message;
        emit changed();
        emit saveFailed(message);
        return false;
    }
    // Another writer may have added records since we read the file: start from the file, not from memory.
    if (stampNow() != m_stamp) {
        QList<DownloadRecord> records;
        QString why;
        const Read read = readFile(&records, &why);
        if (read == Read::Ok || read == Read::Missing)
            m_records = records + m_unsaved;
    }
    edit(m_records);
    m_records = compacted(m_records);
    emit changed();
    QString why;
    const bool saved = save(&why);
    lock.unlock();
    if (!saved) {
        if (error)
            *error = why;
        emit saveFailed(why);
    }
    return saved;
}

bool DownloadHistory::add(const DownloadRecord &record, QString *error)
{
    return change(
        [this, &record](QList<DownloadRecord> &records) {
            records.append(record);
            m_unsaved.append(record);
        },
        error);
}

bool DownloadHistory::unlist(const QString &path, QString *error)
{
    const QString clean = QDir::cleanPath(path);
    const auto edit = [&clean](QList<DownloadRecord> &records) {
        for (DownloadRecord &r : records)
            if (QDir::cleanPath(r.path) == clean)
                r.unlisted = true;
    };
    return change(
        [this, &edit](QList<DownloadRecord> &records) {
            edit(records);
            edit(m_unsaved);
        },
        error);
}

bool DownloadHistory::unlistAll(QString *error)
{
    const auto edit = [](QList<DownloadRecord> &records) {
        for (DownloadRecord &r : records)
            r.unlisted = true;
    };
    return change(
        [this, &edit](QList<DownloadRecord> &records) {
            edit(records);
            edit(m_unsaved);
        },
        error);
}

bool DownloadHistory::clear(QString *error)
{
    return change(
        [this](QList<DownloadRecord> &records) {
            records.clear();
            m_unsaved.clear();
        },
        error);
}

QList<DownloadRecord> DownloadHistory::compacted(QList<DownloadRecord> records, int limit)
{
    if (records.size() <= limit)
        return records;
    // Newest last: walking back, the first record of a key is the one to keep; the others are superseded.
    QSet<QString> seen;
    QList<bool> superseded(records.size(), false);
    qsizetype droppable = 0;
    for (qsizetype i = records.size() - 1; i >= 0; --i) {
        const DownloadRecord &r = records.at(i);
        const QString key =
            accountOf(r.apiUrl) + QLatin1Char('\n') + r.reportId + QLatin1Char('\n') + QFileInfo(r.path).absolutePath();
        if (seen.contains(key)) {
            superseded[i] = true;
            ++droppable;
        } else {
            seen.insert(key);
        }
    }
    qsizetype toDrop = std::min<qsizetype>(droppable, records.size() - limit);
    QList<DownloadRecord> kept;
    kept.reserve(records.size() - toDrop);
    for (qsizetype i = 0; i < records.size(); ++i) {
        if (superseded.at(i) && toDrop > 0) {
            --toDrop;
            continue;
        }
        kept.append(records.at(i));
    }
    return kept;
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
    const QString inFolder = folder.isEmpty() ? QString() : cleanAbsolute(folder);
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

std::optional<DownloadRecord> DownloadHistory::recordIn(const QString &reportId, const QString &rootFolder,
                                                        const QString &apiUrl) const
{
    const QString root = cleanAbsolute(rootFolder);
    const QString prefix = root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/');
    const QString account = accountOf(apiUrl);
    for (auto it = m_records.crbegin(); it != m_records.crend(); ++it) {
        if (it->reportId != reportId || accountOf(it->apiUrl) != account)
            continue;
        if (cleanAbsolute(it->path).startsWith(prefix))
            return *it;
    }
    return std::nullopt;
}

bool DownloadHistory::save(QString *error)
{
    QJsonArray items;
    for (const DownloadRecord &r : std::as_const(m_records))
        items.append(toJson(r));
    const QJsonObject root{{QStringLiteral("version"), formatVersion}, {QStringLiteral("downloads"), items}};
    QSaveFile file(m_filePath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0 ||
        !file.commit()) {
        if (error)
            *error = tr("Cannot save the download history %1: %2")
                         .arg(QDir::toNativeSeparators(m_filePath), file.errorString());
        return false;
    }
    m_stamp = stampNow();
    m_unsaved.clear(); // in the file now
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
