// gui::Application, the flows that used to be lambdas in main(): the first screen, demo data, a saved account,
// a keychain that cannot be read, signing in from the demo, a change of API address, ids handed over, leftovers
// resumed once a credential exists, and GETBILL_TOKEN kept out of the environment of children.

#include "Application.h"
#include "DemoHost.h"
#include "DesktopIntegration.h"
#include "GuiHarness.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "QuitQuestion.h"
#include "ReportDetailPanel.h"
#include "ReportPreviewPane.h"
#include "ReportTableModel.h"
#include "ReportsView.h"
#include "SignInDialog.h"
#include "api/ApiClient.h"
#include "auth/Account.h"
#include "auth/MemorySecretStore.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"
#include "download/PartialDownload.h"
#include "download/SecureFile.h"
#include "preview/PreviewCache.h"

#include <QFileOpenEvent>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/stat.h>

using namespace getbill;
using namespace getbill::gui;
using namespace getbill::test;
using namespace Qt::StringLiterals;

namespace {
/// A keychain that cannot be read: what a locked Secret Service answers.
class LockedStore : public MemorySecretStore
{
protected:
    void doRead(SecretJob *job) override
    {
        QTimer::singleShot(0, job, [job] {
            job->complete({Result::Status::Locked, u"The keychain is locked. Unlock it and try again."_s});
        });
    }
};

/// What an application of the tests is made of: its own settings file, a memory keychain, scripted dialogs.
struct Rig
{
    QTemporaryDir dir;
    QSettings settings{dir.filePath(u"settings.ini"_s), QSettings::IniFormat};
    MemorySecretStore memory;
    ScriptedChooser chooser;
    RecordingLauncher launcher;
    DemoHost demo;

    std::unique_ptr<Application> make(Application::Options options, SecretStore *store = nullptr)
    {
        Application::Parts parts;
        parts.settings = &settings;
        parts.secrets = store ? store : &memory;
        parts.chooser = &chooser;
        parts.launcher = &launcher;
        parts.demo = &demo;
        return std::make_unique<Application>(std::move(options), parts);
    }
};

bool waitForList(Application &app)
{
    QSignalSpy loaded(app.window(), &MainWindow::listLoaded);
    return (app.window()->reportModel()->rowCount() > 0 && !app.window()->isLoading()) || loaded.wait(10'000);
}

/// Opens the Preview tab on the first completed CSV report of the list and waits until it shows.
bool previewACsvReport(Application &app)
{
    MainWindow *window = app.window();
    gui::ReportsView *view = window->reportsView();
    for (int row = 0; row < window->reportModel()->rowCount(); ++row) {
        const Report &r = window->reportModel()->reportAt(row);
        if (r.canDownload() && r.mimeType == u"text/csv"_s && r.fileSize < 1'000'000) {
            view->selectIds({r.id});
            break;
        }
    }
    gui::ReportPreviewPane *pane = window->detailPanel()->preview();
    window->detailPanel()->tabs()->setCurrentWidget(pane);
    return QTest::qWaitFor([pane] { return pane->state() == gui::ReportPreviewPane::State::Showing; }, 15'000);
}

int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

/// What the cache folder holds besides its index.
QStringList cachedFiles(const PreviewCache &cache)
{
    QStringList names = QDir(cache.folder()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    names.removeAll(u"index.json"_s);
    return names;
}

/// Saves a credential for `apiUrl` the way a sign-in would have.
void saveCredential(SecretStore &store, const QUrl &apiUrl, const Credential &credential)
{
    std::unique_ptr<SecretJob> job(store.write(SecretStore::keyFor(apiUrl), credential.toSecret()));
    QVERIFY(TestFixture::waitFor(job.get()));
    QVERIFY(job->result().isOk());
}
} // namespace

class TestApplication : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void demoOptionShowsTheDemoList();
    void welcomeThenDemoData();
    void savedAccountIsSignedInAtStart();
    void unreadableKeychainSaysSoOnTheWelcomePage();
    void signingInFromTheDemoKeepsTheAccountsOwnAddress();
    void anotherApiAddressIsAnotherAccount();
    void idsHandedOverWaitForTheList();
    void leftoversResumeOnceSignedIn();
    void linksOpenedBeforeTheWindowAreKept();
    void environmentTokenIsNotInherited();
    void refusedApiAddressEndsTheStart();
    void quitWithNothingRunningEndsAtOnce();
    void quitAndResumeLater();
    void keepDownloadingInTheBackground();
    void changingOnesMindKeepsEverything();
    void previewsAreKeptPrivatelyAndGoWhenSigningOut();
    void previewsGoWhenGetBillSignsTheAccountOut();
    void previewsGoWhenAnotherAccountSignsIn();
};

void TestApplication::initTestCase()
{
    // The state folder (partial-download records) and the history are the test's own.
    static QTemporaryDir data;
    qputenv("XDG_DATA_HOME", data.path().toUtf8());
    static QTemporaryDir cache; // the preview cache
    qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
}

void TestApplication::init()
{
    qunsetenv("GETBILL_TOKEN");
    qunsetenv("GETBILL_API_URL");
}

void TestApplication::demoOptionShowsTheDemoList()
{
    Rig rig;
    auto app = rig.make({{}, true, {}});
    QVERIFY(app->start());
    QVERIFY(app->window()->isDemoMode());
    QVERIFY(!app->window()->isShowingWelcome());
    QVERIFY(waitForList(*app));
    QVERIFY(app->window()->reportModel()->rowCount() > 30);
    QCOMPARE(app->api()->baseUrl(), rig.demo.apiUrl());
}

void TestApplication::welcomeThenDemoData()
{
    Rig rig;
    auto app = rig.make({});
    QVERIFY(app->start());
    QSignalSpy accountLoaded(app.get(), &Application::accountLoaded);
    QVERIFY(accountLoaded.wait(5000)); // nothing saved: the welcome page stays
    QVERIFY(app->window()->isShowingWelcome());
    emit app->window()->demoRequested();
    QVERIFY(app->window()->isDemoMode());
    QVERIFY(waitForList(*app));
    QVERIFY(app->window()->reportModel()->rowCount() > 30);
}

void TestApplication::savedAccountIsSignedInAtStart()
{
    Rig rig;
    TestFixture api;
    api.server().addToken(u"saved-token"_s);
    saveCredential(rig.memory, api.server().apiUrl(), Credential::token(u"saved-token"_s));
    auto app = rig.make({api.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    QVERIFY(waitForList(*app));
    QVERIFY(app->account()->isSignedIn());
    QCOMPARE(app->api()->tokens(), app->account());
    QCOMPARE(app->window()->reportModel()->rowCount(), int(api.server().reports().size()));
    QVERIFY(app->account()->isSignedIn());
    QVERIFY(!app->window()->isDemoMode());
    // File > Back to demo data, from the account: the sample reports, without signing out.
    auto *demo = app->window()->findChild<QAction *>(u"actionDemo"_s);
    QVERIFY(demo->isVisible() && demo->isEnabled());
    demo->trigger();
    QVERIFY(app->window()->isDemoMode());
    QVERIFY(!demo->isEnabled());
    QCOMPARE(app->api()->baseUrl(), rig.demo.apiUrl());
    QTRY_VERIFY(!app->window()->isLoading());
    QVERIFY(app->window()->reportModel()->rowCount() > 30);
    QVERIFY(app->account()->isSignedIn());
}

void TestApplication::unreadableKeychainSaysSoOnTheWelcomePage()
{
    Rig rig;
    LockedStore locked;
    auto app = rig.make({}, &locked);
    QVERIFY(app->start());
    QSignalSpy accountLoaded(app.get(), &Application::accountLoaded);
    QVERIFY(accountLoaded.wait(5000));
    QVERIFY(app->window()->isShowingWelcome());
    QVERIFY(app->window()->messageBar()->isVisible());
    QVERIFY2(app->window()->messageBar()->text().contains(u"locked"_s) &&
                 app->window()->messageBar()->text().contains(u"for this session only"_s),
             qPrintable(app->window()->messageBar()->text()));
}

void TestApplication::signingInFromTheDemoKeepsTheAccountsOwnAddress()
{
    Rig rig;
    TestFixture api;
    api.server().addToken(u"good-token"_s);
    auto app = rig.make({api.server().apiUrl().toString(), true, {}});
    QVERIFY(app->start());
    QVERIFY(app->window()->isDemoMode());
    QVERIFY(waitForList(*app));
    app->signIn();
    auto *dialog = app->window()->findChild<SignInDialog *>();
    QVERIFY(dialog);
    // The account's own API, not the demo's loopback address.
    auto *url = dialog->findChild<QLineEdit *>(u"apiUrlEdit"_s);
    url->setText(api.server().apiUrl().toString());
    dialog->findChild<QLineEdit *>(u"tokenEdit"_s)->setText(u"good-token"_s);
    QSignalSpy signedIn(dialog, &SignInDialog::signedIn);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"testSaveButton"_s), Qt::LeftButton);
    QVERIFY(signedIn.wait(10'000));
    QVERIFY(!app->window()->isDemoMode());
    QCOMPARE(app->api()->baseUrl(), api.server().apiUrl());
    QCOMPARE(app->settings()->apiUrl(), api.server().apiUrl());
    QVERIFY(waitForList(*app));
    QCOMPARE(app->window()->reportModel()->rowCount(), int(api.server().reports().size()));
}

void TestApplication::anotherApiAddressIsAnotherAccount()
{
    Rig rig;
    TestFixture first;
    TestFixture second;
    first.server().addToken(u"first-token"_s);
    second.server().addToken(u"second-token"_s);
    second.server().clearReports();
    second.server().addReport(TestFixture::csvReport(u"report_second"_s));
    saveCredential(rig.memory, first.server().apiUrl(), Credential::token(u"first-token"_s));
    saveCredential(rig.memory, second.server().apiUrl(), Credential::token(u"second-token"_s));
    auto app = rig.make({first.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    QVERIFY(waitForList(*app));
    app->settings()->setApiUrl(second.server().apiUrl());
    QSignalSpy loaded(app->window(), &MainWindow::listLoaded);
    emit app->window()->settingsChanged();
    QVERIFY(loaded.wait(10'000));
    QCOMPARE(app->api()->baseUrl(), second.server().apiUrl());
    QCOMPARE(app->window()->reportModel()->rowCount(), 1);
    // The second API saw only the second account's token.
    for (const auto &r : second.server().requests())
        QCOMPARE(r.headers.value("authorization"), QByteArray("Bearer second-token"));
}

void TestApplication::idsHandedOverWaitForTheList()
{
    Rig rig;
    auto app = rig.make({});
    QVERIFY(app->start());
    Settings(&rig.settings).setSaveMode(Settings::SaveMode::AlwaysToFolder);
    Settings(&rig.settings).setDownloadFolder(rig.dir.path());
    app->handOver({u"getbill://report/report_00400x"_s});
    QVERIFY(app->window()->messageBar()->text().contains(u"1 report id"_s));
    QCOMPARE(app->downloads()->queue()->rowCount(), 0);
    emit app->window()->demoRequested();
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->rowCount(), 1, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->state(0), ReportDownloadJob::State::Done, 15'000);
}

void TestApplication::linksOpenedBeforeTheWindowAreKept()
{
    // What macOS does with a clicked getbill:// link: a QFileOpenEvent, possibly before the window exists.
    Rig rig;
    Settings(&rig.settings).setSaveMode(Settings::SaveMode::AlwaysToFolder);
    Settings(&rig.settings).setDownloadFolder(rig.dir.path());
    auto app = rig.make({{}, true, {}});
    QFileOpenEvent early(QUrl(u"getbill://report/report_00400x"_s));
    QVERIFY(QCoreApplication::sendEvent(QCoreApplication::instance(), &early));
    QVERIFY(app->start());
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->rowCount(), 1, 10'000);
    QFileOpenEvent later(QUrl(u"getbill://report/report_i80a7a"_s));
    QVERIFY(QCoreApplication::sendEvent(QCoreApplication::instance(), &later));
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->rowCount(), 2, 10'000);
}

void TestApplication::leftoversResumeOnceSignedIn()
{
    Rig rig;
    TestFixture api;
    const sandbox::SandboxReport r = TestFixture::csvReport(u"report_leftover"_s, 300'000);
    api.server().addReport(r);
    // What a crash left: half the file, recorded by the application.
    const QString target = QDir(rig.dir.path()).filePath(u"leftover.csv"_s);
    QFile part(PartialDownload::defaultPartPath(target));
    QVERIFY(part.open(QIODevice::WriteOnly));
    part.write(api.server().contentOf(r.id).left(100'000));
    part.close();
    PartialDownload record;
    record.target = target;
    record.partPath = part.fileName();
    record.reportId = r.id;
    record.fileSize = 300'000;
    const SecureFile::Identity identity = SecureFile::identityAt(part.fileName());
    record.device = identity.device;
    record.inode = identity.inode;
    QVERIFY(record.save());

    saveCredential(rig.memory, api.server().apiUrl(), Credential::token(sandbox::SandboxServer::demoToken()));
    auto app = rig.make({api.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->rowCount(), 1, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(app->downloads()->queue()->state(0), ReportDownloadJob::State::Done, 15'000);
    QCOMPARE(readFile(target), api.server().contentOf(r.id));
    QCOMPARE(api.downloadRequests().first().headers.value("range"), QByteArray("bytes=100000-"));
}

namespace {
/// An application signed in to `api` with one download under way that stalls after 200 KB (it never ends by itself).
struct Running
{
    Rig rig;
    TestFixture api;
    std::unique_ptr<Application> app;
    QString id = u"report_quitting"_s;
    QString target;

    bool start(bool second = false)
    {
        const sandbox::SandboxReport r = TestFixture::csvReport(id, 2'000'000);
        api.server().addReport(r);
        sandbox::Fault stall;
        stall.host = sandbox::Fault::Host::Download;
        stall.stallAfterBytes = 200'000;
        api.server().addFault(stall);
        saveCredential(rig.memory, api.server().apiUrl(), Credential::token(sandbox::SandboxServer::demoToken()));
        app = rig.make({api.server().apiUrl().toString(), false, {}});
        if (!app->start() || !waitForList(*app))
            return false;
        target = QDir(rig.dir.path()).filePath(u"month-end.csv"_s);
        app->downloads()->download(QStringList{id}, DownloadTarget::file(target));
        if (second) {
            api.server().addReport(TestFixture::csvReport(u"report_second"_s, 2'000'000));
            api.server().addFault(stall);
            app->downloads()->download(QStringList{u"report_second"_s}, DownloadTarget::folder(rig.dir.path()));
        }
        DownloadQueue *queue = app->downloads()->queue();
        const int expected = second ? 2 : 1;
        return QTest::qWaitFor(
            [&] {
                if (queue->rowCount() < expected)
                    return false;
                for (int row = 0; row < expected; ++row) {
                    if (!queue->job(row) || queue->job(row)->bytesReceived() < 200'000)
                        return false;
                }
                return true;
            },
            10'000);
    }
    QuitQuestion *question() const { return app->window()->findChild<QuitQuestion *>(u"quitQuestion"_s); }
    void answer(const QString &button) const { question()->findChild<QPushButton *>(button)->click(); }
};
} // namespace

void TestApplication::quitWithNothingRunningEndsAtOnce()
{
    Rig rig;
    auto app = rig.make({{}, true, {}});
    QVERIFY(app->start());
    QSignalSpy finished(app.get(), &Application::finished);
    app->window()->findChild<QAction *>(u"actionQuit"_s)->trigger();
    QCOMPARE(finished.size(), 1);
    QVERIFY(!app->window()->isVisible());
    QVERIFY(!app->window()->findChild<QuitQuestion *>());
}

void TestApplication::quitAndResumeLater()
{
    Running r;
    QVERIFY(r.start(true));
    QSignalSpy finished(r.app.get(), &Application::finished);
    // Ctrl+Q with downloads running asks first; nothing stops meanwhile.
    QVERIFY(QTest::qWaitForWindowExposed(r.app->window()));
    r.app->window()->findChild<QAction *>(u"actionQuit"_s)->trigger();
    QTRY_VERIFY(r.question() && r.question()->isVisible());
    QCOMPARE(r.question()->text(), u"2 downloads are running."_s);
    QCOMPARE(finished.size(), 0);
    QVERIFY(!DownloadItem::isFinal(r.app->downloads()->queue()->state(0)));
    r.answer(u"quitResumeLater"_s);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(r.app->downloads()->queue()->state(0), ReportDownloadJob::State::Interrupted);
    // Nothing at the final name; the bytes wait for the next start.
    QVERIFY(!QFile::exists(r.target));
    QVERIFY(QFileInfo(PartialDownload::defaultPartPath(r.target)).size() >= 200'000);
    r.app.reset();

    // The next start continues both where they stopped.
    r.api.server().clearFaults();
    const qsizetype before = r.api.downloadRequests().size();
    auto next = r.rig.make({r.api.server().apiUrl().toString(), false, {}});
    QVERIFY(next->start());
    DownloadQueue *queue = next->downloads()->queue();
    QTRY_COMPARE_WITH_TIMEOUT(queue->rowCount(), 2, 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(queue->isIdle(), 20'000);
    QCOMPARE(queue->state(0), ReportDownloadJob::State::Done);
    QCOMPARE(queue->state(1), ReportDownloadJob::State::Done);
    QCOMPARE(readFile(r.target), r.api.server().contentOf(r.id));
    QByteArrayList ranges;
    for (qsizetype i = before; i < r.api.downloadRequests().size(); ++i)
        ranges << r.api.downloadRequests().at(i).headers.value("range");
    QVERIFY2(ranges.size() == 2 && ranges.at(0).startsWith("bytes=") && ranges.at(1).startsWith("bytes="),
             ranges.join(' ').constData());
}

void TestApplication::keepDownloadingInTheBackground()
{
    Running r;
    QVERIFY(r.start());
    QSignalSpy finished(r.app.get(), &Application::finished);
    QVERIFY(QTest::qWaitForWindowExposed(r.app->window()));
    // No tray here (the offscreen platform has none): closing the window asks the same.
    QVERIFY(!r.app->desktop()->tray());
    r.app->window()->close();
    QVERIFY(r.app->window()->isVisible());
    QTRY_VERIFY(r.question() && r.question()->isVisible());
    QCOMPARE(r.question()->text(), u"A download is running."_s);
    QVERIFY(r.question()->informativeText().startsWith(u"Quit now and it continues where it stopped"_s));
    r.answer(u"quitKeepRunning"_s);
    QTRY_VERIFY(!r.app->window()->isVisible());
    QCOMPARE(finished.size(), 0);
    QVERIFY(!DownloadItem::isFinal(r.app->downloads()->queue()->state(0)));
    // The application ends with its last download.
    r.app->downloads()->queue()->cancel(0);
    QTRY_COMPARE(finished.size(), 1);
}

void TestApplication::changingOnesMindKeepsEverything()
{
    Running r;
    QVERIFY(r.start());
    QSignalSpy finished(r.app.get(), &Application::finished);
    QVERIFY(QTest::qWaitForWindowExposed(r.app->window()));
    r.app->window()->close();
    QTRY_VERIFY(r.question() && r.question()->isVisible());
    // Escape is Cancel.
    QTest::keyClick(r.question(), Qt::Key_Escape);
    QTRY_VERIFY(!r.question());
    QCOMPARE(finished.size(), 0);
    QVERIFY(r.app->window()->isVisible());
    QCOMPARE(r.app->downloads()->queue()->state(0), ReportDownloadJob::State::Downloading);
    // And it asks again next time.
    r.app->quit();
    QTRY_VERIFY(r.question() && r.question()->isVisible());
    r.answer(u"quitCancel"_s);
    QCOMPARE(finished.size(), 0);
    r.app->downloads()->queue()->cancel(0);
}

void TestApplication::environmentTokenIsNotInherited()
{
    Rig rig;
    TestFixture api;
    qputenv("GETBILL_TOKEN", sandbox::SandboxServer::demoToken().toUtf8());
    auto app = rig.make({api.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    // Read once, then gone: a PDF viewer or xdg-open started from the window does not get it.
    QVERIFY(!qEnvironmentVariableIsSet("GETBILL_TOKEN"));
    QVERIFY(waitForList(*app));
    QVERIFY(!app->window()->isShowingWelcome());
}

void TestApplication::refusedApiAddressEndsTheStart()
{
    Rig rig;
    auto app = rig.make({u"http://getbill.io/external-api/v1"_s, false, {}});
    QVERIFY(!app->start());
}

void TestApplication::previewsAreKeptPrivatelyAndGoWhenSigningOut()
{
    Rig rig;
    TestFixture api;
    api.server().addToken(u"saved-token"_s);
    saveCredential(rig.memory, api.server().apiUrl(), Credential::token(u"saved-token"_s));
    auto app = rig.make({api.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    QVERIFY(waitForList(*app));
    PreviewCache *cache = app->previewCache();
    QVERIFY(cache && cache->isOpen());
    QCOMPARE(cache->folder(), QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/previews"_s);
    QCOMPARE(mode(cache->folder()), 0700);
    QVERIFY(previewACsvReport(*app));
    QCOMPARE(cache->entries().size(), 1);
    QCOMPARE(mode(cache->entries().first().path), 0600);

    app->signIn();
    auto *dialog = app->window()->findChildren<SignInDialog *>().value(0);
    QVERIFY(dialog);
    QSignalSpy signedOut(dialog, &SignInDialog::signedOut);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"signOutButton"_s), Qt::LeftButton);
    QVERIFY(signedOut.wait());
    QVERIFY(cache->entries().isEmpty());
    QVERIFY(cachedFiles(*cache).isEmpty());
    QVERIFY(app->window()->isShowingWelcome());
}

void TestApplication::previewsGoWhenGetBillSignsTheAccountOut()
{
    // An API client GetBill stops accepting (revoked): the account signs itself out, and the previews go with it.
    Rig rig;
    TestFixture api;
    api.server().addClient(u"client-id"_s, u"client-secret"_s);
    saveCredential(rig.memory, api.server().apiUrl(), Credential::client(u"client-id"_s, u"client-secret"_s));
    auto app = rig.make({api.server().apiUrl().toString(), false, {}});
    QVERIFY(app->start());
    QVERIFY(waitForList(*app));
    QVERIFY(previewACsvReport(*app));
    PreviewCache *cache = app->previewCache();
    QCOMPARE(cache->entries().size(), 1);
    sandbox::Fault revoked;
    revoked.pathContains = u"/reports"_s;
    revoked.status = 401;
    revoked.times = -1;
    revoked.body = R"({"error":true,"message":"Authentication credentials are missing or invalid","code":401})";
    api.server().addFault(revoked);
    app->window()->refresh();
    QSignalSpy signedOut(app->account(), &Account::signedOut);
    // The first refusal costs a fresh token; the fresh token refused too signs the client out.
    for (int attempt = 0; attempt < 2 && signedOut.isEmpty(); ++attempt) {
        QSignalSpy loaded(app->window(), &MainWindow::listLoaded);
        app->window()->refresh();
        QVERIFY(loaded.wait(15'000));
    }
    QCOMPARE(signedOut.size(), 1);
    QVERIFY(cache->entries().isEmpty());
    QVERIFY(cachedFiles(*cache).isEmpty());
}

void TestApplication::previewsGoWhenAnotherAccountSignsIn()
{
    Rig rig;
    TestFixture api;
    api.server().addToken(u"good-token"_s);
    auto app = rig.make({api.server().apiUrl().toString(), true, {}});
    QVERIFY(app->start());
    QVERIFY(waitForList(*app));
    QVERIFY(previewACsvReport(*app)); // a demo report
    QCOMPARE(app->previewCache()->entries().size(), 1);
    app->signIn();
    auto *dialog = app->window()->findChild<SignInDialog *>();
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(u"apiUrlEdit"_s)->setText(api.server().apiUrl().toString());
    dialog->findChild<QLineEdit *>(u"tokenEdit"_s)->setText(u"good-token"_s);
    QSignalSpy signedIn(dialog, &SignInDialog::signedIn);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"testSaveButton"_s), Qt::LeftButton);
    QVERIFY(signedIn.wait(10'000));
    QVERIFY(app->previewCache()->entries().isEmpty());
    QVERIFY(cachedFiles(*app->previewCache()).isEmpty());
}

QTEST_MAIN(TestApplication)
#include "tst_application.moc"
