#pragma once

#include "preview/TablePreview.h"
#include "preview/ZipArchive.h"

#include <QCoreApplication>
#include <atomic>

class QIODevice;

namespace getbill::preview {

/// Reads an XLSX workbook into a TablePreview: its visible worksheets in workbook order, with shared and inline
/// strings, numbers, booleans, errors, cached formula results (formulas are never evaluated) and dates shown as
/// ISO text. Streams every part through QXmlStreamReader from a ZipArchive, refuses document type declarations
/// (no entity is ever expanded or fetched), and caps tokens, sheets and shared strings, so a hostile workbook
/// costs bounded memory and time and ends with a message rather than a crash.
class XlsxReader
{
    Q_DECLARE_TR_FUNCTIONS(getbill::preview::XlsxReader)

public:
    struct Limits
    {
        ZipArchive::Limits zip;
        int maxSheets = 1'000;
        qsizetype maxSharedStrings = 1'000'000;
        qsizetype maxSharedStringChars = qsizetype(32) << 20;
    };

    /// One XML token (a start tag with its attributes, a run of text) longer than this is refused while it is
    /// still streaming in: QXmlStreamReader would otherwise buffer it whole. Four bytes per character leave room
    /// for a cell of TablePreview::maxCellChars characters in any script.
    static constexpr qint64 maxTokenBytes = 4 * TablePreview::maxCellChars;
    /// Style and number-format entries kept (Excel allows 64,000 cell formats); cells styled past them show
    /// their number as is.
    static constexpr int maxStyles = 65'536;

    XlsxReader();
    /// `cancel`, when given, is polled while parsing: set it from another thread to stop the read.
    explicit XlsxReader(const Limits &limits, const std::atomic<bool> *cancel = nullptr);

    /// Reads the workbook in `device` (open for reading, seekable, from its start). On failure the preview is
    /// empty and `*error` says why in words for the user; on success `*error` is cleared.
    TablePreview read(QIODevice *device, QString *error) const;

private:
    Limits m_limits;
    const std::atomic<bool> *m_cancel = nullptr;
};

} // namespace getbill::preview
