#pragma once

#include "auth/SecretStore.h"

#include <qt6keychain/keychain.h>

namespace getbill {

/// Secrets in the operating system's keychain through QtKeychain (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows), one item per account key under the service name "io.getbill.reports". Never
/// falls back to a plaintext file: when the keychain cannot be used, the Result says why in the user's words and
/// the caller decides (the UI offers memory for this session only).
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    static QString defaultServiceName() { return QStringLiteral("io.getbill.reports"); }

    /// `service` other than the default is for tests that must not touch a developer's real items.
    explicit KeychainSecretStore(QString service = defaultServiceName(), QObject *parent = nullptr);

    bool isPersistent() const override { return true; }
    QString description() const override;
    QString serviceName() const { return m_service; }

    /// Checks that the keychain can store and return a secret (write, read back, delete a probe item). A locked
    /// Secret Service answers "not found" to reads, so a read's NotFound only means "nothing saved" once this passed.
    SecretJob *probe();

    /// What the session bus offers, to tell "no D-Bus" from "no Secret Service" when QtKeychain only says "error".
    enum class Bus
    {
        Unknown, ///< not a D-Bus platform, or not checked
        NoSession,
        NoSecretService,
        SecretService,
    };
    static Bus probeBus();

    enum class Operation
    {
        Read,
        Write,
        Remove,
    };
    /// The mapping of QtKeychain's answer to a Result with a message for the user. Public as a test seam: some
    /// answers (AccessDeniedByUser from a prompt the user cancelled) cannot be provoked in a headless test.
    static Result resultFor(QKeychain::Error error, const QString &detail, Operation operation, Bus bus);

protected:
    void doRead(SecretJob *job) override;
    void doWrite(SecretJob *job) override;
    void doRemove(SecretJob *job) override;

private:
    /// Runs one QtKeychain job for `job` and hands its answer to `done` (in `job`'s context).
    void runKeychain(QKeychain::Job *keychainJob, SecretJob *job, std::function<void(QKeychain::Job *)> done) const;

    QString m_service;
};

} // namespace getbill
