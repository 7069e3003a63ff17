// ReportDetailPanel on its own: it says a report's type and size as the list does (one vocabulary: "Export", "—"
// for a report with no file yet, never "0 bytes"), the download link's expiry only while it matters, and it wraps
// instead of cutting at every width from its minimum up, in the default font and at 14 pt.

#include "Format.h"
#include "LayoutChecks.h"
#include "ReportDetailPanel.h"
#include "ReportTableModel.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;

namespace {

Report sample(const QString &status)
{
    Report r;
    r.id = QStringLiteral("report_large_256mb");
    r.type = QStringLiteral("export");
    r.title = QStringLiteral("Encaissements clients et relances du trimestre – février 2025");
    r.description = QStringLiteral("Every ledger line since 2024, for the reconciliation of the payments received.");
    r.status = status;
    r.filename = QStringLiteral("encaissements-clients-relances-trimestre-2025-02.xlsx");
    r.mimeType = QStringLiteral("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    r.periodFrom = QDate(2025, 2, 1);
    r.periodTo = QDate(2025, 2, 28);
    r.createdAt = QDateTime(QDate(2025, 3, 1), QTime(8, 0), Qt::UTC);
    if (status == u"completed") {
        r.fileSize = 245'760;
        r.downloadAvailable = true;
        r.generatedAt = r.createdAt.addSecs(600);
    } else {
        r.fileSize = 0; // what GetBill announces while it generates
    }
    return r;
}

/// The list's text for `column` of `report`.
QString listText(const Report &report, int column)
{
    ReportTableModel model;
    model.upsert(report);
    return model.index(0, column).data().toString();
}

} // namespace

class TestReportDetailPanel : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_font = QApplication::font(); }
    void cleanup() { QApplication::setFont(m_font); }

    void typeReadsAsInTheList()
    {
        ReportDetailPanel panel;
        const Report r = sample(QStringLiteral("completed"));
        panel.setReport(r);
        QCOMPARE(panel.field(QStringLiteral("type"))->text(), QStringLiteral("Export"));
        QCOMPARE(panel.field(QStringLiteral("type"))->text(), listText(r, ReportTableModel::TypeColumn));
    }

    void sizeReadsAsInTheList()
    {
        ReportDetailPanel panel;
        const Report done = sample(QStringLiteral("completed"));
        panel.setReport(done);
        const QString size = panel.field(QStringLiteral("size"))->text();
        QVERIFY2(size.startsWith(listText(done, ReportTableModel::SizeColumn)), qPrintable(size));
        QVERIFY2(size.contains(QLocale().toString(done.fileSize)), qPrintable(size));

        // Still being generated: GetBill says 0 bytes; the panel and the list say there is no file yet.
        for (const QString &status :
             {QStringLiteral("processing"), QStringLiteral("pending"), QStringLiteral("failed")}) {
            const Report r = sample(status);
            panel.setReport(r);
            QCOMPARE(panel.field(QStringLiteral("size"))->text(), Format::noValue());
            QCOMPARE(listText(r, ReportTableModel::SizeColumn), Format::noValue());
            QVERIFY(!panel.field(QStringLiteral("size"))->text().contains(QLatin1String("bytes")));
        }
    }

    void linkExpiryOnlyWhileItMatters()
    {
        ReportDetailPanel panel;
        panel.resize(500, 700);
        panel.show();
        const Report r = sample(QStringLiteral("completed"));
        panel.setReport(r);
        auto *expiry = panel.findChild<QLabel *>(QStringLiteral("detailExpiry"));
        QVERIFY(expiry);
        QVERIFY(expiry->isHidden());
        const QDateTime now(QDate(2026, 3, 1), QTime(14, 0), Qt::UTC);

        // A download under way whose link has an hour left: nothing to say.
        panel.setLinkExpiry(r.id, now.addSecs(3600), false, now);
        QVERIFY(expiry->isHidden());
        // Five minutes left: said, with the time.
        panel.setLinkExpiry(r.id, now.addSecs(300), false, now);
        QVERIFY(expiry->isVisible());
        QVERIFY2(expiry->text().contains(Format::clockTime(now.addSecs(300))), qPrintable(expiry->text()));
        // The download ended: the link no longer matters.
        panel.setLinkExpiry(r.id, now.addSecs(300), true, now);
        QVERIFY(expiry->isHidden());
        // Another report's link says nothing about this one.
        panel.setLinkExpiry(r.id, now.addSecs(300), false, now);
        QVERIFY(expiry->isVisible());
        panel.setLinkExpiry(QStringLiteral("report_other"), now.addSecs(3600), true, now);
        QVERIFY(expiry->isVisible());
        // Going to another report hides it.
        Report other = r;
        other.id = QStringLiteral("report_other");
        panel.setReport(other);
        QVERIFY(expiry->isHidden());
    }

    void wrapsInsteadOfCutting_data()
    {
        QTest::addColumn<int>("points");
        QTest::addColumn<QString>("status");
        QTest::newRow("default font, completed") << 0 << QStringLiteral("completed");
        QTest::newRow("default font, processing") << 0 << QStringLiteral("processing");
        QTest::newRow("14 pt, completed") << 14 << QStringLiteral("completed");
        QTest::newRow("14 pt, processing") << 14 << QStringLiteral("processing");
    }

    void leastWidthFollowsTheTextsAndTheFont()
    {
        // The measured width is kept between layout passes: it must still follow every change of what is shown.
        ReportDetailPanel panel;
        Report r = sample(QStringLiteral("completed"));
        r.filename = QStringLiteral("short.csv");
        panel.setReport(r, {});
        const int shortName = panel.minimumSizeHint().width();
        QCOMPARE(panel.minimumSizeHint().width(), shortName);

        const QString longName = QStringLiteral("collection_report_for_the_whole_company_and_every_branch_2025.csv");
        r.filename = longName;
        panel.setReport(r, {});
        const int longNameWidth = panel.minimumSizeHint().width();
        QVERIFY(longNameWidth > shortName);
        QVERIFY(longNameWidth >= panel.field(QStringLiteral("filename"))->fontMetrics().horizontalAdvance(longName));

        r.filename = QStringLiteral("short.csv");
        panel.setReport(r, {});
        QCOMPARE(panel.minimumSizeHint().width(), shortName);
        r.filename = longName;
        panel.setReport(r, {});
        QFont larger = panel.font();
        larger.setPointSizeF(larger.pointSizeF() * 2);
        panel.setFont(larger);
        QVERIFY(panel.minimumSizeHint().width() > longNameWidth);
    }

    void wrapsInsteadOfCutting()
    {
        QFETCH(int, points);
        QFETCH(QString, status);
        if (points > 0) {
            QFont font = QApplication::font();
            font.setPointSize(points);
            QApplication::setFont(font);
        }
        ReportDetailPanel panel;
        Report r = sample(status);
        panel.setReport(r, status == u"completed" ? QStringLiteral("/home/someone/Documents/GetBill/") + r.filename
                                                  : QString());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        panel.setLinkExpiry(r.id, now.addSecs(120), false, now);
        auto *scroll = panel.findChild<QScrollArea *>(QStringLiteral("detailFields"));
        QVERIFY(scroll);
        const int least = panel.minimumSizeHint().width();
        // Never narrower than ~30 characters, and far narrower than the long file name and title on one line.
        QVERIFY(least >= panel.fontMetrics().averageCharWidth() * 30);
        QVERIFY(least < panel.fontMetrics().horizontalAdvance(r.title));
        panel.show();
        for (const int width : {least, least + 37, least * 3 / 2, 2 * least, 1000}) {
            panel.resize(width, 900);
            QVERIFY(QTest::qWaitFor([&] { return panel.width() == width; }));
            QApplication::processEvents();
            const QStringList cut = test::clippedWidgets(scroll->widget(), scroll->viewport());
            QVERIFY2(cut.isEmpty(),
                     qPrintable(QStringLiteral("at %1 px: ").arg(width) + cut.join(QLatin1String("; "))));
            // "Download to…" whole, never elided or cut (it was at 800x500).
            auto *downloadTo = panel.findChild<QPushButton *>(QStringLiteral("detailDownloadTo"));
            QVERIFY(downloadTo->width() >= downloadTo->sizeHint().width());
        }
        // Wide enough, the buttons share lines; narrow, they wrap below each other but keep their text.
        auto *download = panel.findChild<QPushButton *>(QStringLiteral("detailDownload"));
        auto *downloadTo = panel.findChild<QPushButton *>(QStringLiteral("detailDownloadTo"));
        QCOMPARE(download->y(), downloadTo->y());
    }

private:
    QFont m_font;
};

QTEST_MAIN(TestReportDetailPanel)
#include "tst_reportdetailpanel.moc"
