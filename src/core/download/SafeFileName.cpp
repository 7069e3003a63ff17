#include "download/SafeFileName.h"

#include "download/PartialDownload.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#ifdef Q_OS_WIN
#include <qt_windows.h>
#include <string>
#endif

namespace getbill::SafeFileName {

namespace {
/// Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties) that are not already of a dropped category: they
/// render as nothing, so "a\u3164.pdf" and "a.pdf" would look the same.
bool isIgnorable(char32_t c)
{
    return c == 0x034F                        // combining grapheme joiner
           || c == 0x115F || c == 0x1160      // Hangul choseong and jungseong fillers
           || c == 0x17B4 || c == 0x17B5      // Khmer inherent vowels
           || (c >= 0x180B && c <= 0x180F)    // Mongolian free variation selectors
           || c == 0x3164 || c == 0xFFA0      // Hangul filler, halfwidth Hangul filler
           || (c >= 0xFE00 && c <= 0xFE0F)    // variation selectors
           || (c >= 0xFFF0 && c <= 0xFFF8)    // unassigned specials
           || (c >= 0x1BCA0 && c <= 0x1BCA3)  // shorthand format controls
           || (c >= 0x1D173 && c <= 0x1D17A)  // musical formatting
           || (c >= 0xE0000 && c <= 0xE0FFF); // tags, variation selectors supplement
}

bool isDropped(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Other_Control:     // C0, DEL, C1
    case QChar::Other_Format:      // bidi controls, zero-width characters, soft hyphen, BOM, tag characters
    case QChar::Other_PrivateUse:  // renders as nothing useful
    case QChar::Other_NotAssigned: // unassigned: may render as anything once assigned
    case QChar::Other_Surrogate:   // lone surrogates
        return true;
    default:
        break;
    }
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
    case 0x2800: // braille pattern blank: renders as a space that is not one
    case 0xFFFC: // object replacement character
    case 0xFFFD: // replacement character: what undecodable bytes became
        return true;
    default:
        return isIgnorable(c);
    }
}

QString dropCharacters(const QString &name)
{
    QString clean;
    clean.reserve(name.size());
    const QList<uint> codePoints = name.toUcs4();
    for (const uint c : codePoints) {
        const char32_t ch = char32_t(c);
        if (!isDropped(ch))
            clean += QString::fromUcs4(&ch, 1);
    }
    return clean;
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

/// What follows the last dot, when the dot is not the first character.
QString extensionOf(const QString &name)
{
    const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
    return dot > 0 ? name.mid(dot + 1) : QString();
}

/// A suffix that a file manager or shell would take for a type: 1 to 10 ASCII letters and digits, one letter at
/// least ("v1.2" has no extension, "x.exe" and "x.part" have one).
bool looksLikeExtension(const QString &ext)
{
    if (ext.isEmpty() || ext.size() > 10)
        return false;
    bool letter = false;
    for (const QChar c : ext) {
        if (c.unicode() >= 0x80 || !c.isLetterOrNumber())
            return false;
        letter = letter || c.isLetter();
    }
    return letter;
}

/// The extension rule of sanitize(): `name` is clean, trimmed and not empty.
QString withTruthfulExtension(QString name, const QString &mimeExtension)
{
    QString ext = extensionOf(name);
    // ".bin" is never dropped: it is what this rule gives an unknown type, and dropping it could uncover an allowed
    // extension that bounding the length had brought to the end ("a.xlsx\uFE2C" + ".bin", cut to "a.xlsx.bin"), so
    // that a second pass would give "a.xlsx" (found by fuzz_safefilename).
    if (!ext.isEmpty() && !allowedExtensions().contains(ext.toLower()) &&
        ext.compare(QLatin1String("bin"), Qt::CaseInsensitive) != 0 && looksLikeExtension(ext)) {
        name = trimEnds(name.left(name.size() - ext.size() - 1));
        ext = extensionOf(name);
    }
    const QString lower = ext.toLower();
    const QString wanted = !mimeExtension.isEmpty()              ? mimeExtension
                           : allowedExtensions().contains(lower) ? lower
                                                                 : QStringLiteral("bin");
    if (lower == wanted)
        return name.left(name.size() - ext.size()) + wanted; // the same extension, in lower case
    return name + QLatin1Char('.') + wanted;
}
} // namespace

const QStringList &allowedExtensions()
{
    static const QStringList extensions{QStringLiteral("pdf"), QStringLiteral("xlsx"), QStringLiteral("xls"),
                                        QStringLiteral("csv"), QStringLiteral("txt"),  QStringLiteral("zip")};
    return extensions;
}

QString knownExtensionForMimeType(const QString &mimeType)
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
    if (mime == QLatin1String("text/plain"))
        return QStringLiteral("txt");
    if (mime == QLatin1String("application/zip"))
        return QStringLiteral("zip");
    return {};
}

QString extensionForMimeType(const QString &mimeType)
{
    const QString known = knownExtensionForMimeType(mimeType);
    return known.isEmpty() ? QStringLiteral("bin") : known;
}

QString sanitize(const QString &serverName, const QString &reportId, const QString &mimeType)
{
    // NFKC first: fullwidth letters, dots and solidi fold to the ASCII ones, which the rules below then see.
    QString name = serverName.normalized(QString::NormalizationForm_KC);
    // Basename only, whichever separator the server had in mind.
    const int cut = int(std::max(name.lastIndexOf(QLatin1Char('/')), name.lastIndexOf(QLatin1Char('\\'))));
    if (cut >= 0)
        name = name.mid(cut + 1);
    // Removing characters can leave a sequence that composes differently, and composing can give a character that is
    // dropped: repeat until nothing changes, or the name would change when sanitised a second time (found by
    // fuzz_safefilename). Each round only shortens or composes, so this ends in a few rounds.
    QString clean = dropCharacters(name);
    for (int round = 0; round < 8; ++round) {
        const QString next = dropCharacters(clean.normalized(QString::NormalizationForm_KC));
        if (next == clean)
            break;
        clean = next;
    }
    clean = trimEnds(clean.simplified());

    if (clean.isEmpty()) {
        // Fall back to "<id>.<ext>", itself sanitised: ids are opaque too.
        QString id = reportId;
        id.remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")));
        if (!id.contains(QRegularExpression(QStringLiteral("[A-Za-z0-9]"))))
            id = QStringLiteral("report");
        clean = id;
    }
    clean = withTruthfulExtension(clean, knownExtensionForMimeType(mimeType));
    if (isWindowsReserved(clean))
        clean.prepend(QLatin1Char('_'));
    return bound(clean);
}

QString component(const QString &text)
{
    QString name = text.normalized(QString::NormalizationForm_KC);
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    name.replace(QLatin1Char('\\'), QLatin1Char('_'));
    QString clean = dropCharacters(name);
    for (int round = 0; round < 8; ++round) {
        const QString next = dropCharacters(clean.normalized(QString::NormalizationForm_KC));
        if (next == clean)
            break;
        clean = next;
    }
    clean = trimEnds(clean.simplified());
    if (clean.isEmpty())
        return QStringLiteral("_");
    if (isWindowsReserved(clean))
        clean.prepend(QLatin1Char('_'));
    clean = bound(clean);
    return clean.isEmpty() ? QStringLiteral("_") : clean;
}

bool isSafeComponent(const QString &name)
{
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("..") ||
        name.toUtf8().size() > maxBytes || name != name.normalized(QString::NormalizationForm_KC))
        return false;
    if (name.front() == QLatin1Char('.') || name.back() == QLatin1Char('.') || name.back().isSpace() ||
        name.front().isSpace())
        return false;
    const QList<uint> codePoints = name.toUcs4();
    for (const uint c : codePoints)
        if (isDropped(char32_t(c)))
            return false;
    return !isWindowsReserved(name);
}

QString uniqueName(const QString &folder, const QString &name)
{
    return uniqueName(folder, name, {});
}

QString uniqueName(const QString &folder, const QString &name, const std::function<bool(const QString &)> &alsoTaken)
{
    const QDir dir(folder);
    const auto taken = [&dir, &alsoTaken](const QString &candidate) {
        const QString path = QDir::cleanPath(dir.filePath(candidate));
        const QFileInfo file(path);
        const QFileInfo part(path + QLatin1String(".part"));
        return file.exists() || file.isSymLink() || part.exists() || part.isSymLink() ||
               QFileInfo::exists(PartialDownload::lockPath(path)) || (alsoTaken && alsoTaken(candidate));
    };
    if (!taken(name))
        return name;
    const QFileInfo info(name);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    const QString stem = name.left(name.size() - suffix.size());
    for (int i = 1; i < 10'000; ++i) {
        const QString candidate = bound(stem + QStringLiteral(" (%1)").arg(i) + suffix);
        if (!taken(candidate))
            return candidate;
    }
    return stem + QLatin1Char(' ') + QString::number(QDateTime::currentMSecsSinceEpoch()) + suffix;
}

bool markFromInternet(const QString &path)
{
#ifdef Q_OS_WIN
    // Opening "<path>:Zone.Identifier" would create <path> if it were missing.
    if (!QFileInfo(path).isFile())
        return false;
    // What browsers write: the Internet zone, and where the file came from.
    static const QByteArray zone =
        QByteArrayLiteral("[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://getbill.io/\r\n");
    const std::wstring stream = QDir::toNativeSeparators(path).toStdWString() + L":Zone.Identifier";
    const HANDLE handle =
        ::CreateFileW(stream.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        return false;
    DWORD written = 0;
    const BOOL ok = ::WriteFile(handle, zone.constData(), DWORD(zone.size()), &written, nullptr);
    ::CloseHandle(handle);
    return ok && written == DWORD(zone.size());
#else
    Q_UNUSED(path);
    return true;
#endif
}

} // namespace getbill::SafeFileName
