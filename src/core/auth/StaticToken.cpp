#include "auth/TokenProvider.h"

#include <QCoreApplication>
#include <QTimer>

namespace getbill {

StaticToken::StaticToken(QString token, QObject *parent) : TokenProvider(parent), m_token(std::move(token))
{}

void StaticToken::setToken(const QString &token)
{
    if (token == m_token)
        return;
    m_token = token;
    emit changed();
}

void StaticToken::requestToken(QObject *context, Callback callback)
{
    const QString token = m_token;
    QTimer::singleShot(0, context, [token, callback = std::move(callback)] {
        if (token.isEmpty())
            callback({}, ApiError(ApiError::Kind::NotAuthenticated,
                                  QCoreApplication::translate("getbill::StaticToken",
                                                              "Not signed in: no GetBill access token is set.")));
        else
            callback(token, {});
    });
}

bool StaticToken::tokenRejected(const QString &)
{
    // The same token would be rejected again: let the 401 reach the user.
    return false;
}

} // namespace getbill
