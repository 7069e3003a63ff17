// ExcelDate: which formats are dates, and serials in both date systems, with the 1900 leap-year bug, rounding
// and the ends of the range.
#include "preview/ExcelDate.h"

#include <QTest>
#include <cmath>
#include <limits>

using namespace getbill::preview;
using Kind = ExcelDate::Kind;

Q_DECLARE_METATYPE(getbill::preview::ExcelDate::Kind)

class TestExcelDate : public QObject
{
    Q_OBJECT
private slots:
    void builtinFormats();
    void formatCodes_data();
    void formatCodes();
    void serials1900_data();
    void serials1900();
    void serials1904();
    void timesAndRounding();
    void outOfRange();
};

void TestExcelDate::builtinFormats()
{
    for (int id = 14; id <= 17; ++id)
        QCOMPARE(ExcelDate::kindOfBuiltinFormat(id), Kind::Date);
    for (const int id : {18, 19, 20, 21, 45, 46, 47})
        QCOMPARE(ExcelDate::kindOfBuiltinFormat(id), Kind::Time);
    QCOMPARE(ExcelDate::kindOfBuiltinFormat(22), Kind::DateTime);
    for (const int id : {-1, 0, 1, 2, 4, 10, 11, 12, 13, 23, 37, 44, 48, 49, 164})
        QCOMPARE(ExcelDate::kindOfBuiltinFormat(id), Kind::NotDate);
}

void TestExcelDate::formatCodes_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<Kind>("kind");
    QTest::newRow("iso date") << "yyyy-mm-dd" << Kind::Date;
    QTest::newRow("upper case") << "YYYY-MM-DD" << Kind::Date;
    QTest::newRow("month and year") << "mmm-yy" << Kind::Date;
    QTest::newRow("month name") << "mmmm" << Kind::Date;
    QTest::newRow("locale prefix") << "[$-409]d-mmm-yy;@" << Kind::Date;
    QTest::newRow("date and time") << "dd/mm/yyyy hh:mm" << Kind::DateTime;
    QTest::newRow("time") << "h:mm:ss" << Kind::Time;
    QTest::newRow("minutes and seconds") << "mm:ss" << Kind::Time;
    QTest::newRow("elapsed hours") << "[h]:mm:ss" << Kind::Time;
    QTest::newRow("am/pm") << "h:mm AM/PM" << Kind::Time;
    QTest::newRow("a/p") << "h:mm a/p" << Kind::Time;
    QTest::newRow("general") << "General" << Kind::NotDate;
    QTest::newRow("decimals") << "0.00" << Kind::NotDate;
    QTest::newRow("thousands") << "#,##0.00_);(#,##0.00)" << Kind::NotDate;
    QTest::newRow("colour") << "[Red]0.00" << Kind::NotDate;
    QTest::newRow("quoted days") << "0 \"days\"" << Kind::NotDate;
    QTest::newRow("escaped d") << "#,##0 \\d" << Kind::NotDate;
    QTest::newRow("fill") << "* #,##0" << Kind::NotDate;
    QTest::newRow("space as wide as s") << "0_s" << Kind::NotDate;
    QTest::newRow("text") << "@" << Kind::NotDate;
    QTest::newRow("scientific") << "0.00E+00" << Kind::NotDate;
    QTest::newRow("empty") << "" << Kind::NotDate;
    QTest::newRow("unclosed quote") << "0 \"d" << Kind::NotDate;
    QTest::newRow("unclosed bracket") << "[d" << Kind::NotDate;
}

void TestExcelDate::formatCodes()
{
    QFETCH(QString, code);
    QFETCH(Kind, kind);
    QCOMPARE(ExcelDate::kindOfFormatCode(code), kind);
}

void TestExcelDate::serials1900_data()
{
    QTest::addColumn<double>("serial");
    QTest::addColumn<QString>("text");
    QTest::newRow("day 1") << 1.0 << "1900-01-01";
    QTest::newRow("before the bug") << 59.0 << "1900-02-28";
    QTest::newRow("the invented day") << 60.0 << "1900-02-29";
    QTest::newRow("after the bug") << 61.0 << "1900-03-01";
    QTest::newRow("2020") << 43831.0 << "2020-01-01";
    QTest::newRow("2024") << 45292.0 << "2024-01-01";
    QTest::newRow("leap day 2024") << 45351.0 << "2024-02-29";
    QTest::newRow("last day") << 2958465.0 << "9999-12-31";
    QTest::newRow("time ignored by a date format") << 45292.75 << "2024-01-01";
}

void TestExcelDate::serials1900()
{
    QFETCH(double, serial);
    QFETCH(QString, text);
    QCOMPARE(ExcelDate::toText(serial, Kind::Date, false), text);
}

void TestExcelDate::serials1904()
{
    QCOMPARE(ExcelDate::toText(0, Kind::Date, true), QStringLiteral("1904-01-01"));
    QCOMPARE(ExcelDate::toText(42369, Kind::Date, true), QStringLiteral("2020-01-01"));
    QCOMPARE(ExcelDate::toText(42369.5, Kind::DateTime, true), QStringLiteral("2020-01-01 12:00"));
    QCOMPARE(ExcelDate::toText(2957003, Kind::Date, true), QStringLiteral("9999-12-31"));
    QCOMPARE(ExcelDate::toText(2957004, Kind::Date, true), QString()); // year 10000
}

void TestExcelDate::timesAndRounding()
{
    QCOMPARE(ExcelDate::toText(45292.5, Kind::DateTime, false), QStringLiteral("2024-01-01 12:00"));
    QCOMPARE(ExcelDate::toText(45292.0, Kind::DateTime, false), QStringLiteral("2024-01-01 00:00"));
    QCOMPARE(ExcelDate::toText(0.75, Kind::Time, false), QStringLiteral("18:00"));
    QCOMPARE(ExcelDate::toText(0.75, Kind::Time, true), QStringLiteral("18:00"));
    // A time format on a serial of a day or more shows the day too.
    QCOMPARE(ExcelDate::toText(1.25, Kind::Time, false), QStringLiteral("1900-01-01 06:00"));
    // 23:59:59.9 rounds to the next midnight, not to 24:00.
    QCOMPARE(ExcelDate::toText(45292.0 + 86399.9 / 86400.0, Kind::DateTime, false), QStringLiteral("2024-01-02 00:00"));
    // Seconds round, minutes are shown as they are (Excel's h:mm does not round up).
    QCOMPARE(ExcelDate::toText((12 * 3600 + 34 * 60 + 56.6) / 86400.0, Kind::Time, false), QStringLiteral("12:34"));
}

void TestExcelDate::outOfRange()
{
    QCOMPARE(ExcelDate::toText(-1, Kind::Date, false), QString());
    QCOMPARE(ExcelDate::toText(0, Kind::Date, false), QString()); // Excel's 1900-01-00
    QCOMPARE(ExcelDate::toText(0.5, Kind::DateTime, false), QString());
    QCOMPARE(ExcelDate::toText(2958466, Kind::Date, false), QString());
    QCOMPARE(ExcelDate::toText(1e300, Kind::Date, false), QString());
    QCOMPARE(ExcelDate::toText(std::numeric_limits<double>::quiet_NaN(), Kind::Date, false), QString());
    QCOMPARE(ExcelDate::toText(std::numeric_limits<double>::infinity(), Kind::Date, false), QString());
    QCOMPARE(ExcelDate::toText(45292, Kind::NotDate, false), QString());
}

QTEST_APPLESS_MAIN(TestExcelDate)
#include "tst_exceldate.moc"
