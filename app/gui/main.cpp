// getbill-reports: parses the command line, hands it to a running window if there is one, and starts the
// Application, which owns everything else.

#include "Application.h"
#include "DemoHost.h"
#include "Settings.h"
#include "SingleInstance.h"
#include "Translations.h"

#include <QApplication>
#include <QSettings>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("GetBill"));
    QApplication::setOrganizationDomain(QStringLiteral("getbill.io"));
    QApplication::setApplicationName(QStringLiteral("GetBill Reports"));
    QApplication::setApplicationVersion(QStringLiteral(GETBILL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.getbill.Reports"));
    // The language before any word is shown (--help included): the one chosen in the settings, else the system's.
    getbill::Translations translations;
    {
        QSettings store;
        translations.install(getbill::Translations::localeFor(getbill::Settings(&store).language()));
    }

    const getbill::gui::Application::Options options =
        getbill::gui::Application::parseArguments(QApplication::arguments());
    // A window is already open: give it our report ids (it downloads them) and leave.
    getbill::SingleInstance instance;
    if (instance.sendToRunning(options.handOver))
        return 0;
    instance.listen();

    getbill::DemoHost demo; // outlives the application, which talks to it
    getbill::gui::Application::Parts parts;
    parts.demo = &demo;
    parts.instance = &instance;
    getbill::gui::Application application(options, parts);
    // The Application decides when it is done: closing the window may ask first, or keep downloading.
    QApplication::setQuitOnLastWindowClosed(false);
    QObject::connect(&application, &getbill::gui::Application::finished, &app, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    if (!application.start())
        return 2;
    return QApplication::exec();
}
