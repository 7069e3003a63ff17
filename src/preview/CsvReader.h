#pragma once

#include "preview/TablePreview.h"

#include <QByteArrayView>
#include <QCoreApplication>
#include <QStringView>
#include <atomic>

class QIODevice;

namespace getbill::preview {

/// Reads a CSV file (RFC 4180, and what spreadsheets export in practice: `;`, tab or `|` delimiters, UTF-8 with
/// or without a BOM, UTF-16 with a BOM, Windows-1252) into a TablePreview. It streams: the device is read in
/// chunks, only the kept rows are stored, and a line, the column count and the input size each have a cap, so a
/// hostile file costs bounded memory and is refused early.
class CsvReader
{
    Q_DECLARE_TR_FUNCTIONS(getbill::preview::CsvReader)

public:
    struct Limits
    {
        /// Bytes read at most; a larger file is refused (before reading, when the device knows its size).
        qint64 maxInputBytes = qint64(512) << 20;
    };

    static constexpr qint64 chunkBytes = 64 * 1024;
    /// A line (one record, with the newlines inside its quoted fields) longer than this is refused.
    static constexpr qsizetype maxLineChars = TablePreview::maxCellChars;
    /// Lines the delimiter detection looks at.
    static constexpr int detectionLines = 20;

    CsvReader();
    /// `cancel`, when given, is polled between chunks: set it from another thread to stop the read.
    explicit CsvReader(const Limits &limits, const std::atomic<bool> *cancel = nullptr);

    /// Reads `device` (open for reading) from its position to its end: one sheet, without a name. On failure the
    /// preview is empty and `*error` says why in words for the user; on success `*error` is cleared.
    TablePreview read(QIODevice *device, QString *error) const;

    /// The delimiter among `,` `;` tab `|` that splits the first lines of `head` most consistently (outside
    /// quotes); `,` when none does. `complete`: `head` is the whole input, so its last line counts too.
    static QChar detectDelimiter(QStringView head, bool complete);
    /// True for what reads as one number: an optional sign or accounting parentheses, digits with `.` or `,` as
    /// decimal separator and optional thousands separators (`,` `.` space, no-break space, `'`), an optional
    /// exponent or trailing `%`.
    static bool looksNumeric(QStringView text);
    /// Windows-1252, exactly: 0x80-0x9F from the code page's table (its five holes map to the C1 controls, as
    /// Windows and the WHATWG encoding standard do), every other byte as Latin-1.
    static QString fromWindows1252(QByteArrayView bytes);

private:
    Limits m_limits;
    const std::atomic<bool> *m_cancel = nullptr;
};

} // namespace getbill::preview
