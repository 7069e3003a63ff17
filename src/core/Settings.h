#pragma once

#include "download/WatchRule.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

class QSettings;

namespace getbill {

/// Typed access to the application's preferences over a QSettings the caller owns (main() passes the real one,
/// tests an INI file in a temporary folder). It deliberately has no setter for anything secret: tokens and client
/// secrets live in the keychain, and signed download links are never persisted.
class Settings
{
public:
    /// What happens when the user downloads a report.
    enum class SaveMode
    {
        AskEveryTime,   ///< the native save dialog, opened in the last used folder
        AlwaysToFolder, ///< straight into downloadFolder(), "name (1).pdf" when taken
    };

    static constexpr int minConcurrent = 1;
    static constexpr int maxConcurrentLimit = 8;
    static constexpr int defaultConcurrent = 3;
    /// How often watch rules look for new reports, in minutes.
    static constexpr int minWatchInterval = 5;
    static constexpr int maxWatchInterval = 24 * 60;
    static constexpr int defaultWatchInterval = 15;

    explicit Settings(QSettings *store);

    /// Empty when the user never chose one (the caller then uses ApiClient::defaultBaseUrl()).
    QUrl apiUrl() const;
    /// Refuses (returns false, keeps the old value) URLs that are neither https nor loopback http, so a typo in
    /// an edited settings file cannot send the token in clear text.
    bool setApiUrl(const QUrl &url);

    SaveMode saveMode() const;
    void setSaveMode(SaveMode mode);
    /// The folder of SaveMode::AlwaysToFolder; defaults to the user's Downloads folder.
    QString downloadFolder() const;
    void setDownloadFolder(const QString &folder);
    /// Where the save dialog opens: the folder of the last file saved, else downloadFolder().
    QString lastSaveFolder() const;
    void setLastSaveFolder(const QString &folder);

    /// Clamped to [minConcurrent, maxConcurrentLimit].
    int maxConcurrentDownloads() const;
    void setMaxConcurrentDownloads(int n);

    /// A PEM file of extra trusted CAs (corporate proxies); empty for the system's only.
    QString caBundlePath() const;
    void setCaBundlePath(const QString &path);

    /// Closing the window while downloads run keeps the application in the tray (when there is one). Default on.
    bool keepRunningInTray() const;
    void setKeepRunningInTray(bool keep);
    /// Whether the user was told once that the application keeps downloading in the tray.
    bool trayNoticeShown() const;
    void setTrayNoticeShown(bool shown);

    /// The watch rules of an account (`account`: ApiClient::accountKey(), the API URL, or "demo"). Another
    /// account's rules are another list.
    QList<WatchRule> watchRules(const QString &account) const;
    void setWatchRules(const QString &account, const QList<WatchRule> &rules);
    /// Minutes between two checks of the watch rules, clamped to [minWatchInterval, maxWatchInterval].
    int watchIntervalMinutes() const;
    void setWatchIntervalMinutes(int minutes);
    /// The language of the interface: empty for the system's, else one of Translations::languages() (a code this
    /// version does not know reads as empty). Read at start: a change applies at the next start.
    QString language() const;
    void setLanguage(const QString &language);

    // Window state, opaque blobs from QWidget/QHeaderView.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &state);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QByteArray tableHeaderState() const;
    void setTableHeaderState(const QByteArray &state);

    void sync();

private:
    QSettings *m_store;
};

} // namespace getbill
