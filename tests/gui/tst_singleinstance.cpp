// SingleInstance between real processes. This test is the running instance; the real getbill-reports binary, launched a
// second time with ids, must hand them over and exit without opening a window. Where the socket lives, and what
// happens when another user got there first: as root, a second user (getbill-squatter) runs small Python listeners and
// clients through setpriv, as a hostile local user would.

#include "ChildProcess.h"
#include "SingleInstance.h"

#include <QDataStream>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>
#include <optional>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace getbill;
using namespace Qt::StringLiterals;

namespace {
constexpr char SquatterName[] = "getbill-squatter";

struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
};

/// The second user, created once (as root only: callers skip otherwise).
std::optional<Account> squatterAccount()
{
    const passwd *pw = ::getpwnam(SquatterName);
    if (!pw) {
        QProcess useradd;
        useradd.start(u"useradd"_s,
                      {u"-M"_s, u"-r"_s, u"-s"_s, u"/usr/sbin/nologin"_s, QString::fromLatin1(SquatterName)});
        useradd.waitForFinished(30'000);
        // Another run may have created it meanwhile: look again whatever useradd said.
        pw = ::getpwnam(SquatterName);
    }
    if (!pw)
        return std::nullopt;
    return Account{pw->pw_uid, pw->pw_gid};
}

#define REQUIRE_SQUATTER(account)                                                                                      \
    if (::geteuid() != 0)                                                                                              \
        QSKIP("needs root, to run a second user's processes");                                                         \
    const std::optional<Account> account = squatterAccount();                                                          \
    QVERIFY2(account, "could not create the getbill-squatter user")

// Listens on argv[1] the way a hostile instance would: acknowledges whatever it gets with "1", and prints how many
// bytes each connection brought.
const QString listenerScript = uR"(
import socket, sys
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sys.argv[1])
server.listen(8)
print("listening", flush=True)
while True:
    conn, _ = server.accept()
    conn.settimeout(2)
    got = b""
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            got += data
            conn.sendall(b"1")
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    conn.close()
    print("connection %d" % len(got), flush=True)
)"_s;

// Binds argv[1] and exits without listening or removing it: the socket file a crashed process leaves behind.
const QString staleScript = uR"(
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
print("bound", flush=True)
)"_s;

// Connects to argv[1], sends the bytes of hex argv[2] and prints the reply ("none" when the connection was dropped).
const QString clientScript = uR"(
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
got = b""
try:
    s.sendall(bytes.fromhex(sys.argv[2]))
    s.settimeout(5)
    while True:
        data = s.recv(16)
        if not data:
            break
        got += data
except (socket.timeout, ConnectionResetError, BrokenPipeError):
    pass
print("reply " + (got.decode("latin-1") or "none"), flush=True)
)"_s;

/// Python as `account` (or as ourselves without one), started from "/" so that no folder of ours is needed.
std::unique_ptr<test::ChildProcess> python(const QString &script, const QStringList &arguments,
                                           const std::optional<Account> &account = std::nullopt)
{
    QStringList command{u"-I"_s, u"-c"_s, script};
    command << arguments;
    QString program = u"/usr/bin/python3"_s;
    if (account) {
        command.prepend(program);
        command =
            QStringList{u"--reuid=%1"_s.arg(account->uid), u"--regid=%1"_s.arg(account->gid), u"--clear-groups"_s} +
            command;
        program = u"setpriv"_s;
    }
    auto child = std::make_unique<test::ChildProcess>(program, command);
    child->setWorkingDirectory(u"/"_s);
    return child;
}

/// The socket path whatever the implementation: a relative name is one in the temporary folder (QLocalServer's rule).
QString socketPath(const SingleInstance &instance)
{
    const QString name = instance.serverName();
    return QDir::isAbsolutePath(name) ? name : QDir::tempPath() + QLatin1Char('/') + name;
}

/// A launch's frame exactly as the application sends it (QDataStream: version, arguments, framed as a QByteArray).
QByteArray frameFor(const QStringList &arguments, quint32 version = 1)
{
    QByteArray message;
    QDataStream out(&message, QIODevice::WriteOnly);
    out << version << arguments;
    QByteArray framed;
    QDataStream frame(&framed, QIODevice::WriteOnly);
    frame << message;
    return framed;
}

struct FileOwner
{
    bool exists = false;
    uid_t uid = 0;
    bool socket = false;
};

FileOwner ownerOf(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return {true, st.st_uid, S_ISSOCK(st.st_mode)};
}

int countLines(const QByteArray &output, const QByteArray &prefix)
{
    int n = 0;
    const QList<QByteArray> lines = output.split('\n');
    for (const QByteArray &line : lines)
        if (line.startsWith(prefix))
            ++n;
    return n;
}
} // namespace

class TestSingleInstance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY(m_runtime.isValid());
        QVERIFY(QFile::setPermissions(m_runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        // A private HOME and runtime folder keep this test away from a real running application and let the child
        // process find us.
        qputenv("HOME", m_home.path().toUtf8());
        m_app = qEnvironmentVariable("GETBILL_TEST_BINARY_DIR") + u"/app/gui/getbill-reports"_s;
        QVERIFY2(QFileInfo(m_app).isExecutable(), qPrintable(m_app));
        m_tmpdir = qgetenv("TMPDIR");
    }

    void init()
    {
        qputenv("XDG_RUNTIME_DIR", m_runtime.path().toUtf8());
        if (m_tmpdir.isNull())
            qunsetenv("TMPDIR");
        else
            qputenv("TMPDIR", m_tmpdir);
    }

    void secondLaunchHandsOverItsIds()
    {
        SingleInstance running;
        QVERIFY(running.listen());
        QSignalSpy received(&running, &SingleInstance::argumentsReceived);

        QProcess second;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        second.setProcessEnvironment(env);
        second.start(m_app, {u"report_abc123"_s, u"getbill://report/report_def456"_s});
        QVERIFY(second.waitForStarted());
        QVERIFY(received.wait(15'000));
        QCOMPARE(received.first().first().toStringList(),
                 (QStringList{u"report_abc123"_s, u"getbill://report/report_def456"_s}));
        // Handed over, the second process leaves on its own and successfully.
        QVERIFY(second.waitForFinished(15'000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
    }

    void onlyOneListens()
    {
        SingleInstance first(u"getbill-test-one"_s);
        QVERIFY(first.listen());
        SingleInstance second(u"getbill-test-one"_s);
        QVERIFY(!second.listen());
        QCOMPARE(second.listenError(), SingleInstance::ListenError::AlreadyRunning);
        // The first one keeps the name: a refused second instance must not have taken it over.
        QLocalSocket probe;
        probe.connectToServer(first.serverName());
        QVERIFY(probe.waitForConnected(1000));
    }

    void staleSocketIsReplaced()
    {
        // No one listens: sending fails fast, and listening works.
        SingleInstance lonely(u"getbill-test-stale"_s);
        QVERIFY(!lonely.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(lonely.listen());
    }

    void staleSocketFileOfOursIsReplaced()
    {
        // A crashed instance's socket: bound, nobody listening, the file left behind.
        SingleInstance crashed(u"getbill-test-crashed"_s);
        const QString path = socketPath(crashed);
        auto stale = python(staleScript, {path});
        QVERIFY(stale->start());
        QVERIFY(stale->wait(15'000));
        QCOMPARE(ownerOf(path).socket, true);
        QVERIFY(!crashed.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(crashed.listen());
        QCOMPARE(crashed.listenError(), SingleInstance::ListenError::None);
        QLocalSocket probe;
        probe.connectToServer(path);
        QVERIFY(probe.waitForConnected(1000));
    }

    void somethingElseAtTheNameIsLeftAlone_data()
    {
        QTest::addColumn<bool>("folder");
        QTest::newRow("a file") << false;
        QTest::newRow("a folder") << true;
    }

    void somethingElseAtTheNameIsLeftAlone()
    {
        // Not a socket, even one of ours: not ours to remove (it is not what a crash leaves).
        QFETCH(bool, folder);
        SingleInstance instance(u"getbill-test-notasocket"_s);
        const QString path = socketPath(instance);
        if (folder) {
            QVERIFY(QDir().mkdir(path));
        } else {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("keep me");
        }
        QVERIFY(!instance.listen());
        QCOMPARE(instance.listenError(), SingleInstance::ListenError::Unavailable);
        QCOMPARE(QFileInfo(path).isDir(), folder);
        QVERIFY(QFileInfo::exists(path));
        QVERIFY(folder ? QDir().rmdir(path) : QFile::remove(path));
    }

    void socketLivesInTheRuntimeFolder()
    {
        SingleInstance instance(u"getbill-test-path"_s);
        QCOMPARE(instance.serverName(), m_runtime.filePath(u"getbill-test-path.socket"_s));
        QVERIFY(instance.listen());
        QVERIFY(ownerOf(m_runtime.filePath(u"getbill-test-path.socket"_s)).socket);
        // The same folder however the variable spells it.
        qputenv("XDG_RUNTIME_DIR", (m_runtime.path() + u"/"_s).toUtf8());
        QCOMPARE(instance.serverName(), m_runtime.filePath(u"getbill-test-path.socket"_s));
    }

    void fallbackFolderIsPrivateAndOurs()
    {
        // No runtime folder: one of our own under the temporary folder, created 0700.
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        qunsetenv("XDG_RUNTIME_DIR");
        qputenv("TMPDIR", tmp.path().toUtf8());
        SingleInstance instance(u"getbill-test-fallback"_s);
        const QString folder = tmp.filePath(u"getbill-reports-%1"_s.arg(::geteuid()));
        QCOMPARE(instance.serverName(), folder + u"/getbill-test-fallback.socket"_s);
        struct stat st = {};
        QCOMPARE(::lstat(QFile::encodeName(folder).constData(), &st), 0);
        QVERIFY(S_ISDIR(st.st_mode));
        QCOMPARE(st.st_uid, ::geteuid());
        QCOMPARE(st.st_mode & 0777, 0700u);
        QVERIFY(instance.listen());
        QVERIFY(ownerOf(instance.serverName()).socket);
    }

    void unsuitableRuntimeFolderIsNotUsed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("open to others") << u"0755"_s;
        QTest::newRow("a symlink to a private folder") << u"symlink"_s;
    }

    void unsuitableRuntimeFolderIsNotUsed()
    {
        QFETCH(QString, kind);
        QTemporaryDir tmp;
        QTemporaryDir elsewhere;
        QVERIFY(tmp.isValid() && elsewhere.isValid());
        QString runtime = elsewhere.filePath(u"runtime"_s);
        if (kind == u"0755"_s) {
            QVERIFY(QDir().mkdir(runtime));
            QVERIFY(QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                       QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                                       QFile::ExeOther));
        } else if (kind == u"symlink"_s) {
            QVERIFY(QFile::link(elsewhere.path(), runtime));
        }
        qputenv("XDG_RUNTIME_DIR", runtime.toUtf8());
        qputenv("TMPDIR", tmp.path().toUtf8());
        SingleInstance instance(u"getbill-test-unsuitable"_s);
        QCOMPARE(instance.serverName(),
                 tmp.filePath(u"getbill-reports-%1/getbill-test-unsuitable.socket"_s.arg(::geteuid())));
    }

    void foreignFallbackFolderIsRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("a symlink to a private folder of ours") << u"symlink"_s;
        QTest::newRow("ours but open to others") << u"0755"_s;
        QTest::newRow("a file") << u"file"_s;
        QTest::newRow("another user's") << u"squatter"_s;
    }

    void foreignFallbackFolderIsRefused()
    {
        // Another user can create the fallback name in a shared temporary folder first: no single instance then, and
        // nothing of theirs is used or removed.
        QFETCH(QString, kind);
        QTemporaryDir tmp;
        QTemporaryDir elsewhere;
        QVERIFY(tmp.isValid() && elsewhere.isValid());
        const QString folder = tmp.filePath(u"getbill-reports-%1"_s.arg(::geteuid()));
        if (kind == u"symlink"_s) {
            QVERIFY(QFile::link(elsewhere.path(), folder));
        } else if (kind == u"0755"_s) {
            QVERIFY(QDir().mkdir(folder));
            QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                      QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther |
                                                      QFile::ExeOther));
        } else if (kind == u"file"_s) {
            QFile file(folder);
            QVERIFY(file.open(QIODevice::WriteOnly));
        } else {
            REQUIRE_SQUATTER(squatter);
            QVERIFY(QDir().mkdir(folder));
            QCOMPARE(::chown(QFile::encodeName(folder).constData(), squatter->uid, squatter->gid), 0);
        }
        const FileOwner before = ownerOf(folder);
        qunsetenv("XDG_RUNTIME_DIR");
        qputenv("TMPDIR", tmp.path().toUtf8());

        SingleInstance instance(u"getbill-test-refused"_s);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not a private folder"_s));
        QCOMPARE(instance.serverName(), QString());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not a private folder"_s));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"is not a private folder"_s));
        QVERIFY(!instance.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(!instance.listen());
        QCOMPARE(instance.listenError(), SingleInstance::ListenError::Unavailable);
        const FileOwner after = ownerOf(folder);
        QVERIFY(after.exists);
        QCOMPARE(after.uid, before.uid);
        QVERIFY(QDir(elsewhere.path()).isEmpty());
    }

    void keyThatIsNotAFileNameHasNoServer()
    {
        SingleInstance escaping(u"../getbill-test-escape"_s);
        QCOMPARE(escaping.serverName(), QString());
        QVERIFY(!escaping.listen());
        QCOMPARE(escaping.listenError(), SingleInstance::ListenError::Unavailable);
        QVERIFY(!escaping.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(!QFileInfo::exists(m_runtime.filePath(u"../getbill-test-escape.socket"_s)));
    }

    void nameTheSystemRefusesFailsCleanly_data()
    {
        QTest::addColumn<int>("keyLength");
        QTest::newRow("longer than a socket address") << 120; // lstat says ENOENT, bind() refuses the path
        QTest::newRow("longer than a file name") << 300;      // lstat says ENAMETOOLONG
    }

    void nameTheSystemRefusesFailsCleanly()
    {
        QFETCH(int, keyLength);
        SingleInstance instance(QString(keyLength, u'k'));
        QVERIFY(!instance.serverName().isEmpty());
        QVERIFY(!instance.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(!instance.listen());
        QCOMPARE(instance.listenError(), SingleInstance::ListenError::Unavailable);
        QVERIFY(QDir(m_runtime.path())
                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System)
                    .filter(u"kkkkkkkkkk"_s)
                    .isEmpty());
    }

    void squatterListenerGetsNothing()
    {
        // Another user's listener at our socket's path (only root can put it in a private folder; in a shared one
        // anyone can): nothing is handed to it, and it is not taken over.
        REQUIRE_SQUATTER(squatter);
        SingleInstance instance(u"getbill-test-squatted"_s);
        const QString path = socketPath(instance);
        QTemporaryDir theirs;
        QVERIFY(theirs.isValid());
        QCOMPARE(::chown(QFile::encodeName(theirs.path()).constData(), squatter->uid, squatter->gid), 0);
        auto listener = python(listenerScript, {theirs.filePath(u"s"_s)}, squatter);
        QVERIFY2(listener->start(), qPrintable(listener->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(listener->result().out.contains("listening"), 15'000);
        QCOMPARE(::rename(QFile::encodeName(theirs.filePath(u"s"_s)).constData(), QFile::encodeName(path).constData()),
                 0);
        QCOMPARE(ownerOf(path).uid, squatter->uid);

        QVERIFY(!instance.sendToRunning({u"report_secret"_s}, 2000));
        QTRY_COMPARE_WITH_TIMEOUT(countLines(listener->result().out, "connection "), 1, 10'000);
        QVERIFY(!instance.listen());
        QCOMPARE(instance.listenError(), SingleInstance::ListenError::NotOurs);
        QTRY_COMPARE_WITH_TIMEOUT(countLines(listener->result().out, "connection "), 2, 10'000);
        // Connected (to find out who listens) but sent nothing, and the squatter's socket is still there.
        QCOMPARE(countLines(listener->result().out, "connection 0"), 2);
        QVERIFY(listener->isRunning());
        QCOMPARE(ownerOf(path).uid, squatter->uid);
        QVERIFY(ownerOf(path).socket);
        QVERIFY(::unlink(QFile::encodeName(path).constData()) == 0);
    }

    void squattersStaleSocketIsNotRemoved()
    {
        // Another user's socket file with nobody listening: not a crashed instance of ours, so it stays.
        REQUIRE_SQUATTER(squatter);
        SingleInstance instance(u"getbill-test-squatted-stale"_s);
        const QString path = socketPath(instance);
        QTemporaryDir theirs;
        QVERIFY(theirs.isValid());
        QCOMPARE(::chown(QFile::encodeName(theirs.path()).constData(), squatter->uid, squatter->gid), 0);
        auto stale = python(staleScript, {theirs.filePath(u"s"_s)}, squatter);
        QVERIFY(stale->start());
        QVERIFY(stale->wait(15'000));
        QCOMPARE(stale->result().exitCode, 0);
        QCOMPARE(::rename(QFile::encodeName(theirs.filePath(u"s"_s)).constData(), QFile::encodeName(path).constData()),
                 0);

        QVERIFY(!instance.sendToRunning({u"report_a"_s}, 500));
        QVERIFY(!instance.listen());
        QCOMPARE(instance.listenError(), SingleInstance::ListenError::NotOurs);
        QCOMPARE(ownerOf(path).uid, squatter->uid);
        QVERIFY(ownerOf(path).socket);
        QVERIFY(::unlink(QFile::encodeName(path).constData()) == 0);
    }

    void launchBesideASquatterStartsItsOwnWindow()
    {
        // The real application with a squatter on its name: it hands nothing over and keeps running (its own window).
        REQUIRE_SQUATTER(squatter);
        const QString path = socketPath(SingleInstance());
        QTemporaryDir theirs;
        QVERIFY(theirs.isValid());
        QCOMPARE(::chown(QFile::encodeName(theirs.path()).constData(), squatter->uid, squatter->gid), 0);
        auto listener = python(listenerScript, {theirs.filePath(u"s"_s)}, squatter);
        QVERIFY(listener->start());
        QTRY_VERIFY_WITH_TIMEOUT(listener->result().out.contains("listening"), 15'000);
        QCOMPARE(::rename(QFile::encodeName(theirs.filePath(u"s"_s)).constData(), QFile::encodeName(path).constData()),
                 0);

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_home.path());
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        test::ChildProcess app(m_app, {u"report_abc123"_s}, env);
        QVERIFY(app.start());
        // It asked (sendToRunning) and probed (listen), then went on.
        QTRY_VERIFY_WITH_TIMEOUT(countLines(listener->result().out, "connection ") >= 2, 20'000);
        QVERIFY(!app.wait(1500)); // still running after that: killed by wait()
        QCOMPARE(countLines(listener->result().out, "connection "), countLines(listener->result().out, "connection 0"));
        QVERIFY(::unlink(QFile::encodeName(path).constData()) == 0);
    }

    void connectionFromAnotherUserIsDropped()
    {
        // The folder is the first wall; take it away (a hard link to our socket, open to all) and the peer check must
        // still refuse another user's message.
        REQUIRE_SQUATTER(squatter);
        SingleInstance running(u"getbill-test-peer"_s);
        QVERIFY(running.listen());
        QSignalSpy received(&running, &SingleInstance::argumentsReceived);
        const QString path = socketPath(running);
        QTemporaryDir theirs;
        QVERIFY(theirs.isValid());
        QCOMPARE(::chown(QFile::encodeName(theirs.path()).constData(), squatter->uid, squatter->gid), 0);
        const QString link = theirs.filePath(u"ours"_s);
        QCOMPARE(::link(QFile::encodeName(path).constData(), QFile::encodeName(link).constData()), 0);
        QCOMPARE(::chmod(QFile::encodeName(link).constData(), 0777), 0);
        const QString frame = QString::fromLatin1(frameFor({u"report_planted"_s}).toHex());

        auto foreign = python(clientScript, {link, frame}, squatter);
        QVERIFY(foreign->start());
        QVERIFY(foreign->wait(20'000));
        QCOMPARE(foreign->result().exitCode, 0);
        QCOMPARE(foreign->result().out.trimmed(), QByteArray("reply none"));
        QCOMPARE(received.count(), 0);

        // The same bytes from this user are a hand-over: the refusal above was the peer's uid, not the message.
        auto own = python(clientScript, {link, frame});
        QVERIFY(own->start());
        QVERIFY(own->wait(20'000));
        QCOMPARE(own->result().out.trimmed(), QByteArray("reply 1"));
        QCOMPARE(received.count(), 1);
        QCOMPARE(received.first().first().toStringList(), QStringList{u"report_planted"_s});
    }

    void badFramesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("reply");
        QByteArray tooLong(4, '\0');
        qToBigEndian<quint32>(quint32(SingleInstance::maxMessageBytes + 1), tooLong.data());
        QTest::newRow("frame longer than the cap") << tooLong << QByteArray();
        QTest::newRow("null frame") << QByteArray("\xff\xff\xff\xff", 4) << QByteArray();
        QTest::newRow("wrong version") << frameFor({u"report_a"_s}, 2) << QByteArray("0");
        QTest::newRow("bytes after the frame") << frameFor({u"report_a"_s}) + "x" << QByteArray("0");
        QTest::newRow("empty message") << QByteArray(4, '\0') << QByteArray("0");
    }

    void badFramesAreRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, reply);
        SingleInstance running(u"getbill-test-frames"_s);
        QVERIFY(running.listen());
        QSignalSpy received(&running, &SingleInstance::argumentsReceived);
        QLocalSocket client;
        client.connectToServer(running.serverName());
        QVERIFY(client.waitForConnected(1000));
        client.write(bytes);
        QVERIFY(client.waitForBytesWritten(1000));
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), QLocalSocket::UnconnectedState, 5000);
        QCOMPARE(client.readAll(), reply);
        QCOMPARE(received.count(), 0);
    }

    void frameInPiecesIsAssembled()
    {
        SingleInstance running(u"getbill-test-pieces"_s);
        QVERIFY(running.listen());
        QSignalSpy received(&running, &SingleInstance::argumentsReceived);
        QLocalSocket client;
        client.connectToServer(running.serverName());
        QVERIFY(client.waitForConnected(1000));
        const QByteArray frame = frameFor({u"report_a"_s, u"report_b"_s});
        for (qsizetype i = 0; i < frame.size(); i += 3) {
            client.write(frame.mid(i, 3));
            QVERIFY(client.waitForBytesWritten(1000));
            QTest::qWait(5);
        }
        // The last piece may already have been read during the waits above.
        QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 5000);
        QCOMPARE(received.first().first().toStringList(), (QStringList{u"report_a"_s, u"report_b"_s}));
        // Accumulated: QTRY_* evaluates its expression once more at the end, and readAll() consumes.
        QByteArray reply;
        QTRY_VERIFY_WITH_TIMEOUT(
            (reply += client.readAll()).size() > 0 || client.state() == QLocalSocket::UnconnectedState, 5000);
        reply += client.readAll();
        QCOMPARE(reply, QByteArray("1"));
    }

    void argumentsOverTheCapsAreNotHandedOver()
    {
        // A listener of ours in another process (sendToRunning blocks: a server in this thread could not answer).
        SingleInstance second(u"getbill-test-caps"_s);
        const QString path = socketPath(second);
        auto listener = python(listenerScript, {path});
        QVERIFY(listener->start());
        QTRY_VERIFY_WITH_TIMEOUT(listener->result().out.contains("listening"), 15'000);
        // Over a cap: refused before connecting, so the launch runs on its own with everything it was given.
        QVERIFY(!second.sendToRunning(QStringList(SingleInstance::maxArguments + 1, u"report_a"_s)));
        QVERIFY(!second.sendToRunning({QString(SingleInstance::maxArgumentLength + 1, u'a')}));
        QVERIFY(!second.sendToRunning(
            QStringList(SingleInstance::maxArguments, QString(SingleInstance::maxArgumentLength, u'a'))));
        // At the caps: handed over.
        const QStringList most(SingleInstance::maxArguments, u"report_a"_s);
        QVERIFY(second.sendToRunning(most));
        QTRY_COMPARE_WITH_TIMEOUT(countLines(listener->result().out, "connection "), 1, 10'000);
        const QByteArray expected = "connection " + QByteArray::number(4 + SingleInstance::encodeMessage(most).size());
        QVERIFY2(listener->result().out.contains(expected), listener->result().out.constData());
        QVERIFY(::unlink(QFile::encodeName(path).constData()) == 0);
    }

    void decodeRoundTrips()
    {
        const QStringList arguments{u"report_a"_s, u"getbill://report/report_b"_s, QString(), u"é€\U0001F4C8"_s,
                                    QString(SingleInstance::maxArgumentLength, u'x')};
        const QByteArray message = SingleInstance::encodeMessage(arguments);
        QVERIFY(!message.isEmpty());
        // The wire format is QDataStream's: launches of an older build still hand over to this one.
        QByteArray expected;
        QDataStream out(&expected, QIODevice::WriteOnly);
        out << quint32(1) << arguments;
        QCOMPARE(message, expected);
        const std::optional<QStringList> decoded = SingleInstance::decodeMessage(message);
        QVERIFY(decoded);
        QCOMPARE(*decoded, arguments);
        QCOMPARE(SingleInstance::encodeMessage(*decoded), message);
        QCOMPARE(SingleInstance::decodeMessage(SingleInstance::encodeMessage({})).value_or(QStringList{u"x"_s}),
                 QStringList());
        const QStringList most(SingleInstance::maxArguments, u"r"_s);
        QCOMPARE(SingleInstance::decodeMessage(SingleInstance::encodeMessage(most)).value_or(QStringList()), most);
    }

    void encodeRefusesWhatDecodeWouldRefuse()
    {
        QCOMPARE(SingleInstance::encodeMessage(QStringList(SingleInstance::maxArguments + 1, u"r"_s)), QByteArray());
        QCOMPARE(SingleInstance::encodeMessage({QString(SingleInstance::maxArgumentLength + 1, u'a')}), QByteArray());
        // Each argument within its cap, but together over the message's.
        const QStringList big(SingleInstance::maxArguments, QString(SingleInstance::maxArgumentLength, u'a'));
        QCOMPARE(SingleInstance::encodeMessage(big), QByteArray());
    }

    void decodeRefuses_data()
    {
        QTest::addColumn<QByteArray>("message");
        const auto u32 = [](quint32 v) {
            QByteArray b(4, '\0');
            qToBigEndian(v, b.data());
            return b;
        };
        const QByteArray v1 = u32(1);
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("version only") << v1;
        QTest::newRow("version 0") << u32(0) + u32(0);
        QTest::newRow("version 2") << u32(2) + u32(0);
        QTest::newRow("short count") << v1 + QByteArray(3, '\0');
        QTest::newRow("count over the cap")
            << v1 + u32(SingleInstance::maxArguments + 1) + u32(0).repeated(SingleInstance::maxArguments + 1);
        QTest::newRow("count beyond the data") << v1 + u32(1000);
        QTest::newRow("huge count") << v1 + u32(0xFFFFFFF0);
        QTest::newRow("argument over the cap") << v1 + u32(1) + u32(2 * (SingleInstance::maxArgumentLength + 1)) +
                                                      QByteArray(2 * (SingleInstance::maxArgumentLength + 1), 'a');
        QTest::newRow("odd byte length") << v1 + u32(1) + u32(3) + QByteArray("\0a\0", 3);
        QTest::newRow("argument beyond the data") << v1 + u32(1) + u32(8) + QByteArray("\0a", 2);
        QTest::newRow("truncated length") << v1 + u32(1) + QByteArray(2, '\0');
        QTest::newRow("byte after the last argument") << SingleInstance::encodeMessage({u"a"_s}) + '\0';
        QTest::newRow("over the message cap")
            << SingleInstance::encodeMessage({}) + QByteArray(SingleInstance::maxMessageBytes, '\0');
    }

    void decodeRefuses()
    {
        QFETCH(QByteArray, message);
        QVERIFY(!SingleInstance::decodeMessage(message));
    }

    void decodeTakesANullStringAsEmpty()
    {
        QByteArray message;
        QDataStream out(&message, QIODevice::WriteOnly);
        out << quint32(1) << quint32(1) << quint32(0xFFFFFFFF);
        const std::optional<QStringList> decoded = SingleInstance::decodeMessage(message);
        QVERIFY(decoded);
        QCOMPARE(*decoded, QStringList{QString()});
    }

private:
    QTemporaryDir m_home;
    QTemporaryDir m_runtime;
    QString m_app;
    QByteArray m_tmpdir;
};

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
