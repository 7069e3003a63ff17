#pragma once

#include "preview/TablePreview.h"

#include <QAbstractTableModel>

namespace getbill::gui {

/// One sheet of a TablePreview (a CSV file, or one worksheet) as a read-only table: spreadsheet column letters and
/// row numbers in the headers, cells as the file has them, numbers right-aligned in the columns the reader flagged
/// numeric. A hostile cell (up to a mebibyte of text) is cut for display, so painting a row stays cheap; its
/// tooltip shows more of it, literally (never as rich text).
class TableSheetModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    /// Characters a cell shows in the table; the tooltip shows up to tooltipChars.
    static constexpr int displayChars = 400;
    static constexpr int tooltipChars = 2000;

    explicit TableSheetModel(preview::TablePreview::Sheet sheet, QObject *parent = nullptr);

    const preview::TablePreview::Sheet &sheet() const { return m_sheet; }
    /// "A", "B", ..., "Z", "AA", ...
    static QString columnName(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    preview::TablePreview::Sheet m_sheet;
};

} // namespace getbill::gui
