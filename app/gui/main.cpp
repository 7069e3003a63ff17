// getbill-reports: builds the services, the window and the single-instance channel, and wires them. No logic of
// its own beyond deciding what the first screen is.

#include "DemoSandbox.h"
#include "FileLauncher.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ReportIcons.h"
#include "ReportLink.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "SignInDialog.h"
#include "SingleInstance.h"
#include "api/ApiClient.h"
#include "api/NetworkOptions.h"
#include "auth/Account.h"
#include "auth/KeychainSecretStore.h"
#include "auth/TokenProvider.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QNetworkAccessManager>
#include <QSettings>
#include <cstdio>

using namespace getbill;

namespace {

/// Network options from the settings and the environment: the CA bundle of GETBILL_CA_BUNDLE wins over the
/// setting, as for the CLI. Returns a message for the user when the bundle is unusable.
QString applyNetworkOptions(ApiClient &api, const Settings &settings)
{
    NetworkOptions options = api.options();
    options.ssl.reset();
    const QString bundle = qEnvironmentVariableIsSet("GETBILL_CA_BUNDLE") ? qEnvironmentVariable("GETBILL_CA_BUNDLE")
                                                                          : settings.caBundlePath();
    QString error;
    if (!bundle.isEmpty() && !options.addCaBundle(bundle, &error))
        return error;
    api.setOptions(options);
    return {};
}

/// What the welcome page says when the keychain could not be read: the store's own words, and the way out.
QString keychainProblem(const SecretStore::Result &result)
{
    return QApplication::translate("main", "%1 You can sign in and keep the credential for this session only.")
        .arg(result.message);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("GetBill"));
    QApplication::setOrganizationDomain(QStringLiteral("getbill.io"));
    QApplication::setApplicationName(QStringLiteral("GetBill Reports"));
    QApplication::setApplicationVersion(QStringLiteral(GETBILL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.getbill.Reports"));
    QApplication::setWindowIcon(gui::ReportIcons::application());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Lists and downloads your GetBill reports."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption apiUrlOption(QStringLiteral("api-url"),
                                          QApplication::translate("main", "GetBill API address (https, or loopback)."),
                                          QStringLiteral("URL"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QApplication::translate("main", "Explore with demo data (local sandbox)."));
    parser.addOption(apiUrlOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(
        QStringLiteral("reports"),
        QApplication::translate("main", "Report ids or getbill://report/ID links to download."),
        QStringLiteral("[ID|LINK...]"));
    parser.process(app);
    const QStringList handOver = parser.positionalArguments();

    // A window is already open: give it our report ids (it downloads them) and leave.
    gui::DemoSandbox demo; // declared early so it outlives everything that talks to it
    SingleInstance instance;
    if (instance.sendToRunning(handOver))
        return 0;
    instance.listen();

    QSettings store;
    Settings settings(&store);
    QNetworkAccessManager network;
    // Three ways to a token: GETBILL_TOKEN (scripts, CI), the demo's, or the account kept in the keychain.
    StaticToken token(qEnvironmentVariable("GETBILL_TOKEN"));
    KeychainSecretStore keychain;
    Account account(&keychain, &network);
    ApiClient api(&network, &token);

    QUrl apiUrl = settings.apiUrl();
    if (qEnvironmentVariableIsSet("GETBILL_API_URL"))
        apiUrl = QUrl(qEnvironmentVariable("GETBILL_API_URL"), QUrl::StrictMode);
    if (parser.isSet(apiUrlOption))
        apiUrl = QUrl(parser.value(apiUrlOption), QUrl::StrictMode);
    if (!apiUrl.isEmpty() && !api.setBaseUrl(apiUrl)) {
        std::fprintf(stderr, "%s\n",
                     qPrintable(QApplication::translate("main", "The API address %1 is refused: use https (or http "
                                                                "on this computer only).")
                                    .arg(apiUrl.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery))));
        return 2;
    }
    const QString networkError = applyNetworkOptions(api, settings);
    account.setApiUrl(api.baseUrl());
    if (qEnvironmentVariableIsSet("GETBILL_TOKEN_URL"))
        account.setTokenUrl(QUrl(qEnvironmentVariable("GETBILL_TOKEN_URL"), QUrl::StrictMode));
    account.setOptions(api.options());

    // One history for the window and the CLI: what was saved where, shown on the report rows.
    DownloadHistory history(DownloadHistory::defaultPath());
    QString historyError;
    history.load(&historyError);
    DownloadController downloads(&api, &history);
    downloads.queue()->setMaxConcurrent(settings.maxConcurrentDownloads());
    gui::NativeSaveLocationChooser chooser;
    gui::DesktopFileLauncher launcher;
    gui::MainWindow window(&api, &downloads, &settings, &chooser, &launcher);
    window.setHistory(&history);
    if (!networkError.isEmpty())
        window.messageBar()->showError(networkError);
    else if (!historyError.isEmpty())
        window.messageBar()->showMessage(gui::MessageBar::Level::Warning, historyError);
    // A download cut short by a crash or a power cut left a .part beside its target: continue it, or clean up
    // what cannot be continued — once there is a credential to fetch fresh links with, never before (a failed
    // attempt would delete what can still be resumed).
    bool recovered = false;
    auto recoverLeftovers = [&] {
        if (recovered)
            return;
        recovered = true;
        downloads.recoverLeftovers();
    };

    auto startDemo = [&] {
        QString error;
        if (!demo.start(&error)) {
            window.messageBar()->showError(error);
            return;
        }
        api.setBaseUrl(demo.apiUrl());
        token.setToken(gui::DemoSandbox::token());
        api.setTokens(&token);
        window.setDemoMode(true);
        window.showReports();
        recoverLeftovers();
    };
    QObject::connect(&window, &gui::MainWindow::demoRequested, &window, startDemo);

    // Signing in tests the credential against the API before keeping it; the window then shows that account's
    // reports (leaving demo mode), and the API address it was tested against becomes the setting.
    QObject::connect(&window, &gui::MainWindow::signInRequested, &window, [&] {
        // The dialog moves the client to the account's API only once the credential passed its test: closing it
        // leaves the demo (or the current account) as it was.
        account.setOptions(api.options());
        gui::SignInDialog dialog(&account, &api, &window);
        QObject::connect(&dialog, &gui::SignInDialog::signedIn, &window, [&] {
            api.setTokens(&account);
            settings.setApiUrl(account.apiUrl());
            window.setDemoMode(false);
            window.messageBar()->dismiss();
            window.showReports();
            recoverLeftovers();
        });
        QObject::connect(&dialog, &gui::SignInDialog::signedOut, &window, [&] {
            api.setTokens(&account);
            window.setDemoMode(false);
            window.showWelcome();
        });
        dialog.exec();
    });
    // GetBill stopped accepting the account (revoked client, expired token): say so and offer to sign in again.
    QObject::connect(&account, &Account::signedOut, &window, [&](const ApiError &reason) {
        window.messageBar()->showMessage(
            gui::MessageBar::Level::Error,
            QApplication::translate("main", "You were signed out: %1").arg(reason.message()),
            QApplication::translate("main", "Sign in…"), [&window] { emit window.signInRequested(); });
    });

    QObject::connect(&window, &gui::MainWindow::settingsChanged, &window, [&] {
        const QString error = applyNetworkOptions(api, settings);
        if (!window.isDemoMode()) {
            const QUrl url = settings.apiUrl().isEmpty() ? ApiClient::defaultBaseUrl() : settings.apiUrl();
            // Another API is another account: its credential is looked up under that API's key.
            if (url != account.apiUrl() && api.tokens() == &account) {
                api.setBaseUrl(url);
                account.setApiUrl(url);
                account.load(&window, [&](const SecretStore::Result &result) {
                    if (result.status == SecretStore::Result::Status::Ok) {
                        window.refresh();
                        return;
                    }
                    window.showWelcome();
                    if (result.status != SecretStore::Result::Status::NotFound)
                        window.messageBar()->showError(keychainProblem(result));
                });
            } else {
                api.setBaseUrl(url);
            }
        }
        account.setOptions(api.options());
        // New CAs must be checked afresh: Qt would resume TLS sessions verified under the old ones.
        network.clearConnectionCache();
        if (!error.isEmpty())
            window.messageBar()->showError(error);
        if (!window.isShowingWelcome())
            window.refresh();
    });

    QObject::connect(&instance, &SingleInstance::argumentsReceived, &window, [&](const QStringList &arguments) {
        window.setWindowState(window.windowState() & ~Qt::WindowMinimized);
        window.raise();
        window.activateWindow();
        const QStringList ids = ReportLink::idsFromArguments(arguments);
        if (!ids.isEmpty())
            window.openReportIds(ids);
    });

    if (parser.isSet(demoOption)) {
        startDemo();
    } else if (token.hasToken()) {
        window.showReports();
        recoverLeftovers();
    } else {
        // The keychain answers asynchronously (it may even ask the user to unlock it): the window shows the
        // welcome page meanwhile and switches to the reports once the saved account is back.
        window.showWelcome();
        account.load(&window, [&](const SecretStore::Result &result) {
            if (window.isDemoMode())
                return;
            if (result.status == SecretStore::Result::Status::Ok) {
                api.setTokens(&account);
                window.showReports();
                recoverLeftovers();
            } else if (result.status != SecretStore::Result::Status::NotFound) {
                window.messageBar()->showError(keychainProblem(result));
            }
        });
    }
    window.show();

    const QStringList ids = ReportLink::idsFromArguments(handOver);
    if (!ids.isEmpty())
        window.openReportIds(ids);

    const int status = QApplication::exec();
    // Quitting cancels what is still running: the jobs remove their partial files.
    downloads.cancelAll();
    return status;
}
