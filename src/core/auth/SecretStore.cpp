#include "auth/SecretStore.h"

#include <QPointer>

namespace getbill {

QString SecretStore::keyFor(const QUrl &apiUrl)
{
    const QUrl normal = apiUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                        QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    // The default port is spelled out so that https://h and https://h:443 are one account.
    QUrl withPort = normal;
    withPort.setPort(normal.port(normal.scheme() == QLatin1String("https") ? 443 : 80));
    return QLatin1String("account:") + withPort.toString(QUrl::FullyEncoded).toLower();
}

SecretJob *SecretStore::read(const QString &key)
{
    return new SecretJob(key, {}, [self = QPointer<SecretStore>(this)](SecretJob *job) {
        if (self)
            self->doRead(job);
    });
}

SecretJob *SecretStore::write(const QString &key, const QByteArray &secret)
{
    return new SecretJob(key, secret, [self = QPointer<SecretStore>(this)](SecretJob *job) {
        if (self)
            self->doWrite(job);
    });
}

SecretJob *SecretStore::remove(const QString &key)
{
    return new SecretJob(key, {}, [self = QPointer<SecretStore>(this)](SecretJob *job) {
        if (self)
            self->doRemove(job);
    });
}

SecretJob::SecretJob(QString key, QByteArray secret, Work work, QObject *parent)
    : Job(parent), m_key(std::move(key)), m_secret(std::move(secret)), m_work(std::move(work))
{}

SecretJob::~SecretJob()
{
    m_secret.fill('\0');
}

void SecretJob::run()
{
    m_work(this);
}

void SecretJob::complete(const SecretStore::Result &result, const QByteArray &secret)
{
    if (isFinished())
        return;
    m_result = result;
    if (!secret.isEmpty()) {
        m_secret.fill('\0');
        m_secret = secret;
    }
    if (result.isUnavailable())
        emitFailure(ApiError(ApiError::Kind::LocalFile, result.message));
    else
        emitSuccess();
}

} // namespace getbill
