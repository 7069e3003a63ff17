#include "preview/PreviewCache.h"

#include "download/DownloadHistory.h"
#include "download/PartialDownload.h"
#include "download/SafeFileName.h"
#include "download/SecureFile.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <algorithm>

namespace getbill {

namespace {
constexpr int formatVersion = 1;
constexpr qint64 maxIndexBytes = 4 << 20;
const QLatin1String indexName("index.json");

/// The file name of a report's copy: a hash of the id (ids are the server's: never part of a path) and the
/// extension of the name it would be saved under.
QString keyOf(const QString &reportId)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(reportId.toUtf8(), QCryptographicHash::Sha256).toHex().left(24));
}

bool isCacheFileName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{24}\\.[a-z0-9]{1,10}$"));
    return pattern.match(name).hasMatch();
}

/// Size of a regular file of the user's (not a link, one name); -1 otherwise.
qint64 plainFileSize(const QString &path)
{
    const SecureFile::Identity identity = SecureFile::identityAt(path);
    return identity.device == 0 && identity.inode == 0 ? -1 : identity.size;
}
} // namespace

QString PreviewCache::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QLatin1String("/previews");
}

PreviewCache::PreviewCache(QString folder, qint64 maxBytes, QObject *parent)
    : QObject(parent), m_folder(QDir::cleanPath(QFileInfo(folder).absoluteFilePath())), m_maxBytes(maxBytes)
{}

PreviewCache::~PreviewCache() = default;

bool PreviewCache::open(QString *error)
{
    m_entries.clear();
    m_open = SecureFile::makePrivateFolder(m_folder);
    if (!m_open) {
        if (error)
            *error = QCoreApplication::translate("getbill::PreviewCache",
                                                 "The preview cache %1 is not a private folder of yours; previews "
                                                 "will not be kept.")
                         .arg(QDir::toNativeSeparators(m_folder));
        return false;
    }
    const QDir dir(m_folder);
    const QJsonObject root =
        QJsonDocument::fromJson(SecureFile::readPrivate(dir.filePath(indexName), maxIndexBytes)).object();
    if (root.value(QLatin1String("version")).toInt() == formatVersion) {
        const QJsonArray list = root.value(QLatin1String("entries")).toArray();
        for (const QJsonValue &value : list) {
            const QJsonObject o = value.toObject();
            PreviewCacheEntry entry;
            entry.reportId = o.value(QLatin1String("id")).toString();
            const QString name = o.value(QLatin1String("file")).toString();
            entry.size = qint64(o.value(QLatin1String("size")).toDouble(-1));
            entry.sha256 = o.value(QLatin1String("sha256")).toString();
            entry.generatedAt =
                QDateTime::fromString(o.value(QLatin1String("generated")).toString(), Qt::ISODateWithMs);
            entry.lastUsed = qint64(o.value(QLatin1String("used")).toDouble());
            // Only names the cache itself gives, each once, with the file still as it was recorded.
            if (entry.reportId.isEmpty() || !isCacheFileName(name) || !name.startsWith(keyOf(entry.reportId)) ||
                indexOf(entry.reportId) || entry.sha256.size() != 64)
                continue;
            entry.path = dir.filePath(name);
            if (plainFileSize(entry.path) != entry.size || entry.size < 0)
                continue;
            m_clock = qMax(m_clock, entry.lastUsed);
            m_entries.append(entry);
        }
    }
    // A download for the cache that a crash cut short is not resumed (start-up recovery would otherwise finish it
    // into the cache as if it were a saved report): its record and partial file go.
    const QList<PartialDownload> partials = PartialDownload::all();
    for (const PartialDownload &partial : partials) {
        if (QFileInfo(partial.target).absolutePath() != m_folder)
            continue;
        QLockFile lock(PartialDownload::lockPath(partial.target));
        lock.setStaleLockTime(0);
        if (lock.tryLock(0))
            PartialDownload::discard(partial.target);
    }
    // Whatever the index does not name is a leftover of the cache's own (the folder is private).
    QStringList known;
    for (const PreviewCacheEntry &entry : std::as_const(m_entries))
        known << QFileInfo(entry.path).fileName();
    const QStringList names = dir.entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &name : names)
        if (name != indexName && !known.contains(name))
            removeFile(name);
    evict({});
    save();
    return true;
}

qint64 PreviewCache::totalBytes() const
{
    qint64 total = 0;
    for (const PreviewCacheEntry &entry : m_entries)
        total += entry.size;
    return total;
}

QList<PreviewCacheEntry> PreviewCache::entries() const
{
    QList<PreviewCacheEntry> sorted = m_entries;
    std::sort(sorted.begin(), sorted.end(),
              [](const PreviewCacheEntry &a, const PreviewCacheEntry &b) { return a.lastUsed > b.lastUsed; });
    return sorted;
}

std::optional<qsizetype> PreviewCache::indexOf(const QString &reportId) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].reportId == reportId)
            return i;
    return std::nullopt;
}

bool PreviewCache::matches(const PreviewCacheEntry &entry, const Report &report) const
{
    if (report.fileSize >= 0 && report.fileSize != entry.size)
        return false;
    if (report.generatedAt.isValid() != entry.generatedAt.isValid() ||
        (report.generatedAt.isValid() && report.generatedAt.toUTC() != entry.generatedAt))
        return false;
    return plainFileSize(entry.path) == entry.size;
}

std::optional<PreviewCacheEntry> PreviewCache::find(const Report &report) const
{
    const auto i = indexOf(report.id);
    if (!m_open || !i || !matches(m_entries[*i], report))
        return std::nullopt;
    return m_entries[*i];
}

std::optional<PreviewCacheEntry> PreviewCache::use(const Report &report)
{
    const auto i = indexOf(report.id);
    if (!m_open || !i)
        return std::nullopt;
    if (!matches(m_entries[*i], report)) {
        // Another version of the report, or the file changed: the copy is of no use any more.
        remove(report.id);
        return std::nullopt;
    }
    m_entries[*i].lastUsed = tick();
    save();
    return m_entries[*i];
}

QString PreviewCache::pathFor(const Report &report) const
{
    QString suffix = QFileInfo(SafeFileName::sanitize(report.filename, report.id, report.mimeType)).suffix().toLower();
    static const QRegularExpression plain(QStringLiteral("^[a-z0-9]{1,10}$"));
    if (!plain.match(suffix).hasMatch())
        suffix = QStringLiteral("bin");
    return QDir(m_folder).filePath(keyOf(report.id) + QLatin1Char('.') + suffix);
}

bool PreviewCache::insert(const Report &report, const DownloadRecord &record, quint64 generation)
{
    const QString path = pathFor(report);
    if (QDir::cleanPath(record.path) != path)
        return false; // not a file of the cache: never touched
    if (!m_open || generation != m_generation || record.size > m_maxBytes || plainFileSize(path) != record.size ||
        record.sha256.size() != 64) {
        QFile::remove(path);
        return false;
    }
    PreviewCacheEntry entry;
    entry.reportId = report.id;
    entry.path = path;
    entry.size = record.size;
    entry.sha256 = record.sha256;
    entry.generatedAt = report.generatedAt.isValid() ? report.generatedAt.toUTC() : QDateTime();
    entry.lastUsed = tick();
    if (const auto i = indexOf(report.id))
        m_entries[*i] = entry;
    else
        m_entries.append(entry);
    evict(report.id);
    save();
    emit changed();
    return true;
}

void PreviewCache::remove(const QString &reportId)
{
    const auto i = indexOf(reportId);
    if (!i)
        return;
    removeFile(QFileInfo(m_entries[*i].path).fileName());
    m_entries.removeAt(*i);
    save();
    emit changed();
}

void PreviewCache::clear()
{
    ++m_generation;
    m_entries.clear();
    if (m_open) {
        // Everything in the folder is the cache's: files of finished previews, partial files of running ones (their
        // downloads go on into a name that is gone, and insert() refuses them), the index.
        const QStringList names =
            QDir(m_folder).entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        for (const QString &name : names)
            removeFile(name);
    }
    emit cleared();
    emit changed();
}

qint64 PreviewCache::tick()
{
    m_clock = qMax(m_now ? m_now() : QDateTime::currentMSecsSinceEpoch(), m_clock + 1);
    return m_clock;
}

void PreviewCache::evict(const QString &keep)
{
    while (totalBytes() > m_maxBytes) {
        qsizetype oldest = -1;
        for (qsizetype i = 0; i < m_entries.size(); ++i)
            if (m_entries[i].reportId != keep && (oldest < 0 || m_entries[i].lastUsed < m_entries[oldest].lastUsed))
                oldest = i;
        if (oldest < 0)
            return;
        removeFile(QFileInfo(m_entries[oldest].path).fileName());
        m_entries.removeAt(oldest);
    }
}

void PreviewCache::removeFile(const QString &name) const
{
    // A plain name in the private folder; QFile::remove takes a link away, never what it points to.
    if (!name.isEmpty() && !name.contains(QLatin1Char('/')))
        QFile::remove(QDir(m_folder).filePath(name));
}

bool PreviewCache::save()
{
    if (!m_open)
        return false;
    QJsonArray list;
    for (const PreviewCacheEntry &entry : std::as_const(m_entries))
        list.append(QJsonObject{{QLatin1String("id"), entry.reportId},
                                {QLatin1String("file"), QFileInfo(entry.path).fileName()},
                                {QLatin1String("size"), double(entry.size)},
                                {QLatin1String("sha256"), entry.sha256},
                                {QLatin1String("generated"), entry.generatedAt.toString(Qt::ISODateWithMs)},
                                {QLatin1String("used"), double(entry.lastUsed)}});
    const QJsonObject root{{QLatin1String("version"), formatVersion}, {QLatin1String("entries"), list}};
    return SecureFile::writePrivate(QDir(m_folder).filePath(indexName), QJsonDocument(root).toJson());
}

} // namespace getbill
