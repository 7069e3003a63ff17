#pragma once

#include <QString>
#include <QUrl>

namespace getbill {

/// The embedded GetBill look-alike behind "Explore with demo data" and --demo, as the window and the CLI see it:
/// something that starts on loopback and hands out an API address and a token. The implementation (DemoHost, in
/// getbill_demo) runs the sandbox; the window's library never links the sandbox itself (configure checks it).
class DemoService
{
public:
    virtual ~DemoService() = default;
    /// Starts it (once); false with a message for the user.
    virtual bool start(QString *error) = 0;
    virtual bool isRunning() const = 0;
    virtual QUrl apiUrl() const = 0;
    /// The token it always accepts (not a secret: it only opens the local demo).
    virtual QString token() const = 0;
};

} // namespace getbill
