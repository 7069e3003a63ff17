#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace getbill::preview {

/// What the preview panel shows of a CSV file or an XLSX workbook: its tables, each cut to its first maxRows
/// rows, with the number of all rows and which columns hold numbers. A value type: a reader builds it on a worker
/// thread and hands it to the GUI thread whole.
struct TablePreview
{
    /// Rows kept per table; the rest are counted, not stored.
    static constexpr int maxRows = 10'000;
    /// Columns a table may have; a file with more is refused rather than shown cut.
    static constexpr int maxColumns = 1'000;
    /// Characters a cell may hold (and a CSV line: one line longer than this is refused).
    static constexpr qsizetype maxCellChars = qsizetype(1) << 20;
    /// What all tables of one preview may hold together. A table with maxRows x maxColumns short cells would
    /// otherwise cost hundreds of MiB; past these, rows are counted but no longer kept (shownRows() says so).
    static constexpr qsizetype maxShownChars = qsizetype(32) << 20;
    static constexpr qsizetype maxShownCells = qsizetype(4) << 20;

    /// One table: the CSV file's only one, or one worksheet. Cells live in one string with offsets, so that a
    /// cell costs its characters plus 8 bytes rather than a QString each.
    class Sheet
    {
    public:
        QString name;
        /// Every row of the table in the file, also those past maxRows.
        qint64 totalRows = 0;
        /// One flag per column: true when the column holds numbers (the view right-aligns it). A first row of text
        /// above numbers is taken for a header and does not clear the flag.
        QList<bool> numeric;

        /// Rows kept: at most maxRows, fewer when the file has fewer or the preview's budget ran out.
        int shownRows() const { return int(m_rowEnds.size()); }
        /// The widest kept row's cell count.
        int columnCount() const { return m_columnCount; }
        /// Cells in one kept row; rows may be shorter than columnCount().
        int cellCount(int row) const;
        /// A cell's text; empty past the end of its row or of the table.
        QString cell(int row, int column) const;
        QStringList row(int row) const;
        /// Characters kept in all cells (what the preview's budget counts).
        qsizetype textSize() const { return m_text.size(); }
        qsizetype storedCells() const { return m_cellEnds.size(); }

        void appendRow(const QStringList &cells);

    private:
        QStringView cellView(int row, int column) const;

        QString m_text;
        QList<qsizetype> m_cellEnds; // end of each cell in m_text
        QList<qsizetype> m_rowEnds;  // end of each row in m_cellEnds
        int m_columnCount = 0;
    };

    QList<Sheet> sheets;
};

} // namespace getbill::preview
