#pragma once

#include "DemoService.h"

#include <QObject>
#include <QThread>
#include <QUrl>
#include <functional>

namespace getbill::sandbox {
class SandboxServer;
}

namespace getbill {

/// The one demo host of both executables: the sandbox with its sample reports on loopback, on a thread of its own
/// so that serving the demo's large files never competes with the window's (or the CLI's) event loop — the sandbox
/// generates file bodies as it streams them.
class DemoHost : public QObject, public DemoService
{
    Q_OBJECT
public:
    explicit DemoHost(QObject *parent = nullptr);
    ~DemoHost() override;

    bool start(QString *error = nullptr) override;
    bool isRunning() const override { return m_server != nullptr; }
    QUrl apiUrl() const override { return m_apiUrl; }
    QString token() const override;
    /// The same token, without a host at hand.
    static QString demoToken();

    /// Runs `work` on the sandbox's thread and waits for it (adding reports, faults, reading the request log).
    void run(const std::function<void(sandbox::SandboxServer &)> &work);

private:
    QThread m_thread;
    sandbox::SandboxServer *m_server = nullptr;
    QUrl m_apiUrl;
};

} // namespace getbill
