#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVariant>

namespace getbill::sandbox {

/// Writes a one-sheet XLSX workbook (Office Open XML inside a ZIP) with inline strings and numbers: the
/// smallest file Excel, LibreOffice and python's openpyxl all open, so sample reports are real spreadsheets.
class XlsxWriter
{
public:
    /// Each row is a list of cells: numeric QVariants become number cells, anything else an inline string.
    static QByteArray write(const QString &sheetName, const QList<QVariantList> &rows);

    /// "A", "B", ..., "Z", "AA": the column part of a cell reference (0-based column).
    static QString columnName(int column);
};

} // namespace getbill::sandbox
