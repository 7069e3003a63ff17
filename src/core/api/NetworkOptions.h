#pragma once

#include "RetryPolicy.h"

#include <QNetworkRequest>
#include <QSslConfiguration>
#include <optional>

namespace getbill {

/// What every request of the application shares: timeouts, size caps, trusted CAs, retries. main() builds one
/// from settings and the environment; tests shorten the timeouts.
struct NetworkOptions
{
    /// Abort a transfer when no byte arrived for this long (Qt's transfer timeout: a stall, not a total time).
    int transferTimeoutMs = 30'000;
    /// Cap of an API JSON body: a list page of 100 reports is ~60 KB.
    qint64 maxJsonBytes = 8 * 1024 * 1024;
    /// How much a download reply may buffer before we write it out: keeps memory flat for any file size.
    qint64 readBufferBytes = 1024 * 1024;
    RetryPolicy retry;
    /// Extra CAs (GETBILL_CA_BUNDLE) added to the system's; unset means the system's only.
    std::optional<QSslConfiguration> ssl;
    QByteArray userAgent = QByteArrayLiteral("GetBillReports/" GETBILL_VERSION);

    /// Applies timeout, TLS configuration and user agent to a request.
    void apply(QNetworkRequest &request) const;

    /// Loads a PEM bundle of extra CAs; false (with a message for the user) when the file holds no certificate.
    bool addCaBundle(const QString &path, QString *error);
};

} // namespace getbill
