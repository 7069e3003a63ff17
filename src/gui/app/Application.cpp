#include "Application.h"

#include "ApiAddress.h"
#include "DemoService.h"
#include "DesktopIntegration.h"
#include "Diagnostics.h"
#include "FileLauncher.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ProxyDialog.h"
#include "QuitQuestion.h"
#include "ReportIcons.h"
#include "ReportLink.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "SignInDialog.h"
#include "SingleInstance.h"
#include "api/ApiClient.h"
#include "api/UrlPolicy.h"
#include "auth/Account.h"
#include "auth/KeychainSecretStore.h"
#include "auth/TokenProvider.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/WatchScheduler.h"
#include "net/ProxyAuthenticator.h"
#include "preview/PreviewCache.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileOpenEvent>
#include <QGuiApplication>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QTimer>
#include <cstdio>

namespace getbill::gui {

Application::Options Application::parseArguments(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Lists and downloads your GetBill reports."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption apiUrl(QStringLiteral("api-url"), tr("GetBill API address (https, or loopback)."),
                                    QStringLiteral("URL"));
    const QCommandLineOption demo(QStringLiteral("demo"), tr("Explore with demo data (local sandbox)."));
    parser.addOption(apiUrl);
    parser.addOption(demo);
    parser.addPositionalArgument(QStringLiteral("reports"), tr("Report ids or getbill://report/ID links to download."),
                                 QStringLiteral("[ID|LINK...]"));
    parser.process(arguments);
    return {parser.value(apiUrl), parser.isSet(demo), parser.positionalArguments()};
}

Application::Application(Options options, Parts parts, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_parts(parts)
{
    if (!m_parts.settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_parts.settings = m_ownSettings.get();
    }
    if (!m_parts.secrets) {
        m_ownSecrets = std::make_unique<KeychainSecretStore>();
        m_parts.secrets = m_ownSecrets.get();
    }
    if (!m_parts.chooser) {
        m_ownChooser = std::make_unique<NativeSaveLocationChooser>();
        m_parts.chooser = m_ownChooser.get();
    }
    if (!m_parts.launcher) {
        m_ownLauncher = std::make_unique<DesktopFileLauncher>();
        m_parts.launcher = m_ownLauncher.get();
    }
    m_diagnostics = std::make_unique<Diagnostics>();
    QCoreApplication::instance()->installEventFilter(this);
}

bool Application::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FileOpen && watched == QCoreApplication::instance()) {
        const auto *open = static_cast<QFileOpenEvent *>(event);
        const QString link = open->url().isLocalFile() ? open->file() : open->url().toString();
        if (m_window)
            handOver({link});
        else
            m_opened << link;
        return true;
    }
    return QObject::eventFilter(watched, event);
}

Application::~Application()
{
    // Quitting cancels what is still running: the jobs remove their partial files (issue: quit asks first).
    if (m_downloads)
        m_downloads->cancelAll();
    m_desktop.reset();
    m_window.reset();
}

bool Application::start()
{
    m_settings = std::make_unique<Settings>(m_parts.settings);
    m_network = std::make_unique<QNetworkAccessManager>();
    // Companies' proxies: the system's settings; a proxy that asks gets the user's answer, once per session.
    ProxyAuthenticator::useSystemProxies();
    m_proxy = std::make_unique<ProxyAuthenticator>(m_network.get());
    m_proxy->setAsker([this](const QString &proxy, QString *user, QString *password) {
        return ProxyDialog::ask(m_window.get(), proxy, user, password);
    });
    // Three ways to a token: GETBILL_TOKEN (scripts, CI), the demo's, or the account kept in the keychain. The
    // variable is read once and removed, so file viewers and xdg-open started from here do not inherit it.
    m_token = std::make_unique<StaticToken>(qEnvironmentVariable("GETBILL_TOKEN").trimmed());
    qunsetenv("GETBILL_TOKEN");
    m_account = std::make_unique<Account>(m_parts.secrets, m_network.get());
    m_api = std::make_unique<ApiClient>(m_network.get(), m_token.get());

    const QUrl apiUrl =
        ApiAddress::choose(m_options.apiUrl, qEnvironmentVariable("GETBILL_API_URL"), m_settings->apiUrl());
    if (!m_api->setBaseUrl(apiUrl)) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(tr("The API address %1 is refused: use https (or http on this computer only).")
                                    .arg(UrlPolicy::redacted(apiUrl))));
        return false;
    }
    m_account->setApiUrl(m_api->baseUrl());
    if (qEnvironmentVariableIsSet("GETBILL_TOKEN_URL"))
        m_account->setTokenUrl(ApiAddress::tokenUrl(m_api->baseUrl(), qEnvironmentVariable("GETBILL_TOKEN_URL")));

    // One history for the window and the CLI: what was saved where, shown on the report rows.
    m_history = std::make_unique<DownloadHistory>(DownloadHistory::defaultPath());
    QString historyError;
    m_history->load(&historyError);
    m_downloads = std::make_unique<DownloadController>(m_api.get(), m_history.get());
    // What the preview downloads stays in a private, bounded cache until the user signs out; saving a report that
    // is there copies it instead of asking GetBill again (it is opened once the window shows).
    m_previews = std::make_unique<PreviewCache>(PreviewCache::defaultFolder());
    m_downloads->setPreviewCache(m_previews.get());
    m_downloads->queue()->setMaxConcurrent(m_settings->maxConcurrentDownloads());

    // Watch rules run beside the window's own downloads, each run with a client of its own (WatchScheduler).
    m_watch = std::make_unique<WatchScheduler>(m_api.get(), m_history.get(), m_parts.clock);
    m_watch->setIntervalMinutes(m_settings->watchIntervalMinutes());

    m_window = std::make_unique<MainWindow>(m_api.get(), m_downloads.get(), m_settings.get(), m_parts.chooser,
                                            m_parts.launcher);
    m_window->setWatch(m_watch.get());
    m_window->setHistory(m_history.get());
    m_window->setDemoAvailable(m_parts.demo != nullptr);
    m_window->reportsView()->setPreviewCache(m_previews.get());

    connect(m_window.get(), &MainWindow::demoRequested, this, &Application::startDemo);
    connect(m_window.get(), &MainWindow::signInRequested, this, &Application::signIn);
    connect(m_window.get(), &MainWindow::settingsChanged, this, &Application::onSettingsChanged);
    connect(m_window.get(), &MainWindow::quitRequested, this, &Application::quit);
    connect(m_window.get(), &MainWindow::saveDiagnosticsRequested, this, &Application::saveDiagnostics);
    m_diagnostics->watch(m_window->messageBar(), m_downloads->queue());
    m_window->setCloseGuard([this] { return onWindowClose(); });
    connect(m_window.get(), &MainWindow::watchRunRequested, this, &Application::runWatchRules);
    connect(m_window.get(), &MainWindow::closed, this, &Application::finish);
    // Logging out with downloads running: what arrived is kept for the next start, as "resume later" does.
    connect(qApp, &QGuiApplication::commitDataRequest, this, [this] {
        if (isBusy())
            m_downloads->queue()->suspendAll();
    });
    // GetBill stopped accepting the account (revoked client, expired token): say so and offer to sign in again.
    connect(m_account.get(), &Account::signedOut, this, [this](const ApiError &reason) {
        m_previews->clear();
        m_watch->stop();
        m_window->messageBar()->showMessage(MessageBar::Level::Error,
                                            tr("You were signed out: %1").arg(reason.message()), tr("Sign in…"),
                                            [this] { signIn(); });
    });
    if (m_parts.instance)
        connect(m_parts.instance, &SingleInstance::argumentsReceived, this, &Application::handOver);

    // The window shows as soon as it has its first page (issue 10: time to the first window). What its first
    // frame does not need follows at once, before the event loop paints that frame: the icons (every size decoded,
    // all of them sent to the X server), the preview cache, the certificates (TLS backend and CA bundle), the tray
    // and notifications (D-Bus), and only then the first requests, once the certificates are in place.
    if (m_options.demo) {
        // The demo host (the sandbox makes its sample files) starts once the event loop runs.
        m_window->setDemoMode(true);
        m_window->showReports(false);
    } else if (m_token->hasToken()) {
        m_window->showReports(false);
    } else {
        m_window->showWelcome();
    }
    m_window->show();

    QApplication::setWindowIcon(ReportIcons::application()); // every window's, the tray's too
    m_previews->open();
    applyNetworkOptions();
    if (!historyError.isEmpty())
        m_window->messageBar()->showMessage(MessageBar::Level::Warning, historyError);
    m_desktop =
        std::make_unique<DesktopIntegration>(m_window.get(), m_downloads->queue(), m_settings.get(), m_parts.launcher);
    connect(m_desktop.get(), &DesktopIntegration::quitRequested, this, &Application::quit);
    connect(m_watch.get(), &WatchScheduler::runFinished, m_desktop.get(), &DesktopIntegration::watchRunFinished);

    if (m_options.demo) {
        QTimer::singleShot(0, this, &Application::startDemo);
    } else if (m_token->hasToken()) {
        m_window->showReports(); // loads the list
        recoverLeftovers();
        watchAccount();
    } else {
        // The keychain answers asynchronously (it may even ask to unlock it): the welcome page shows meanwhile,
        // and the reports once the saved account is back.
        loadAccount();
    }
    handOver(m_options.handOver + std::exchange(m_opened, {}));
    return true;
}

QString Application::keychainProblem(const SecretJob &job) const
{
    return tr("%1 You can sign in and keep the credential for this session only.").arg(job.result().message);
}

void Application::loadAccount()
{
    startJob(this, m_account->load(), [this](SecretJob *job) {
        if (!m_window->isDemoMode()) {
            if (job->result().isOk()) {
                m_api->setTokens(m_account.get());
                m_window->showReports();
                recoverLeftovers();
                watchAccount();
            } else if (job->result().isUnavailable()) {
                m_window->messageBar()->showError(keychainProblem(*job));
            }
        }
        emit accountLoaded();
    });
}

void Application::applyNetworkOptions()
{
    // The CA bundle of GETBILL_CA_BUNDLE wins over the setting, as for the CLI.
    NetworkOptions options = m_api->options();
    options.ssl.reset();
    const QString bundle = qEnvironmentVariableIsSet("GETBILL_CA_BUNDLE") ? qEnvironmentVariable("GETBILL_CA_BUNDLE")
                                                                          : m_settings->caBundlePath();
    QString error;
    if (!bundle.isEmpty() && !options.addCaBundle(bundle, &error))
        m_window->messageBar()->showError(error);
    else
        m_api->setOptions(options);
    m_account->setOptions(m_api->options());
    // New CAs must be checked afresh: Qt would resume TLS sessions verified under the old ones.
    m_network->clearConnectionCache();
}

void Application::recoverLeftovers()
{
    // A download cut short by a crash or a power cut: continue it, once there is a credential to fetch fresh links
    // with (never before: a failed attempt would remove what can still be resumed).
    if (std::exchange(m_recovered, true))
        return;
    m_downloads->recoverLeftovers();
}

void Application::startDemo()
{
    QString error;
    if (!m_parts.demo || !m_parts.demo->start(&error)) {
        m_window->messageBar()->showError(m_parts.demo ? error : tr("Demo data is not available in this build."));
        return;
    }
    m_window->clearReports();
    m_api->setBaseUrl(m_parts.demo->apiUrl());
    m_token->setToken(m_parts.demo->token());
    m_api->setTokens(m_token.get());
    // Its port changes from run to run: the history and the watch rules know the demo by name, as the CLI does.
    m_api->setAccountKey(QStringLiteral("demo"));
    m_window->setDemoMode(true);
    m_window->showReports();
    recoverLeftovers();
    watchAccount();
}

void Application::signIn()
{
    // The dialog moves the client to the account's API only once the credential passed its test: closing it leaves
    // the demo (or the current account) as it was.
    m_account->setOptions(m_api->options());
    auto *dialog = new SignInDialog(m_account.get(), m_api.get(), m_window.get());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SignInDialog::signedIn, this, &Application::onSignedIn);
    connect(dialog, &SignInDialog::signedOut, this, [this] {
        m_previews->clear();
        m_watch->stop();
        m_api->setAccountKey({});
        m_api->setTokens(m_account.get());
        m_window->setDemoMode(false);
        m_window->clearReports();
        m_window->showWelcome();
    });
    dialog->open();
}

void Application::onSignedIn()
{
    m_previews->clear(); // another account's previews are not this one's
    m_api->setTokens(m_account.get());
    m_api->setAccountKey({}); // the API address is the account's key
    m_settings->setApiUrl(m_account->apiUrl());
    m_window->setDemoMode(false);
    m_window->messageBar()->dismiss();
    m_window->clearReports();
    m_window->showReports();
    recoverLeftovers();
    watchAccount();
}

void Application::watchAccount()
{
    m_watch->setIntervalMinutes(m_settings->watchIntervalMinutes());
    m_watch->setRules(m_settings->watchRules(m_api->accountKey()));
}

void Application::runWatchRules()
{
    if (!m_watch->isWatching()) {
        m_window->messageBar()->showMessage(MessageBar::Level::Information,
                                            tr("No watch rule is on for this account: add one in Settings › Watch."),
                                            tr("Settings…"), [this] { m_window->openSettings(); });
        return;
    }
    m_watch->runAll();
}

void Application::onSettingsChanged()
{
    applyNetworkOptions();
    m_watch->setIntervalMinutes(m_settings->watchIntervalMinutes());
    if (!m_window->isDemoMode()) {
        const QUrl url = m_settings->apiUrl().isEmpty() ? ApiClient::defaultBaseUrl() : m_settings->apiUrl();
        // Another API is another account: its credential is looked up under that API's key.
        if (url != m_account->apiUrl() && m_api->tokens() == m_account.get()) {
            m_watch->stop();
            m_api->setBaseUrl(url);
            m_account->setApiUrl(url);
            m_window->clearReports();
            startJob(this, m_account->load(), [this](SecretJob *job) {
                if (job->result().isOk()) {
                    m_window->showReports();
                    watchAccount();
                    return;
                }
                m_window->showWelcome();
                if (job->result().isUnavailable())
                    m_window->messageBar()->showError(keychainProblem(*job));
            });
            return;
        }
        m_api->setBaseUrl(url);
    }
    // The rules edited on the Watch page: the runs start again with them (unchanged rules keep their schedule).
    if (m_watch->isStarted() && m_settings->watchRules(m_api->accountKey()) != m_watch->rules())
        m_watch->setRules(m_settings->watchRules(m_api->accountKey()));
    if (!m_window->isShowingWelcome())
        m_window->refresh();
}

bool Application::isBusy() const
{
    return !m_downloads->queue()->isIdle() || m_downloads->hasPendingRequests();
}

bool Application::onWindowClose()
{
    const bool busy = isBusy();
    if (m_finishing || (!busy && !m_watch->isWatching()))
        return true;
    // With a tray, the application stays there and keeps downloading and watching; without one, the user chooses
    // what happens to downloads (watch rules alone end with the window).
    if (m_desktop->hideToTray(busy))
        return false;
    if (!busy)
        return true;
    askBeforeQuitting();
    return false;
}

void Application::quit()
{
    if (!isBusy()) {
        finish();
        return;
    }
    askBeforeQuitting();
}

void Application::askBeforeQuitting()
{
    if (std::exchange(m_asking, true))
        return;
    // Shown over the window (brought back if it was hidden): the question is about what the user sees there.
    m_window->showNormal();
    m_window->raise();
    QuitQuestion::ask(
        m_window.get(), std::max(1, m_downloads->queue()->unfinishedCount()), [this](QuitQuestion::Choice choice) {
            m_asking = false;
            switch (choice) {
            case QuitQuestion::Choice::ResumeLater:
                m_downloads->queue()->suspendAll();
                m_downloads->cancelAll(); // lookups and dialogs not answered yet: nothing of theirs to keep
                finish();
                break;
            case QuitQuestion::Choice::KeepRunning:
                // The window goes; the application ends with the last download (or earlier, if a quit asks again).
                m_window->hide();
                connect(m_downloads->queue(), &DownloadQueue::idle, this, &Application::finish, Qt::UniqueConnection);
                if (!isBusy())
                    finish();
                break;
            case QuitQuestion::Choice::StayOpen:
                break;
            }
        });
}

void Application::finish()
{
    if (std::exchange(m_finishing, true))
        return;
    m_window->close();
    emit finished();
}

void Application::handOver(const QStringList &arguments)
{
    if (!m_window)
        return;
    if (sender() == m_parts.instance) {
        m_window->setWindowState(m_window->windowState() & ~Qt::WindowMinimized);
        m_window->raise();
        m_window->activateWindow();
    }
    const QStringList ids = ReportLink::idsFromArguments(arguments);
    if (!ids.isEmpty())
        m_window->openReportIds(ids);
}

void Application::saveDiagnostics()
{
    // The account's current token is asked for (it may be the keychain's), so that it is removed wherever it shows.
    m_account->requestToken(this, [this](const QString &token, const ApiError &) {
        m_diagnostics->save(m_window.get(), m_parts.chooser, m_window->messageBar(), *m_settings, m_api->baseUrl(),
                            {m_token->token(), token});
    });
}

} // namespace getbill::gui
