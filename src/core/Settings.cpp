#include "Settings.h"

#include "Translations.h"
#include "api/UrlPolicy.h"

#include <QSettings>
#include <QStandardPaths>

namespace getbill {

namespace {
// Key names live here only: one place to see everything the application stores (and that none is a secret).
const QString ApiUrlKey = QStringLiteral("api/url");
const QString SaveModeKey = QStringLiteral("downloads/saveMode");
const QString DownloadFolderKey = QStringLiteral("downloads/folder");
const QString LastFolderKey = QStringLiteral("downloads/lastFolder");
const QString ConcurrentKey = QStringLiteral("downloads/maxConcurrent");
const QString CaBundleKey = QStringLiteral("network/caBundle");
const QString KeepInTrayKey = QStringLiteral("window/keepRunningInTray");
const QString TrayNoticeKey = QStringLiteral("window/trayNoticeShown");
const QString LanguageKey = QStringLiteral("window/language");
const QString GeometryKey = QStringLiteral("window/geometry");
const QString WindowStateKey = QStringLiteral("window/state");
const QString HeaderKey = QStringLiteral("window/reportTableHeader");
const QString WatchIntervalKey = QStringLiteral("watch/intervalMinutes");

/// The settings group of an account's watch rules: its key percent-encoded, since "/" separates groups.
QString watchGroup(const QString &account)
{
    return QStringLiteral("watch/") + QString::fromLatin1(QUrl::toPercentEncoding(account)) + QStringLiteral("/rules");
}
} // namespace

Settings::Settings(QSettings *store) : m_store(store)
{}

QUrl Settings::apiUrl() const
{
    const QUrl url(m_store->value(ApiUrlKey).toString());
    // A hand-edited file may hold anything: only hand out what ApiClient would accept.
    return url.isValid() && UrlPolicy::isAllowed(url) ? url : QUrl();
}

bool Settings::setApiUrl(const QUrl &url)
{
    if (url.isEmpty()) {
        m_store->remove(ApiUrlKey);
        return true;
    }
    if (!url.isValid() || !UrlPolicy::isAllowed(url))
        return false;
    m_store->setValue(ApiUrlKey, UrlPolicy::redacted(url));
    return true;
}

Settings::SaveMode Settings::saveMode() const
{
    return m_store->value(SaveModeKey).toString() == QLatin1String("folder") ? SaveMode::AlwaysToFolder
                                                                             : SaveMode::AskEveryTime;
}

void Settings::setSaveMode(SaveMode mode)
{
    m_store->setValue(SaveModeKey, mode == SaveMode::AlwaysToFolder ? QStringLiteral("folder") : QStringLiteral("ask"));
}

QString Settings::downloadFolder() const
{
    const QString folder = m_store->value(DownloadFolderKey).toString();
    return folder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::DownloadLocation) : folder;
}

void Settings::setDownloadFolder(const QString &folder)
{
    m_store->setValue(DownloadFolderKey, folder);
}

QString Settings::lastSaveFolder() const
{
    const QString folder = m_store->value(LastFolderKey).toString();
    return folder.isEmpty() ? downloadFolder() : folder;
}

void Settings::setLastSaveFolder(const QString &folder)
{
    m_store->setValue(LastFolderKey, folder);
}

int Settings::maxConcurrentDownloads() const
{
    bool ok = false;
    const int n = m_store->value(ConcurrentKey).toInt(&ok);
    return ok ? qBound(minConcurrent, n, maxConcurrentLimit) : defaultConcurrent;
}

void Settings::setMaxConcurrentDownloads(int n)
{
    m_store->setValue(ConcurrentKey, qBound(minConcurrent, n, maxConcurrentLimit));
}

bool Settings::keepRunningInTray() const
{
    return m_store->value(KeepInTrayKey, true).toBool();
}

void Settings::setKeepRunningInTray(bool keep)
{
    m_store->setValue(KeepInTrayKey, keep);
}

QString Settings::language() const
{
    const QString language = m_store->value(LanguageKey).toString();
    return Translations::languages().contains(language) ? language : QString();
}

void Settings::setLanguage(const QString &language)
{
    if (Translations::languages().contains(language))
        m_store->setValue(LanguageKey, language);
    else
        m_store->remove(LanguageKey);
}

bool Settings::trayNoticeShown() const
{
    return m_store->value(TrayNoticeKey, false).toBool();
}

void Settings::setTrayNoticeShown(bool shown)
{
    m_store->setValue(TrayNoticeKey, shown);
}

QString Settings::caBundlePath() const
{
    return m_store->value(CaBundleKey).toString();
}

void Settings::setCaBundlePath(const QString &path)
{
    if (path.isEmpty())
        m_store->remove(CaBundleKey);
    else
        m_store->setValue(CaBundleKey, path);
}

QList<WatchRule> Settings::watchRules(const QString &account) const
{
    QList<WatchRule> rules;
    const int n = m_store->beginReadArray(watchGroup(account));
    for (int i = 0; i < n; ++i) {
        m_store->setArrayIndex(i);
        WatchRule rule;
        rule.name = m_store->value(QStringLiteral("name")).toString();
        rule.types = WatchRule::parseTypes(m_store->value(QStringLiteral("types")).toString());
        rule.folder = m_store->value(QStringLiteral("folder")).toString();
        rule.templateText = m_store->value(QStringLiteral("template"), SyncTemplate::defaultText()).toString();
        rule.enabled = m_store->value(QStringLiteral("enabled"), true).toBool();
        rules << rule;
    }
    m_store->endArray();
    return rules;
}

void Settings::setWatchRules(const QString &account, const QList<WatchRule> &rules)
{
    m_store->remove(watchGroup(account));
    m_store->beginWriteArray(watchGroup(account), int(rules.size()));
    for (int i = 0; i < rules.size(); ++i) {
        m_store->setArrayIndex(i);
        const WatchRule &rule = rules.at(i);
        m_store->setValue(QStringLiteral("name"), rule.name);
        m_store->setValue(QStringLiteral("types"), rule.types.join(QLatin1Char(',')));
        m_store->setValue(QStringLiteral("folder"), rule.folder);
        m_store->setValue(QStringLiteral("template"), rule.templateText);
        m_store->setValue(QStringLiteral("enabled"), rule.enabled);
    }
    m_store->endArray();
}

int Settings::watchIntervalMinutes() const
{
    bool ok = false;
    const int n = m_store->value(WatchIntervalKey).toInt(&ok);
    return ok ? qBound(minWatchInterval, n, maxWatchInterval) : defaultWatchInterval;
}

void Settings::setWatchIntervalMinutes(int minutes)
{
    m_store->setValue(WatchIntervalKey, qBound(minWatchInterval, minutes, maxWatchInterval));
}

QByteArray Settings::windowGeometry() const
{
    return m_store->value(GeometryKey).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray &state)
{
    m_store->setValue(GeometryKey, state);
}

QByteArray Settings::windowState() const
{
    return m_store->value(WindowStateKey).toByteArray();
}

void Settings::setWindowState(const QByteArray &state)
{
    m_store->setValue(WindowStateKey, state);
}

QByteArray Settings::tableHeaderState() const
{
    return m_store->value(HeaderKey).toByteArray();
}

void Settings::setTableHeaderState(const QByteArray &state)
{
    m_store->setValue(HeaderKey, state);
}

void Settings::sync()
{
    m_store->sync();
}

} // namespace getbill
