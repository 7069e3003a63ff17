#pragma once

#include <QObject>

class QSocketNotifier;

namespace getbill::cli {

/// Turns SIGINT and SIGTERM into a Qt signal delivered by the event loop (the self-pipe trick), so that a run can
/// cancel its jobs and remove its .part files instead of dying mid-write. Only one may exist at a time: a POSIX
/// signal handler can reach nothing but process-wide state. On other platforms it does nothing yet.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    /// Restores the default actions.
    ~SignalWatcher() override;

    bool isActive() const { return m_notifier != nullptr; }

signals:
    void signalled(int signalNumber);

private:
    void onReadable();

    int m_fds[2] = {-1, -1};
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace getbill::cli
