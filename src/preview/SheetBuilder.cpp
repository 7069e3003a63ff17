#include "preview/SheetBuilder.h"

namespace getbill::preview {

SheetBuilder::SheetBuilder(TablePreview::Sheet *sheet, Budget *budget) : m_sheet(sheet), m_budget(budget)
{}

bool SheetBuilder::wantsRows() const
{
    return !m_budget->exhausted && m_sheet->shownRows() < TablePreview::maxRows;
}

void SheetBuilder::addRow(const QStringList &cells, const QList<bool> &numbers)
{
    if (!wantsRows())
        return;
    qsizetype chars = 0;
    for (const QString &cell : cells)
        chars += cell.size();
    if (chars > m_budget->chars || cells.size() > m_budget->cells) {
        m_budget->exhausted = true;
        return;
    }
    m_budget->chars -= chars;
    m_budget->cells -= cells.size();

    const int row = m_sheet->shownRows();
    if (m_columns.size() < cells.size())
        m_columns.resize(cells.size());
    for (int c = 0; c < cells.size(); ++c) {
        if (cells[c].isEmpty())
            continue;
        ColumnStats &stats = m_columns[c];
        if (numbers.value(c)) {
            if (stats.firstNumberRow < 0)
                stats.firstNumberRow = row;
        } else if (stats.firstNumberRow >= 0) {
            stats.textBelowNumber = true;
        } else {
            stats.lastTextRow = row;
        }
    }
    m_sheet->appendRow(cells);
}

void SheetBuilder::finish()
{
    m_sheet->numeric.clear();
    m_sheet->numeric.reserve(m_sheet->columnCount());
    for (int c = 0; c < m_sheet->columnCount(); ++c) {
        const ColumnStats stats = m_columns.value(c);
        // Text above the numbers is a title or a header only near the top; a column of text that happens to
        // end with a number is text.
        m_sheet->numeric.append(stats.firstNumberRow >= 0 && !stats.textBelowNumber && stats.lastTextRow < headerRows);
    }
}

} // namespace getbill::preview
