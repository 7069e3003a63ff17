#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>

namespace getbill {

/// Where secrets (an access token, an API client's secret) are kept between runs: the system keychain, or memory
/// for this session only. Every operation is asynchronous (a keychain may show a prompt); the callback always runs
/// later from the event loop, and not at all if `context` is destroyed first.
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
    using Callback = std::function<void(const Result &result)>;
    using ReadCallback = std::function<void(const Result &result, const QByteArray &secret)>;

    explicit SecretStore(QObject *parent = nullptr) : QObject(parent) {}

    virtual void read(const QString &key, QObject *context, ReadCallback callback) = 0;
    virtual void write(const QString &key, const QByteArray &secret, QObject *context, Callback callback) = 0;
    /// Removing a key that holds nothing succeeds.
    virtual void remove(const QString &key, QObject *context, Callback callback) = 0;

    /// Survives the end of the process (the keychain), or not (memory).
    virtual bool isPersistent() const = 0;
    /// Where the secret lives, for "Signed in ... (saved in: ...)".
    virtual QString description() const = 0;

    /// The key of the account of one API: one item per API URL, so that several accounts and the sandbox never
    /// overwrite each other. Scheme, host, port and path; no user info, query or trailing slash.
    static QString keyFor(const QUrl &apiUrl);
};

} // namespace getbill
