#include "SignalWatcher.h"

#include <QSocketNotifier>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace getbill::cli {

#ifdef Q_OS_UNIX
namespace {
// The write end of the pipe, for the handler: async-signal-safe code may touch nothing else.
volatile sig_atomic_t g_writeFd = -1;

void onSignal(int signalNumber)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signalNumber);
    if (g_writeFd >= 0) {
        // Nothing to do if the pipe is full: a signal is already waiting to be handled.
        const ssize_t written = ::write(g_writeFd, &byte, 1);
        Q_UNUSED(written)
    }
    errno = savedErrno;
}

void setHandler(int signalNumber, void (*handler)(int))
{
    struct sigaction action = {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(signalNumber, &action, nullptr);
}
} // namespace
#endif

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent)
{
#ifdef Q_OS_UNIX
    if (g_writeFd >= 0 || ::socketpair(AF_UNIX, SOCK_STREAM, 0, m_fds) != 0)
        return;
    for (const int fd : m_fds) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    g_writeFd = m_fds[0];
    m_notifier = new QSocketNotifier(m_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::onReadable);
    setHandler(SIGINT, onSignal);
    setHandler(SIGTERM, onSignal);
#endif
}

SignalWatcher::~SignalWatcher()
{
#ifdef Q_OS_UNIX
    if (!m_notifier)
        return;
    setHandler(SIGINT, SIG_DFL);
    setHandler(SIGTERM, SIG_DFL);
    g_writeFd = -1;
    delete m_notifier;
    ::close(m_fds[0]);
    ::close(m_fds[1]);
#endif
}

void SignalWatcher::onReadable()
{
#ifdef Q_OS_UNIX
    unsigned char byte = 0;
    while (::read(m_fds[1], &byte, 1) == 1)
        emit signalled(byte);
#endif
}

} // namespace getbill::cli
