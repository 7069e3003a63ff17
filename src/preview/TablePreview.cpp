#include "preview/TablePreview.h"

namespace getbill::preview {

int TablePreview::Sheet::cellCount(int row) const
{
    if (row < 0 || row >= m_rowEnds.size())
        return 0;
    const qsizetype begin = row == 0 ? 0 : m_rowEnds[row - 1];
    return int(m_rowEnds[row] - begin);
}

QStringView TablePreview::Sheet::cellView(int row, int column) const
{
    if (column < 0 || column >= cellCount(row))
        return {};
    const qsizetype index = (row == 0 ? 0 : m_rowEnds[row - 1]) + column;
    const qsizetype begin = index == 0 ? 0 : m_cellEnds[index - 1];
    return QStringView(m_text).mid(begin, m_cellEnds[index] - begin);
}

QString TablePreview::Sheet::cell(int row, int column) const
{
    return cellView(row, column).toString();
}

QStringList TablePreview::Sheet::row(int row) const
{
    QStringList cells;
    const int count = cellCount(row);
    cells.reserve(count);
    for (int c = 0; c < count; ++c)
        cells.append(cell(row, c));
    return cells;
}

void TablePreview::Sheet::appendRow(const QStringList &cells)
{
    for (const QString &text : cells) {
        m_text += text;
        m_cellEnds.append(m_text.size());
    }
    m_rowEnds.append(m_cellEnds.size());
    m_columnCount = qMax(m_columnCount, int(cells.size()));
}

} // namespace getbill::preview
