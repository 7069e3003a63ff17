// ReportTableModel and ReportFilterModel: filled from several pages of the sandbox's list, checked by
// QAbstractItemModelTester; refresh updates in place; type/text filter; numeric sorting of sizes and dates.

#include "Format.h"
#include "ReportFilterModel.h"
#include "ReportIcons.h"
#include "ReportTableModel.h"
#include "TestFixture.h"
#include "api/ReportJobs.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QtTest>

using namespace getbill;
using namespace Qt::StringLiterals;
using namespace getbill::gui;

namespace {

sandbox::SandboxReport makeReport(int i, qint64 size, const QString &type = QStringLiteral("financial"))
{
    sandbox::SandboxReport r;
    r.id = QStringLiteral("report_bulk%1").arg(i, 4, 10, QLatin1Char('0'));
    r.type = type;
    r.title = QStringLiteral("Bulk report %1").arg(i);
    r.filename = r.id + QStringLiteral(".csv");
    r.mimeType = QStringLiteral("text/csv");
    r.periodFrom = QDate(2020, 1, 1).addMonths(i % 60);
    r.periodTo = r.periodFrom.addMonths(1).addDays(-1);
    r.createdAt = QDateTime(QDate(2020, 1, 1), QTime(8, 0), Qt::UTC).addSecs(3600LL * i);
    r.generatedAt = r.createdAt.addSecs(60);
    r.content = QByteArray(size, 'x');
    return r;
}

bool load(ApiClient &api, ReportTableModel &model, int *pages = nullptr)
{
    ReportListJob *job = api.listReports();
    QObject::connect(job, &ReportListJob::pageArrived, &model,
                     [&model, pages](const QList<Report> &reports, int, int total) {
                         model.upsert(reports);
                         if (pages)
                             *pages = total;
                     });
    model.beginRefresh();
    const bool ok = test::TestFixture::waitFor(job) && job->succeeded();
    if (ok)
        model.endRefresh();
    else
        model.cancelRefresh();
    delete job;
    return ok;
}

} // namespace

class TestReportTableModel : public QObject
{
    Q_OBJECT

private slots:
    void fillsFromSeveralPages()
    {
        test::TestFixture fixture;
        fixture.server().clearReports();
        for (int i = 0; i < 230; ++i)
            fixture.server().addReport(makeReport(i, 10 + i));
        ReportTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ReportFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        int pages = 0;
        QVERIFY(load(fixture.api(), model, &pages));
        QCOMPARE(pages, 3);
        QCOMPARE(model.rowCount(), 230);
        QCOMPARE(proxy.rowCount(), 230);
        // One insertion per page, not one per report: each went through the sorted proxy to the table.
        QCOMPARE(inserted.count(), 3);
        int insertedRows = 0;
        for (const QList<QVariant> &args : std::as_const(inserted))
            insertedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
        QCOMPARE(insertedRows, 230);
        int pageRequests = 0;
        for (const auto &request : fixture.server().requests())
            pageRequests += request.pathAndQuery.contains(QLatin1String("/reports?")) ? 1 : 0;
        QCOMPARE(pageRequests, 3);
        QCOMPARE(model.data(model.index(model.rowOf(QStringLiteral("report_bulk0005")), ReportTableModel::TitleColumn))
                     .toString(),
                 QStringLiteral("Bulk report 5"));
    }

    void aBatchUpdatesKnownReportsAndAddsTheNewOnesAtOnce()
    {
        ReportTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto report = [](const QString &id, const QString &title, const QString &type) {
            Report r;
            r.id = id;
            r.title = title;
            r.type = type;
            return r;
        };
        model.upsert({report(u"report_a"_s, u"A"_s, u"financial"_s), report(u"report_b"_s, u"B"_s, u"financial"_s)});
        QCOMPARE(model.rowCount(), 2);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy types(&model, &ReportTableModel::typesChanged);

        // A known report changes in place; a new one given twice is added once, as it was given last; one without
        // an id is left out.
        model.upsert({report(u"report_a"_s, u"A again"_s, u"financial"_s), report(u"report_c"_s, u"C"_s, u"aging"_s),
                      report({}, u"no id"_s, u"payments"_s), report(u"report_c"_s, u"C later"_s, u"aging"_s),
                      report(u"report_d"_s, u"D"_s, u"collection"_s)});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(inserted.at(0).at(2).toInt(), 3);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(types.count(), 1);
        QCOMPARE(model.types(), (QStringList{u"aging"_s, u"collection"_s, u"financial"_s}));
        QCOMPARE(model.report(u"report_a"_s)->title, u"A again"_s);
        QCOMPARE(model.report(u"report_c"_s)->title, u"C later"_s);
        QCOMPARE(model.rowOf(u"report_d"_s), 3);
        QCOMPARE(model.reportAt(model.rowOf(u"report_c"_s)).id, u"report_c"_s);
        QVERIFY(model.searchKey(model.rowOf(u"report_c"_s)).contains(u"c later"_s));

        // Nothing new: no insertion, no types signal.
        model.upsert({report(u"report_b"_s, u"B again"_s, u"financial"_s)});
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(types.count(), 1);
        QCOMPARE(model.report(u"report_b"_s)->title, u"B again"_s);
    }

    void refreshUpdatesInPlaceAndDropsVanishedRows()
    {
        test::TestFixture fixture;
        fixture.server().clearReports();
        for (int i = 0; i < 120; ++i)
            fixture.server().addReport(makeReport(i, 100));
        ReportTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(fixture.api(), model));
        QCOMPARE(model.rowCount(), 120);
        const QPersistentModelIndex kept = model.index(model.rowOf(QStringLiteral("report_bulk0050")), 0);

        fixture.server().clearReports();
        for (int i = 0; i < 120; i += 2) {
            sandbox::SandboxReport r = makeReport(i, 100);
            if (i == 50)
                r.title = QStringLiteral("Renamed");
            fixture.server().addReport(r);
        }
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(load(fixture.api(), model));
        QCOMPARE(model.rowCount(), 60);
        QCOMPARE(reset.count(), 0);
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data().toString(), QStringLiteral("Renamed"));
        QVERIFY(!model.contains(QStringLiteral("report_bulk0051")));
    }

    void failedRefreshKeepsRows()
    {
        test::TestFixture fixture;
        ReportTableModel model;
        QVERIFY(load(fixture.api(), model));
        const int rows = model.rowCount();
        QVERIFY(rows > 30);
        sandbox::Fault fault;
        fault.pathContains = QStringLiteral("/reports?");
        fault.status = 403;
        fault.body =
            "{\"error\":true,\"message\":\"Required scope \\\"reports:read\\\" not found in token\",\"code\":403}";
        fault.times = -1;
        fixture.server().addFault(fault);
        QVERIFY(!load(fixture.api(), model));
        QCOMPARE(model.rowCount(), rows);
    }

    void filterByTypeAndText()
    {
        test::TestFixture fixture; // the demo catalogue: four types of monthly reports and a ledger export
        ReportTableModel model;
        QVERIFY(load(fixture.api(), model));
        ReportFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.types(), (QStringList{u"aging"_s, u"collection"_s, u"export"_s, u"financial"_s, u"payments"_s}));

        proxy.setTypeFilter(QStringLiteral("financial"));
        QVERIFY(proxy.rowCount() > 0);
        QVERIFY(proxy.rowCount() < model.rowCount());
        for (int row = 0; row < proxy.rowCount(); ++row)
            QCOMPARE(proxy.index(row, 0).data(ReportTableModel::TypeRole).toString(), QStringLiteral("financial"));

        proxy.setSearchText(QStringLiteral("  2024 "));
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const Report r = proxy.index(row, 0).data(ReportTableModel::ReportRole).value<Report>();
            QCOMPARE(r.type, QStringLiteral("financial"));
            QCOMPARE(r.periodFrom.year(), 2024);
        }
        QVERIFY(proxy.rowCount() > 0);

        proxy.setTypeFilter({});
        proxy.setSearchText(QStringLiteral("ledger"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data(ReportTableModel::IdRole).toString(), QStringLiteral("report_large_256mb"));

        proxy.setSearchText(QStringLiteral("no such report anywhere"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setSearchText({});
        QCOMPARE(proxy.rowCount(), model.rowCount());
    }

    void aFilterChangeReachesTheViewAsOneLayoutChange()
    {
        // Hiding every other row used to reach the table as one removal per gap (thousands on a long list, each
        // walking the view's header): a filter change is one layout change, whatever rows it hides or brings back.
        test::TestFixture fixture;
        ReportTableModel model;
        QVERIFY(load(fixture.api(), model));
        ReportFilterModel proxy;
        proxy.setSourceModel(&model);
        proxy.sort(ReportTableModel::PeriodColumn, Qt::DescendingOrder);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QPersistentModelIndex kept = proxy.index(0, 0);
        const QString keptType = kept.data(ReportTableModel::TypeRole).toString();
        QSignalSpy layouts(&proxy, &QAbstractItemModel::layoutChanged);
        QSignalSpy removed(&proxy, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);

        proxy.setTypeFilter(keptType);
        QVERIFY(proxy.rowCount() > 1);
        QVERIFY(proxy.rowCount() < model.rowCount() / 2);
        QCOMPARE(layouts.size(), 1);
        // What is still shown keeps its index (selection and current row follow it), still sorted.
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data(ReportTableModel::TypeRole).toString(), keptType);
        for (int row = 1; row < proxy.rowCount(); ++row)
            QVERIFY(
                proxy.index(row - 1, ReportTableModel::PeriodColumn).data(ReportTableModel::SortRole).toLongLong() >=
                proxy.index(row, ReportTableModel::PeriodColumn).data(ReportTableModel::SortRole).toLongLong());

        proxy.setSearchText(QStringLiteral("no such report anywhere"));
        QCOMPARE(proxy.rowCount(), 0);
        QVERIFY(!kept.isValid()); // hidden: no index left behind pointing at another report
        proxy.setSearchText({});
        proxy.setTypeFilter({});
        QCOMPARE(proxy.rowCount(), model.rowCount());
        QCOMPARE(layouts.size(), 4);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(inserted.size(), 0);
        // The same filter again changes nothing and says nothing.
        proxy.setTypeFilter({});
        proxy.setSearchText(QStringLiteral("  "));
        QCOMPARE(layouts.size(), 4);
    }

    void sortsSizesAndDatesNumerically()
    {
        test::TestFixture fixture;
        fixture.server().clearReports();
        // As text "9.0 kB" > "10.0 kB" > "2.0 MB"; as numbers the other way round.
        const QList<qint64> sizes = {2'000'000, 9'000, 10'000, 900, 150'000};
        for (int i = 0; i < sizes.size(); ++i)
            fixture.server().addReport(makeReport(i * 7, sizes[i]));
        ReportTableModel model;
        QVERIFY(load(fixture.api(), model));
        ReportFilterModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        proxy.sort(ReportTableModel::SizeColumn, Qt::AscendingOrder);
        QList<qint64> sorted;
        for (int row = 0; row < proxy.rowCount(); ++row)
            sorted << proxy.index(row, ReportTableModel::SizeColumn).data(ReportTableModel::SortRole).toLongLong();
        QCOMPARE(sorted, (QList<qint64>{900, 9'000, 10'000, 150'000, 2'000'000}));
        QVERIFY(proxy.index(0, ReportTableModel::SizeColumn).data().toString().contains(QLatin1String("900")));

        proxy.sort(ReportTableModel::GeneratedColumn, Qt::DescendingOrder);
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const qint64 at =
                proxy.index(row, ReportTableModel::GeneratedColumn).data(ReportTableModel::SortRole).toLongLong();
            QVERIFY(at <= previous);
            previous = at;
        }
        QCOMPARE(proxy.index(0, 0).data(ReportTableModel::IdRole).toString(), QStringLiteral("report_bulk0028"));

        proxy.sort(ReportTableModel::PeriodColumn, Qt::AscendingOrder);
        QCOMPARE(proxy.index(0, 0).data(ReportTableModel::IdRole).toString(), QStringLiteral("report_bulk0000"));
    }

    void displayIsHumanReadable()
    {
        ReportTableModel model;
        Report r;
        r.id = QStringLiteral("report_x");
        r.type = QStringLiteral("financial");
        r.title = QStringLiteral("Financial Summary – March 2024");
        r.status = QStringLiteral("processing");
        r.fileSize = 245'760;
        r.periodFrom = QDate(2024, 3, 1);
        r.periodTo = QDate(2024, 3, 31);
        model.upsert(r);
        QCOMPARE(model.index(0, ReportTableModel::TypeColumn).data().toString(), QStringLiteral("Financial"));
        QCOMPARE(model.index(0, ReportTableModel::StatusColumn).data().toString(), QStringLiteral("Processing"));
        QVERIFY(!model.index(0, ReportTableModel::StatusColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(model.index(0, ReportTableModel::PeriodColumn).data().toString().contains(QLatin1String("2024")));
        QVERIFY(model.index(0, ReportTableModel::SizeColumn).data().toString().contains(QLatin1String("kB")));
        model.setSavedPath(r.id, QStringLiteral("/tmp/x.pdf"));
        QCOMPARE(model.index(0, ReportTableModel::StatusColumn).data().toString(), QStringLiteral("Downloaded"));
    }

    void statusIconsFollowTheRowAndAreDecodedOnce()
    {
        ReportTableModel model;
        const auto report = [](const QString &id, const QString &status) {
            Report r;
            r.id = id;
            r.status = status;
            return r;
        };
        model.upsert({report(u"report_a"_s, u"completed"_s), report(u"report_b"_s, u"completed"_s),
                      report(u"report_c"_s, u"failed"_s), report(u"report_d"_s, u"something new"_s)});
        const auto icon = [&model](const QString &id) {
            return model.index(model.rowOf(id), ReportTableModel::StatusColumn).data(Qt::DecorationRole).value<QIcon>();
        };
        const auto looksLike = [](const QIcon &icon, const QString &status) {
            return icon.pixmap(16, 16).toImage() == QIcon(ReportIcons::statusFile(status)).pixmap(16, 16).toImage();
        };
        QVERIFY(looksLike(icon(u"report_a"_s), u"completed"_s));
        QVERIFY(looksLike(icon(u"report_c"_s), u"failed"_s));
        QVERIFY(looksLike(icon(u"report_d"_s), u"pending"_s)); // an unknown status looks pending
        QVERIFY(!looksLike(icon(u"report_a"_s), u"failed"_s));
        // One decoded icon for every row that shows it, asked for again at every paint.
        QCOMPARE(icon(u"report_a"_s).cacheKey(), icon(u"report_b"_s).cacheKey());
        QCOMPARE(icon(u"report_a"_s).cacheKey(), icon(u"report_a"_s).cacheKey());
        // Saved here: the downloaded icon; a new status of the report: its icon.
        model.setSavedPath(u"report_b"_s, u"/tmp/b.csv"_s);
        QVERIFY(looksLike(icon(u"report_b"_s), u"downloaded"_s));
        model.upsert(report(u"report_a"_s, u"failed"_s));
        QVERIFY(looksLike(icon(u"report_a"_s), u"failed"_s));
    }

    void oneVocabularyWithThePanelAndTheCli()
    {
        ReportTableModel model;
        Report exported;
        exported.id = QStringLiteral("report_export");
        exported.type = QStringLiteral("export");
        exported.status = QStringLiteral("completed");
        exported.downloadAvailable = true;
        exported.fileSize = 268'435'456;
        Report generating = exported;
        generating.id = QStringLiteral("report_generating");
        generating.status = QStringLiteral("processing");
        generating.downloadAvailable = false;
        generating.fileSize = 0; // what GetBill announces while it generates
        Report empty = exported;
        empty.id = QStringLiteral("report_empty");
        empty.fileSize = 0;
        model.upsert({exported, generating, empty});
        const auto text = [&model](const Report &r, int column) {
            return model.index(model.rowOf(r.id), column).data().toString();
        };
        // The type: the one function that names a type for display, as the panel and the type filter use it.
        QCOMPARE(text(exported, ReportTableModel::TypeColumn), QStringLiteral("Export"));
        QCOMPARE(text(exported, ReportTableModel::TypeColumn), Format::typeText(exported.type));
        // Sizes in decimal units, as the CLI prints them; no "0 bytes" for a report with no file yet.
        QCOMPARE(text(exported, ReportTableModel::SizeColumn), Format::dataSize(exported.fileSize));
        QVERIFY(text(exported, ReportTableModel::SizeColumn).endsWith(QLatin1String(" MB")));
        QCOMPARE(text(generating, ReportTableModel::SizeColumn), Format::noValue());
        QCOMPARE(text(generating, ReportTableModel::SizeColumn), Format::reportSize(generating));
        const QString why =
            model.index(model.rowOf(generating.id), ReportTableModel::SizeColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(why.contains(QLatin1String("still generating")), qPrintable(why));
        // A completed report whose file really is empty says so.
        QCOMPARE(text(empty, ReportTableModel::SizeColumn), Format::dataSize(0));
    }
};

QTEST_MAIN(TestReportTableModel)
#include "tst_reporttablemodel.moc"
