// TablePreview::Sheet keeps cells in one string with offsets: what goes in comes out, row by row and cell by cell,
// and reads past the end are empty rather than out of bounds.
#include "preview/TablePreview.h"

#include <QTest>

using namespace getbill::preview;

class TestTablePreview : public QObject
{
    Q_OBJECT
private slots:
    void emptySheet();
    void rowsAndCellsComeBack();
    void raggedRowsAndEmptyCells();
    void outOfRangeReadsAreEmpty();
    void countsStoredText();
};

void TestTablePreview::emptySheet()
{
    const TablePreview::Sheet sheet;
    QCOMPARE(sheet.shownRows(), 0);
    QCOMPARE(sheet.columnCount(), 0);
    QCOMPARE(sheet.totalRows, 0);
    QCOMPARE(sheet.cell(0, 0), QString());
    QCOMPARE(sheet.row(0), QStringList());
}

void TestTablePreview::rowsAndCellsComeBack()
{
    TablePreview::Sheet sheet;
    sheet.appendRow({QStringLiteral("Invoice"), QStringLiteral("Amount")});
    sheet.appendRow({QStringLiteral("INV-1"), QStringLiteral("12.50")});
    sheet.appendRow({QStringLiteral("INV-2 \u00e9\u20ac"), QStringLiteral("7")});
    QCOMPARE(sheet.shownRows(), 3);
    QCOMPARE(sheet.columnCount(), 2);
    QCOMPARE(sheet.cell(0, 0), QStringLiteral("Invoice"));
    QCOMPARE(sheet.cell(1, 1), QStringLiteral("12.50"));
    QCOMPARE(sheet.row(2), QStringList({QStringLiteral("INV-2 \u00e9\u20ac"), QStringLiteral("7")}));
}

void TestTablePreview::raggedRowsAndEmptyCells()
{
    TablePreview::Sheet sheet;
    sheet.appendRow({QStringLiteral("a")});
    sheet.appendRow({});
    sheet.appendRow({QString(), QStringLiteral("b"), QString(), QStringLiteral("c")});
    QCOMPARE(sheet.shownRows(), 3);
    QCOMPARE(sheet.columnCount(), 4);
    QCOMPARE(sheet.cellCount(0), 1);
    QCOMPARE(sheet.cellCount(1), 0);
    QCOMPARE(sheet.cellCount(2), 4);
    QCOMPARE(sheet.row(1), QStringList());
    QCOMPARE(sheet.row(2), QStringList({QString(), QStringLiteral("b"), QString(), QStringLiteral("c")}));
    QCOMPARE(sheet.cell(0, 3), QString()); // past a short row's end
}

void TestTablePreview::outOfRangeReadsAreEmpty()
{
    TablePreview::Sheet sheet;
    sheet.appendRow({QStringLiteral("x"), QStringLiteral("y")});
    QCOMPARE(sheet.cell(-1, 0), QString());
    QCOMPARE(sheet.cell(0, -1), QString());
    QCOMPARE(sheet.cell(1, 0), QString());
    QCOMPARE(sheet.cell(0, 2), QString());
    QCOMPARE(sheet.cellCount(5), 0);
    QCOMPARE(sheet.row(-3), QStringList());
}

void TestTablePreview::countsStoredText()
{
    TablePreview::Sheet sheet;
    sheet.appendRow({QStringLiteral("abc"), QString(), QStringLiteral("de")});
    QCOMPARE(sheet.textSize(), 5);
    QCOMPARE(sheet.storedCells(), 3);
}

QTEST_APPLESS_MAIN(TestTablePreview)
#include "tst_tablepreview.moc"
