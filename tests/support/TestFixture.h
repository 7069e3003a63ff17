#pragma once

#include "api/ApiClient.h"
#include "auth/TokenProvider.h"
#include "download/ReportDownloadJob.h"
#include "sandbox/SandboxServer.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <memory>

namespace getbill::test {

/// A sandbox on loopback and a client wired to it the way main() wires the real one, with timeouts and retry
/// delays shortened so that failure paths run in milliseconds.
class TestFixture
{
public:
    explicit TestFixture(sandbox::SandboxServer::Options options = {});
    ~TestFixture();

    sandbox::SandboxServer &server() { return *m_server; }
    ApiClient &api() { return *m_api; }
    StaticToken &token() { return *m_token; }
    QNetworkAccessManager &network() { return m_network; }
    NetworkOptions options() const { return m_api->options(); }
    void setOptions(const NetworkOptions &options) { m_api->setOptions(options); }
    /// A fresh, empty folder removed with the fixture.
    QString folder() const { return m_dir.path(); }

    /// Network options for tests: 2 s stall timeout, retries 20-80 ms apart.
    static NetworkOptions fastOptions();

    /// A completed CSV report for the catalogue: `generatedSize` streamed bytes, or a few real lines when 0.
    static sandbox::SandboxReport csvReport(const QString &id, qint64 generatedSize = 0);
    /// Runs a ReportDownloadJob to its end (30 s at most) and hands it back for inspection.
    std::unique_ptr<ReportDownloadJob> download(const QString &id, const DownloadTarget &target);
    /// The requests that reached the download host, in order.
    QList<sandbox::RecordedRequest> downloadRequests() const;

    /// Starts the job if it was not started, and waits for its finished signal; false when it did not come in time.
    static bool waitFor(Job *job, int timeoutMs = 15'000);

    /// Lists the files in folder() (names only), to assert that nothing partial was left behind.
    QStringList files() const;
    /// Every file under `folder`, relative, sorted (hidden ones too: a stray ".part" must show).
    static QStringList filesUnder(const QString &folder);

    /// True when no recorded request to the download host carried an Authorization header.
    bool downloadHostSawNoAuthorization() const;

private:
    std::unique_ptr<sandbox::SandboxServer> m_server;
    QNetworkAccessManager m_network;
    std::unique_ptr<StaticToken> m_token;
    std::unique_ptr<ApiClient> m_api;
    QTemporaryDir m_dir;
};

/// Reads a whole file; an empty array when it does not exist.
QByteArray readFile(const QString &path);

} // namespace getbill::test
