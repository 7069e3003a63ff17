#include "TestPdf.h"

#include <QFile>
#include <QMap>

namespace getbill::test {

QString TestPdf::pageText(int page, int pages)
{
    return QStringLiteral("Page %1 of %2\r\nClick here").arg(page).arg(pages);
}

QByteArray TestPdf::bytes() const
{
    QMap<int, QByteArray> objects;
    QByteArray catalog = "<< /Type /Catalog /Pages 2 0 R";
    if (!openScript.isEmpty())
        catalog += " /OpenAction << /S /JavaScript /JS (" + openScript + ") >>";
    objects[1] = catalog + " >>";
    objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    int next = 4;
    QList<int> pageIds;
    const int annotation = linkUri.isEmpty() ? 0 : 1000;
    for (int i = 0; i < pages; ++i) {
        const int page = next++;
        const int content = next++;
        pageIds << page;
        const QByteArray text = QString(QStringLiteral("Page %1 of %2")).arg(i + 1).arg(pages).toLatin1();
        const QByteArray stream = "BT /F1 24 Tf 72 760 Td (" + text + ") Tj 0 -40 Td (Click here) Tj ET";
        objects[content] = "<< /Length " + QByteArray::number(stream.size()) + " >>\nstream\n" + stream + "\nendstream";
        objects[page] = "<< /Type /Page /Parent 2 0 R /MediaBox [" + mediaBox +
                        "] /Resources << /Font << /F1 3 0 R >> >> /Contents " + QByteArray::number(content) + " 0 R" +
                        (annotation && i == 0 ? QByteArray(" /Annots [1000 0 R]") : QByteArray()) + " >>";
    }
    if (annotation)
        objects[annotation] = "<< /Type /Annot /Subtype /Link /Rect [60 700 300 740] /Border [0 0 0] /A << /S /URI "
                              "/URI (" +
                              linkUri + ") >> >>";
    QByteArray kids;
    int count = 0;
    if (repeatFirstPage > 0) {
        for (int i = 0; i < repeatFirstPage; ++i)
            kids += QByteArray::number(pageIds.first()) + " 0 R ";
        count = repeatFirstPage;
    } else {
        for (const int id : std::as_const(pageIds))
            kids += QByteArray::number(id) + " 0 R ";
        count = int(pageIds.size());
    }
    if (pageTreeContainsItself)
        kids = "2 0 R";
    objects[2] = "<< /Type /Pages /Kids [" + kids.trimmed() + "] /Count " + QByteArray::number(count) + " >>";
    const int encrypt = encryptFilter.isEmpty() ? 0 : 2000;
    if (encrypt) {
        const QByteArray key = "<" + QByteArray(64, 'a') + ">";
        objects[encrypt] = "<< /Filter /" + encryptFilter + " /V 1 /R 2 /O " + key + " /U " + key + " /P -4 >>";
    }

    QByteArray pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    QMap<int, qsizetype> offsets;
    const QByteArray keyword = unreadableObjects ? " 0 jbo\n" : " 0 obj\n";
    for (auto it = objects.cbegin(); it != objects.cend(); ++it) {
        offsets[it.key()] = pdf.size();
        pdf += QByteArray::number(it.key()) + keyword + it.value() + "\nendobj\n";
    }
    const qsizetype xref = pdf.size();
    const int size = objects.lastKey() + 1;
    pdf += "xref\n0 " + QByteArray::number(size) + "\n0000000000 65535 f \n";
    for (int id = 1; id < size; ++id) {
        const qsizetype offset = wrongXref ? 11 + 7 * id : offsets.value(id, 0);
        pdf +=
            QByteArray::number(offset).rightJustified(10, '0') + (offsets.contains(id) ? " 00000 n \n" : " 65535 f \n");
    }
    pdf += "trailer\n<< /Size " + QByteArray::number(size) + " /Root 1 0 R";
    if (encrypt)
        pdf += " /Encrypt " + QByteArray::number(encrypt) +
               " 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]";
    pdf += " >>\nstartxref\n" + QByteArray::number(xref) + "\n%%EOF\n";
    return pdf;
}

bool TestPdf::write(const QString &path) const
{
    QFile file(path);
    const QByteArray data = bytes();
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

} // namespace getbill::test
