#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

class QMimeData;

namespace getbill {

/// Turns what users paste, drop or pass on the command line into report ids: bare ids ("report_abc123"), lists of
/// them separated by newlines, commas, semicolons or spaces, `getbill://report/ID` links and GetBill dashboard
/// URLs that contain the id. Everything else is ignored rather than guessed at: an id that is not one would only
/// produce a confusing 404.
class ReportLink
{
public:
    static constexpr int maxIdLength = 128;

    /// Letters, digits, '_' and '-', at most maxIdLength: the shape of GetBill's opaque ids.
    static bool isValidId(const QString &id);
    /// The id a single URL points at, or an empty string.
    static QString idFromUrl(const QUrl &url);
    /// Every id in free text (ids, links and URLs mixed), in order, without duplicates.
    static QStringList idsFromText(const QString &text);
    /// Command-line arguments that are ids or links (options must already be removed).
    static QStringList idsFromArguments(const QStringList &arguments);
    /// text/uri-list first (one URL a line), then text/plain.
    static QStringList idsFromMimeData(const QMimeData *mime);
    /// Whether a drag carries anything idsFromMimeData() could read (checked on drag-enter).
    static bool canRead(const QMimeData *mime);
    /// `getbill://report/ID`.
    static QUrl linkFor(const QString &id);
};

} // namespace getbill
