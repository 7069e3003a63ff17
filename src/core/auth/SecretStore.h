#pragma once

#include "Job.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace getbill {

class SecretJob;

/// Where secrets (an access token, an API client's secret) are kept between runs: the system keychain, or memory
/// for this session only. Every operation is a SecretJob (a keychain may show a prompt): the caller connects to it,
/// starts it, and reads result() when it has finished.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    /// How an operation ended. `message` is written for the user (what is wrong, what to do) and never holds the
    /// secret.
    struct Result
    {
        enum class Status
        {
            Ok,
            NotFound,  ///< nothing saved under the key (the store works)
            NoBackend, ///< no D-Bus session, or no Secret Service on it
            Locked,    ///< the keychain exists but is locked
            Denied,    ///< the user cancelled the keychain's prompt, or access was refused
            Failed,    ///< anything else
        };
        Status status = Status::Ok;
        QString message;

        bool isOk() const { return status == Status::Ok; }
        /// The store itself cannot be used: the UI offers "keep for this session only".
        bool isUnavailable() const { return status != Status::Ok && status != Status::NotFound; }
    };

    explicit SecretStore(QObject *parent = nullptr) : QObject(parent) {}

    /// The secret under `key` (result() NotFound when there is none). Not started; the caller owns it.
    SecretJob *read(const QString &key);
    SecretJob *write(const QString &key, const QByteArray &secret);
    /// Removing a key that holds nothing succeeds.
    SecretJob *remove(const QString &key);

    /// Survives the end of the process (the keychain), or not (memory).
    virtual bool isPersistent() const = 0;
    /// Where the secret lives, for "Signed in ... (saved in: ...)".
    virtual QString description() const = 0;

    /// The key of the account of one API: one item per API URL, so that several accounts and the sandbox never
    /// overwrite each other. Scheme, host, port and path; no user info, query or trailing slash.
    static QString keyFor(const QUrl &apiUrl);

protected:
    /// The operations themselves: each ends by calling job->complete(), later, from the event loop.
    virtual void doRead(SecretJob *job) = 0;
    virtual void doWrite(SecretJob *job) = 0;
    virtual void doRemove(SecretJob *job) = 0;
};

/// One operation on secrets: a store's read, write or remove, or an account's load, save or sign-out built on
/// them. It succeeds when the store worked (result() Ok, or NotFound for a read) and fails with Kind::LocalFile
/// and the store's message when the store could not be used. The secret is wiped when the job goes.
class SecretJob : public Job
{
    Q_OBJECT
public:
    using Work = std::function<void(SecretJob *job)>;

    /// `work` runs on start() and ends with complete().
    SecretJob(QString key, QByteArray secret, Work work, QObject *parent = nullptr);
    ~SecretJob() override;

    const QString &key() const { return m_key; }
    /// Read: what was found. Write: what is written.
    const QByteArray &secret() const { return m_secret; }
    const SecretStore::Result &result() const { return m_result; }

    /// Ends the job with `result` (and, for a read, the secret found).
    void complete(const SecretStore::Result &result, const QByteArray &secret = {});
    /// Runs a sub-operation (an account's load runs the store's read) as a child of this job.
    template <typename Handler>
    void then(SecretJob *step, Handler handler)
    {
        runChild(step, std::move(handler));
    }

protected:
    void run() override;

private:
    QString m_key;
    QByteArray m_secret;
    Work m_work;
    SecretStore::Result m_result;
};

} // namespace getbill
