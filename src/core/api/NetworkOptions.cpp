#include "api/NetworkOptions.h"

#include <QCoreApplication>
#include <QFile>
#include <QSslCertificate>

namespace getbill {

void NetworkOptions::apply(QNetworkRequest &request) const
{
    request.setTransferTimeout(transferTimeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent);
    if (ssl)
        request.setSslConfiguration(*ssl);
}

bool NetworkOptions::addCaBundle(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("getbill::NetworkOptions", "Cannot read the CA bundle %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.read(16 * 1024 * 1024), QSsl::Pem);
    if (certificates.isEmpty()) {
        *error = QCoreApplication::translate("getbill::NetworkOptions", "The CA bundle %1 holds no PEM certificate.")
                     .arg(path);
        return false;
    }
    QSslConfiguration config = ssl.value_or(QSslConfiguration::defaultConfiguration());
    config.addCaCertificates(certificates);
    ssl = config;
    return true;
}

} // namespace getbill
