// Inputs the fuzzers of fuzz/ found, kept as plain tests so that the fixes stay fixed without a fuzzing build.
#include "ReportLink.h"
#include "download/PartialDownload.h"
#include "download/SafeFileName.h"

#include <QTest>

using namespace getbill;

class TestFuzzRegressions : public QObject
{
    Q_OBJECT
private slots:
    void longNameWithAFarDotIsStable();
    void longNameKeepsItsShortExtension();
    void removedCharactersDoNotLeaveUnnormalisedText();
    void idWithTrailingNewlineIsNotAnId();
    void boundingDoesNotUncoverAnAllowedExtension();
    void sidecarNumbersAreWholeNumbers();
};

void TestFuzzRegressions::longNameWithAFarDotIsStable()
{
    // The last dot is past the 200-byte cut and 21 characters from the end (too far to be an extension that
    // bounding keeps). It used to suppress the MIME extension, then be cut away, so a second pass added ".bin".
    const QString name = QString(250, QLatin1Char('a')) + QLatin1Char('.') + QString(20, QLatin1Char('b'));
    // (text/plain has been ".txt" since the extension follows the MIME type; it was ".bin" when this was found.)
    const QString once = SafeFileName::sanitize(name, QStringLiteral("report_x"), QStringLiteral("text/plain"));
    QCOMPARE(once, QString(196, QLatin1Char('a')) + QStringLiteral(".txt"));
    QCOMPARE(SafeFileName::sanitize(once, QStringLiteral("report_x"), QStringLiteral("text/plain")), once);
    QVERIFY(once.toUtf8().size() <= SafeFileName::maxBytes);

    const QString noDot = QString(300, QLatin1Char('c'));
    const QString bounded = SafeFileName::sanitize(noDot, QStringLiteral("report_x"), QStringLiteral("text/csv"));
    QCOMPARE(bounded, QString(196, QLatin1Char('c')) + QStringLiteral(".csv"));
    QCOMPARE(SafeFileName::sanitize(bounded, QStringLiteral("report_x"), QStringLiteral("text/csv")), bounded);
}

void TestFuzzRegressions::longNameKeepsItsShortExtension()
{
    const QString name = QString(300, QChar(0x00e9)) + QStringLiteral(".pdf"); // 2 UTF-8 bytes each
    const QString once = SafeFileName::sanitize(name, QStringLiteral("report_y"), QStringLiteral("application/pdf"));
    QVERIFY(once.endsWith(QLatin1String(".pdf")));
    QVERIFY(once.toUtf8().size() <= SafeFileName::maxBytes);
    QCOMPARE(SafeFileName::sanitize(once, QStringLiteral("report_y"), QStringLiteral("application/pdf")), once);
}

void TestFuzzRegressions::removedCharactersDoNotLeaveUnnormalisedText()
{
    // The fuzzer's input, shortened: a control character between a letter and a combining mark; once it is gone
    // the pair composes, and used to do so only on the second pass.
    const QString name = QStringLiteral("e\x01\u0301t\u00e9.pdf");
    const QString once = SafeFileName::sanitize(name, QStringLiteral("report_z"), QStringLiteral("application/pdf"));
    QCOMPARE(once, QStringLiteral("\u00e9t\u00e9.pdf"));
    QCOMPARE(SafeFileName::sanitize(once, QStringLiteral("report_z"), QStringLiteral("application/pdf")), once);
    const QByteArray found(
        "\x01\x01.\xd1\x87\xcf\x8f\xdb\x87\x01.\xd1\x87\xcf\x8f\xdb\x99\xab\xd9\x8b\xd1\x01.\xd1\x87\xcf<\t");
    const QString fuzzed = SafeFileName::sanitize(QString::fromUtf8(found), QStringLiteral("report_z"), {});
    QCOMPARE(SafeFileName::sanitize(fuzzed, QStringLiteral("report_z"), {}), fuzzed);
}

void TestFuzzRegressions::idWithTrailingNewlineIsNotAnId()
{
    // fuzz_reportlink: "^...$" let "reX123\n" pass as an id, and "?report_id=report_a%0A" give one with a newline.
    QVERIFY(!ReportLink::isValidId(QStringLiteral("reX123\n")));
    QVERIFY(ReportLink::isValidId(QStringLiteral("reX123")));
    QCOMPARE(ReportLink::idFromUrl(QUrl(QStringLiteral("https://getbill.io/dashboard?report_id=report_a%0A"))),
             QString());
    QCOMPARE(ReportLink::idsFromText(QStringLiteral("report_a\n")), QStringList{QStringLiteral("report_a")});
}

void TestFuzzRegressions::boundingDoesNotUncoverAnAllowedExtension()
{
    // fuzz_safefilename: "….xlsx" + a combining mark is no extension, so an unknown type got ".bin"; bounding the
    // length then cut the mark, leaving "….xlsx.bin", and a second pass dropped ".bin" and kept ".xlsx". ".bin" is no
    // longer dropped.
    const QString name = QString(190, QLatin1Char('a')) + QStringLiteral(".xlsx\uFE2C");
    const QString once = SafeFileName::sanitize(name, QStringLiteral("report_w"), QString());
    QCOMPARE(once, QString(190, QLatin1Char('a')) + QStringLiteral(".xlsx.bin"));
    QCOMPARE(SafeFileName::sanitize(once, QStringLiteral("report_w"), QString()), once);
    // The fuzzer's own input.
    const QByteArray found =
        QByteArray::fromBase64("Kp+Fvu8ueGxzeO/"
                               "vuKyN44Eq5770LnN477isuKzvLnhsc3jvuKyN44Eqn4WNj4WkgXhsc3hsc3jvuKyN44Eq5770LnN472pqampqam"
                               "pqampqLnhsc3jv77isjeOBKue+9C5zeO+4rLis7y54bHN477isjeOBKp+FjY+FpIF4bHN4bHN477isjeOBKue+"
                               "9C5zeO9qampqampqampqampqampqampqampqampqampqampqampqampqampqampqampqampqamq4rLishb7vLnh"
                               "sc3jvuKxsc42Nhb7vLnhsc3jvuKxsc2pqampqampqampqampqampqampqampqampqampqampqampqampqamq4rL"
                               "ishb7vLnhsc3jvuKxsc42Nhb7vLnhsc3jvuKxsc42Nj/8=");
    const QList<QByteArray> parts = found.split('\0');
    const QString fuzzed = SafeFileName::sanitize(QString::fromUtf8(parts.value(0)), QString::fromUtf8(parts.value(1)),
                                                  QString::fromUtf8(parts.value(2)));
    QCOMPARE(SafeFileName::sanitize(fuzzed, QString::fromUtf8(parts.value(1)), QString::fromUtf8(parts.value(2))),
             fuzzed);
}

void TestFuzzRegressions::sidecarNumbersAreWholeNumbers()
{
    // fuzz_sidecar: "inode": 131.234 was accepted as inode 131, a record save() never wrote naming another file's
    // identity. Numbers must be whole.
    const QByteArray found =
        R"({"version":2,"target":"/home/u/Reports/summary.pdf","part":"/home/u/Reports/sumry.pdf.part",)"
        R"("id":"repoLLLLLLLLLLLLLLLLLLLLLLLLLt_Abc12:","size":245076,"etag":"\"5f3a\"","device":2049,)"
        R"("inode":131.234})";
    QVERIFY(!PartialDownload::fromJson(found));
    QByteArray whole = found;
    whole.replace("131.234", "131234");
    const std::optional<PartialDownload> record = PartialDownload::fromJson(whole);
    QVERIFY(record);
    QCOMPARE(record->inode, quint64(131234));
    for (const char *field : {"\"size\":245076", "\"device\":2049"}) {
        QByteArray fractional = whole;
        fractional.replace(field, QByteArray(QByteArray(field) + ".5"));
        QVERIFY2(!PartialDownload::fromJson(fractional), field);
    }
}

QTEST_APPLESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
