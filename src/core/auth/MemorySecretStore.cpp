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

void MemorySecretStore::read(const QString &key, QObject *context, ReadCallback callback)
{
    const auto it = m_secrets.constFind(key);
    Result result;
    QByteArray secret;
    if (it == m_secrets.cend()) {
        result.status = Result::Status::NotFound;
        result.message =
            QCoreApplication::translate("getbill::MemorySecretStore", "Nothing is saved for this account.");
    } else {
        secret = *it;
    }
    // Later, as every store does: callers must not depend on the callback running inside read().
    QTimer::singleShot(0, context, [result, secret, callback = std::move(callback)] { callback(result, secret); });
}

void MemorySecretStore::write(const QString &key, const QByteArray &secret, QObject *context, Callback callback)
{
    m_secrets.insert(key, secret);
    QTimer::singleShot(0, context, [callback = std::move(callback)] { callback(Result{}); });
}

void MemorySecretStore::remove(const QString &key, QObject *context, Callback callback)
{
    auto it = m_secrets.find(key);
    if (it != m_secrets.end()) {
        it->fill('\0');
        m_secrets.erase(it);
    }
    QTimer::singleShot(0, context, [callback = std::move(callback)] { callback(Result{}); });
}

QString MemorySecretStore::description() const
{
    return QCoreApplication::translate("getbill::MemorySecretStore", "memory, for this session only");
}

} // namespace getbill
