#pragma once

#include <QString>
#include <QUrl>

namespace getbill::ApiAddress {

/// Which GetBill a run talks to, the one rule for the window and the CLI: the --api-url option, else the
/// GETBILL_API_URL environment variable, else the address saved in the settings (the window's), else GetBill's own
/// (https://getbill.io/external-api/v1). Not checked here: ApiClient::isAllowedBaseUrl() decides what is allowed.
QUrl choose(const QString &option, const QString &environment, const QUrl &setting = {});

/// Where an API client's secret is sent: GETBILL_TOKEN_URL when it is set, otherwise the API origin's /token
/// (https://getbill.io/token for GetBill's own API), so a secret never goes to another origin unless asked to.
QUrl tokenUrl(const QUrl &apiUrl, const QString &environmentTokenUrl = {});

} // namespace getbill::ApiAddress
