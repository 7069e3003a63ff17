// Fuzzes SafeFileName::sanitize with property checks: whatever the server sends as a filename (and id and MIME
// type), the result is a single, bounded, visible, non-reserved name whose extension tells the truth.
#include "FuzzChecks.h"
#include "download/SafeFileName.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

using namespace getbill;

namespace {
bool isReservedWindowsName(const QString &name)
{
    const QString stem = name.section(QLatin1Char('.'), 0, 0).trimmed().toUpper();
    static const QStringList reserved = {QStringLiteral("CON"), QStringLiteral("PRN"), QStringLiteral("AUX"),
                                         QStringLiteral("NUL")};
    if (reserved.contains(stem))
        return true;
    if (stem.size() == 4 && (stem.startsWith(QLatin1String("COM")) || stem.startsWith(QLatin1String("LPT"))) &&
        stem.at(3).isDigit())
        return true;
    return false;
}

bool isInvisibleOrControl(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Other_Surrogate:
        return true;
    default:
        break;
    }
    // Written out again rather than taken from the implementation: bidi controls, zero-width characters, variation
    // selectors, tag characters and Hangul fillers hide what a name really is.
    return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x206f) ||
           c == 0x061c || c == 0xfeff || c == 0x00ad || c == 0x034f || (c >= 0xfe00 && c <= 0xfe0f) ||
           (c >= 0xe0000 && c <= 0xe0fff) || c == 0x3164 || c == 0xffa0 || c == 0x115f || c == 0x1160 ||
           (c >= 0x180b && c <= 0x180f) || c == 0xfffd;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // Input: "name\0id\0mime", each part optional.
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const QList<QByteArray> parts = input.split('\0');
    const QString name = QString::fromUtf8(parts.value(0));
    const QString id = QString::fromUtf8(parts.value(1));
    const QString mime = QString::fromUtf8(parts.value(2));

    const QString safe = SafeFileName::sanitize(name, id, mime);
    FUZZ_CHECK(!safe.isEmpty(), "never empty");
    FUZZ_CHECK(safe != QLatin1String(".") && safe != QLatin1String(".."), "never . or ..");
    FUZZ_CHECK(!safe.contains(QLatin1Char('/')) && !safe.contains(QLatin1Char('\\')), "no separators");
    FUZZ_CHECK(!safe.contains(QLatin1Char(':')), "no drive or stream colon");
    FUZZ_CHECK(safe.toUtf8().size() <= SafeFileName::maxBytes, "bounded length");
    FUZZ_CHECK(!safe.endsWith(QLatin1Char('.')) && !safe.endsWith(QLatin1Char(' ')), "no trailing dot or space");
    FUZZ_CHECK(!isReservedWindowsName(safe), "no Windows reserved device name");
    const QList<uint> codePoints = safe.toUcs4();
    for (const uint c : codePoints)
        FUZZ_CHECK(!isInvisibleOrControl(char32_t(c)), "no Cc/Cf/Co/Cn/Cs, invisible, bidi or replacement character");
    // The extension tells the truth: the MIME type's when it is known, else an allowed one or "bin".
    const QString ext = safe.contains(QLatin1Char('.')) ? safe.section(QLatin1Char('.'), -1) : QString();
    FUZZ_CHECK(SafeFileName::allowedExtensions().contains(ext) || ext == QLatin1String("bin"), "extension allowed");
    const QString known = SafeFileName::knownExtensionForMimeType(mime);
    FUZZ_CHECK(known.isEmpty() || ext == known, "extension of the MIME type");
    for (const char *reserved : {".part", ".part.meta", ".lock"})
        FUZZ_CHECK(!safe.endsWith(QLatin1String(reserved), Qt::CaseInsensitive),
                   "no reserved suffix of the application");
    FUZZ_CHECK(safe.isValidUtf16(), "no lone surrogates");
    // Sanitising a safe name keeps it: the save dialog may hand our suggestion back to us.
    const QString again = SafeFileName::sanitize(safe, id, mime);
    if (again != safe)
        std::fprintf(stderr, "first:  %s\nsecond: %s\n", safe.toUtf8().constData(), again.toUtf8().constData());
    FUZZ_CHECK(again == safe, "idempotent");
    return 0;
}
