#include "preview/ExcelDate.h"

#include <QDate>
#include <QTime>
#include <cmath>

namespace getbill::preview {

ExcelDate::Kind ExcelDate::kindOfBuiltinFormat(int id)
{
    if (id >= 14 && id <= 17)
        return Kind::Date;
    if (id == 22)
        return Kind::DateTime;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
        return Kind::Time;
    return Kind::NotDate;
}

ExcelDate::Kind ExcelDate::kindOfFormatCode(QStringView code)
{
    bool date = false;
    bool time = false;
    bool month = false;
    for (qsizetype i = 0; i < code.size(); ++i) {
        const QChar c = code[i];
        if (c == u'"') { // literal text: "days" is no format
            const qsizetype close = code.indexOf(u'"', i + 1);
            i = close < 0 ? code.size() : close;
            continue;
        }
        if (c == u'[') { // colours, conditions, locales: [Red], [<=100], [$-409]
            const qsizetype close = code.indexOf(u']', i + 1);
            i = close < 0 ? code.size() : close;
            continue;
        }
        if (c == u'\\' || c == u'_' || c == u'*') { // an escaped character, a space as wide as it, a fill
            ++i;
            continue;
        }
        if (code.mid(i, 5).compare(u"AM/PM", Qt::CaseInsensitive) == 0) {
            time = true;
            i += 4;
            continue;
        }
        if (code.mid(i, 3).compare(u"A/P", Qt::CaseInsensitive) == 0) {
            time = true;
            i += 2;
            continue;
        }
        switch (c.toLower().unicode()) {
        case u'd':
        case u'y':
            date = true;
            break;
        case u'h':
        case u's':
            time = true;
            break;
        case u'm':
            month = true;
            break;
        default:
            break;
        }
    }
    // "mm" after hours or before seconds is minutes; on its own (mmm-yy) it is a month.
    if (month && !time)
        date = true;
    if (date && time)
        return Kind::DateTime;
    if (date)
        return Kind::Date;
    return time ? Kind::Time : Kind::NotDate;
}

QString ExcelDate::toText(double serial, Kind kind, bool date1904)
{
    // 2958466 is 10000-01-01 in the 1900 system: Excel shows #### from there on (and earlier in the 1904 one,
    // which the year check below catches).
    if (kind == Kind::NotDate || !std::isfinite(serial) || serial < 0 || serial >= 2958466.0)
        return {};
    const double wholeDays = std::floor(serial);
    auto day = static_cast<qint64>(wholeDays);
    qint64 seconds = std::llround((serial - wholeDays) * 86400.0);
    if (seconds >= 86400) { // 23:59:59.6 rounds to the next day
        ++day;
        seconds -= 86400;
    }
    const QString clock = QTime(0, 0).addSecs(int(seconds)).toString(u"HH:mm");
    if (kind == Kind::Time && day == 0)
        return clock;

    QString dateText;
    if (date1904) {
        dateText = QDate(1904, 1, 1).addDays(day).toString(u"yyyy-MM-dd");
    } else if (day == 0) {
        return {}; // Excel's "1900-01-00"
    } else if (day == 60) {
        dateText = QStringLiteral("1900-02-29"); // the day Lotus 1-2-3 invented and Excel keeps
    } else {
        // Serials before the invented day count from 1899-12-31, later ones one day earlier.
        dateText = QDate(1899, 12, day < 60 ? 31 : 30).addDays(day).toString(u"yyyy-MM-dd");
    }
    if (dateText.size() != 10)
        return {}; // past year 9999
    return kind == Kind::Date ? dateText : dateText + u' ' + clock;
}

} // namespace getbill::preview
