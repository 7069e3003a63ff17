#include "auth/MemorySecretStore.h"

#include <QCoreApplication>
#include <QTimer>

namespace getbill {

MemorySecretStore::MemorySecretStore(QObject *parent) : SecretStore(parent)
{}

MemorySecretStore::~MemorySecretStore()
{
    // Overwrite before the memory is released: a later heap dump should not find the secrets.
    for (QByteArray &secret : m_secrets)
        secret.fill('\0');
}

void MemorySecretStore::doRead(SecretJob *job)
{
    const auto it = m_secrets.constFind(job->key());
    Result result;
    QByteArray secret;
    if (it == m_secrets.cend()) {
        result.status = Result::Status::NotFound;
        result.message =
            QCoreApplication::translate("getbill::MemorySecretStore", "Nothing is saved for this account.");
    } else {
        secret = *it;
    }
    // Later, as every store does: callers must not depend on the job ending inside start().
    QTimer::singleShot(0, job, [job, result, secret] { job->complete(result, secret); });
}

void MemorySecretStore::doWrite(SecretJob *job)
{
    m_secrets.insert(job->key(), job->secret());
    QTimer::singleShot(0, job, [job] { job->complete(Result{}); });
}

void MemorySecretStore::doRemove(SecretJob *job)
{
    auto it = m_secrets.find(job->key());
    if (it != m_secrets.end()) {
        it->fill('\0');
        m_secrets.erase(it);
    }
    QTimer::singleShot(0, job, [job] { job->complete(Result{}); });
}

QString MemorySecretStore::description() const
{
    return QCoreApplication::translate("getbill::MemorySecretStore", "memory, for this session only");
}

} // namespace getbill
