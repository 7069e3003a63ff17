#pragma once

#include "preview/TablePreview.h"

#include <QList>
#include <QStringList>

namespace getbill::preview {

/// Fills one TablePreview::Sheet row by row under the preview's shared budget and works out which columns hold
/// numbers. Both readers use it, so the row cap, the budget and the header rule are the same for CSV and XLSX.
class SheetBuilder
{
public:
    /// What all sheets of one preview may still keep; one per read, shared by its builders.
    struct Budget
    {
        qsizetype chars = TablePreview::maxShownChars;
        qsizetype cells = TablePreview::maxShownCells;
        bool exhausted = false;
    };

    /// Text in at most this many first rows may sit above a column's numbers (titles, headers).
    static constexpr int headerRows = 10;

    SheetBuilder(TablePreview::Sheet *sheet, Budget *budget);

    /// True while another row would be kept: fewer than maxRows so far and budget left.
    bool wantsRows() const;
    /// Keeps the row when wantsRows() and it fits the budget. numbers[i] says whether cells[i] is a number; empty
    /// cells count as neither. Once a row does not fit, no later row of any sheet of this read is kept.
    void addRow(const QStringList &cells, const QList<bool> &numbers);
    /// Sets the sheet's numeric flags, one per column. Call once, after the last row.
    void finish();

private:
    struct ColumnStats
    {
        int firstNumberRow = -1;
        int lastTextRow = -1;
        bool textBelowNumber = false;
    };

    TablePreview::Sheet *m_sheet;
    Budget *m_budget;
    QList<ColumnStats> m_columns;
};

} // namespace getbill::preview
