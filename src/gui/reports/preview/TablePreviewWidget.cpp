#include "TablePreviewWidget.h"

#include "TableSheetModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace getbill::gui {

TablePreviewWidget::TablePreviewWidget(QWidget *parent) : QWidget(parent), m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("tablePreview"));
    m_tabs->setObjectName(QStringLiteral("previewSheets"));
    m_tabs->setAccessibleName(tr("Sheets"));
    m_tabs->setTabPosition(QTabWidget::South);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabBarAutoHide(true);
    m_tabs->setUsesScrollButtons(true);
    m_tabs->setElideMode(Qt::ElideRight);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);
}

TablePreviewWidget::~TablePreviewWidget() = default;

void TablePreviewWidget::clear()
{
    while (m_tabs->count() > 0) {
        QWidget *page = m_tabs->widget(0);
        m_tabs->removeTab(0);
        delete page;
    }
}

void TablePreviewWidget::setPreview(const preview::TablePreview &preview)
{
    clear();
    for (const preview::TablePreview::Sheet &sheet : preview.sheets) {
        // A sheet's name is the file's: "&" would otherwise become a mnemonic.
        QString title = sheet.name.isEmpty() ? tr("Sheet %1").arg(m_tabs->count() + 1) : sheet.name;
        const int index = m_tabs->addTab(makeSheetPage(sheet), title.replace(QLatin1Char('&'), QLatin1String("&&")));
        m_tabs->setTabToolTip(index, sheet.name);
    }
}

QWidget *TablePreviewWidget::makeSheetPage(const preview::TablePreview::Sheet &sheet)
{
    auto *page = new QWidget;
    auto *table = new QTableView(page);
    auto *model = new TableSheetModel(sheet, table);
    table->setObjectName(QStringLiteral("previewTable"));
    table->setAccessibleName(sheet.name.isEmpty() ? tr("Preview table") : tr("Sheet %1").arg(sheet.name));
    table->setModel(model);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Arrow keys move between cells; Tab leaves the table (10,000 rows of Tab would trap a keyboard user).
    table->setTabKeyNavigation(false);
    table->setSelectionMode(QAbstractItemView::ContiguousSelection);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideRight);
    table->setAlternatingRowColors(true);
    table->setCornerButtonEnabled(true);
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    // Columns sized from their first rows only (measuring 10,000 rows would stall the window), leaving out rows with
    // a single cell: a workbook's title row would otherwise make its first column as wide as the title.
    const int sampleRows = qMin(sheet.shownRows(), 50);
    QList<int> sample;
    for (int r = 0; r < sampleRows; ++r)
        if (sheet.cellCount(r) > 1)
            sample << r;
    const QFontMetrics metrics = table->fontMetrics();
    const int maxWidth = metrics.averageCharWidth() * 40;
    for (int c = 0; c < sheet.columnCount() && c < 200; ++c) {
        int width = metrics.horizontalAdvance(TableSheetModel::columnName(c));
        for (const int r : std::as_const(sample))
            width = qMax(width, metrics.horizontalAdvance(model->data(model->index(r, c)).toString()));
        table->setColumnWidth(c, qMin(width + metrics.averageCharWidth() * 2, maxWidth));
    }

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(table, 1);
    if (sheet.shownRows() < sheet.totalRows) {
        auto *note = new QLabel(tr("Showing %L1 of %L2 rows").arg(sheet.shownRows()).arg(sheet.totalRows), page);
        note->setObjectName(QStringLiteral("previewCutNote"));
        note->setAccessibleName(note->text());
        note->setEnabled(false);
        note->setContentsMargins(4, 2, 4, 2);
        layout->addWidget(note);
    }
    return page;
}

int TablePreviewWidget::sheetCount() const
{
    return m_tabs->count();
}

QTableView *TablePreviewWidget::table(int index) const
{
    QWidget *page = m_tabs->widget(index);
    return page ? page->findChild<QTableView *>(QStringLiteral("previewTable")) : nullptr;
}

QString TablePreviewWidget::cutNote(int index) const
{
    QWidget *page = m_tabs->widget(index);
    const auto *note = page ? page->findChild<QLabel *>(QStringLiteral("previewCutNote")) : nullptr;
    return note ? note->text() : QString();
}

} // namespace getbill::gui
