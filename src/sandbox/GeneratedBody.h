#pragma once

#include <QByteArray>
#include <QString>

namespace getbill::sandbox {

/// The deterministic CSV-looking body of a report that has a generatedSize instead of content. Every line has
/// the same length, so any byte range can be produced directly from (report id, offset): the server streams
/// huge files and answers Range requests without holding the file, and tests can check any slice.
class GeneratedBody
{
public:
    static constexpr int LineLength = 64;

    /// Bytes [offset, offset + length) of the body of `reportId`; the caller keeps the range inside the file.
    static QByteArray chunk(const QString &reportId, qint64 offset, qint64 length);
    /// The whole body: for tests and small sizes only.
    static QByteArray materialise(const QString &reportId, qint64 size) { return chunk(reportId, 0, size); }

private:
    static void writeLine(char *out, quint32 seed, qint64 lineNumber);
};

} // namespace getbill::sandbox
