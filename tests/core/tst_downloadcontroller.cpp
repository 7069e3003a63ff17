// DownloadController against the sandbox: what happens to an id, from a drop or the CLI, before anything is
// downloaded (lookup, refusal, where it goes, the dialog first), and that an account switch stops everything.

#include "TestFixture.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"
#include "download/SafeFileName.h"
#include "download/SaveLocation.h"

#include <QDir>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace getbill;
using namespace getbill::test;
using State = ReportDownloadJob::State;

namespace {
/// Answers where to save as a user would, later from the event loop, and records what it was asked.
class ScriptedLocation : public SaveLocation
{
public:
    void chooseFile(const Report &report, const QString &suggestedName, QObject *context, Answer answer) override
    {
        fileQuestions << report.id + QLatin1Char(':') + suggestedName;
        QTimer::singleShot(0, context, [this, answer] { answer(fileAnswer); });
    }
    void chooseFolder(int count, QObject *context, Answer answer) override
    {
        folderQuestions << count;
        QTimer::singleShot(0, context, [this, answer] { answer(folderAnswer); });
    }
    QString fileAnswer;
    QString folderAnswer;
    QStringList fileQuestions;
    QList<int> folderQuestions;
};

int apiRequests(sandbox::SandboxServer &server, const QString &pathPart)
{
    int n = 0;
    const auto requests = server.requests();
    for (const auto &r : requests)
        if (r.host == sandbox::Fault::Host::Api && r.pathAndQuery.contains(pathPart))
            ++n;
    return n;
}

bool waitIdle(DownloadQueue &queue)
{
    return queue.isIdle() || QSignalSpy(&queue, &DownloadQueue::idle).wait(15'000);
}

sandbox::SandboxReport pending(const QString &id)
{
    sandbox::SandboxReport r = TestFixture::csvReport(id);
    r.status = QStringLiteral("processing");
    r.downloadAvailable = false;
    return r;
}
} // namespace

class TestDownloadController : public QObject
{
    Q_OBJECT
private slots:
    void unknownIdsAreLookedUpKnownOnesAreNot();
    void reportsNotReadyAreExplainedNotQueued();
    void refusedIdsCarryTheApiMessage();
    void askingComesFirstAndACancelCostsNothing();
    void severalReportsAskForOneFolder();
    void withoutLookupsIdsGoStraightToTheQueue();
    void duplicatesAreDownloadedOnce();
    void anAccountSwitchStopsEverything();
};

void TestDownloadController::unknownIdsAreLookedUpKnownOnesAreNot()
{
    TestFixture f;
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_known")));
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_new")));
    Report known;
    known.id = QStringLiteral("report_known");
    known.title = QStringLiteral("Known");
    known.status = QStringLiteral("completed");
    known.downloadAvailable = true;
    known.filename = QStringLiteral("known.csv");
    DownloadHistory history(QDir(f.folder()).filePath(QStringLiteral("history.json")));
    DownloadController controller(&f.api(), &history);
    controller.setCatalogue([known](const QString &id) -> std::optional<Report> {
        return id == known.id ? std::optional<Report>(known) : std::nullopt;
    });
    QSignalSpy lookedUp(&controller, &DownloadController::reportLookedUp);
    QSignalSpy queued(&controller, &DownloadController::queued);
    const QString folder = QDir(f.folder()).filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(folder));
    controller.download(QStringList{QStringLiteral("report_known"), QStringLiteral("report_new")},
                        DownloadTarget::uniqueInFolder(folder));
    QTRY_COMPARE(controller.queue()->rowCount(), 2);
    QCOMPARE(lookedUp.size(), 1);
    QCOMPARE(lookedUp.first().first().value<Report>().id, QStringLiteral("report_new"));
    QCOMPARE(apiRequests(f.server(), QStringLiteral("/reports/report_known")), 0);
    QCOMPARE(apiRequests(f.server(), QStringLiteral("/reports/report_new")), 1);
    QVERIFY(waitIdle(*controller.queue()));
    QCOMPARE(controller.queue()->state(0), State::Done);
    QCOMPARE(controller.queue()->state(1), State::Done);
    QCOMPARE(history.records().size(), 2);
    // One batch: both are queued together once the lookup answered, in the order given.
    QCOMPARE(queued.size(), 1);
    QCOMPARE(queued.first().first().toStringList(),
             (QStringList{QStringLiteral("report_known"), QStringLiteral("report_new")}));
}

void TestDownloadController::reportsNotReadyAreExplainedNotQueued()
{
    TestFixture f;
    f.server().addReport(pending(QStringLiteral("report_later")));
    DownloadController controller(&f.api(), nullptr);
    QSignalSpy refused(&controller, &DownloadController::notDownloadable);
    controller.download(QStringList{QStringLiteral("report_later")}, DownloadTarget::folder(f.folder()));
    QVERIFY(refused.wait(5000));
    const QStringList reasons = refused.first().first().toStringList();
    QCOMPARE(reasons.size(), 1);
    QVERIFY2(reasons.first().contains(QStringLiteral("cannot be downloaded")) &&
                 reasons.first().contains(QStringLiteral("still generating")),
             qPrintable(reasons.first()));
    QCOMPARE(controller.queue()->rowCount(), 0);
    QCOMPARE(apiRequests(f.server(), QStringLiteral("/reports/download/")), 0);
}

void TestDownloadController::refusedIdsCarryTheApiMessage()
{
    TestFixture f;
    sandbox::SandboxReport foreign = TestFixture::csvReport(QStringLiteral("report_foreign"));
    foreign.ownerCompany = QStringLiteral("acme");
    f.server().addReport(foreign);
    DownloadController controller(&f.api(), nullptr);
    QSignalSpy failed(&controller, &DownloadController::lookupFailed);
    controller.download(QStringList{QStringLiteral("report_foreign"), QStringLiteral("report_nothere")},
                        DownloadTarget::folder(f.folder()));
    QVERIFY(failed.wait(5000));
    const QStringList messages = failed.first().first().toStringList();
    QCOMPARE(messages.size(), 2);
    QVERIFY(messages.join(u'\n').contains(QStringLiteral("Access denied to this report")));
    QVERIFY(messages.join(u'\n').contains(QStringLiteral("Report not found")));
    QCOMPARE(controller.queue()->rowCount(), 0);
    QVERIFY(f.files().isEmpty());
}

void TestDownloadController::askingComesFirstAndACancelCostsNothing()
{
    TestFixture f;
    const sandbox::SandboxReport r = TestFixture::csvReport(QStringLiteral("report_ask"));
    f.server().addReport(r);
    DownloadController controller(&f.api(), nullptr);
    ScriptedLocation location;
    controller.setSaveLocation(&location);
    controller.download(QStringList{r.id}, DownloadTarget::ask());
    QTRY_COMPARE(location.fileQuestions.size(), 1);
    QCOMPARE(location.fileQuestions.first(),
             r.id + QLatin1Char(':') + SafeFileName::sanitize(r.filename, r.id, r.mimeType));
    QTest::qWait(50);
    // Cancelled: nothing queued, and GetBill was never asked for a download link (each one is logged there).
    QCOMPARE(controller.queue()->rowCount(), 0);
    QCOMPARE(apiRequests(f.server(), QStringLiteral("/reports/download/")), 0);

    location.fileAnswer = QDir(f.folder()).filePath(QStringLiteral("chosen.csv"));
    controller.download(QStringList{r.id}, DownloadTarget::ask());
    QTRY_COMPARE(controller.queue()->rowCount(), 1);
    QVERIFY(waitIdle(*controller.queue()));
    QCOMPARE(controller.queue()->state(0), State::Done);
    QCOMPARE(readFile(location.fileAnswer), f.server().contentOf(r.id));
}

void TestDownloadController::severalReportsAskForOneFolder()
{
    TestFixture f;
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        f.server().addReport(TestFixture::csvReport(QStringLiteral("report_many%1").arg(i)));
        ids << QStringLiteral("report_many%1").arg(i);
    }
    DownloadController controller(&f.api(), nullptr);
    ScriptedLocation location;
    location.folderAnswer = f.folder();
    controller.setSaveLocation(&location);
    controller.download(ids, DownloadTarget::ask());
    QTRY_COMPARE(controller.queue()->rowCount(), 3);
    QCOMPARE(location.folderQuestions, QList<int>{3});
    QVERIFY(location.fileQuestions.isEmpty());
    QVERIFY(waitIdle(*controller.queue()));
    QCOMPARE(f.files().size(), 3);
}

void TestDownloadController::withoutLookupsIdsGoStraightToTheQueue()
{
    TestFixture f;
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_cli")));
    DownloadController controller(&f.api(), nullptr);
    controller.setLookUpUnknownIds(false);
    controller.download(QStringList{QStringLiteral("report_cli"), QStringLiteral("report_missing")},
                        DownloadTarget::folder(f.folder()));
    QCOMPARE(controller.queue()->rowCount(), 2); // at once: nothing to wait for
    QVERIFY(waitIdle(*controller.queue()));
    QCOMPARE(controller.queue()->state(0), State::Done);
    QCOMPARE(controller.queue()->state(1), State::Failed);
    QVERIFY(controller.queue()->error(1).message().contains(QStringLiteral("not found")));
    // One request per id: the ticket. No lookup first.
    QCOMPARE(apiRequests(f.server(), QStringLiteral("/reports/report_")), 0);
}

void TestDownloadController::duplicatesAreDownloadedOnce()
{
    TestFixture f;
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_twice")));
    DownloadController controller(&f.api(), nullptr);
    controller.setLookUpUnknownIds(false);
    controller.download(QStringList{QStringLiteral("report_twice"), QStringLiteral("report_twice")},
                        DownloadTarget::uniqueInFolder(f.folder()));
    QCOMPARE(controller.queue()->rowCount(), 1);
    QVERIFY(waitIdle(*controller.queue()));
    QCOMPARE(f.files(), QStringList{QStringLiteral("report_twice.csv")});
}

void TestDownloadController::anAccountSwitchStopsEverything()
{
    TestFixture f;
    TestFixture other;
    sandbox::SandboxReport big = TestFixture::csvReport(QStringLiteral("report_big"), 32 * 1024 * 1024);
    f.server().addReport(big);
    f.server().addReport(TestFixture::csvReport(QStringLiteral("report_lookup")));
    sandbox::Fault stall;
    stall.host = sandbox::Fault::Host::Download;
    stall.stallAfterBytes = 1024 * 1024;
    f.server().addFault(stall);
    sandbox::Fault slow;
    slow.pathContains = QStringLiteral("/reports/report_lookup");
    slow.delayMs = 300;
    f.server().addFault(slow);
    DownloadController controller(&f.api(), nullptr);
    controller.setLookUpUnknownIds(false);
    controller.download(QStringList{big.id}, DownloadTarget::folder(f.folder()));
    controller.setLookUpUnknownIds(true);
    QSignalSpy lookedUp(&controller, &DownloadController::reportLookedUp);
    QSignalSpy failed(&controller, &DownloadController::lookupFailed);
    controller.download(QStringList{QStringLiteral("report_lookup")}, DownloadTarget::folder(f.folder()));
    QTRY_VERIFY(controller.queue()->rowCount() == 1 &&
                controller.queue()->index(0).data(DownloadQueue::BytesReceivedRole).toLongLong() > 0);
    QVERIFY(controller.hasPendingRequests());
    QVERIFY(f.api().setBaseUrl(other.server().apiUrl()));
    QCOMPARE(controller.queue()->state(0), State::Cancelled);
    QVERIFY(!controller.hasPendingRequests());
    QTest::qWait(400); // the delayed lookup answers meanwhile: it must not queue anything
    QCOMPARE(controller.queue()->rowCount(), 1);
    QCOMPARE(lookedUp.size(), 0);
    QCOMPARE(failed.size(), 0); // a cancel is not a failure to tell the user about
    QVERIFY(f.files().isEmpty());
    QCOMPARE(other.server().requests().size(), 0);
}

QTEST_GUILESS_MAIN(TestDownloadController)
#include "tst_downloadcontroller.moc"
