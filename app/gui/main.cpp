// getbill-reports: builds the services, the window and the single-instance channel, and wires them. No logic of
// its own beyond deciding what the first screen is.

#include "DemoSandbox.h"
#include "FileLauncher.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ReportFormat.h"
#include "ReportLink.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "SingleInstance.h"
#include "api/ApiClient.h"
#include "api/NetworkOptions.h"
#include "auth/TokenProvider.h"
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

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("GetBill"));
    QApplication::setOrganizationDomain(QStringLiteral("getbill.io"));
    QApplication::setApplicationName(QStringLiteral("GetBill Reports"));
    QApplication::setApplicationVersion(QStringLiteral(GETBILL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("getbill-reports"));
    QApplication::setWindowIcon(gui::ReportFormat::applicationIcon());

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
    StaticToken token(qEnvironmentVariable("GETBILL_TOKEN"));
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

    DownloadQueue queue(&api);
    queue.setMaxConcurrent(settings.maxConcurrentDownloads());
    gui::NativeSaveLocationChooser chooser;
    gui::DesktopFileLauncher launcher;
    gui::MainWindow window(&api, &queue, &settings, &chooser, &launcher);
    if (!networkError.isEmpty())
        window.messageBar()->showError(networkError);

    auto startDemo = [&] {
        QString error;
        if (!demo.start(&error)) {
            window.messageBar()->showError(error);
            return;
        }
        api.setBaseUrl(demo.apiUrl());
        token.setToken(gui::DemoSandbox::token());
        window.setDemoMode(true);
        window.showReports();
    };
    QObject::connect(&window, &gui::MainWindow::demoRequested, &window, startDemo);

    // Connection point for signing in: the SignInDialog (helper "auth") is opened here and, once it succeeds,
    // the window leaves demo mode and shows the account's reports.
    QObject::connect(&window, &gui::MainWindow::signInRequested, &window, [&] {
        window.messageBar()->showInformation(QApplication::translate(
            "main", "Set GETBILL_TOKEN to your access token and start the application again to sign in."));
    });

    QObject::connect(&window, &gui::MainWindow::settingsChanged, &window, [&] {
        if (!window.isDemoMode()) {
            const QUrl url = settings.apiUrl();
            api.setBaseUrl(url.isEmpty() ? ApiClient::defaultBaseUrl() : url);
        }
        const QString error = applyNetworkOptions(api, settings);
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

    // Until the Account class lands: an account is a token in the environment or an explicit API address.
    const bool hasAccount = token.hasToken() || parser.isSet(apiUrlOption);
    if (parser.isSet(demoOption))
        startDemo();
    else if (hasAccount)
        window.showReports();
    else
        window.showWelcome();
    window.show();

    const QStringList ids = ReportLink::idsFromArguments(handOver);
    if (!ids.isEmpty())
        window.openReportIds(ids);

    const int status = QApplication::exec();
    // Quitting cancels what is still running: the jobs remove their partial files.
    queue.cancelAll();
    return status;
}
