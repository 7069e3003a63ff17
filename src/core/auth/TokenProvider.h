#pragma once

#include "api/ApiError.h"

#include <QObject>
#include <QPointer>
#include <functional>

namespace getbill {

/// Where ApiClient gets the bearer token for each request. Implementations may need the network (OAuth), so the
/// answer is asynchronous; the callback always runs later from the event loop, never inside requestToken().
class TokenProvider : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const QString &token, const ApiError &error)>;

    explicit TokenProvider(QObject *parent = nullptr) : QObject(parent) {}

    /// Calls `callback` with a token, or with an error (Kind::NotAuthenticated when there is no credential).
    /// Nothing is called if `context` is destroyed first.
    virtual void requestToken(QObject *context, Callback callback) = 0;
    /// The API answered 401 to `token`: forget it. Returns true when asking again may give a different token that
    /// is worth one retry (OAuth refresh), false when it would be the same one.
    virtual bool tokenRejected(const QString &token) = 0;
    /// The provider that stands for the current credential. A request binds to it for its whole life: when the
    /// credential is replaced (another account, sign-out) the session object goes away, and a retry still waiting
    /// finds no token instead of the next account's. A provider with one fixed credential is its own session.
    virtual TokenProvider *session() { return this; }

signals:
    /// The credential changed (signed in, out, refreshed, rejected); views showing "who is connected" re-read.
    void changed();
};

/// A fixed access token: pasted by the user, from GETBILL_TOKEN, or the demo's.
class StaticToken : public TokenProvider
{
    Q_OBJECT
public:
    explicit StaticToken(QString token = {}, QObject *parent = nullptr);

    void setToken(const QString &token);
    QString token() const { return m_token; }
    bool hasToken() const { return !m_token.isEmpty(); }

    void requestToken(QObject *context, Callback callback) override;
    bool tokenRejected(const QString &token) override;

private:
    QString m_token;
};

} // namespace getbill
