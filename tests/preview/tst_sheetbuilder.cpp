// SheetBuilder: the row cap, the shared budget, and which columns count as numeric (the header rule).
#include "preview/SheetBuilder.h"

#include <QTest>

using namespace getbill::preview;

namespace {
/// Adds a row whose cells are numbers where `numbers` has '1'.
void add(SheetBuilder &builder, const QStringList &cells, const char *numbers)
{
    QList<bool> flags;
    for (qsizetype i = 0; i < cells.size(); ++i)
        flags.append(numbers[i] == '1');
    builder.addRow(cells, flags);
}
} // namespace

class TestSheetBuilder : public QObject
{
    Q_OBJECT
private slots:
    void keepsAtMostMaxRows();
    void headerAboveNumbersKeepsColumnNumeric();
    void textBelowNumbersMakesColumnText();
    void textFarAboveNumbersMakesColumnText();
    void emptyCellsDoNotCount();
    void budgetIsSharedAndStopsKeeping();
    void numericFlagPerColumn();
};

void TestSheetBuilder::keepsAtMostMaxRows()
{
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    for (int i = 0; i < TablePreview::maxRows + 5; ++i)
        add(builder, {QString::number(i)}, "1");
    QVERIFY(!builder.wantsRows());
    builder.finish();
    QCOMPARE(sheet.shownRows(), TablePreview::maxRows);
    QCOMPARE(sheet.cell(TablePreview::maxRows - 1, 0), QString::number(TablePreview::maxRows - 1));
}

void TestSheetBuilder::headerAboveNumbersKeepsColumnNumeric()
{
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    add(builder, {QStringLiteral("Monthly report")}, "0"); // a title
    add(builder, {}, "");
    add(builder, {QStringLiteral("Amount"), QStringLiteral("Name")}, "00"); // the header
    add(builder, {QStringLiteral("12.5"), QStringLiteral("Ada")}, "10");
    add(builder, {QStringLiteral("7"), QStringLiteral("Bob")}, "10");
    builder.finish();
    QCOMPARE(sheet.numeric, QList<bool>({true, false}));
}

void TestSheetBuilder::textBelowNumbersMakesColumnText()
{
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    add(builder, {QStringLiteral("1")}, "1");
    add(builder, {QStringLiteral("n/a")}, "0");
    add(builder, {QStringLiteral("3")}, "1");
    builder.finish();
    QCOMPARE(sheet.numeric, QList<bool>({false}));
}

void TestSheetBuilder::textFarAboveNumbersMakesColumnText()
{
    // A column of notes that happens to end with a number is text: only the first headerRows rows may be
    // titles or headers.
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    for (int i = 0; i <= SheetBuilder::headerRows; ++i)
        add(builder, {QStringLiteral("note")}, "0");
    add(builder, {QStringLiteral("42")}, "1");
    builder.finish();
    QCOMPARE(sheet.numeric, QList<bool>({false}));

    TablePreview::Sheet near;
    SheetBuilder::Budget nearBudget;
    SheetBuilder nearBuilder(&near, &nearBudget);
    for (int i = 0; i < SheetBuilder::headerRows; ++i)
        add(nearBuilder, {QStringLiteral("header")}, "0");
    add(nearBuilder, {QStringLiteral("42")}, "1");
    nearBuilder.finish();
    QCOMPARE(near.numeric, QList<bool>({true}));
}

void TestSheetBuilder::emptyCellsDoNotCount()
{
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    add(builder, {QStringLiteral("1"), QString(), QString()}, "100");
    add(builder, {QString(), QString(), QStringLiteral("x")}, "000");
    add(builder, {QStringLiteral("2"), QString(), QString()}, "100");
    builder.finish();
    // A column with no value at all is not numeric; empty cells between numbers do not break a numeric column.
    QCOMPARE(sheet.numeric, QList<bool>({true, false, false}));
}

void TestSheetBuilder::budgetIsSharedAndStopsKeeping()
{
    SheetBuilder::Budget budget;
    budget.chars = 10;
    TablePreview::Sheet first;
    SheetBuilder a(&first, &budget);
    add(a, {QStringLiteral("abcd")}, "0");
    add(a, {QStringLiteral("efgh")}, "0");
    QCOMPARE(budget.chars, 2);
    add(a, {QStringLiteral("ijk")}, "0"); // does not fit: nothing more is kept, here or in a later sheet
    QVERIFY(budget.exhausted);
    add(a, {QStringLiteral("l")}, "0");
    QCOMPARE(first.shownRows(), 2);

    TablePreview::Sheet second;
    SheetBuilder b(&second, &budget);
    QVERIFY(!b.wantsRows());
    add(b, {QStringLiteral("m")}, "0");
    QCOMPARE(second.shownRows(), 0);

    SheetBuilder::Budget cells;
    cells.cells = 3;
    TablePreview::Sheet third;
    SheetBuilder c(&third, &cells);
    add(c, {QStringLiteral("1"), QStringLiteral("2")}, "11");
    add(c, {QStringLiteral("3"), QStringLiteral("4")}, "11");
    QVERIFY(cells.exhausted);
    QCOMPARE(third.shownRows(), 1);
}

void TestSheetBuilder::numericFlagPerColumn()
{
    TablePreview::Sheet sheet;
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    add(builder, {QStringLiteral("a"), QStringLiteral("1")}, "01");
    add(builder, {QStringLiteral("b"), QStringLiteral("2"), QStringLiteral("3")}, "011");
    builder.finish();
    QCOMPARE(sheet.numeric.size(), sheet.columnCount());
    QCOMPARE(sheet.numeric, QList<bool>({false, true, true}));
}

QTEST_APPLESS_MAIN(TestSheetBuilder)
#include "tst_sheetbuilder.moc"
