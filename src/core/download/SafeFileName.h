#pragma once

#include <QString>

namespace getbill::SafeFileName {

/// Longest name we produce, in UTF-8 bytes: below every common file system's 255 and leaves room for ".part"
/// and " (12)".
constexpr int maxBytes = 200;

/// Turns a server-given filename into one that is safe to create in a folder the user chose: basename only, no
/// separators, control, invisible or bidirectional characters, no "." / "..", no Windows reserved device names
/// (also "NUL.txt"), no trailing dots or spaces, bounded length. Falls back to "<id>.<extension of mime type>".
QString sanitize(const QString &serverName, const QString &reportId, const QString &mimeType);

/// "pdf", "xlsx", "csv", ... for the report MIME types; "bin" for anything else.
QString extensionForMimeType(const QString &mimeType);

/// `name` if no such file is in `folder`, else "name (1).ext", "name (2).ext", ...
QString uniqueName(const QString &folder, const QString &name);

} // namespace getbill::SafeFileName
