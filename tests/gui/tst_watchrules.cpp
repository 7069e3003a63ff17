// Watch rules through the window: the real Application against the sandbox, its scheduler on a ManualClock (no real
// waiting), notifications through a fake notification server on the private session bus (the DesktopNotifier seam),
// and real CLI processes syncing into the same folder. What a rule saves, when it asks GetBill, what it says, and
// what it never does (a second copy, a lost history record, a run of another account's rules).

#include "Application.h"
#include "DemoHost.h"
#include "DesktopFakes.h"
#include "DesktopIntegration.h"
#include "DownloadsPanel.h"
#include "GuiHarness.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "Settings.h"
#include "SettingsDialog.h"
#include "SignInDialog.h"
#include "WatchPage.h"
#include "WatchRuleDialog.h"
#include "api/ApiClient.h"
#include "auth/Credential.h"
#include "auth/MemorySecretStore.h"
#include "auth/SecretStore.h"
#include "download/DownloadListModel.h"
#include "download/WatchScheduler.h"

#include <QApplication>
#include <QCheckBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>
#include <unistd.h>

using namespace getbill;
using namespace getbill::gui;
using namespace getbill::test;
using namespace Qt::StringLiterals;

namespace {
constexpr qint64 minute = 60 * 1000;

sandbox::SandboxReport report(const QString &id, const QString &type = u"financial"_s,
                              const QString &status = u"completed"_s)
{
    sandbox::SandboxReport r = TestFixture::csvReport(id);
    r.type = type;
    r.status = status;
    r.downloadAvailable = status == u"completed"_s;
    r.periodFrom = QDate(2026, 3, 1);
    r.periodTo = QDate(2026, 3, 31);
    return r;
}

/// An application signed in to the sandbox, its watch rules on a ManualClock, its state in a folder of its own.
struct Rig
{
    QTemporaryDir dir;
    QSettings store{dir.filePath(u"settings.ini"_s), QSettings::IniFormat};
    Settings settings{&store};
    MemorySecretStore memory;
    ScriptedChooser chooser;
    RecordingLauncher launcher;
    DemoHost demo;
    mutable TestFixture api;
    ManualClock clock{QDateTime::currentMSecsSinceEpoch()};
    std::unique_ptr<Application> app;

    Rig()
    {
        // The history is the one the CLI would use with the same XDG_DATA_HOME.
        qputenv("XDG_DATA_HOME", dir.filePath(u"data"_s).toUtf8());
        api.server().clearReports();
    }
    ~Rig()
    {
        app.reset();
        qunsetenv("XDG_DATA_HOME");
    }
    QString account() const { return api.server().apiUrl().toString(); }
    QString folder(const QString &name = u"Reports/2026"_s) const { return dir.filePath(name); }
    WatchRule rule(const QString &name = u"March"_s, bool enabled = true) const
    {
        WatchRule r;
        r.name = name;
        r.types = {u"financial"_s};
        r.folder = folder();
        r.enabled = enabled;
        return r;
    }
    bool start(bool demoMode = false)
    {
        std::unique_ptr<SecretJob> job(memory.write(SecretStore::keyFor(api.server().apiUrl()),
                                                    Credential::token(sandbox::SandboxServer::demoToken()).toSecret()));
        if (!TestFixture::waitFor(job.get()) || !job->result().isOk())
            return false;
        settings.setApiUrl(api.server().apiUrl()); // as a sign-in leaves it
        Application::Parts parts;
        parts.settings = &store;
        parts.secrets = &memory;
        parts.chooser = &chooser;
        parts.launcher = &launcher;
        parts.demo = &demo;
        parts.clock = &clock;
        app = std::make_unique<Application>(Application::Options{account(), demoMode, {}}, parts);
        if (!app->start())
            return false;
        // The first check comes from the event loop: recorded from here on, before the list is waited for.
        QObject::connect(app->watch(), &WatchScheduler::runFinished, app.get(),
                         [this](const WatchRun &run) { runs << run; });
        QSignalSpy loaded(app->window(), &MainWindow::listLoaded);
        return loaded.wait(10'000);
    }
    WatchScheduler *watch() const { return app->watch(); }
    /// Waits until `count` runs ended; the last of them.
    WatchRun waitForRun(int count = 1)
    {
        if (!QTest::qWaitFor([&] { return runs.size() >= count; }, 20'000)) {
            qWarning("no run %d", count);
            return {};
        }
        return runs.at(count - 1);
    }
    QList<WatchRun> runs;
    int requests(const QString &pathContains) const
    {
        int n = 0;
        const QList<sandbox::RecordedRequest> all = api.server().requests();
        for (const sandbox::RecordedRequest &r : all)
            if (r.host == sandbox::Fault::Host::Api && r.pathAndQuery.contains(pathContains))
                ++n;
        return n;
    }
    /// Only GET /reports?...: a check that found nothing new.
    bool onlyListRequests() const
    {
        const QList<sandbox::RecordedRequest> all = api.server().requests();
        for (const sandbox::RecordedRequest &r : all)
            if (r.host != sandbox::Fault::Host::Api || !r.pathAndQuery.contains(u"/reports?"_s))
                return false;
        return !all.isEmpty();
    }
    /// The downloads list's row of `path`, or -1.
    int listRow(const QString &path) const
    {
        DownloadListModel *model = app->window()->downloadsPanel()->model();
        for (int row = 0; row < model->rowCount(); ++row)
            if (QFileInfo(model->filePath(row)).canonicalFilePath() == QFileInfo(path).canonicalFilePath())
                return row;
        return -1;
    }
};

QString cliPath()
{
    return QDir(qEnvironmentVariable("GETBILL_TEST_BINARY_DIR")).filePath(u"app/cli/getbill-reports-cli"_s);
}
} // namespace

class TestWatchRules : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void aRuleSavesWhatTheSandboxAddsAndNotifies();
    void aDisabledRuleDoesNothing();
    void aPendingReportIsFollowedUntilItCompletes();
    void rulesPersistPerAccountAndTheDemosAreSeparate();
    void switchingAccountSwitchesRulesAndSignOutStopsThem();
    void theWatchPageEditsRunsAndSavesRules();
    void aBadTemplateIsRefusedNamingTheField();
    void aGoneFolderIsSaidAndTheNextRunStillHappens();
    void theBudgetSpacesChecks();
    void twoCliSyncsAndAWatchRuleLoseNothing();
};

void TestWatchRules::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run through scripts/test: it provides a session bus");
    static QTemporaryDir cache;
    qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
}

void TestWatchRules::init()
{
    qunsetenv("GETBILL_TOKEN");
    qunsetenv("GETBILL_API_URL");
}

void TestWatchRules::aRuleSavesWhatTheSandboxAddsAndNotifies()
{
    FakeNotifications notifications;
    QVERIFY(notifications.isRegistered());
    Rig rig;
    QVERIFY(QDir().mkpath(rig.folder()));
    rig.settings.setWatchRules(rig.account(), {rig.rule()});
    QVERIFY(rig.start());
    QVERIFY(rig.watch()->isWatching());
    // The first check comes at once: nothing there yet, so nothing to say.
    WatchRun first = rig.waitForRun();
    QCOMPARE(first.rule, u"March"_s);
    QVERIFY2(!first.error.isError(), qPrintable(first.error.message()));
    QVERIFY(first.saved.isEmpty());
    QCOMPARE(rig.watch()->nextCheckMs(), rig.clock.nowMs() + 15 * minute);

    // GetBill makes a report of the rule's type (and one of another type) while the window is in the tray.
    rig.api.server().addReport(report(u"report_w1"_s));
    rig.api.server().addReport(report(u"report_other"_s, u"collection"_s));
    rig.app->window()->hide();
    rig.clock.advance(15 * minute);
    const WatchRun second = rig.waitForRun(2);
    QVERIFY2(!second.error.isError(), qPrintable(second.error.message()));
    QCOMPARE(second.saved.size(), 1);
    QCOMPARE(TestFixture::filesUnder(rig.folder()), QStringList{u"report_w1.csv"_s});
    // The downloads list shows it, with the rule's name.
    QTRY_VERIFY(rig.listRow(second.saved.first()) >= 0);
    DownloadListModel *model = rig.app->window()->downloadsPanel()->model();
    QCOMPARE(model->index(rig.listRow(second.saved.first())).data(DownloadListModel::OriginRole).toString(),
             u"March"_s);
    // And a notification says so.
    QTRY_COMPARE(notifications.calls.size(), 1);
    // (Its plural is the translation's: "%n new report(s)" in the source.)
    QVERIFY2(notifications.calls.at(0).summary.startsWith(u"1 new report"_s),
             qPrintable(notifications.calls.at(0).summary));
    QVERIFY(
        notifications.calls.at(0).summary.endsWith(u" saved to "_s + DesktopIntegration::shortFolder(rig.folder())));
    QVERIFY(notifications.calls.at(0).body.contains(u"March"_s));

    // Nothing new: the next check only lists, and says nothing.
    rig.api.server().clearRequests();
    rig.clock.advance(15 * minute);
    const WatchRun third = rig.waitForRun(3);
    QVERIFY(!third.error.isError());
    QVERIFY(third.saved.isEmpty());
    QVERIFY(rig.onlyListRequests());
    QCOMPARE(rig.requests(u"/reports/download/"_s), 0);
    QTest::qWait(200);
    QCOMPARE(notifications.calls.size(), 1);
}

void TestWatchRules::aPendingReportIsFollowedUntilItCompletes()
{
    Rig rig;
    QVERIFY(QDir().mkpath(rig.folder()));
    sandbox::SandboxReport pending = report(u"report_generating"_s, u"financial"_s, u"pending"_s);
    pending.completesAfterPolls = 1;
    rig.api.server().addReport(pending);
    rig.settings.setWatchRules(rig.account(), {rig.rule()});
    QVERIFY(rig.start());
    // The first check lists it as pending and keeps the run going to poll it (10 s later on the rule's clock).
    QTRY_VERIFY(rig.watch()->isRunning(u"March"_s) && rig.clock.pendingTimers() > 1);
    QVERIFY(rig.runs.isEmpty());
    rig.clock.advance(10'000);
    const WatchRun run = rig.waitForRun();
    QVERIFY2(!run.error.isError(), qPrintable(run.error.message()));
    QCOMPARE(TestFixture::filesUnder(rig.folder()), QStringList{u"report_generating.csv"_s});
    QVERIFY(rig.requests(u"/reports/report_generating"_s) >= 1);
}

void TestWatchRules::aDisabledRuleDoesNothing()
{
    FakeNotifications notifications;
    Rig rig;
    QVERIFY(QDir().mkpath(rig.folder()));
    rig.api.server().addReport(report(u"report_off"_s));
    rig.settings.setWatchRules(rig.account(), {rig.rule(u"Off"_s, false)});
    QVERIFY(rig.start());
    QSignalSpy started(rig.watch(), &WatchScheduler::runStarted);
    rig.api.server().clearRequests();
    QVERIFY(!rig.watch()->isWatching());
    QCOMPARE(rig.watch()->nextCheckMs(), -1);
    rig.clock.advance(60 * minute);
    QTest::qWait(300);
    QCOMPARE(started.size(), 0);
    QCOMPARE(rig.requests(u"/reports"_s), 0);
    QVERIFY(TestFixture::filesUnder(rig.folder()).isEmpty());
    // Nothing to watch: closing the window closes the application.
    QSignalSpy closed(rig.app->window(), &MainWindow::closed);
    rig.app->window()->close();
    QCOMPARE(closed.size(), 1);
}

void TestWatchRules::rulesPersistPerAccountAndTheDemosAreSeparate()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(u"settings.ini"_s);
    WatchRule a;
    a.name = u"Financial, monthly"_s;
    a.types = {u"financial"_s, u"collection"_s};
    a.folder = u"/srv/reports"_s;
    a.templateText = u"{type}/{period_from:yyyy-MM}/{filename}"_s;
    WatchRule b;
    b.name = u"Demo"_s;
    b.folder = u"/tmp/demo"_s;
    b.enabled = false;
    {
        QSettings store(file, QSettings::IniFormat);
        Settings settings(&store);
        settings.setWatchRules(u"https://getbill.example/external-api/v1"_s, {a});
        settings.setWatchRules(u"demo"_s, {b});
        settings.setWatchIntervalMinutes(1);
        settings.sync();
    }
    QSettings store(file, QSettings::IniFormat);
    Settings settings(&store);
    QCOMPARE(settings.watchRules(u"https://getbill.example/external-api/v1"_s), QList<WatchRule>{a});
    QCOMPARE(settings.watchRules(u"demo"_s), QList<WatchRule>{b});
    QVERIFY(settings.watchRules(u"https://other.example/external-api/v1"_s).isEmpty());
    QCOMPARE(settings.watchIntervalMinutes(), Settings::minWatchInterval);
    // Fewer rules than before: none of the old ones is left over.
    settings.setWatchRules(u"demo"_s, {});
    QVERIFY(settings.watchRules(u"demo"_s).isEmpty());
    QCOMPARE(settings.watchRules(u"https://getbill.example/external-api/v1"_s), QList<WatchRule>{a});
}

void TestWatchRules::switchingAccountSwitchesRulesAndSignOutStopsThem()
{
    Rig rig;
    QVERIFY(QDir().mkpath(rig.folder()));
    const WatchRule account = rig.rule(u"Account"_s);
    WatchRule demo = rig.rule(u"Demo"_s);
    demo.folder = rig.folder(u"Demo"_s);
    QVERIFY(QDir().mkpath(demo.folder));
    rig.settings.setWatchRules(rig.account(), {account});
    rig.settings.setWatchRules(u"demo"_s, {demo});
    QVERIFY(rig.start());
    QCOMPARE(rig.watch()->rules(), QList<WatchRule>{account});
    QCOMPARE(rig.app->api()->accountKey(), rig.account());

    // Back to demo data: the demo's rules, and the account's runs end.
    QSignalSpy started(rig.watch(), &WatchScheduler::runStarted);
    emit rig.app->window()->demoRequested();
    QCOMPARE(rig.app->api()->accountKey(), u"demo"_s);
    QCOMPARE(rig.watch()->rules(), QList<WatchRule>{demo});
    QVERIFY(!rig.watch()->isRunning(u"Account"_s));
    QTRY_VERIFY(started.size() >= 1 && started.last().at(0).toString() == u"Demo"_s);

    // Signed in again, then signed out: the account's rules, then none.
    rig.app->signIn();
    auto *dialog = rig.app->window()->findChildren<SignInDialog *>().value(0);
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(u"apiUrlEdit"_s)->setText(rig.account());
    dialog->findChild<QLineEdit *>(u"tokenEdit"_s)->setText(sandbox::SandboxServer::demoToken());
    QSignalSpy signedIn(dialog, &SignInDialog::signedIn);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"testSaveButton"_s), Qt::LeftButton);
    QVERIFY(signedIn.wait(10'000));
    QCOMPARE(rig.app->api()->accountKey(), rig.account());
    QCOMPARE(rig.watch()->rules(), QList<WatchRule>{account});
    QVERIFY(rig.watch()->isWatching());
    // The dialog closes once signed in; sign-out is in the next one.
    QPointer<SignInDialog> first(dialog);
    QTRY_VERIFY(!first);
    rig.app->signIn();
    dialog = rig.app->window()->findChildren<SignInDialog *>().value(0);
    QVERIFY(dialog);
    QSignalSpy signedOut(dialog, &SignInDialog::signedOut);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"signOutButton"_s), Qt::LeftButton);
    QVERIFY(signedOut.wait(10'000));
    QVERIFY(!rig.watch()->isWatching());
    QVERIFY(!rig.watch()->hasRunningRules());
    QCOMPARE(rig.watch()->nextCheckMs(), -1);
}

void TestWatchRules::theWatchPageEditsRunsAndSavesRules()
{
    Rig rig;
    rig.api.server().addReport(report(u"report_page"_s));
    QVERIFY(rig.start());
    QVERIFY(!rig.watch()->isWatching());
    const QString folder = rig.folder(u"From the page"_s);
    rig.chooser.folderAnswer = folder;
    // The rule dialog is modal: filled and accepted once it shows.
    QTimer::singleShot(0, [&] {
        auto *dialog = qobject_cast<WatchRuleDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(u"ruleName"_s)->setText(u"Page"_s);
        dialog->findChild<QLineEdit *>(u"ruleTypes"_s)->setText(u"financial"_s);
        QTest::mouseClick(dialog->findChild<QPushButton *>(u"ruleFolderBrowse"_s), Qt::LeftButton);
        dialog->findChild<QLineEdit *>(u"ruleTemplate"_s)->setText(u"{period_from:yyyy}/{filename}"_s);
        dialog->accept();
    });
    SettingsDialog settings(rig.app->settings(), &rig.chooser, rig.app->window());
    settings.showWatchRules(rig.app->api()->accountKey(), rig.watch());
    WatchPage *page = settings.watchPage();
    QVERIFY(page);
    QVERIFY(page->addRule());
    QCOMPARE(page->rules().size(), 1);
    QCOMPARE(page->rules().first().folder, folder);
    QVERIFY(QFileInfo(folder).isDir()); // made when the rule was accepted
    // Run now, before OK: the rule as it stands.
    QTest::mouseClick(page->findChild<QPushButton *>(u"watchRunNow"_s), Qt::LeftButton);
    QVERIFY(rig.waitForRun().saved.size() == 1);
    QCOMPARE(TestFixture::filesUnder(folder), QStringList{u"2026/report_page.csv"_s});
    QTRY_VERIFY2(page->statusText().contains(u"1 new report"_s), qPrintable(page->statusText()));
    settings.accept();
    QCOMPARE(settings.result(), int(QDialog::Accepted));
    QCOMPARE(rig.settings.watchRules(rig.account()).size(), 1);
    QVERIFY(rig.settings.watchRules(u"demo"_s).isEmpty());
    emit rig.app->window()->settingsChanged();
    QVERIFY(rig.watch()->isWatching());
    QCOMPARE(rig.watch()->rules().first().name, u"Page"_s);
    // With a rule on, closing the window without a tray closes it (nothing to keep downloading) only when no tray
    // can keep it: the offscreen platform has none.
}

void TestWatchRules::aBadTemplateIsRefusedNamingTheField()
{
    QTemporaryDir dir;
    ScriptedChooser chooser;
    WatchRule rule;
    rule.name = u"Bad"_s;
    rule.folder = dir.path();
    rule.templateText = u"{period_form:yyyy}/{filename}"_s;
    WatchRuleDialog dialog(rule, {}, &chooser);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY2(dialog.errorText().startsWith(u"Template:"_s), qPrintable(dialog.errorText()));
    QVERIFY2(dialog.errorText().contains(u"{period_form}"_s), qPrintable(dialog.errorText()));
    // The same words as the CLI's usage error: one parser.
    QString cli;
    QVERIFY(!SyncTemplate::parse(rule.templateText, &cli));
    QVERIFY(dialog.errorText().contains(cli));
    // Other fields say their name too.
    dialog.findChild<QLineEdit *>(u"ruleTemplate"_s)->setText(u"{type}/{filename}"_s);
    dialog.findChild<QLineEdit *>(u"ruleName"_s)->clear();
    dialog.accept();
    QVERIFY2(dialog.errorText().startsWith(u"Name:"_s), qPrintable(dialog.errorText()));
    WatchRuleDialog taken(rule, {u"Bad"_s}, &chooser);
    taken.findChild<QLineEdit *>(u"ruleTemplate"_s)->setText(u"{filename}"_s);
    taken.accept();
    QVERIFY2(taken.errorText().startsWith(u"Name:"_s), qPrintable(taken.errorText()));
    dialog.findChild<QLineEdit *>(u"ruleName"_s)->setText(u"Good"_s);
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.rule().templateText, u"{type}/{filename}"_s);
}

void TestWatchRules::aGoneFolderIsSaidAndTheNextRunStillHappens()
{
    Rig rig;
    rig.api.server().addReport(report(u"report_later"_s));
    rig.settings.setWatchRules(rig.account(), {rig.rule()}); // its folder does not exist (a drive not connected)
    QVERIFY(rig.start());
    const WatchRun gone = rig.waitForRun();
    QVERIFY(gone.error.isError());
    QVERIFY2(gone.error.message().contains(QDir::toNativeSeparators(rig.folder())), qPrintable(gone.error.message()));
    QVERIFY(gone.error.message().contains(u"is gone"_s));
    QVERIFY(!QFileInfo::exists(rig.folder())); // not made behind the user's back
    QTRY_VERIFY(rig.app->window()->messageBar()->text().contains(u"Watch rule “March”"_s));
    QCOMPARE(rig.app->window()->messageBar()->level(), MessageBar::Level::Error);

    // The drive is back: the next check saves.
    QVERIFY(QDir().mkpath(rig.folder()));
    rig.clock.advance(15 * minute);
    const WatchRun back = rig.waitForRun(2);
    QVERIFY2(!back.error.isError(), qPrintable(back.error.message()));
    QCOMPARE(TestFixture::filesUnder(rig.folder()), QStringList{u"report_later.csv"_s});

    // A folder that cannot be written (not for root, who can write anywhere).
    if (::geteuid() == 0)
        return;
    QVERIFY(QFile::setPermissions(rig.folder(), QFile::ReadOwner | QFile::ExeOwner));
    rig.clock.advance(15 * minute);
    const WatchRun locked = rig.waitForRun(3);
    QFile::setPermissions(rig.folder(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(locked.error.message().contains(u"cannot be written"_s));
    rig.clock.advance(15 * minute);
    QVERIFY(!rig.waitForRun(4).error.isError());
}

void TestWatchRules::theBudgetSpacesChecks()
{
    const qint64 now = 1'800'000'000'000;
    RateLimit plenty;
    plenty.limit = 1000;
    plenty.remaining = 900;
    plenty.resetEpoch = now / 1000 + 1800;
    // A check of a few requests: the interval decides.
    QCOMPARE(WatchScheduler::nextDueMs(now, 15 * minute, plenty, 3, 50, now), now + 15 * minute);
    // 100 requests a check (10,000 reports): half of the 950 above the reserve an hour allows one every ~12.6 min.
    QCOMPARE(WatchScheduler::nextDueMs(now, 5 * minute, plenty, 100, 50, now), now + 3'600'000LL * 100 / 475);
    // Within the reserve: not before the reset.
    RateLimit low = plenty;
    low.remaining = 52;
    QCOMPARE(WatchScheduler::nextDueMs(now, 15 * minute, low, 3, 50, now), low.resetEpoch * 1000);
    // A limit that was never seen: the interval.
    QCOMPARE(WatchScheduler::nextDueMs(now, 15 * minute, RateLimit(), 0, 50, now), now + 15 * minute);
}

void TestWatchRules::twoCliSyncsAndAWatchRuleLoseNothing()
{
    QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
    Rig rig;
    constexpr int reports = 24;
    for (int i = 0; i < reports; ++i)
        rig.api.server().addReport(report(u"report_%1"_s.arg(i, 2, 10, QLatin1Char('0'))));
    QVERIFY(QDir().mkpath(rig.folder()));
    rig.settings.setWatchRules(rig.account(), {rig.rule()});
    // Slow file answers, so that the three overlap for most of their reports.
    sandbox::Fault slow;
    slow.host = sandbox::Fault::Host::Download;
    slow.times = -1;
    slow.delayMs = 30;
    rig.api.server().addFault(slow);

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        if (key.startsWith(u"GETBILL_"_s))
            env.remove(key);
    env.insert(u"XDG_DATA_HOME"_s, rig.dir.filePath(u"data"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, rig.dir.filePath(u"config"_s));
    env.insert(u"XDG_STATE_HOME"_s, rig.dir.filePath(u"state"_s));
    env.insert(u"GETBILL_API_URL"_s, rig.account());
    env.insert(u"GETBILL_TOKEN"_s, sandbox::SandboxServer::demoToken());
    env.insert(u"GETBILL_TEST_RETRY_BASE_MS"_s, u"10"_s);
    const QStringList arguments{u"sync"_s, u"--output-dir"_s, rig.folder(), u"--type"_s, u"financial"_s, u"--jobs=3"_s};
    QProcess a;
    QProcess b;
    QSignalSpy aDone(&a, &QProcess::finished);
    QSignalSpy bDone(&b, &QProcess::finished);
    for (QProcess *p : {&a, &b}) {
        p->setProgram(cliPath());
        p->setArguments(arguments);
        p->setProcessEnvironment(env);
        p->setStandardInputFile(QProcess::nullDevice());
    }
    a.start();
    b.start();
    QVERIFY(rig.start()); // its first check runs with them
    // Never waitForFinished(): the sandbox the children talk to lives in this process's event loop.
    QVERIFY(QTest::qWaitFor([&] { return !aDone.isEmpty() && !bDone.isEmpty() && !rig.runs.isEmpty(); }, 90'000));
    QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
    QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
    const WatchRun run = rig.runs.first();
    QVERIFY2(!run.error.isError(), qPrintable(run.error.message()));

    const QStringList files = TestFixture::filesUnder(rig.folder());
    QCOMPARE(files.size(), reports);
    for (const QString &file : files)
        QVERIFY2(!file.contains(u" (1)"_s) && !file.endsWith(u".part"_s), qPrintable(file));
    QCOMPARE(rig.requests(u"/reports/download/"_s), reports);
    // Every report recorded exactly once, whoever saved it.
    QFile history(rig.dir.filePath(u"data/getbill-reports/download-history.json"_s));
    QVERIFY(history.open(QIODevice::ReadOnly));
    const QJsonArray records = QJsonDocument::fromJson(history.readAll()).object().value(u"downloads"_s).toArray();
    QSet<QString> ids;
    for (const QJsonValue &v : records)
        ids.insert(v.toObject().value(u"id"_s).toString());
    QCOMPARE(ids.size(), reports);
    QCOMPARE(records.size(), reports);
    // And the next check finds everything.
    rig.api.server().clearFaults();
    rig.api.server().clearRequests();
    rig.clock.advance(15 * minute);
    const WatchRun next = rig.waitForRun(2);
    QVERIFY(next.saved.isEmpty());
    QVERIFY(rig.onlyListRequests());
}

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    TestWatchRules test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_watchrules.moc"
