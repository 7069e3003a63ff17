// Fuzzes SyncTemplate with property checks: whatever template a user writes and whatever a server sends as title,
// type, id, filename, MIME type and dates, a template either fails with a message, or renders a relative path whose
// every component is one safe name (never empty, "." or "..", no separator), which stays inside the output folder.
#include "FuzzChecks.h"
#include "download/SafeFileName.h"
#include "download/SyncTemplate.h"

#include <QByteArray>
#include <QDir>
#include <QList>
#include <QString>

using namespace getbill;

namespace {
/// Written out again rather than taken from the implementation.
bool isReservedWindowsName(const QString &name)
{
    const QString stem = name.section(QLatin1Char('.'), 0, 0).trimmed().toUpper();
    for (const char *reserved : {"CON", "PRN", "AUX", "NUL"})
        if (stem == QLatin1String(reserved))
            return true;
    return stem.size() == 4 && (stem.startsWith(QLatin1String("COM")) || stem.startsWith(QLatin1String("LPT"))) &&
           stem.at(3).isDigit();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Input: "template\0title\0type\0filename\0id\0mime\0period_from\0generated_at", each part optional.
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QByteArray> parts = input.split('\0');
    const auto part = [&parts](int i) {
        return QString::fromUtf8(parts.value(i));
    };

    QString error;
    const std::optional<SyncTemplate> placement = SyncTemplate::parse(part(0), &error);
    if (!placement) {
        FUZZ_CHECK(!error.isEmpty(), "a refused template says why");
        FUZZ_CHECK(error.size() < 600, "the reason is bounded");
        return 0;
    }
    Report report;
    report.title = part(1);
    report.type = part(2);
    report.filename = part(3);
    report.id = part(4);
    report.mimeType = part(5);
    report.periodFrom = QDate::fromString(part(6), Qt::ISODate);
    report.periodTo = report.periodFrom.addDays(30);
    report.generatedAt = QDateTime::fromString(part(7), Qt::ISODate);

    const QString relative = placement->render(report);
    FUZZ_CHECK(relative == placement->render(report), "deterministic");
    FUZZ_CHECK(!relative.isEmpty() && !relative.startsWith(QLatin1Char('/')), "relative");
    const QStringList components = relative.split(QLatin1Char('/'));
    FUZZ_CHECK(components.size() == placement->text().count(QLatin1Char('/')) + 1,
               "one component per part of the template: a value never adds a folder");
    for (const QString &c : components) {
        FUZZ_CHECK(!c.isEmpty(), "no empty component");
        FUZZ_CHECK(c != QLatin1String(".") && c != QLatin1String(".."), "no . or ..");
        FUZZ_CHECK(!c.contains(QLatin1Char('\\')) && !c.contains(QLatin1Char(':')), "no separator or drive");
        FUZZ_CHECK(c.toUtf8().size() <= SafeFileName::maxBytes, "bounded component");
        FUZZ_CHECK(!isReservedWindowsName(c), "no reserved device name");
        FUZZ_CHECK(SafeFileName::isSafeComponent(c), "every component passes SafeFileName's checks");
    }
    const QString last = components.last();
    const QString ext = last.contains(QLatin1Char('.')) ? last.section(QLatin1Char('.'), -1) : QString();
    const QString known = SafeFileName::knownExtensionForMimeType(report.mimeType);
    FUZZ_CHECK(known.isEmpty() ? (SafeFileName::allowedExtensions().contains(ext) || ext == QLatin1String("bin"))
                               : ext == known,
               "the file name ends in the MIME type's extension");
    const QString root = QStringLiteral("/srv/reports");
    const QString inside = SyncTemplate::inside(root, relative);
    FUZZ_CHECK(!inside.isEmpty() && inside.startsWith(root + QLatin1Char('/')), "stays inside the folder");
    FUZZ_CHECK(inside == root + QLatin1Char('/') + relative, "cleaning the path changes nothing: no component climbs");
    return 0;
}
