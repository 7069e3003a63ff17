#pragma once

#include <QString>
#include <QStringView>

namespace getbill::preview {

/// Excel's number formats and serial dates: which formats show a number as a date or a time, and the ISO text of
/// a serial number in the workbook's date system (1900, with Lotus 1-2-3's leap-year bug, or 1904).
class ExcelDate
{
public:
    enum class Kind
    {
        NotDate,
        Date,
        DateTime,
        Time
    };

    /// Built-in formats 14-22 and 45-47 (ECMA-376 18.8.30); every other built-in id shows a number.
    static Kind kindOfBuiltinFormat(int id);
    /// A custom format code shows a date or time when it has d, m, y, h or s (or AM/PM) outside quotes, brackets
    /// and escapes; m is a month unless the format also has hours or seconds.
    static Kind kindOfFormatCode(QStringView code);
    /// `serial` as the preview shows `kind`: yyyy-MM-dd, yyyy-MM-dd HH:mm, or HH:mm for a time of day (a time
    /// format on a serial of a day or more shows the date too). Empty when Excel could not show it as a date
    /// either: negative, past 9999-12-31, not finite, or the 1900 system's day 0.
    static QString toText(double serial, Kind kind, bool date1904);
};

} // namespace getbill::preview
