// The demo catalogue: deterministic, realistic, and its PDF and XLSX files valid.
#include "sandbox/SampleCatalogue.h"
#include "sandbox/ZipWriter.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace getbill::sandbox;
using namespace Qt::Literals::StringLiterals;

class TestSampleCatalogue : public QObject
{
    Q_OBJECT

private slots:
    void sampleCatalogueIsDeterministicAndRealistic();
    void samplePdfIsValid();
    void sampleXlsxIsValid();
};

// ---------------------------------------------------------------------------------------------------------------

void TestSampleCatalogue::sampleCatalogueIsDeterministicAndRealistic()
{
    const QList<SandboxReport> a = SampleCatalogue::reports();
    const QList<SandboxReport> b = SampleCatalogue::reports();
    QCOMPARE(a.size(), 37);
    QSet<QString> ids;
    QSet<QString> types;
    int notReady = 0;
    const QRegularExpression idPattern(u"^report_[a-z0-9]{6}$"_s);
    for (int i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].id, b[i].id);
        QCOMPARE(a[i].content, b[i].content);
        ids.insert(a[i].id);
        types.insert(a[i].type);
        if (a[i].id != SampleCatalogue::largeReportId())
            QVERIFY2(idPattern.match(a[i].id).hasMatch(), qPrintable(a[i].id));
        if (a[i].status != u"completed"_s) {
            ++notReady;
            QVERIFY(!a[i].downloadAvailable);
        } else {
            QVERIFY(a[i].realSize() > 0);
        }
        QVERIFY(a[i].periodFrom.isValid() && a[i].periodTo > a[i].periodFrom);
    }
    QCOMPARE(ids.size(), a.size());
    QVERIFY(types.contains(u"financial"_s) && types.contains(u"collection"_s) && types.contains(u"payments"_s) &&
            types.contains(u"aging"_s));
    QVERIFY(notReady >= 2 && notReady <= 5);
    const auto csv = std::find_if(a.cbegin(), a.cend(), [](const SandboxReport &r) {
        return r.mimeType == u"text/csv"_s && !r.content.isEmpty();
    });
    QVERIFY(csv != a.cend());
    const QList<QByteArray> lines = csv->content.split('\n');
    QVERIFY(lines.size() > 25);
    QVERIFY(lines.first().startsWith("invoice_number,customer,"));
    QVERIFY(QString::fromUtf8(csv->content).contains(u"\"Dubois, Fabre et Associés\""_s) ||
            QString::fromUtf8(csv->content).contains(u"Boulangerie Lefèvre"_s));
}

void TestSampleCatalogue::samplePdfIsValid()
{
    const QList<SandboxReport> all = SampleCatalogue::reports();
    const auto it = std::find_if(all.cbegin(), all.cend(), [](const SandboxReport &r) {
        return r.mimeType == u"application/pdf"_s && !r.content.isEmpty();
    });
    QVERIFY(it != all.cend());
    const QByteArray pdf = it->content;
    QVERIFY(pdf.startsWith("%PDF-1.4\n"));
    QVERIFY(pdf.endsWith("%%EOF\n"));
    // Every xref entry must point exactly at "N 0 obj", and startxref at the xref table.
    const qsizetype startxref = pdf.lastIndexOf("startxref\n");
    const qsizetype xref = pdf.mid(startxref + 10).split('\n').first().toLongLong();
    QVERIFY(pdf.mid(xref).startsWith("xref\n0 "));
    const QList<QByteArray> rows = pdf.mid(xref).split('\n');
    const int count = rows[1].split(' ').at(1).toInt();
    QVERIFY(count >= 6);
    for (int obj = 1; obj < count; ++obj) {
        const QByteArray entry = rows[2 + obj];
        QCOMPARE(entry.size(), 19); // 20 bytes with the newline
        const qint64 offset = entry.left(10).toLongLong();
        QVERIFY(pdf.mid(offset).startsWith(QByteArray(QByteArray::number(obj) + " 0 obj\n")));
    }

    // Cross-check with poppler when it is installed (Debian: poppler-utils).
    const QString pdftotext = QStandardPaths::findExecutable(u"pdftotext"_s);
    if (pdftotext.isEmpty())
        QSKIP("pdftotext not installed: structural checks only");
    QTemporaryDir dir;
    QFile file(dir.filePath(u"r.pdf"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(pdf);
    file.close();
    QProcess p;
    p.start(pdftotext, {u"-enc"_s, u"UTF-8"_s, file.fileName(), u"-"_s});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(p.readAllStandardError().isEmpty());
    const QString text = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(text.contains(it->title), qPrintable(text));
    QVERIFY(text.contains(it->id));
}

void TestSampleCatalogue::sampleXlsxIsValid()
{
    const QList<SandboxReport> all = SampleCatalogue::reports();
    const auto it = std::find_if(all.cbegin(), all.cend(), [](const SandboxReport &r) {
        return r.filename.endsWith(u".xlsx"_s) && !r.content.isEmpty();
    });
    QVERIFY(it != all.cend());
    const QByteArray zip = it->content;
    // Walk the local headers: stored entries whose CRC-32 matches their data, then the central directory.
    QStringList names;
    qsizetype pos = 0;
    while (qFromLittleEndian<quint32>(zip.constData() + pos) == 0x04034b50) {
        QCOMPARE(qFromLittleEndian<quint16>(zip.constData() + pos + 8), quint16(0));
        const quint32 crc = qFromLittleEndian<quint32>(zip.constData() + pos + 14);
        const quint32 size = qFromLittleEndian<quint32>(zip.constData() + pos + 18);
        const quint16 nameLength = qFromLittleEndian<quint16>(zip.constData() + pos + 26);
        const quint16 extraLength = qFromLittleEndian<quint16>(zip.constData() + pos + 28);
        names.append(QString::fromUtf8(zip.mid(pos + 30, nameLength)));
        const QByteArray data = zip.mid(pos + 30 + nameLength + extraLength, size);
        QCOMPARE(ZipWriter::crc32(data), crc);
        pos += 30 + nameLength + extraLength + size;
    }
    QCOMPARE(names, QStringList({u"[Content_Types].xml"_s, u"_rels/.rels"_s, u"xl/workbook.xml"_s,
                                 u"xl/_rels/workbook.xml.rels"_s, u"xl/worksheets/sheet1.xml"_s}));
    QCOMPARE(qFromLittleEndian<quint32>(zip.constData() + pos), quint32(0x02014b50));
    QCOMPARE(qFromLittleEndian<quint32>(zip.constData() + zip.size() - 22), quint32(0x06054b50));
    QCOMPARE(ZipWriter::crc32("123456789"), quint32(0xCBF43926)); // the standard check value

    const QString unzip = QStandardPaths::findExecutable(u"unzip"_s);
    if (unzip.isEmpty())
        QSKIP("unzip not installed: structural checks only");
    QTemporaryDir dir;
    QFile file(dir.filePath(u"r.xlsx"_s));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(zip);
    file.close();
    QProcess p;
    p.start(unzip, {u"-t"_s, u"-q"_s, file.fileName()});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestSampleCatalogue)
#include "tst_samplecatalogue.moc"
