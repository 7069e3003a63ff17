#pragma once

#include "preview/TablePreview.h"

#include <QWidget>

class QTabWidget;
class QTableView;

namespace getbill::gui {

class TableSheetModel;

/// A CSV file or an XLSX workbook as the preview shows it: one table per sheet, the sheets as tabs along the bottom
/// (as spreadsheets show them; no tab bar for a single one), and under a table that was cut "Showing 10,000 of
/// 123,456 rows". Read-only.
class TablePreviewWidget : public QWidget
{
    Q_OBJECT
public:
    explicit TablePreviewWidget(QWidget *parent = nullptr);
    ~TablePreviewWidget() override;

    /// Shows `preview` (replacing what was shown).
    void setPreview(const preview::TablePreview &preview);
    void clear();

    int sheetCount() const;
    /// The table of sheet `index` (0 for a CSV file).
    QTableView *table(int index) const;
    QTabWidget *tabs() const { return m_tabs; }
    /// The "Showing … of … rows" line of sheet `index`; empty when the sheet is shown whole.
    QString cutNote(int index) const;

private:
    QWidget *makeSheetPage(const preview::TablePreview::Sheet &sheet);

    QTabWidget *m_tabs;
};

} // namespace getbill::gui
