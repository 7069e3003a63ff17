#pragma once

#include "api/ApiError.h"
#include "api/Report.h"

#include <QByteArray>

namespace getbill::json {

/// Parsers of the API's success bodies. Tolerant of unknown and missing optional fields, strict on the types of
/// the fields they use: a wrong type makes the whole answer invalid (ApiError::Kind::InvalidResponse) rather than
/// silently becoming an empty value. Pure functions, fuzzed in fuzz/.

/// Parses one report object ("data" of GET /reports/{id}, or an element of the list).
bool parseReport(const QJsonObject &object, Report *report, QString *why);

bool parseReportPage(const QByteArray &body, ReportPage *page, ApiError *error);
bool parseReportBody(const QByteArray &body, Report *report, ApiError *error);
bool parseTicketBody(const QByteArray &body, DownloadTicket *ticket, ApiError *error);

/// Largest plausible file size we accept from the API (1 TiB): a bigger number is a broken answer.
constexpr qint64 maxFileSize = qint64(1) << 40;
/// Ids are opaque, but bounded and printable: they end up in file names and URL paths.
bool isPlausibleReportId(const QString &id);

} // namespace getbill::json
