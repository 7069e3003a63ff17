#include "download/SafeFileName.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace getbill::SafeFileName {

namespace {
bool isInvisibleOrBidi(char32_t c)
{
    return (c >= 0x200B && c <= 0x200F)     // zero-width space/joiners, LRM, RLM
           || (c >= 0x202A && c <= 0x202E)  // LRE, RLE, PDF, LRO, RLO: "gpj.exe" tricks
           || (c >= 0x2060 && c <= 0x2069)  // word joiner, invisible operators, isolates
           || c == 0xFEFF || c == 0x061C    // BOM, Arabic letter mark
           || c == 0x00AD || c == 0x180E    // soft hyphen, Mongolian vowel separator
           || (c >= 0xFFF9 && c <= 0xFFFB)  // interlinear annotations
           || (c >= 0xE000 && c <= 0xF8FF); // private use: renders as nothing useful
}

bool isForbidden(char32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
        return true;
    switch (c) {
    case '<':
    case '>':
    case ':':
    case '"':
    case '/':
    case '\\':
    case '|':
    case '?':
    case '*':
        return true;
    default:
        return isInvisibleOrBidi(c) || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFD;
    }
}

bool isWindowsReserved(const QString &name)
{
    static const QRegularExpression reserved(
        QStringLiteral("^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\\$|conout\\$)$"),
        QRegularExpression::CaseInsensitiveOption);
    // Windows ignores everything from the first dot, and trailing spaces: "NUL.txt" and "nul .pdf" are the device.
    const QString stem = name.section(QLatin1Char('.'), 0, 0).trimmed();
    return reserved.match(stem).hasMatch();
}

QString trimEnds(QString s)
{
    // Leading dots would hide the file on Unix; trailing dots and spaces are silently dropped by Windows.
    while (!s.isEmpty() && (s.front() == QLatin1Char('.') || s.front().isSpace()))
        s.remove(0, 1);
    while (!s.isEmpty() && (s.back() == QLatin1Char('.') || s.back().isSpace()))
        s.chop(1);
    return s;
}

/// Cuts the stem so the UTF-8 name fits `maxBytes`, keeping the extension and never splitting a character.
QString bound(const QString &name)
{
    if (name.toUtf8().size() <= maxBytes)
        return name;
    const int dot = int(name.lastIndexOf(QLatin1Char('.')));
    QString ext = dot > 0 && name.size() - dot <= 16 ? name.mid(dot) : QString();
    QString stem = ext.isEmpty() ? name : name.left(dot);
    while (!stem.isEmpty() && (stem + ext).toUtf8().size() > maxBytes) {
        stem.chop(1);
        if (!stem.isEmpty() && stem.back().isHighSurrogate())
            stem.chop(1);
    }
    return trimEnds(stem) + ext;
}
} // namespace

QString extensionForMimeType(const QString &mimeType)
{
    const QString mime = mimeType.section(QLatin1Char(';'), 0, 0).trimmed().toLower();
    if (mime == QLatin1String("application/pdf"))
        return QStringLiteral("pdf");
    if (mime == QLatin1String("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        return QStringLiteral("xlsx");
    if (mime == QLatin1String("application/vnd.ms-excel"))
        return QStringLiteral("xls");
    if (mime == QLatin1String("text/csv") || mime == QLatin1String("application/csv"))
        return QStringLiteral("csv");
    if (mime == QLatin1String("application/json"))
        return QStringLiteral("json");
    if (mime == QLatin1String("application/zip"))
        return QStringLiteral("zip");
    return QStringLiteral("bin");
}

QString sanitize(const QString &serverName, const QString &reportId, const QString &mimeType)
{
    // Basename only, whichever separator the server had in mind.
    QString name = serverName.normalized(QString::NormalizationForm_C);
    const int cut = int(std::max(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\'))));
    if (cut >= 0)
        name = name.mid(cut + 1);

    QString clean;
    clean.reserve(name.size());
    const QList<uint> codePoints = name.toUcs4();
    for (const uint c : codePoints) {
        if (isForbidden(char32_t(c)))
            continue;
        const char32_t ch = char32_t(c);
        clean += QString::fromUcs4(&ch, 1);
    }
    // Bounded before the extension check: cutting a long name can drop a "suffix" that was not one, and the
    // result must not gain a ".bin" only when sanitised a second time (found by fuzz_safefilename).
    // Removing characters can leave a sequence that composes differently: normalise again, or the name would
    // change when sanitised a second time (found by fuzz_safefilename).
    clean = bound(trimEnds(clean.normalized(QString::NormalizationForm_C).simplified()));

    if (clean.isEmpty()) {
        // Fall back to "<id>.<ext>", itself sanitised: ids are opaque too.
        QString id = reportId;
        id.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")));
        if (!id.contains(QRegularExpression(QStringLiteral("[A-Za-z0-9]"))))
            id = QStringLiteral("report");
        clean = id + QLatin1Char('.') + extensionForMimeType(mimeType);
    } else if (QFileInfo(clean).suffix().isEmpty() && !mimeType.isEmpty()) {
        clean += QLatin1Char('.') + extensionForMimeType(mimeType);
    }
    if (isWindowsReserved(clean))
        clean.prepend(QLatin1Char('_'));
    return bound(clean);
}

QString uniqueName(const QString &folder, const QString &name)
{
    const QDir dir(folder);
    if (!QFileInfo::exists(dir.filePath(name)) && !QFileInfo::exists(dir.filePath(name + QLatin1String(".part"))))
        return name;
    const QFileInfo info(name);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    const QString stem = name.left(name.size() - suffix.size());
    for (int i = 1; i < 10'000; ++i) {
        const QString candidate = bound(stem + QStringLiteral(" (%1)").arg(i) + suffix);
        if (!QFileInfo::exists(dir.filePath(candidate)) &&
            !QFileInfo::exists(dir.filePath(candidate + QLatin1String(".part"))))
            return candidate;
    }
    return stem + QLatin1Char(' ') + QString::number(QDateTime::currentMSecsSinceEpoch()) + suffix;
}

} // namespace getbill::SafeFileName
