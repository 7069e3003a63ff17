#include "ReportPrinter.h"

#include "Format.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace getbill::cli::ReportPrinter {

namespace {
/// The translation context of this file's messages (lupdate reads the qualified Text::tr calls).
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(getbill::cli::ReportPrinter)
};

QString dateText(const QDate &date)
{
    return date.isValid() ? date.toString(Qt::ISODate) : QString();
}

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : Format::noValue();
}

/// A value of an unknown field, on one line.
QString jsonText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

/// Server text goes to a terminal: control characters (escape sequences, carriage returns) would let a report
/// title rewrite the screen, so they become spaces.
QString printable(QString text)
{
    for (QChar &c : text)
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = QLatin1Char(' ');
    return text;
}
} // namespace

QStringList table(const QList<Report> &reports)
{
    const QStringList header = {Text::tr("ID"),     Text::tr("TYPE"), Text::tr("STATUS"),
                                Text::tr("PERIOD"), Text::tr("SIZE"), Text::tr("TITLE")};
    QList<QStringList> rows;
    rows.reserve(reports.size());
    for (const Report &r : reports)
        rows.append({printable(r.id), printable(r.type), printable(r.status),
                     Format::isoPeriod(r.periodFrom, r.periodTo), Format::reportSize(r), printable(r.title)});

    // Widths of every column but the last: the title runs to the end of the line.
    QList<qsizetype> widths(header.size() - 1, 0);
    for (qsizetype c = 0; c < widths.size(); ++c) {
        widths[c] = header[c].size();
        for (const QStringList &row : std::as_const(rows))
            widths[c] = std::max(widths[c], row[c].size());
    }
    constexpr qsizetype sizeColumn = 4;
    const auto line = [&](const QStringList &cells) -> QString {
        QString text;
        for (qsizetype c = 0; c < widths.size(); ++c) {
            // Sizes read best right-aligned, so that units line up.
            text += c == sizeColumn ? cells[c].rightJustified(widths[c]) : cells[c].leftJustified(widths[c]);
            text += QLatin1String("  ");
        }
        return text + cells.last();
    };
    QStringList lines;
    lines << line(header);
    for (const QStringList &row : std::as_const(rows))
        lines << line(row);
    return lines;
}

QStringList details(const Report &report)
{
    // The size as the window's panel shows it; "—" for a report with no file yet, not "0 bytes".
    QString size = Format::reportSize(report);
    if (Format::hasFile(report))
        size += Text::tr(" (%1 bytes)").arg(report.fileSize);
    QStringList lines = {
        Text::tr("ID: %1").arg(printable(report.id)),
        Text::tr("Type: %1").arg(printable(report.type)),
        Text::tr("Title: %1").arg(printable(report.title)),
        Text::tr("Description: %1").arg(printable(report.description)),
        Text::tr("Status: %1").arg(printable(report.status)),
        Text::tr("File name: %1").arg(printable(report.filename)),
        Text::tr("File size: %1").arg(size),
        Text::tr("MIME type: %1").arg(printable(report.mimeType)),
        Text::tr("Period from: %1").arg(report.periodFrom.isValid() ? dateText(report.periodFrom) : Format::noValue()),
        Text::tr("Period to: %1").arg(report.periodTo.isValid() ? dateText(report.periodTo) : Format::noValue()),
        Text::tr("Generated at: %1").arg(timeText(report.generatedAt)),
        Text::tr("Created at: %1").arg(timeText(report.createdAt)),
        Text::tr("Download available: %1").arg(report.downloadAvailable ? Text::tr("yes") : Text::tr("no")),
    };
    static const QStringList known = {QStringLiteral("id"),
                                      QStringLiteral("type"),
                                      QStringLiteral("title"),
                                      QStringLiteral("description"),
                                      QStringLiteral("status"),
                                      QStringLiteral("filename"),
                                      QStringLiteral("file_size"),
                                      QStringLiteral("mime_type"),
                                      QStringLiteral("period_from"),
                                      QStringLiteral("period_to"),
                                      QStringLiteral("generated_at"),
                                      QStringLiteral("created_at"),
                                      QStringLiteral("download_available")};
    for (auto it = report.json.begin(); it != report.json.end(); ++it)
        if (!known.contains(it.key()))
            lines << printable(it.key()) + QLatin1String(": ") + printable(jsonText(it.value()));
    return lines;
}

QByteArray jsonArray(const QList<Report> &reports)
{
    QJsonArray array;
    for (const Report &r : reports)
        array.append(r.json);
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

QByteArray jsonObject(const Report &report)
{
    return QJsonDocument(report.json).toJson(QJsonDocument::Indented);
}

} // namespace getbill::cli::ReportPrinter
