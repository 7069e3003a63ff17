// Fuzzes PartialDownload::fromJson, the application's record of a download it did not finish (read back from its
// state folder at start-up): a record it accepts has absolute, clean paths, a part file beside its target ending in
// ".part", a plausible report id, bounded sizes and a non-zero inode; it says what the input says (no number is
// rounded on the way in); and toJson() -> fromJson() gives the same record back.
#include "FuzzChecks.h"
#include "api/JsonParsing.h"
#include "download/PartialDownload.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

using namespace getbill;

namespace {
bool sameRecord(const PartialDownload &a, const PartialDownload &b)
{
    return a.target == b.target && a.partPath == b.partPath && a.reportId == b.reportId && a.fileSize == b.fileSize &&
           a.etag == b.etag && a.device == b.device && a.inode == b.inode;
}

bool isCleanAbsolute(const QString &path)
{
    return QDir::isAbsolutePath(path) && QDir::cleanPath(path) == path && !path.contains(QChar(0));
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<PartialDownload> record = PartialDownload::fromJson(input);
    if (!record)
        return 0;

    FUZZ_CHECK(isCleanAbsolute(record->target), "target absolute and clean");
    FUZZ_CHECK(isCleanAbsolute(record->partPath), "part path absolute and clean");
    FUZZ_CHECK(QFileInfo(record->partPath).absolutePath() == QFileInfo(record->target).absolutePath(),
               "the part file is in the target's folder");
    FUZZ_CHECK(record->partPath.endsWith(QLatin1String(".part")) && record->partPath != record->target,
               "the part file ends in .part and is not the target");
    FUZZ_CHECK(json::isPlausibleReportId(record->reportId), "plausible report id");
    FUZZ_CHECK(record->fileSize >= 0 && record->fileSize <= json::maxFileSize, "bounded file size");
    FUZZ_CHECK(record->etag.size() <= 512, "bounded ETag");
    FUZZ_CHECK(record->inode != 0, "an inode");

    // What was accepted is what the input says: JSON numbers are doubles, and a record must not round them.
    const QJsonObject o = QJsonDocument::fromJson(input).object();
    FUZZ_CHECK(o.value(QLatin1String("size")).toDouble() == double(record->fileSize), "size as written");
    FUZZ_CHECK(o.value(QLatin1String("device")).toDouble() == double(record->device), "device as written");
    FUZZ_CHECK(o.value(QLatin1String("inode")).toDouble() == double(record->inode), "inode as written");

    const std::optional<PartialDownload> again = PartialDownload::fromJson(record->toJson());
    FUZZ_CHECK(again && sameRecord(*record, *again), "toJson() -> fromJson() round-trips");
    return 0;
}
