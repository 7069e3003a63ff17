#pragma once

#include "FuzzChecks.h"
#include "preview/TablePreview.h"

#include <QString>

namespace getbill::preview::fuzz {

/// What every preview must satisfy, whatever the input: a failure is a bounded, visible message and no sheets;
/// a success keeps the row, column, cell and budget caps.
inline void checkPreview(const TablePreview &preview, const QString &error)
{
    if (!error.isEmpty()) {
        FUZZ_CHECK(preview.sheets.isEmpty(), "a failed read has no sheets");
        FUZZ_CHECK(error.size() <= 400, "a message is bounded");
        for (const QChar c : error) {
            const char16_t u = c.unicode();
            FUZZ_CHECK(u >= 0x20 && !(u >= 0x7F && u < 0xA0) && !(u >= 0x202A && u <= 0x202E) &&
                           !(u >= 0x2066 && u <= 0x2069),
                       "a message has no control or bidi characters");
        }
        return;
    }
    qsizetype chars = 0;
    qsizetype cells = 0;
    for (const TablePreview::Sheet &sheet : preview.sheets) {
        FUZZ_CHECK(sheet.shownRows() <= TablePreview::maxRows, "shownRows <= maxRows");
        FUZZ_CHECK(sheet.shownRows() <= sheet.totalRows, "shownRows <= totalRows");
        FUZZ_CHECK(sheet.columnCount() <= TablePreview::maxColumns, "columnCount <= maxColumns");
        FUZZ_CHECK(sheet.numeric.size() == sheet.columnCount(), "one numeric flag per column");
        for (int r = 0; r < sheet.shownRows(); ++r) {
            FUZZ_CHECK(sheet.cellCount(r) <= sheet.columnCount(), "a row is no wider than the sheet");
            for (int c = 0; c < sheet.cellCount(r); ++c)
                FUZZ_CHECK(sheet.cell(r, c).size() <= TablePreview::maxCellChars, "no cell over the cap");
        }
        FUZZ_CHECK(sheet.cell(sheet.shownRows(), 0).isEmpty(), "past the last row reads empty");
        chars += sheet.textSize();
        cells += sheet.storedCells();
    }
    FUZZ_CHECK(chars <= TablePreview::maxShownChars, "all sheets keep at most maxShownChars");
    FUZZ_CHECK(cells <= TablePreview::maxShownCells, "all sheets keep at most maxShownCells");
}

inline bool sameSheets(const TablePreview &a, const TablePreview &b)
{
    if (a.sheets.size() != b.sheets.size())
        return false;
    for (qsizetype s = 0; s < a.sheets.size(); ++s) {
        const TablePreview::Sheet &x = a.sheets[s];
        const TablePreview::Sheet &y = b.sheets[s];
        if (x.name != y.name || x.totalRows != y.totalRows || x.shownRows() != y.shownRows() ||
            x.columnCount() != y.columnCount() || x.numeric != y.numeric)
            return false;
        for (int r = 0; r < x.shownRows(); ++r) {
            if (x.row(r) != y.row(r))
                return false;
        }
    }
    return true;
}

} // namespace getbill::preview::fuzz
