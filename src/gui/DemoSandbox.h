#pragma once

#include <QObject>
#include <QThread>
#include <QUrl>
#include <functional>

namespace getbill::sandbox {
class SandboxServer;
}

namespace getbill::gui {

/// The embedded sandbox behind "Explore with demo data" (and --demo): a GetBill look-alike on loopback with
/// sample reports. It runs on its own thread so that serving the demo's large files never competes with the
/// window's event loop (the sandbox generates file bodies as it streams them).
class DemoSandbox : public QObject
{
    Q_OBJECT
public:
    explicit DemoSandbox(QObject *parent = nullptr);
    ~DemoSandbox() override;

    /// Starts the thread and the server; false with a message for the user on failure.
    bool start(QString *error = nullptr);
    bool isRunning() const { return m_server != nullptr; }
    QUrl apiUrl() const { return m_apiUrl; }
    /// The token the sandbox always accepts (not a secret: it only opens the local demo).
    static QString token();

    /// Runs `work` on the sandbox's thread and waits for it (adding reports, faults, reading the request log).
    void run(const std::function<void(sandbox::SandboxServer &)> &work);

private:
    QThread m_thread;
    sandbox::SandboxServer *m_server = nullptr;
    QUrl m_apiUrl;
};

} // namespace getbill::gui
