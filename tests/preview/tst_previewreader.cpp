// PreviewReader: the GUI's entry point. File kinds by name, real files on disk, and cancellation from another
// thread, as the GUI will do it (the read runs on a worker, the flag is set from the GUI thread).
#include "PreviewTestFiles.h"
#include "preview/PreviewReader.h"
#include "sandbox/XlsxWriter.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace getbill::preview;
using namespace getbill::preview::test;
using Kind = PreviewReader::Kind;

class TestPreviewReader : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void kindForFileName();
    void readsACsvFileNamedAfterIt();
    void readsAnXlsxFile();
    void missingFile();
    void csvReadAsXlsxIsRefused();
    void cancelCsvFromAnotherThread();
    void cancelXlsxFromAnotherThread();

private:
    QTemporaryDir m_dir;
};

void TestPreviewReader::initTestCase()
{
    // The FIFO writer below learns that the reader is gone from EPIPE, not from a fatal SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
}

void TestPreviewReader::kindForFileName()
{
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("ledger.csv")), Kind::Csv);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("/tmp/EXPORT.CSV")), Kind::Csv);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("tabs.tsv")), Kind::Csv);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("summary_2024_01.xlsx")), Kind::Xlsx);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("macros.XLSM")), Kind::Xlsx);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("report.pdf")), std::nullopt);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("old.xls")), std::nullopt);
    QCOMPARE(PreviewReader::kindForFileName(QStringLiteral("csv")), std::nullopt);
}

void TestPreviewReader::readsACsvFileNamedAfterIt()
{
    const QString path = m_dir.filePath(QStringLiteral("collection_performance_2024_03.csv"));
    QVERIFY(writeFile(path, "invoice;amount\nF-1;12,50\n"));
    QString error = QStringLiteral("stale");
    const TablePreview preview = PreviewReader::read(path, Kind::Csv, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].name, QStringLiteral("collection_performance_2024_03"));
    QCOMPARE(preview.sheets[0].row(1), QStringList({QStringLiteral("F-1"), QStringLiteral("12,50")}));
    QCOMPARE(preview.sheets[0].numeric, QList<bool>({false, true}));
}

void TestPreviewReader::readsAnXlsxFile()
{
    const QString path = m_dir.filePath(QStringLiteral("payments.xlsx"));
    QVERIFY(writeFile(
        path, getbill::sandbox::XlsxWriter::write(QStringLiteral("payments"), {{QStringLiteral("Total"), 12.5}})));
    QString error;
    const TablePreview preview = PreviewReader::read(path, Kind::Xlsx, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(preview.sheets.size(), 1);
    QCOMPARE(preview.sheets[0].name, QStringLiteral("payments"));
    QCOMPARE(preview.sheets[0].row(0), QStringList({QStringLiteral("Total"), QStringLiteral("12.5")}));
}

void TestPreviewReader::missingFile()
{
    QString error;
    const TablePreview preview = PreviewReader::read(m_dir.filePath(QStringLiteral("gone.csv")), Kind::Csv, &error);
    QVERIFY2(error.startsWith(QLatin1String("gone.csv could not be opened: ")), qPrintable(error));
    QVERIFY(preview.sheets.isEmpty());
}

void TestPreviewReader::csvReadAsXlsxIsRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("mislabelled.xlsx"));
    QVERIFY(writeFile(path, "a,b\n1,2\n"));
    QString error;
    const TablePreview preview = PreviewReader::read(path, Kind::Xlsx, &error);
    QCOMPARE(error, QStringLiteral("This is not an XLSX workbook: the file is not a ZIP archive."));
    QVERIFY(preview.sheets.isEmpty());
}

void TestPreviewReader::cancelCsvFromAnotherThread()
{
    // A named pipe that never ends: only the cancel flag (or the 512 MiB cap, much later) can stop the read.
    const QString fifo = m_dir.filePath(QStringLiteral("endless.csv"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    std::atomic<bool> writerDone{false};
    std::thread writer([&] {
        const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY);
        if (fd < 0)
            return;
        QByteArray chunk;
        while (chunk.size() < 64 * 1024)
            chunk += "F-2024-0001,Dupont,1250.00,paid\n";
        while (::write(fd, chunk.constData(), size_t(chunk.size())) > 0) {
        }
        ::close(fd);
        writerDone = true;
    });

    std::atomic<bool> cancel{false};
    QString error;
    TablePreview preview;
    std::atomic<bool> finished{false};
    std::thread worker([&] {
        preview = PreviewReader::read(fifo, Kind::Csv, &error, &cancel);
        finished = true;
    });
    QTest::qWait(200);
    QVERIFY(!finished); // still reading an endless input
    QElapsedTimer timer;
    timer.start();
    cancel = true;
    worker.join();
    writer.join();
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(preview.sheets.isEmpty());
    QVERIFY(writerDone);
}

void TestPreviewReader::cancelXlsxFromAnotherThread()
{
    // 600,000 rows: seconds of parsing, cancelled a few milliseconds in.
    QByteArray data;
    data.reserve(600'000 * 48);
    for (int r = 1; r <= 600'000; ++r)
        data += "<row r=\"" + QByteArray::number(r) + "\"><c r=\"A" + QByteArray::number(r) + "\"><v>" +
                QByteArray::number(r * 3) + "</v></c></row>";
    TestWorkbook workbook;
    workbook.sheets.append({QStringLiteral("Big"), data, {}});
    const QString path = m_dir.filePath(QStringLiteral("big.xlsx"));
    QVERIFY(writeFile(path, workbook.zip()));

    std::atomic<bool> cancel{false};
    QString error;
    TablePreview preview;
    std::thread worker([&] { preview = PreviewReader::read(path, Kind::Xlsx, &error, &cancel); });
    QTest::qWait(20);
    QElapsedTimer timer;
    timer.start();
    cancel = true;
    worker.join();
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(error, QStringLiteral("The preview was cancelled."));
    QVERIFY(preview.sheets.isEmpty());
}

QTEST_GUILESS_MAIN(TestPreviewReader)
#include "tst_previewreader.moc"
