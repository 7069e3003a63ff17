// Fuzzes the parsers of the API's bodies: a report list page, one report, a download ticket, and error envelopes
// (ApiError::fromHttp with any status and Retry-After). The first byte picks the parser; the rest is the body.
#include "FuzzChecks.h"
#include "api/ApiError.h"
#include "api/JsonParsing.h"
#include "api/UrlPolicy.h"

#include <QByteArray>

using namespace getbill;

namespace {
void checkReport(const Report &r)
{
    FUZZ_CHECK(json::isPlausibleReportId(r.id), "a parsed report has a plausible id");
    FUZZ_CHECK(r.fileSize >= -1 && r.fileSize <= json::maxFileSize, "file_size within bounds");
}

void checkError(const ApiError &e)
{
    FUZZ_CHECK(e.isError(), "an HTTP error is an error");
    // Server text is shown to people: bounded, so a huge body cannot flood a dialog or a terminal.
    FUZZ_CHECK(e.message().size() <= 600, "message bounded");
    FUZZ_CHECK(!e.retryAfterSeconds() || *e.retryAfterSeconds() >= 0, "retry_after not negative");
    (void)e.detailedMessage();
    (void)e.category();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int selector = data[0];
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    switch (selector % 4) {
    case 0: {
        ReportPage page;
        ApiError error;
        if (json::parseReportPage(body, &page, &error)) {
            FUZZ_CHECK(!error.isError(), "success has no error");
            for (const Report &r : std::as_const(page.reports))
                checkReport(r);
        } else {
            // Not the envelope: InvalidResponse; an envelope with "error": true: the API's own error.
            FUZZ_CHECK(error.kind() == ApiError::Kind::InvalidResponse || error.kind() == ApiError::Kind::Http,
                       "parse failure is InvalidResponse or the API's error");
            checkError(error);
        }
        break;
    }
    case 1: {
        Report report;
        ApiError error;
        if (json::parseReportBody(body, &report, &error))
            checkReport(report);
        else
            FUZZ_CHECK(error.isError(), "failure has an error");
        break;
    }
    case 2: {
        DownloadTicket ticket;
        ApiError error;
        if (json::parseTicketBody(body, &ticket, &error)) {
            FUZZ_CHECK(ticket.isValid(), "a parsed ticket is valid");
            FUZZ_CHECK(ticket.fileSize >= 0 && ticket.fileSize <= json::maxFileSize, "ticket size within bounds");
            FUZZ_CHECK(UrlPolicy::isAllowed(ticket.downloadUrl), "a parsed ticket has an allowed URL");
        } else {
            FUZZ_CHECK(error.isError(), "failure has an error");
            // Messages never carry the signed link.
            FUZZ_CHECK(!error.message().contains(QLatin1String("signature=")), "no signed URL in messages");
        }
        break;
    }
    default: {
        // Status from the second byte (100..611), Retry-After from the first line of the body.
        const int status = 100 + (size > 1 ? data[1] * 2 : 0);
        const qsizetype newline = body.indexOf('\n');
        const QByteArray retryAfter = newline >= 0 ? body.left(newline) : QByteArray();
        checkError(ApiError::fromHttp(status, body.mid(newline + 1), RateLimit(), retryAfter));
        break;
    }
    }
    return 0;
}
