#pragma once

#include <QString>
#include <QStringList>
#include <functional>

namespace getbill::SafeFileName {

/// Longest name we produce, in UTF-8 bytes: below every common file system's 255 and leaves room for ".part"
/// and " (12)".
constexpr int maxBytes = 200;

/// Turns a server-given filename into one that is safe to create in a folder the user chose:
/// - NFKC, basename only; no separators, no characters of the categories Cc, Cf, Co, Cn, no lone surrogates, no
///   default-ignorable characters (zero-width characters, bidirectional controls, tag characters, variation
///   selectors, Hangul fillers), no characters Windows refuses (<>:"|?*);
/// - no "." / "..", no leading dots, no trailing dots or spaces, no Windows reserved device name (also "NUL.txt":
///   prefixed with "_"), at most maxBytes UTF-8 bytes;
/// - the extension tells the truth: for a known MIME type (see extensionForMimeType()) the name ends in that type's
///   extension. A trailing extension that is not one of allowedExtensions() (nor "bin") is dropped first, then the
///   type's extension is appended unless the name already has it: "Invoice 2024.pdf .exe" sent as text/csv becomes
///   "Invoice 2024.pdf.csv" (the server's "pdf" stays visible, the file opens as what it is). For an unknown or
///   absent type the name keeps its extension only if it is an allowed one, else it ends in ".bin";
/// - so it never ends in the application's own suffixes (".part", ".part.meta", ".lock");
/// - falls back to "<id>.<extension>" when nothing is left; sanitising the result again gives it back unchanged.
QString sanitize(const QString &serverName, const QString &reportId, const QString &mimeType);

/// Turns any text (a report's title or type, a date, a sync template's literal text) into one safe path component
/// (a folder's name, or part of a file name), with the character rules of sanitize(): separators ('/', '\\') become
/// '_' instead of cutting the text (a title can never add a folder), no "." or "..", no leading dots, no trailing
/// dots or spaces, no Windows reserved device name (prefixed with "_"), at most maxBytes UTF-8 bytes, and "_" when
/// nothing is left. No extension rule (sanitize() has it). Sanitising the result again gives it back unchanged.
QString component(const QString &text);
/// The checks every component that the application creates passes, one by one (what component() and sanitize()
/// guarantee): not empty, not "." or "..", no leading dot, no trailing dot or space, no separator, no character
/// sanitize() drops, NFKC, no reserved device name, at most maxBytes UTF-8 bytes.
bool isSafeComponent(const QString &name);

/// "pdf", "xlsx", "xls", "csv", "txt" or "zip" for the MIME types of those files; empty for any other type.
QString knownExtensionForMimeType(const QString &mimeType);
/// As knownExtensionForMimeType(), with "bin" for any other type.
QString extensionForMimeType(const QString &mimeType);
/// The extensions a saved name may end in besides "bin": pdf, xlsx, xls, csv, txt, zip.
const QStringList &allowedExtensions();

/// `name` if it is free in `folder`, else "name (1).ext", "name (2).ext", ... A name is taken when a file (or a
/// symlink, even a dangling one) of that name exists, when "<name>.part" does, or when the application holds the
/// download lock of that path (PartialDownload::lockPath): another download is on its way there.
QString uniqueName(const QString &folder, const QString &name);
/// The same, with names `alsoTaken` says are taken too (names a dry run has already planned).
QString uniqueName(const QString &folder, const QString &name, const std::function<bool(const QString &)> &alsoTaken);

/// Marks a saved file as downloaded from the Internet, as browsers do, so that Windows' SmartScreen and Office's
/// Protected View treat it as such: the "Zone.Identifier" alternate data stream with ZoneId=3. Windows only; a no-op
/// that returns true elsewhere. False when the stream cannot be written (a file system without streams: FAT, some
/// network shares).
bool markFromInternet(const QString &path);

} // namespace getbill::SafeFileName
