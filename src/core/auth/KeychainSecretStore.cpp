#include "auth/KeychainSecretStore.h"

#include <QCoreApplication>
#include <QPointer>
#include <QUuid>

#if defined(Q_OS_UNIX) && !defined(Q_OS_DARWIN)
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#define GETBILL_KEYCHAIN_DBUS 1
#endif

namespace getbill {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::KeychainSecretStore)
};

using Status = SecretStore::Result::Status;

SecretStore::Result make(Status status, const QString &message)
{
    return SecretStore::Result{status, message};
}

SecretStore::Result noSession()
{
    return make(Status::NoBackend, Text::tr("No keychain is available: this session has no D-Bus connection, so the "
                                            "system keychain (Secret Service) cannot be reached. Log in to a desktop "
                                            "session, or start one with dbus-run-session and a keyring such as GNOME "
                                            "Keyring."));
}

SecretStore::Result noService()
{
    return make(Status::NoBackend,
                Text::tr("No keychain is available: no Secret Service (such as GNOME Keyring or KDE "
                         "Wallet) is running in this session. Install or start one, then try again."));
}

SecretStore::Result locked()
{
    return make(Status::Locked, Text::tr("The keychain is locked. Unlock it (for example in \"Passwords and Keys\", or "
                                         "by logging in again) and try again."));
}

SecretStore::Result denied()
{
    return make(Status::Denied, Text::tr("The keychain did not give access: its prompt was cancelled or could not be "
                                         "shown. Try again and accept the keychain's prompt."));
}
} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent), m_service(std::move(service))
{}

QString KeychainSecretStore::description() const
{
    return Text::tr("the system keychain");
}

KeychainSecretStore::Bus KeychainSecretStore::probeBus()
{
#ifdef GETBILL_KEYCHAIN_DBUS
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return Bus::NoSession;
    const QString name = QStringLiteral("org.freedesktop.secrets");
    QDBusConnectionInterface *iface = bus.interface();
    if (!iface)
        return Bus::Unknown;
    if (iface->isServiceRegistered(name).value())
        return Bus::SecretService;
    const QDBusReply<QStringList> activatable = iface->activatableServiceNames();
    if (activatable.isValid() && activatable.value().contains(name))
        return Bus::SecretService;
    return Bus::NoSecretService;
#else
    return Bus::Unknown;
#endif
}

SecretStore::Result KeychainSecretStore::resultFor(QKeychain::Error error, const QString &detail, Operation operation,
                                                   Bus bus)
{
    switch (error) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        // Deleting what is not there is what the caller wanted.
        if (operation == Operation::Remove)
            return {};
        return make(Status::NotFound, Text::tr("Nothing is saved in the keychain for this account."));
    case QKeychain::AccessDeniedByUser:
        return denied();
    case QKeychain::AccessDenied:
        // The Secret Service backend reports a locked collection this way ("Cannot create an item in a locked
        // collection").
        return locked();
    case QKeychain::NoBackendAvailable:
        return bus == Bus::NoSession ? noSession() : noService();
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        break;
    }
    // QtKeychain's libsecret backend reports D-Bus trouble as OtherError: ask the bus what is missing.
    if (bus == Bus::NoSession)
        return noSession();
    if (bus == Bus::NoSecretService)
        return noService();
    // GNOME Keyring without a default keyring asks for a password to create one; when that prompt is dismissed
    // (or cannot be shown), the write fails on the collection that was never created.
    if (detail.contains(QLatin1String("/collection/")) && detail.contains(QLatin1String("not exist")))
        return denied();
    const QString what = operation == Operation::Read    ? Text::tr("read from")
                         : operation == Operation::Write ? Text::tr("save to")
                                                         : Text::tr("remove from");
    return make(Status::Failed,
                Text::tr("Could not %1 the keychain: %2. Check that your keyring works (for example with "
                         "\"Passwords and Keys\") and try again.")
                    .arg(what, detail.isEmpty() ? Text::tr("unknown error") : detail));
}

void KeychainSecretStore::runKeychain(QKeychain::Job *keychainJob, SecretJob *job,
                                      std::function<void(QKeychain::Job *)> done) const
{
    // Never the insecure fallback of QtKeychain: it would write the secret to a plaintext settings file.
    keychainJob->setAutoDelete(true);
    keychainJob->setKey(job->key());
    connect(keychainJob, &QKeychain::Job::finished, job, std::move(done));
    keychainJob->start();
}

void KeychainSecretStore::doRead(SecretJob *job)
{
    QPointer<KeychainSecretStore> self(this);
    runKeychain(new QKeychain::ReadPasswordJob(m_service), job, [self, job](QKeychain::Job *j) {
        if (j->error() == QKeychain::NoError) {
            job->complete(Result{}, static_cast<QKeychain::ReadPasswordJob *>(j)->binaryData());
            return;
        }
        const Result result = resultFor(j->error(), j->errorString(), Operation::Read,
                                        j->error() == QKeychain::EntryNotFound ? Bus::Unknown : probeBus());
        if (result.status != Status::NotFound || !self) {
            job->complete(result);
            return;
        }
        // "Not found" from a locked keyring looks the same as "nothing saved": only a working probe tells them
        // apart.
        job->then(self->probe(), [job, result](SecretJob *probed) {
            job->complete(probed->result().isOk() ? result : probed->result());
        });
    });
}

void KeychainSecretStore::doWrite(SecretJob *job)
{
    auto *write = new QKeychain::WritePasswordJob(m_service);
    write->setBinaryData(job->secret());
    runKeychain(write, job, [job](QKeychain::Job *j) {
        job->complete(resultFor(j->error(), j->errorString(), Operation::Write,
                                j->error() == QKeychain::NoError ? Bus::Unknown : probeBus()));
    });
}

void KeychainSecretStore::doRemove(SecretJob *job)
{
    runKeychain(new QKeychain::DeletePasswordJob(m_service), job, [job](QKeychain::Job *j) {
        job->complete(resultFor(j->error(), j->errorString(), Operation::Remove,
                                j->error() == QKeychain::NoError ? Bus::Unknown : probeBus()));
    });
}

SecretJob *KeychainSecretStore::probe()
{
    // A random key and value: two processes probing at once must not see each other's item.
    const QString key = QLatin1String("probe:") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QByteArray value = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    return new SecretJob(key, value, [this, key, value](SecretJob *probe) {
        probe->then(write(key, value), [this, key, value, probe](SecretJob *written) {
            if (!written->result().isOk()) {
                probe->complete(written->result());
                return;
            }
            runKeychain(new QKeychain::ReadPasswordJob(m_service), probe, [this, key, value, probe](QKeychain::Job *j) {
                const bool same = j->error() == QKeychain::NoError &&
                                  static_cast<QKeychain::ReadPasswordJob *>(j)->binaryData() == value;
                // Written but not readable back: the collection is locked for reading.
                const Result readBack = same ? Result{} : locked();
                probe->then(remove(key), [probe, readBack](SecretJob *) { probe->complete(readBack); });
            });
        });
    });
}

} // namespace getbill
