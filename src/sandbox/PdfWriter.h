#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace getbill::sandbox {

/// Writes a one-page PDF 1.4 (standard Helvetica fonts, WinAnsi text, exact xref offsets) showing a title and
/// some lines: real files that any viewer, pdfinfo or pdftotext accepts, without a PDF library.
class PdfWriter
{
public:
    static QByteArray write(const QString &title, const QStringList &lines, const QDateTime &created = {});

private:
    static QByteArray textString(const QString &text);
};

} // namespace getbill::sandbox
