#include "sandbox/PdfWriter.h"

#include <QList>

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

namespace {

// The few typographic characters outside Latin-1 that WinAnsiEncoding has; anything else becomes '?'.
int winAnsi(char16_t c)
{
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF))
        return c;
    switch (c) {
    case u'€':
        return 0x80;
    case u'…':
        return 0x85;
    case u'‘':
        return 0x91;
    case u'’':
        return 0x92;
    case u'“':
        return 0x93;
    case u'”':
        return 0x94;
    case u'–':
        return 0x96;
    case u'—':
        return 0x97;
    default:
        return '?';
    }
}

} // namespace

QByteArray PdfWriter::textString(const QString &text)
{
    // A literal string with octal escapes for non-ASCII bytes: the content stream stays 7-bit clean.
    QByteArray out = "(";
    for (const QChar ch : text) {
        const int b = winAnsi(ch.unicode());
        if (b == '(' || b == ')' || b == '\\') {
            out += '\\';
            out += static_cast<char>(b);
        } else if (b < 0x20 || b > 0x7e) {
            out += '\\';
            out += QByteArray::number(b, 8).rightJustified(3, '0');
        } else {
            out += static_cast<char>(b);
        }
    }
    out += ')';
    return out;
}

QByteArray PdfWriter::write(const QString &title, const QStringList &lines, const QDateTime &created)
{
    QByteArray stream = "BT\n/F2 18 Tf\n56 780 Td\n" + textString(title) + " Tj\n/F1 11 Tf\n0 -36 Td\n16 TL\n";
    for (const QString &line : lines)
        stream += textString(line) + " Tj T*\n";
    stream += "ET\n";

    // The Info title is UTF-16BE with a BOM so non-Latin characters survive in the metadata.
    QByteArray titleHex = "<FEFF";
    for (const QChar ch : title)
        titleHex += QByteArray::number(ch.unicode(), 16).rightJustified(4, '0').toUpper();
    titleHex += '>';
    const QDateTime when = created.isValid() ? created.toUTC() : QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);

    const QList<QByteArray> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
        "/Contents 6 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        "<< /Length " + QByteArray::number(stream.size()) + " >>\nstream\n" + stream + "endstream",
        "<< /Title " + titleHex + " /Producer (GetBill Reports sandbox) /CreationDate (D:" +
            when.toString(u"yyyyMMddHHmmss"_s).toLatin1() + "Z) >>",
    };

    // A binary comment line after the header tells transfer tools the file is binary.
    QByteArray pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    QList<qsizetype> offsets;
    for (int i = 0; i < objects.size(); ++i) {
        offsets.append(pdf.size());
        pdf += QByteArray::number(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (const qsizetype offset : offsets)
        pdf += QByteArray::number(offset).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(objects.size() + 1) + " /Root 1 0 R /Info " +
           QByteArray::number(objects.size()) + " 0 R >>\nstartxref\n" + QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

} // namespace getbill::sandbox
