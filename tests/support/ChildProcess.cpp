#include "ChildProcess.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QSocketNotifier>
#include <QTimer>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace getbill::test {

using namespace Qt::Literals::StringLiterals;

ChildProcess::ChildProcess(QString program, QStringList arguments, QProcessEnvironment environment)
    : m_program(std::move(program)), m_arguments(std::move(arguments)), m_environment(std::move(environment))
{}

ChildProcess::~ChildProcess()
{
    if (isRunning()) {
        ::kill(m_pid, SIGKILL);
        reap(true);
    }
    if (m_pidfd >= 0)
        ::close(m_pidfd);
}

bool ChildProcess::start()
{
    if (m_pid > 0) {
        m_error = u"already started"_s;
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = u"no temporary folder: "_s + m_dir.errorString();
        return false;
    }
    const QByteArray inPath = QFile::encodeName(m_dir.filePath(u"stdin"_s));
    const QByteArray outPath = QFile::encodeName(m_dir.filePath(u"stdout"_s));
    const QByteArray errPath = QFile::encodeName(m_dir.filePath(u"stderr"_s));
    {
        QFile in(m_dir.filePath(u"stdin"_s));
        if (!in.open(QIODevice::WriteOnly) || in.write(m_input) != m_input.size()) {
            m_error = u"cannot write "_s + in.fileName();
            return false;
        }
    }

    std::vector<QByteArray> args{QFile::encodeName(m_program)};
    for (const QString &a : std::as_const(m_arguments))
        args.push_back(a.toLocal8Bit());
    std::vector<QByteArray> env;
    const QStringList pairs = m_environment.toStringList();
    for (const QString &e : pairs)
        env.push_back(e.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (QByteArray &e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, inPath.constData(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const QByteArray folder = QFile::encodeName(m_workingDirectory);
    if (!m_workingDirectory.isEmpty())
        posix_spawn_file_actions_addchdir_np(&actions, folder.constData());
    // The child starts with default signal dispositions and no blocked signal, whatever the test process set.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) {
        m_error = u"cannot start %1: %2"_s.arg(m_program, QString::fromLocal8Bit(std::strerror(rc)));
        return false;
    }
    m_pid = pid;
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
#ifdef SYS_pidfd_open
    m_pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#endif
    return true;
}

bool ChildProcess::sendSignal(int signal)
{
    return isRunning() && ::kill(m_pid, signal) == 0;
}

bool ChildProcess::reap(bool block)
{
    if (m_pid <= 0 || m_reaped)
        return m_reaped;
    int status = 0;
    rusage usage{};
    pid_t r;
    do {
        r = ::wait4(m_pid, &status, block ? 0 : WNOHANG, &usage);
    } while (r < 0 && errno == EINTR);
    if (r != m_pid)
        return false;
    m_reaped = true;
    m_result.finished = true;
    m_result.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
    m_result.maxRssKiB = usage.ru_maxrss; // KiB on Linux
    if (WIFEXITED(status))
        m_result.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        m_result.signal = WTERMSIG(status);
    return true;
}

bool ChildProcess::wait(int timeoutMs)
{
    if (m_pid <= 0)
        return false;
    if (reap(false))
        return true;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    deadline.start(timeoutMs);
    // A pidfd becomes readable when the child ends; without one (old kernels), look every 10 ms.
    std::unique_ptr<QSocketNotifier> notifier;
    QTimer poll;
    auto check = [this, &loop] {
        if (reap(false))
            loop.quit();
    };
    if (m_pidfd >= 0) {
        notifier = std::make_unique<QSocketNotifier>(m_pidfd, QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &loop, check);
    } else {
        QObject::connect(&poll, &QTimer::timeout, &loop, check);
        poll.start(10);
    }
    loop.exec();
    if (m_result.finished)
        return true;
    ::kill(m_pid, SIGKILL);
    reap(true);
    m_result.finished = false;
    return false;
}

ChildResult ChildProcess::result() const
{
    ChildResult r = m_result;
    QFile out(m_dir.filePath(u"stdout"_s));
    if (out.open(QIODevice::ReadOnly))
        r.out = out.readAll();
    QFile err(m_dir.filePath(u"stderr"_s));
    if (err.open(QIODevice::ReadOnly))
        r.err = err.readAll();
    return r;
}

ChildResult ChildProcess::run(const QString &program, const QStringList &arguments,
                              const QProcessEnvironment &environment, int timeoutMs, const QByteArray &input)
{
    ChildProcess child(program, arguments, environment);
    child.setInput(input);
    if (!child.start()) {
        ChildResult r;
        r.err = child.errorString().toLocal8Bit();
        return r;
    }
    child.wait(timeoutMs);
    return child.result();
}

} // namespace getbill::test
