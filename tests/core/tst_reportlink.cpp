// ReportLink: ids, lists of ids, getbill:// links and dashboard URLs from text, arguments and drag data.

#include "ReportLink.h"

#include <QMimeData>
#include <QtTest>

using namespace getbill;
using namespace Qt::StringLiterals;

class TestReportLink : public QObject
{
    Q_OBJECT

private slots:
    void idsFromText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("ids");
        QTest::newRow("one id") << "report_abc123" << QStringList{u"report_abc123"_s};
        QTest::newRow("surrounding blanks") << "  report_abc123\n" << QStringList{u"report_abc123"_s};
        QTest::newRow("newlines") << "report_a\nreport_b\r\nreport_c"
                                  << QStringList{u"report_a"_s, u"report_b"_s, u"report_c"_s};
        QTest::newRow("commas") << "report_a,report_b, report_c"
                                << QStringList{u"report_a"_s, u"report_b"_s, u"report_c"_s};
        QTest::newRow("spaces and tabs") << "report_a report_b\treport_c"
                                         << QStringList{u"report_a"_s, u"report_b"_s, u"report_c"_s};
        QTest::newRow("semicolons (spreadsheet)") << "report_a;report_b" << QStringList{u"report_a"_s, u"report_b"_s};
        QTest::newRow("duplicates once") << "report_a report_a report_b" << QStringList{u"report_a"_s, u"report_b"_s};
        QTest::newRow("quoted json") << "[\"report_a\", \"report_b\"]" << QStringList{u"report_a"_s, u"report_b"_s};
        QTest::newRow("getbill link") << "getbill://report/report_xyz" << QStringList{u"report_xyz"_s};
        QTest::newRow("link with trailing slash") << "getbill://report/report_xyz/" << QStringList{u"report_xyz"_s};
        QTest::newRow("dashboard path") << "https://getbill.io/dashboard/reports/report_q1w2e3"
                                        << QStringList{u"report_q1w2e3"_s};
        QTest::newRow("dashboard query") << "https://getbill.io/dashboard?report=report_q1w2e3"
                                         << QStringList{u"report_q1w2e3"_s};
        QTest::newRow("dashboard report_id query")
            << "https://app.getbill.io/x?tab=2&report_id=rep-77" << QStringList{u"rep-77"_s};
        QTest::newRow("mixed") << "report_a, getbill://report/report_b\nhttps://getbill.io/reports/report_c"
                               << QStringList{u"report_a"_s, u"report_b"_s, u"report_c"_s};
        QTest::newRow("sentence punctuation") << "(report_a)." << QStringList{u"report_a"_s};
        QTest::newRow("empty") << "" << QStringList{};
        QTest::newRow("separators only") << " ,\n; " << QStringList{};
        QTest::newRow("path traversal is not an id") << "../etc/passwd" << QStringList{};
        QTest::newRow("slashes are not ids") << "report/a" << QStringList{};
        QTest::newRow("other scheme") << "mailto:report_a@example.com" << QStringList{};
        QTest::newRow("other getbill host") << "getbill://invoice/inv_1" << QStringList{};
        QTest::newRow("getbill link with two segments") << "getbill://report/a/b" << QStringList{};
        QTest::newRow("url without id") << "https://getbill.io/dashboard" << QStringList{};
        QTest::newRow("ordinary words") << "please download this" << QStringList{};
        QTest::newRow("a year is not an id") << "2024" << QStringList{};
        QTest::newRow("letters and digits") << "r8x2k" << QStringList{u"r8x2k"_s};
        QTest::newRow("too long") << QString(200, QLatin1Char('a')) << QStringList{};
    }
    void idsFromText()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, ids);
        QCOMPARE(ReportLink::idsFromText(text), ids);
    }

    void isValidId()
    {
        QVERIFY(ReportLink::isValidId(QStringLiteral("report_abc123")));
        QVERIFY(ReportLink::isValidId(QStringLiteral("R-1")));
        QVERIFY(!ReportLink::isValidId(QString()));
        QVERIFY(!ReportLink::isValidId(QStringLiteral("a b")));
        QVERIFY(!ReportLink::isValidId(QStringLiteral("é")));
        QVERIFY(!ReportLink::isValidId(QStringLiteral("..")));
        QVERIFY(ReportLink::isValidId(QString(ReportLink::maxIdLength, QLatin1Char('x'))));
        QVERIFY(!ReportLink::isValidId(QString(ReportLink::maxIdLength + 1, QLatin1Char('x'))));
    }

    void linkRoundTrip()
    {
        const QUrl link = ReportLink::linkFor(QStringLiteral("report_abc123"));
        QCOMPARE(link.toString(), QStringLiteral("getbill://report/report_abc123"));
        QCOMPARE(ReportLink::idFromUrl(link), QStringLiteral("report_abc123"));
    }

    void arguments()
    {
        const QStringList args = {QStringLiteral("report_a"), QStringLiteral("getbill://report/report_b"),
                                  QStringLiteral("report_c,report_a"), QStringLiteral("not an id!")};
        QCOMPARE(ReportLink::idsFromArguments(args), (QStringList{u"report_a"_s, u"report_b"_s, u"report_c"_s}));
    }

    void mimeDataPlainText()
    {
        QMimeData mime;
        mime.setText(QStringLiteral("report_a\nreport_b"));
        QVERIFY(ReportLink::canRead(&mime));
        QCOMPARE(ReportLink::idsFromMimeData(&mime), (QStringList{u"report_a"_s, u"report_b"_s}));
    }

    void mimeDataUriList()
    {
        QMimeData mime;
        mime.setUrls({QUrl(QStringLiteral("getbill://report/report_a")),
                      QUrl(QStringLiteral("https://getbill.io/dashboard/reports/report_b")),
                      QUrl(QStringLiteral("file:///tmp/report_c.pdf"))});
        QVERIFY(ReportLink::canRead(&mime));
        QCOMPARE(ReportLink::idsFromMimeData(&mime), (QStringList{u"report_a"_s, u"report_b"_s}));
    }

    void mimeDataWithoutText()
    {
        QMimeData mime;
        mime.setData(QStringLiteral("image/png"), QByteArrayLiteral("\x89PNG"));
        QVERIFY(!ReportLink::canRead(&mime));
        QVERIFY(ReportLink::idsFromMimeData(&mime).isEmpty());
        QVERIFY(ReportLink::idsFromMimeData(nullptr).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestReportLink)
#include "tst_reportlink.moc"
