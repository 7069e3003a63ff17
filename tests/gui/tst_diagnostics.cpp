// Help > Save diagnostics: an application signed in to the sandbox downloads a report (its signed link goes through
// the request log), then saves the report: versions, settings, the last errors and the log with the request lines
// are there, the token and the link's signature are not, the file is 0600, and a target that cannot be written says
// so in the message bar.
#include "Application.h"
#include "Diagnostics.h"
#include "GuiHarness.h"
#include "MainWindow.h"
#include "MessageBar.h"
#include "ReportTableModel.h"
#include "auth/Credential.h"
#include "auth/MemorySecretStore.h"
#include "download/DownloadController.h"
#include "download/DownloadQueue.h"

#include <QAction>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>
#include <sys/stat.h>

using namespace getbill;
using namespace getbill::gui;
using namespace getbill::test;
using namespace Qt::StringLiterals;

namespace {
int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

QString readText(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}
} // namespace

class TestDiagnostics : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void savedReportHasNoSecret();
};

void TestDiagnostics::initTestCase()
{
    static QTemporaryDir data;
    qputenv("XDG_DATA_HOME", data.path().toUtf8());
    static QTemporaryDir cache;
    qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
    qunsetenv("GETBILL_TOKEN");
    qunsetenv("GETBILL_API_URL");
}

void TestDiagnostics::savedReportHasNoSecret()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(u"settings.ini"_s), QSettings::IniFormat);
    MemorySecretStore memory;
    ScriptedChooser chooser;
    RecordingLauncher launcher;
    TestFixture api;
    const sandbox::SandboxReport report = TestFixture::csvReport(u"report_diag"_s, 20'000);
    api.server().addReport(report);
    const QString token = sandbox::SandboxServer::demoToken();
    {
        std::unique_ptr<SecretJob> job(
            memory.write(SecretStore::keyFor(api.server().apiUrl()), Credential::token(token).toSecret()));
        QVERIFY(TestFixture::waitFor(job.get()));
    }
    Application::Parts parts;
    parts.settings = &settings;
    parts.secrets = &memory;
    parts.chooser = &chooser;
    parts.launcher = &launcher;
    Application app({api.server().apiUrl().toString(), false, {}}, parts);
    QVERIFY(app.start());
    // Signed in once the list of the saved account is in.
    QSignalSpy loaded(app.window(), &MainWindow::listLoaded);
    QVERIFY((app.window()->reportModel()->rowCount() > 0 && !app.window()->isLoading()) || loaded.wait(10'000));

    // One download that works (its signed link is logged) and one that fails (a last error).
    const QString target = dir.filePath(u"report.csv"_s);
    app.downloads()->download(QStringList{report.id}, DownloadTarget::file(target));
    DownloadQueue *queue = app.downloads()->queue();
    QTRY_COMPARE_WITH_TIMEOUT(queue->rowCount(), 1, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(queue->state(0), ReportDownloadJob::State::Done, 15'000);
    app.diagnostics()->errors().add(u"Report report_gone: not found (token=leakedtoken1)"_s);
    app.window()->messageBar()->showError(u"The download failed: https://dl/x.csv?expires=1&signature=barsig99"_s);
    QCOMPARE(api.downloadRequests().size(), 1);
    const QUrl signedUrl(u"http://host"_s + api.downloadRequests().first().pathAndQuery);
    const QString signature = QUrlQuery(signedUrl).queryItemValue(u"signature"_s, QUrl::FullyDecoded);
    QVERIFY(!signature.isEmpty());
    // A careless log line with both secrets: the report must still not show them.
    qWarning("debugging %s with Bearer %s", qUtf8Printable(signedUrl.toString()), qUtf8Printable(token));

    auto *action = app.window()->findChild<QAction *>(u"actionSaveDiagnostics"_s);
    QVERIFY(action);
    const QString path = dir.filePath(u"diagnostics.txt"_s);
    chooser.saveAnswer = path;
    action->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 10'000);
    QCOMPARE(chooser.captions.last(), u"Save diagnostics"_s);
    QTRY_COMPARE(app.window()->messageBar()->level(), MessageBar::Level::Information);
    QVERIFY2(app.window()->messageBar()->text().contains(path), qPrintable(app.window()->messageBar()->text()));
    QCOMPARE(mode(path), 0600);

    const QString text = readText(path);
    QVERIFY(text.contains(u"[versions]"_s));
    QVERIFY(text.contains(u"qt_runtime: "_s + QString::fromLatin1(qVersion())));
    QVERIFY(text.contains(u"application: "_s));
    QVERIFY(text.contains(u"tls_backend: "_s));
    QVERIFY(text.contains(u"os: "_s));
    QVERIFY(text.contains(u"[settings]"_s));
    QVERIFY(text.contains(u"max_concurrent_downloads: "_s));
    QVERIFY(text.contains(u"[last errors]"_s));
    QVERIFY(text.contains(u"Report report_gone: not found (token=[redacted])"_s));
    QVERIFY2(text.contains(u"The download failed: https://dl/x.csv?expires=[redacted]&signature=[redacted]"_s),
             qPrintable(text));
    QVERIFY(!text.contains(u"barsig99"_s));
    const QString host = api.server().apiUrl().host() + u':' + QString::number(api.server().apiUrl().port());
    const QRegularExpression ticket(u"getbill.http: info: GET "_s + QRegularExpression::escape(host) +
                                    u" \\S*/reports/download/report_diag -> 200 \\(\\d+ ms\\)"_s);
    QVERIFY2(ticket.match(text).hasMatch(), qPrintable(text));
    const QRegularExpression file(u"GET \\S+ "_s + QRegularExpression::escape(signedUrl.path()) +
                                  u" -> 200 \\(\\d+ ms\\)"_s);
    QVERIFY2(file.match(text).hasMatch(), qPrintable(text));
    QVERIFY(text.contains(u"debugging "_s));
    // No token and no signature, in any form.
    QVERIFY2(!text.contains(token), qPrintable(text));
    QVERIFY(!text.contains(signature));
    QVERIFY(!text.contains(QString::fromLatin1(QUrl::toPercentEncoding(signature))));
    QVERIFY(!text.contains(u"leakedtoken1"_s));

    // A target that cannot be written (its folder is a file: refused for root too): the message bar says so.
    const QString notAFolder = dir.filePath(u"not-a-folder"_s);
    {
        QFile plain(notAFolder);
        QVERIFY(plain.open(QIODevice::WriteOnly));
    }
    chooser.saveAnswer = notAFolder + u"/diagnostics.txt"_s;
    action->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(app.window()->messageBar()->level(), MessageBar::Level::Error, 10'000);
    QVERIFY2(app.window()->messageBar()->text().startsWith(u"The diagnostics could not be saved to "_s),
             qPrintable(app.window()->messageBar()->text()));
    QVERIFY(app.window()->messageBar()->text().contains(chooser.saveAnswer));
    QCOMPARE(QFileInfo(notAFolder).size(), 0);

    // Cancelled: nothing happens.
    app.window()->messageBar()->dismiss();
    chooser.saveAnswer.clear();
    action->trigger();
    QTest::qWait(100);
    QVERIFY(!app.window()->messageBar()->isVisible());
}

QTEST_MAIN(TestDiagnostics)
#include "tst_diagnostics.moc"
