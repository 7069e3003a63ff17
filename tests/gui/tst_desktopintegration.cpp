// The application outside its window, on a real X display (Xvfb, the xcb platform): the overall progress in the
// title and the launcher entry, notifications of what ends while the window is not active (a fake notification
// server on the private session bus; a click shows the file), the tray (a real tray host, trayer) that keeps the
// application running when the window closes, and Show in folder through FileManager1 or, without it, the folder.

#include "Application.h"
#include "DesktopFakes.h"
#include "DesktopIntegration.h"
#include "FileLauncher.h"
#include "GuiHarness.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "QuitQuestion.h"
#include "Settings.h"
#include "TrayIcon.h"
#include "UrlRecorder.h"
#include "auth/Account.h"
#include "auth/Credential.h"
#include "auth/MemorySecretStore.h"
#include "auth/SecretStore.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "download/WatchScheduler.h"

#include <QApplication>
#include <QDesktopServices>
#include <QMenu>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSystemTrayIcon>
#include <QTemporaryDir>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace getbill::test;
using namespace Qt::StringLiterals;

namespace {
/// An application of the tests against the sandbox, signed in, with downloads into a temporary folder.
struct Rig
{
    QTemporaryDir dir;
    QSettings settings{dir.filePath(u"settings.ini"_s), QSettings::IniFormat};
    MemorySecretStore memory;
    ScriptedChooser chooser;
    RecordingLauncher launcher;
    gui::FileLauncher *launcherPart = &launcher;
    TestFixture api;
    std::unique_ptr<Application> app;

    bool start()
    {
        std::unique_ptr<SecretJob> job(memory.write(SecretStore::keyFor(api.server().apiUrl()),
                                                    Credential::token(sandbox::SandboxServer::demoToken()).toSecret()));
        if (!TestFixture::waitFor(job.get()) || !job->result().isOk())
            return false;
        Application::Parts parts;
        parts.settings = &settings;
        parts.secrets = &memory;
        parts.chooser = &chooser;
        parts.launcher = launcherPart;
        app = std::make_unique<Application>(Application::Options{api.server().apiUrl().toString(), false, {}}, parts);
        if (!app->start())
            return false;
        // Signed in once the keychain answered and the first list came: downloads have a token from then on.
        QSignalSpy loaded(app->window(), &MainWindow::listLoaded);
        return loaded.wait(10'000);
    }
    /// A report of `size` bytes whose download stops after `stallAfter` bytes (-1: it does not). The file host's
    /// links are opaque: the stall is for the next file request, whichever report it is.
    QString download(const QString &id, qint64 size, qint64 stallAfter = -1)
    {
        api.server().addReport(TestFixture::csvReport(id, size));
        if (stallAfter >= 0) {
            sandbox::Fault stall;
            stall.host = sandbox::Fault::Host::Download;
            stall.stallAfterBytes = stallAfter;
            api.server().addFault(stall);
        }
        const QString target = QDir(dir.path()).filePath(id + u".csv"_s);
        app->downloads()->download(QStringList{id}, DownloadTarget::file(target));
        return target;
    }
    DownloadQueue *queue() const { return app->downloads()->queue(); }
    bool waitForBytes(int row, qint64 bytes) const
    {
        return QTest::qWaitFor(
            [&] {
                return queue()->rowCount() > row && queue()->job(row) && queue()->job(row)->bytesReceived() >= bytes;
            },
            10'000);
    }
    /// What a row is doing, for failure messages.
    QString describe(int row) const
    {
        if (queue()->rowCount() <= row)
            return u"no row %1"_s.arg(row);
        const QModelIndex index = queue()->index(row);
        return u"state %1, %2 bytes: %3"_s.arg(int(queue()->state(row)))
            .arg(index.data(DownloadQueue::BytesReceivedRole).toLongLong())
            .arg(index.data(DownloadQueue::ErrorRole).toString());
    }
    QuitQuestion *question() const { return app->window()->findChild<QuitQuestion *>(u"quitQuestion"_s); }
};

/// A file manager that cannot be started.
class RefusingLauncher : public gui::FileLauncher
{
public:
    bool open(const QString &) override { return false; }
    bool showInFolder(const QString &path) override
    {
        asked << path;
        return false;
    }
    QStringList asked;
};

} // namespace

class TestDesktopIntegration : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void titleAndLauncherFollowTheProgress();
    void notifiesWhatEndsWhileTheWindowIsNotActive();
    void aBatchIsOneNotification();
    void aFailureIsNotified();
    void aFileManagerThatFailsIsSaid();
    void quietAboutWhatTheUserWatched();
    void noTrayMeansTheQuitQuestion();
    void trayKeepsTheApplicationRunning();
    void watchRulesKeepTheApplicationInTheTray();
    void trayWithTheSettingOffAsks();
    void withoutANotificationServerTheTraySaysIt();
    void showInFolderSelectsTheFile();
    void showInFolderWithoutAFileManagerOpensTheFolder();

private:
    bool startTray();
    QProcess m_trayer;
    std::unique_ptr<QTemporaryDir> m_data;
};

void TestDesktopIntegration::initTestCase()
{
    QVERIFY2(QGuiApplication::platformName() == u"xcb"_s, "run through scripts/test: it provides Xvfb");
    QVERIFY(QDBusConnection::sessionBus().isConnected());
    static QTemporaryDir cache;
    qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
    qunsetenv("GETBILL_TOKEN");
}

void TestDesktopIntegration::init()
{
    // A state folder per test: what one test leaves to resume later (partial downloads) is not the next one's.
    m_data = std::make_unique<QTemporaryDir>();
    qputenv("XDG_DATA_HOME", m_data->path().toUtf8());
}

void TestDesktopIntegration::cleanup()
{
    if (m_trayer.state() != QProcess::NotRunning) {
        m_trayer.kill();
        m_trayer.waitForFinished();
        // Qt learns that the tray went from the X server: until then the next tray host would look present.
        QVERIFY(QTest::qWaitFor([] { return !QSystemTrayIcon::isSystemTrayAvailable(); }, 5'000));
    }
}

bool TestDesktopIntegration::startTray()
{
    m_trayer.start(u"trayer"_s, {u"--edge"_s, u"top"_s, u"--align"_s, u"right"_s});
    if (!m_trayer.waitForStarted())
        return false;
    return QTest::qWaitFor([] { return QSystemTrayIcon::isSystemTrayAvailable(); }, 5'000);
}

void TestDesktopIntegration::titleAndLauncherFollowTheProgress()
{
    LauncherListener launcher;
    QVERIFY(launcher.isConnected());
    Rig rig;
    QVERIFY(rig.start());
    QCOMPARE(rig.app->window()->windowTitle(), u"GetBill Reports"_s);
    rig.download(u"report_progress"_s, 2'000'000, 500'000);
    QVERIFY2(rig.waitForBytes(0, 500'000), qPrintable(rig.describe(0)));
    QTRY_COMPARE(rig.app->window()->windowTitle(), u"25% — GetBill Reports"_s);
    QTRY_VERIFY(!launcher.updates.isEmpty() && launcher.updates.last().value(u"progress"_s).toDouble() >= 0.25);
    QCOMPARE(launcher.uris.last(), u"application://io.getbill.Reports.desktop"_s);
    QCOMPARE(launcher.updates.last().value(u"progress-visible"_s).toBool(), true);
    QCOMPARE(launcher.updates.last().value(u"count"_s).toLongLong(), 1);
    // Idle again: the title is plain and the launcher entry cleared.
    rig.queue()->cancel(0);
    QTRY_COMPARE(rig.app->window()->windowTitle(), u"GetBill Reports"_s);
    QTRY_VERIFY(launcher.updates.last().value(u"progress-visible"_s).toBool() == false);
    QCOMPARE(launcher.updates.last().value(u"count"_s).toLongLong(), 0);
}

void TestDesktopIntegration::notifiesWhatEndsWhileTheWindowIsNotActive()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    Rig rig;
    QVERIFY(rig.start());
    rig.app->window()->hide();
    const QString target = rig.download(u"report_notified"_s, 50'000);
    QTRY_COMPARE_WITH_TIMEOUT(server.calls.size(), 1, 10'000);
    QCOMPARE(rig.queue()->state(0), ReportDownloadJob::State::Done);
    QCOMPARE(server.calls.at(0).summary, u"Download finished"_s);
    QVERIFY(!server.calls.at(0).body.isEmpty());
    // A click shows the file in the file manager.
    server.click(server.calls.at(0).id);
    QTRY_COMPARE(rig.launcher.shown, QStringList{target});
}

void TestDesktopIntegration::aBatchIsOneNotification()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    Rig rig;
    QVERIFY(rig.start());
    rig.app->window()->hide();
    // The first file request is answered late, so that both are queued before either ends: one batch.
    sandbox::Fault late;
    late.host = sandbox::Fault::Host::Download;
    late.delayMs = 1'000;
    rig.api.server().addFault(late);
    rig.download(u"report_batch_1"_s, 50'000);
    rig.download(u"report_batch_2"_s, 50'000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.queue()->isIdle() && rig.queue()->rowCount() == 2, 10'000);
    QTRY_COMPARE(server.calls.size(), 1);
    QCOMPARE(server.calls.at(0).summary, u"2 downloads finished"_s);
    server.click(server.calls.at(0).id);
    QTRY_COMPARE(rig.launcher.shown.size(), 1);
    QVERIFY(rig.launcher.shown.at(0).endsWith(u".csv"_s));
}

void TestDesktopIntegration::aFailureIsNotified()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    Rig rig;
    QVERIFY(rig.start());
    rig.app->window()->hide();
    sandbox::Fault refused;
    refused.pathContains = u"download/report_refused"_s; // the ticket, not the lookup
    refused.times = -1;
    refused.status = 403;
    refused.body = R"({"error":"forbidden","message":"This report is not yours."})";
    rig.api.server().addFault(refused);
    rig.download(u"report_refused"_s, 50'000);
    QTRY_COMPARE_WITH_TIMEOUT(server.calls.size(), 1, 10'000);
    QCOMPARE(rig.queue()->state(0), ReportDownloadJob::State::Failed);
    QCOMPARE(server.calls.at(0).summary, u"Download failed"_s);
    // Nothing to show in a folder: a click brings the window back.
    server.click(server.calls.at(0).id);
    QTRY_VERIFY(rig.app->window()->isVisible());
    QVERIFY(rig.launcher.shown.isEmpty());
}

void TestDesktopIntegration::aFileManagerThatFailsIsSaid()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    Rig rig;
    RefusingLauncher refusing;
    rig.launcherPart = &refusing;
    QVERIFY(rig.start());
    rig.app->window()->hide();
    const QString target = rig.download(u"report_no_file_manager"_s, 50'000);
    QTRY_COMPARE_WITH_TIMEOUT(server.calls.size(), 1, 10'000);
    server.click(server.calls.at(0).id);
    // The window comes back and says why nothing else opened.
    QTRY_VERIFY(rig.app->window()->isVisible());
    QCOMPARE(refusing.asked, QStringList{target});
    QVERIFY2(rig.app->window()->messageBar()->text().contains(target),
             qPrintable(rig.app->window()->messageBar()->text()));
}

void TestDesktopIntegration::quietAboutWhatTheUserWatched()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    Rig rig;
    QVERIFY(rig.start());
    rig.app->window()->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(rig.app->window()));
    rig.download(u"report_watched"_s, 50'000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.queue()->isIdle() && rig.queue()->rowCount() == 1, 10'000);
    QCOMPARE(rig.queue()->state(0), ReportDownloadJob::State::Done);
    // The next one ends with the window hidden: its notification is the only one the server ever gets.
    rig.app->window()->hide();
    const QString second = rig.download(u"report_unwatched"_s, 50'000);
    QTRY_COMPARE_WITH_TIMEOUT(server.calls.size(), 1, 10'000);
    server.click(server.calls.at(0).id);
    QTRY_COMPARE(rig.launcher.shown, QStringList{second});
}

void TestDesktopIntegration::noTrayMeansTheQuitQuestion()
{
    QVERIFY(!QSystemTrayIcon::isSystemTrayAvailable());
    Rig rig;
    QVERIFY(rig.start());
    QVERIFY(!rig.app->desktop()->tray());
    rig.download(u"report_no_tray"_s, 2'000'000, 200'000);
    QVERIFY2(rig.waitForBytes(0, 200'000), qPrintable(rig.describe(0)));
    rig.app->window()->close();
    QTRY_VERIFY(rig.question() && rig.question()->isVisible());
    QVERIFY(rig.app->window()->isVisible());
    rig.question()->findChild<QPushButton *>(u"quitResumeLater"_s)->click();
}

void TestDesktopIntegration::watchRulesKeepTheApplicationInTheTray()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    QVERIFY2(startTray(), "trayer (a system tray for X) did not start: scripts/test installs it");
    Rig rig;
    WatchRule rule;
    rule.name = u"Nothing yet"_s;
    rule.types = {u"no_such_type"_s}; // checks, finds nothing: the test is about the window
    rule.folder = rig.dir.filePath(u"watched"_s);
    QVERIFY(QDir().mkpath(rule.folder));
    Settings(&rig.settings).setWatchRules(rig.api.server().apiUrl().toString(), {rule});
    QVERIFY(rig.start());
    QVERIFY(rig.app->watch()->isWatching());
    QSignalSpy finished(rig.app.get(), &Application::finished);
    // Nothing downloads, but a rule is on: closing the window keeps the application in the tray, saying why once.
    QVERIFY(QTest::qWaitForWindowExposed(rig.app->window()));
    rig.app->window()->close();
    QTRY_VERIFY(!rig.app->window()->isVisible());
    QCOMPARE(finished.size(), 0);
    QTRY_VERIFY(!server.calls.isEmpty());
    QCOMPARE(server.calls.at(0).summary, u"GetBill Reports keeps watching for new reports in the tray"_s);
    // With the rule off, closing the window closes the application.
    rig.app->desktop()->showWindow();
    QTRY_VERIFY(rig.app->window()->isVisible());
    rule.enabled = false;
    rig.app->watch()->setRules({rule});
    rig.app->window()->close();
    QCOMPARE(finished.size(), 1);
}

void TestDesktopIntegration::trayKeepsTheApplicationRunning()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    QVERIFY2(startTray(), "trayer (a system tray for X) did not start: scripts/test installs it");
    Rig rig;
    QVERIFY(rig.start());
    TrayIcon *tray = rig.app->desktop()->tray();
    QVERIFY(tray);
    QVERIFY(tray->icon()->isVisible());
    QSignalSpy finished(rig.app.get(), &Application::finished);
    rig.download(u"report_in_tray"_s, 2'000'000, 500'000);
    QVERIFY2(rig.waitForBytes(0, 500'000), qPrintable(rig.describe(0)));
    // The menu lists the download and its percent.
    QTRY_VERIFY(tray->menu()->findChild<QAction *>(u"trayDownload"_s));
    QTRY_VERIFY(tray->menu()->findChild<QAction *>(u"trayDownload"_s)->text().endsWith(u"25%"_s));

    // Closing the window keeps downloading in the tray, saying so once.
    QVERIFY(QTest::qWaitForWindowExposed(rig.app->window()));
    rig.app->window()->close();
    QTRY_VERIFY(!rig.app->window()->isVisible());
    QVERIFY(!rig.question());
    QCOMPARE(finished.size(), 0);
    QVERIFY(!DownloadItem::isFinal(rig.queue()->state(0)));
    QTRY_COMPARE(server.calls.size(), 1);
    QCOMPARE(server.calls.at(0).summary, u"GetBill Reports keeps downloading in the tray"_s);
    QVERIFY(Settings(&rig.settings).trayNoticeShown());

    // "Show window" brings it back; a click on the icon too.
    tray->menu()->findChild<QAction *>(u"trayShowWindow"_s)->trigger();
    QTRY_VERIFY(rig.app->window()->isVisible());
    rig.app->window()->close();
    QTRY_VERIFY(!rig.app->window()->isVisible());
    emit tray->icon()->activated(QSystemTrayIcon::Trigger);
    QTRY_VERIFY(rig.app->window()->isVisible());

    // Quit from the tray asks about the running download, over the window.
    tray->menu()->findChild<QAction *>(u"trayQuit"_s)->trigger();
    QTRY_VERIFY(rig.question() && rig.question()->isVisible());
    rig.question()->findChild<QPushButton *>(u"quitResumeLater"_s)->click();
    QCOMPARE(finished.size(), 1);
    // The notice was given once only.
    QCOMPARE(server.calls.size(), 1);
}

void TestDesktopIntegration::trayWithTheSettingOffAsks()
{
    QVERIFY(startTray());
    Rig rig;
    Settings(&rig.settings).setKeepRunningInTray(false);
    QVERIFY(rig.start());
    QVERIFY(rig.app->desktop()->tray());
    rig.download(u"report_setting_off"_s, 2'000'000, 200'000);
    QVERIFY2(rig.waitForBytes(0, 200'000), qPrintable(rig.describe(0)));
    rig.app->window()->close();
    QTRY_VERIFY(rig.question() && rig.question()->isVisible());
    rig.question()->findChild<QPushButton *>(u"quitResumeLater"_s)->click();
}

void TestDesktopIntegration::withoutANotificationServerTheTraySaysIt()
{
    QVERIFY(startTray());
    Rig rig;
    QVERIFY(rig.start());
    TrayIcon *tray = rig.app->desktop()->tray();
    QVERIFY(tray);
    rig.app->window()->hide();
    const QString target = rig.download(u"report_balloon"_s, 50'000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.queue()->isIdle() && rig.queue()->rowCount() == 1, 10'000);
    QCOMPARE(rig.queue()->state(0), ReportDownloadJob::State::Done);
    QVERIFY(QFile::exists(target));
    // The balloon took the notification's place: clicking it shows the file.
    emit tray->icon()->messageClicked();
    QTRY_COMPARE(rig.launcher.shown, QStringList{target});
}

void TestDesktopIntegration::showInFolderSelectsTheFile()
{
    FakeFileManager manager;
    QVERIFY(manager.isRegistered());
    UrlRecorder recorder;
    QDesktopServices::setUrlHandler(u"file"_s, &recorder, "open");
    DesktopFileLauncher launcher;
    QVERIFY(launcher.showInFolder(u"/tmp/reports/Q1 sales.pdf"_s));
    QTRY_COMPARE(manager.shown.size(), 1);
    QCOMPARE(manager.shown.at(0), QStringList{u"file:///tmp/reports/Q1%20sales.pdf"_s});
    QVERIFY(recorder.urls.isEmpty());
    QDesktopServices::unsetUrlHandler(u"file"_s);
}

void TestDesktopIntegration::showInFolderWithoutAFileManagerOpensTheFolder()
{
    UrlRecorder recorder;
    QDesktopServices::setUrlHandler(u"file"_s, &recorder, "open");
    DesktopFileLauncher launcher;
    QVERIFY(launcher.showInFolder(u"/tmp/reports/Q1 sales.pdf"_s));
    QCOMPARE(recorder.urls, QList<QUrl>{QUrl::fromLocalFile(u"/tmp/reports"_s)});
    QDesktopServices::unsetUrlHandler(u"file"_s);
}

int main(int argc, char **argv)
{
    // The tray and window activation need a real X display; scripts/test runs the tests under Xvfb.
    qputenv("QT_QPA_PLATFORM", "xcb");
    QApplication app(argc, argv);
    TestDesktopIntegration test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_desktopintegration.moc"
