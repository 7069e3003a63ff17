// The session-bus clients of getbill_desktop against fakes served on the test's private bus: notifications (Notify,
// a click coming back as ActionInvoked, a closed one forgotten, text escaped), the file manager's ShowItems, the
// launcher entry's Update signal, and what each does when no service is there.

#include "DesktopFakes.h"
#include "DesktopNotifier.h"
#include "FileManagerItems.h"
#include "LauncherEntry.h"

#include <QProcess>
#include <QSignalSpy>
#include <QtTest>

using namespace getbill;
using namespace getbill::test;
using namespace Qt::StringLiterals;

class TestDesktopBus : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void notifyReachesTheServerAndAClickComesBack();
    void aClosedNotificationIsForgotten();
    void noNotificationServer();
    void realNotificationDaemon();
    void showItemsSelectsTheFiles();
    void noFileManager();
    void launcherEntryShowsProgressAndClears();
};

void TestDesktopBus::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run through scripts/test: it provides a session bus");
}

void TestDesktopBus::notifyReachesTheServerAndAClickComesBack()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    DesktopNotifier notifier(QDBusConnection::sessionBus());
    QVERIFY(notifier.isAvailable());
    QSignalSpy activated(&notifier, &DesktopNotifier::activated);
    QVERIFY(notifier.notify(u"Download finished"_s, u"Q1 <b>sales</b> & costs"_s, u"/tmp/q1.pdf"_s));
    QTRY_COMPARE(server.calls.size(), 1);
    QCOMPARE(server.calls.at(0).summary, u"Download finished"_s);
    QCOMPARE(server.calls.at(0).body, u"Q1 &lt;b&gt;sales&lt;/b&gt; &amp; costs"_s);
    QCOMPARE(server.calls.at(0).actions, (QStringList{u"default"_s, u"Show"_s}));
    QVERIFY(notifier.notify(u"Download failed"_s, u"Q2"_s, u"/tmp/q2.pdf"_s));
    QTRY_COMPARE(server.calls.size(), 2);

    // The replies travel before the signals the server sends after them: the ids are known by then.
    server.click(server.calls.at(1).id);
    QTRY_COMPARE(activated.size(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), u"/tmp/q2.pdf"_s);
    server.click(server.calls.at(0).id);
    QTRY_COMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), u"/tmp/q1.pdf"_s);
    // An id the notifier never got means nothing: the click after it is the only one heard.
    server.click(999);
    server.click(server.calls.at(0).id);
    QTRY_COMPARE(activated.size(), 3);
    QCOMPARE(activated.at(2).at(0).toString(), u"/tmp/q1.pdf"_s);
}

void TestDesktopBus::aClosedNotificationIsForgotten()
{
    FakeNotifications server;
    QVERIFY(server.isRegistered());
    DesktopNotifier notifier(QDBusConnection::sessionBus());
    QSignalSpy activated(&notifier, &DesktopNotifier::activated);
    QVERIFY(notifier.notify(u"Download finished"_s, u"Q3"_s, u"/tmp/q3.pdf"_s));
    QVERIFY(notifier.notify(u"Download finished"_s, u"Q4"_s, u"/tmp/q4.pdf"_s));
    QTRY_COMPARE(server.calls.size(), 2);
    server.click(server.calls.at(1).id); // both replies are in once this one is heard (in order)
    QTRY_COMPARE(activated.size(), 1);
    server.close(server.calls.at(0).id);
    server.click(server.calls.at(0).id);
    // The signals arrive in order: a later click that is heard proves the earlier one was dropped.
    server.click(server.calls.at(1).id);
    QTRY_COMPARE(activated.size(), 2);
    QCOMPARE(activated.at(1).at(0).toString(), u"/tmp/q4.pdf"_s);
}

void TestDesktopBus::noNotificationServer()
{
    DesktopNotifier notifier(QDBusConnection::sessionBus());
    QVERIFY(!notifier.isAvailable());
    QVERIFY(!notifier.notify(u"Download finished"_s, u"Q1"_s, u"/tmp/q1.pdf"_s));
    // A bus that is not connected at all is the same answer.
    DesktopNotifier offline(QDBusConnection(u"not-connected"_s));
    QVERIFY(!offline.notify(u"Download finished"_s, u"Q1"_s, u"/tmp/q1.pdf"_s));
}

void TestDesktopBus::realNotificationDaemon()
{
    // Debian's notification-daemon on the test's display and bus: the notifier finds it and it takes the call.
    QVERIFY2(qEnvironmentVariableIsSet("DISPLAY"), "run through scripts/test: it provides Xvfb");
    QProcess daemon;
    daemon.start(u"/usr/lib/notification-daemon/notification-daemon"_s, {u"--replace"_s});
    QVERIFY2(daemon.waitForStarted(), "notification-daemon is missing: scripts/test installs it");
    DesktopNotifier notifier(QDBusConnection::sessionBus());
    QTRY_VERIFY_WITH_TIMEOUT(notifier.isAvailable(), 5'000);
    QDBusMessage info = QDBusMessage::createMethodCall(DesktopNotifier::service, u"/org/freedesktop/Notifications"_s,
                                                       u"org.freedesktop.Notifications"_s, u"GetServerInformation"_s);
    const QDBusMessage reply = QDBusConnection::sessionBus().call(info, QDBus::Block, 5'000);
    QCOMPARE(reply.type(), QDBusMessage::ReplyMessage);
    QVERIFY(!reply.arguments().value(0).toString().isEmpty());
    // It supports actions: what makes a click on a notification come back as ActionInvoked.
    QDBusMessage caps = QDBusMessage::createMethodCall(DesktopNotifier::service, u"/org/freedesktop/Notifications"_s,
                                                       u"org.freedesktop.Notifications"_s, u"GetCapabilities"_s);
    QVERIFY(QDBusConnection::sessionBus()
                .call(caps, QDBus::Block, 5'000)
                .arguments()
                .value(0)
                .toStringList()
                .contains(u"actions"_s));
    QVERIFY(notifier.notify(u"Download finished"_s, u"Q1"_s, u"/tmp/q1.pdf"_s));
    daemon.terminate();
    if (!daemon.waitForFinished(5'000)) {
        daemon.kill();
        daemon.waitForFinished();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!notifier.isAvailable(), 5'000);
}

void TestDesktopBus::showItemsSelectsTheFiles()
{
    FakeFileManager manager;
    QVERIFY(manager.isRegistered());
    QVERIFY(FileManagerItems::isAvailable(QDBusConnection::sessionBus()));
    QVERIFY(FileManagerItems::show(QDBusConnection::sessionBus(), {u"/tmp/reports/Q1 sales #1.pdf"_s}, u"id-1"_s));
    QTRY_COMPARE(manager.shown.size(), 1);
    QCOMPARE(manager.shown.at(0), QStringList{u"file:///tmp/reports/Q1%20sales%20%231.pdf"_s});
    QCOMPARE(manager.startupIds.at(0), u"id-1"_s);
}

void TestDesktopBus::noFileManager()
{
    QVERIFY(!FileManagerItems::isAvailable(QDBusConnection::sessionBus()));
    QVERIFY(!FileManagerItems::show(QDBusConnection::sessionBus(), {u"/tmp/q1.pdf"_s}));
    FakeFileManager manager;
    QVERIFY(manager.isRegistered());
    QVERIFY(!FileManagerItems::show(QDBusConnection::sessionBus(), {})); // nothing to show
    QVERIFY(!FileManagerItems::show(QDBusConnection(u"not-connected"_s), {u"/tmp/q1.pdf"_s}));
}

void TestDesktopBus::launcherEntryShowsProgressAndClears()
{
    LauncherListener listener;
    QVERIFY(listener.isConnected());
    LauncherEntry entry(QDBusConnection::sessionBus());
    entry.update(0.42, 2);
    QTRY_COMPARE(listener.updates.size(), 1);
    QCOMPARE(listener.uris.at(0), u"application://io.getbill.Reports.desktop"_s);
    QCOMPARE(listener.updates.at(0).value(u"progress"_s).toDouble(), 0.42);
    QCOMPARE(listener.updates.at(0).value(u"progress-visible"_s).toBool(), true);
    QCOMPARE(listener.updates.at(0).value(u"count"_s).toLongLong(), 2);
    QCOMPARE(listener.updates.at(0).value(u"count-visible"_s).toBool(), true);
    // The same figure again is not sent; the next one is.
    entry.update(0.421, 2);
    entry.update(1.5, 1);
    QTRY_COMPARE(listener.updates.size(), 2);
    QCOMPARE(listener.updates.at(1).value(u"progress"_s).toDouble(), 1.0);
    QCOMPARE(listener.updates.at(1).value(u"count-visible"_s).toBool(), false);
    entry.clear();
    QTRY_COMPARE(listener.updates.size(), 3);
    QCOMPARE(listener.updates.at(2).value(u"progress-visible"_s).toBool(), false);
    QCOMPARE(listener.updates.at(2).value(u"count"_s).toLongLong(), 0);
}

QTEST_GUILESS_MAIN(TestDesktopBus)
#include "tst_desktopbus.moc"
