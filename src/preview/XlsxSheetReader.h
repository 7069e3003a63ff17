#pragma once

#include "preview/SheetBuilder.h"
#include "preview/TablePreview.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace getbill::preview {

class XlsxWorkbook;
class XmlPart;
class ZipArchive;

/// Reads the cells of one worksheet part into a TablePreview::Sheet: rows and cells where their references put
/// them (skipped rows and columns are empty ones), shared and inline strings, numbers, booleans, errors, cached
/// formula results and dates as text, with the workbook's shared strings, styles and date system.
class XlsxSheetReader
{
public:
    XlsxSheetReader(ZipArchive &zip, const XlsxWorkbook &workbook) : m_zip(zip), m_workbook(workbook) {}

    /// Reads the worksheet part `name` into `sheet`, within `budget`; false with error() for the user.
    bool read(const QString &name, TablePreview::Sheet *sheet, SheetBuilder::Budget *budget);
    QString error() const { return m_error; }

private:
    struct CellValue
    {
        QString text;
        bool number = false;
    };

    bool fail(const QString &message);
    bool readCell(XmlPart &part, bool storing, int *nextColumn, QStringList *cells, QList<bool> *numbers,
                  bool *rowHasValue);
    /// The text the preview shows for one cell, and whether it is a number (or a date) the view right-aligns.
    bool cellValue(QStringView type, const QString &raw, bool hasInline, const QString &inlineText, QStringView style,
                   const XmlPart &part, CellValue *value);

    ZipArchive &m_zip;
    const XlsxWorkbook &m_workbook;
    QString m_error;
};

} // namespace getbill::preview
