#pragma once

#include "auth/SecretStore.h"

#include <QHash>

namespace getbill {

/// Secrets kept in this process only: what the user chooses ("keep for this session only") when the keychain is
/// missing or locked. Nothing is written anywhere; the secrets are gone when the application quits.
class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject *parent = nullptr);
    ~MemorySecretStore() override;

    bool isPersistent() const override { return false; }
    QString description() const override;

    int count() const { return int(m_secrets.size()); }

protected:
    void doRead(SecretJob *job) override;
    void doWrite(SecretJob *job) override;
    void doRemove(SecretJob *job) override;

private:
    QHash<QString, QByteArray> m_secrets;
};

} // namespace getbill
