#pragma once

#include <QObject>
#include <QStringList>
#include <QUrl>
#include <memory>

class QNetworkAccessManager;
class QSettings;

namespace getbill {
class Account;
class ApiClient;
class Clock;
class DemoService;
class DownloadController;
class DownloadHistory;
class PreviewCache;
class ProxyAuthenticator;
class SecretStore;
class SecretJob;
class Settings;
class SingleInstance;
class StaticToken;
class WatchScheduler;
} // namespace getbill

namespace getbill::gui {

class DesktopIntegration;
class Diagnostics;
class FileLauncher;
class MainWindow;
class SaveLocationChooser;

/// The desktop application, in the spirit of qBittorrent's app/application.cpp: it owns the long-lived parts
/// (settings, network, the account and its keychain, the API client, the download history and controller, the
/// demo host's hand-over, the single-instance channel, the watch rules' scheduler, the window) and runs the flows
/// between them: the first screen, demo data, signing in and out (each account its own watch rules), a change of
/// API address or certificates, ids handed over by a second launch, and picking up downloads a crash left behind
/// once there is a credential to fetch fresh links with.
/// main() only parses the arguments and starts it; tests build it with their own parts.
class Application : public QObject
{
    Q_OBJECT
public:
    /// What the command line says.
    struct Options
    {
        QString apiUrl;       ///< --api-url
        bool demo = false;    ///< --demo
        QStringList handOver; ///< report ids or links
    };
    /// The parts a test replaces; null ones are the production parts (platform settings, the system keychain,
    /// native dialogs, the desktop's file manager).
    struct Parts
    {
        QSettings *settings = nullptr;
        SecretStore *secrets = nullptr;
        SaveLocationChooser *chooser = nullptr;
        FileLauncher *launcher = nullptr;
        DemoService *demo = nullptr;        ///< not owned; null: no demo data offered
        SingleInstance *instance = nullptr; ///< not owned; null: no single-instance channel
        Clock *clock = nullptr;             ///< not owned; the watch rules' time (null: the system clock)
    };

    /// Parses the command line of getbill-reports (exits on --help, --version and usage errors, as Qt's parser
    /// does).
    static Options parseArguments(const QStringList &arguments);

    Application(Options options, Parts parts, QObject *parent = nullptr);
    ~Application() override;

    /// Builds everything, decides the first screen and shows the window. Returns false (with the reason on
    /// standard error) when the API address is refused: the process then exits with status 2.
    bool start();

    MainWindow *window() const { return m_window.get(); }
    Diagnostics *diagnostics() const { return m_diagnostics.get(); }
    ApiClient *api() const { return m_api.get(); }
    Account *account() const { return m_account.get(); }
    DownloadController *downloads() const { return m_downloads.get(); }
    DownloadHistory *history() const { return m_history.get(); }
    PreviewCache *previewCache() const { return m_previews.get(); }
    Settings *settings() const { return m_settings.get(); }
    ProxyAuthenticator *proxy() const { return m_proxy.get(); }
    DesktopIntegration *desktop() const { return m_desktop.get(); }
    WatchScheduler *watch() const { return m_watch.get(); }

public slots:
    /// "Explore with demo data": the demo host, its token and its API; leftovers resume.
    void startDemo();
    /// The sign-in dialog over the window.
    void signIn();
    /// Ids and links a second launch handed over (or this launch's own arguments).
    void handOver(const QStringList &arguments);
    /// File > Quit, the tray's Quit: at once when nothing runs, else the quit question first.
    void quit();

signals:
    /// The saved account was read at start (or found missing): the first screen is final.
    void accountLoaded();
    /// The application is done (main() leaves its event loop): quit, or the last background download ended.
    void finished();

protected:
    /// macOS hands getbill:// links and files to a running application as QFileOpenEvent, possibly before the
    /// window exists: they are kept until it does.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyNetworkOptions();
    void onSignedIn();
    void onSettingsChanged();
    void loadAccount();
    void recoverLeftovers();
    /// Another account is in use (or the first one is known): its watch rules replace the last one's.
    void watchAccount();
    void runWatchRules();
    QString keychainProblem(const SecretJob &job) const;
    bool isBusy() const;
    bool onWindowClose();
    void askBeforeQuitting();
    void finish();
    void saveDiagnostics();

    Options m_options;
    Parts m_parts;
    std::unique_ptr<QSettings> m_ownSettings;
    std::unique_ptr<SecretStore> m_ownSecrets;
    std::unique_ptr<SaveLocationChooser> m_ownChooser;
    std::unique_ptr<FileLauncher> m_ownLauncher;
    std::unique_ptr<Diagnostics> m_diagnostics; ///< first in, last out: it sees the log of everything else
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<ProxyAuthenticator> m_proxy;
    std::unique_ptr<StaticToken> m_token;
    std::unique_ptr<Account> m_account;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<DownloadHistory> m_history;
    std::unique_ptr<PreviewCache> m_previews;
    std::unique_ptr<DownloadController> m_downloads;
    std::unique_ptr<WatchScheduler> m_watch;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<DesktopIntegration> m_desktop;
    bool m_recovered = false;
    bool m_finishing = false; ///< the window may close now
    bool m_asking = false;    ///< the quit question is open
    QStringList m_opened;     ///< links that arrived before the window
};

} // namespace getbill::gui
