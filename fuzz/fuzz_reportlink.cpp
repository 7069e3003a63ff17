// Fuzzes what users paste, drop or pass as arguments: report ids, getbill:// links and dashboard URLs. Every id
// that comes out must be a valid, bounded id, once.
#include "FuzzChecks.h"
#include "ReportLink.h"
#include "api/JsonParsing.h"

#include <QByteArray>
#include <QSet>
#include <QUrl>

using namespace getbill;

namespace {
void checkIds(const QStringList &ids)
{
    QSet<QString> seen;
    for (const QString &id : ids) {
        FUZZ_CHECK(ReportLink::isValidId(id), "every id found is valid");
        FUZZ_CHECK(id.size() <= ReportLink::maxIdLength, "ids are bounded");
        FUZZ_CHECK(json::isPlausibleReportId(id), "ids are plausible for the API too");
        FUZZ_CHECK(!seen.contains(id), "no duplicates");
        seen.insert(id);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    checkIds(ReportLink::idsFromText(text));
    checkIds(ReportLink::idsFromArguments(text.split(QLatin1Char('\n'))));
    const QString fromUrl = ReportLink::idFromUrl(QUrl(text));
    FUZZ_CHECK(fromUrl.isEmpty() || ReportLink::isValidId(fromUrl), "an id from a URL is valid");
    if (!fromUrl.isEmpty())
        FUZZ_CHECK(ReportLink::idFromUrl(ReportLink::linkFor(fromUrl)) == fromUrl, "linkFor round trip");
    // Free text may hold plain words that are valid ids in form ("report"): found or not, never altered.
    if (ReportLink::isValidId(text)) {
        const QStringList found = ReportLink::idsFromText(text);
        FUZZ_CHECK(found.isEmpty() || found == QStringList{text}, "a bare id is found as itself or not at all");
    }
    return 0;
}
