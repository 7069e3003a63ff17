// The reports page's layout in the real window against the sandbox, at 800x500, 1280x800 and 1920x1080, in the
// default font and at 14 pt (ctest runs it again at QT_SCALE_FACTOR 1.5 and 2): the Title column keeps at least
// ReportColumns::titleMinimumChars characters, the detail panel cuts nothing, the panel goes below the list when the
// window is narrow and back beside it when it widens, and columns hidden with the header's chooser stay hidden after
// a restart (the ones that stepped aside for room do not).

#include "GuiHarness.h"
#include "LayoutChecks.h"
#include "ReportColumns.h"
#include "ReportDetailPanel.h"
#include "ReportFilterModel.h"
#include "ReportTableModel.h"
#include "ReportsView.h"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;

namespace {

/// The shown reports with the longest title and the longest file name, and one being generated (its panel explains
/// why it waits).
QStringList demandingReports(MainWindow &window)
{
    const ReportTableModel *model = window.reportModel();
    QString longest;
    QString longestFile;
    QString generating;
    for (int row = 0; row < model->rowCount(); ++row) {
        const Report &r = model->reportAt(row);
        if (r.canDownload() && (longest.isEmpty() || r.title.size() > model->report(longest)->title.size()))
            longest = r.id;
        if (longestFile.isEmpty() || r.filename.size() > model->report(longestFile)->filename.size())
            longestFile = r.id;
        if (r.status == u"processing"_s)
            generating = r.id;
    }
    return {longest, longestFile, generating};
}

/// Resizes the window (never below what its layout needs) and lets the layout follow.
bool settle(QWidget *window, const QSize &size)
{
    const QSize wanted = size.expandedTo(window->minimumSizeHint());
    window->resize(wanted);
    const bool ok = QTest::qWaitFor([&] { return window->size() == wanted; });
    QApplication::processEvents();
    return ok;
}

QMenu *openChooser(MainWindow &window)
{
    QHeaderView *header = window.reportTable()->horizontalHeader();
    const QPoint at = header->viewport()->rect().center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, at, header->viewport()->mapToGlobal(at));
    QApplication::sendEvent(header->viewport(), &event);
    QMenu *menu = window.reportsView()->columns()->menu();
    return QTest::qWaitFor([menu] { return menu->isVisible(); }) ? menu : nullptr;
}

QAction *columnAction(QMenu *menu, int column)
{
    return menu->findChild<QAction *>(QStringLiteral("column%1").arg(column));
}

} // namespace

class TestReportsLayout : public QObject
{
    Q_OBJECT

private slots:
    void init() { m_font = QApplication::font(); }
    void cleanup() { QApplication::setFont(m_font); }

    void sensibleAtEverySize_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("points");
        for (const QSize size : {QSize(800, 500), QSize(1280, 800), QSize(1920, 1080)})
            for (const int points : {0, 14})
                QTest::addRow("%dx%d, %s", size.width(), size.height(), points ? "14 pt" : "default font")
                    << size << points;
    }

    void sensibleAtEverySize()
    {
        QFETCH(QSize, size);
        QFETCH(int, points);
        if (points > 0) {
            QFont font = QApplication::font();
            font.setPointSize(points);
            QApplication::setFont(font);
        }
        test::GuiHarness h;
        h.window->resize(size);
        QVERIFY(h.showLoaded());
        QVERIFY(settle(h.window.get(), size));
        ReportsView *view = h.window->reportsView();
        QTableView *table = h.window->reportTable();
        ReportDetailPanel *panel = h.window->detailPanel();
        auto *scroll = panel->findChild<QScrollArea *>(u"detailFields"_s);

        const QStringList ids = demandingReports(*h.window);
        QCOMPARE(ids.size(), 3);
        for (const QString &id : ids) {
            view->selectIds({id});
            QApplication::processEvents();
            // The title: at least N characters of the list's font, whatever else has to step aside.
            const int title = table->horizontalHeader()->sectionSize(ReportTableModel::TitleColumn);
            const int least = table->fontMetrics().averageCharWidth() * ReportColumns::titleMinimumChars;
            QVERIFY2(title >= least, qPrintable(u"Title %1 px, needs %2"_s.arg(title).arg(least)));
            // The columns that do show are not cut either: the header needs no horizontal scrolling.
            QVERIFY2(table->horizontalHeader()->length() <= table->viewport()->width(),
                     qPrintable(u"%1 > %2"_s.arg(table->horizontalHeader()->length()).arg(table->viewport()->width())));
            QVERIFY(!table->horizontalHeader()->isSectionHidden(ReportTableModel::StatusColumn));
            // The panel: at least its minimum, and nothing in it cut.
            QVERIFY2(panel->width() >= panel->minimumSizeHint().width(),
                     qPrintable(u"panel %1 < %2"_s.arg(panel->width()).arg(panel->minimumSizeHint().width())));
            // No scrolling sideways either: the splitter gives the panel what its fields cannot wrap.
            QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
            const QStringList cut = test::clippedWidgets(scroll->widget(), scroll->viewport());
            QVERIFY2(cut.isEmpty(), qPrintable(cut.join(u"; "_s)));
            auto *downloadTo = panel->findChild<QPushButton *>(u"detailDownloadTo"_s);
            QVERIFY(downloadTo->width() >= downloadTo->sizeHint().width());
        }
        // Wide windows keep the panel beside the list; 800 px at 14 pt puts it below.
        if (size.width() >= 1280)
            QCOMPARE(view->splitter()->orientation(), Qt::Horizontal);
        if (size.width() <= 800 && points == 14)
            QCOMPARE(view->splitter()->orientation(), Qt::Vertical);
        // At 1920 px every column has room.
        if (size.width() >= 1920 && points == 0)
            QVERIFY(view->columns()->steppedAside().isEmpty());
    }

    void narrowWindowPutsThePanelBelowAndBack()
    {
        test::GuiHarness h;
        h.window->resize(1280, 800);
        QVERIFY(h.showLoaded());
        QVERIFY(settle(h.window.get(), QSize(1280, 800)));
        ReportsView *view = h.window->reportsView();
        QCOMPARE(view->splitter()->orientation(), Qt::Horizontal);
        QSignalSpy switched(view, &ReportsView::orientationChanged);

        const int threshold = view->sideBySideWidth();
        QVERIFY2(threshold < 1200, qPrintable(QString::number(threshold)));
        QVERIFY(settle(h.window.get(), QSize(h.window->width() - view->width() + threshold - 10, 700)));
        QCOMPARE(view->splitter()->orientation(), Qt::Vertical);
        QCOMPARE(switched.count(), 1);
        // Below the list the panel has the page's whole width, the list a little more than half the height.
        QCOMPARE(h.window->detailPanel()->width(), view->splitter()->width());
        QVERIFY(h.window->reportTable()->height() > view->splitter()->height() / 3);

        QVERIFY(settle(h.window.get(), QSize(1280, 800)));
        QCOMPARE(view->splitter()->orientation(), Qt::Horizontal);
        QCOMPARE(switched.count(), 2);
        QCOMPARE(switched.last().first().value<Qt::Orientation>(), Qt::Horizontal);
        QVERIFY(h.window->detailPanel()->width() >= h.window->detailPanel()->minimumSizeHint().width());
    }

    void columnsStepAsideAndComeBack()
    {
        test::GuiHarness h;
        h.window->resize(1920, 1000);
        QVERIFY(h.showLoaded());
        QVERIFY(settle(h.window.get(), QSize(1920, 1000)));
        ReportColumns *columns = h.window->reportsView()->columns();
        QHeaderView *header = h.window->reportTable()->horizontalHeader();
        QVERIFY(columns->steppedAside().isEmpty());
        settle(h.window.get(), QSize(300, 700));
        // The least useful first; Status and Title stay.
        QVERIFY(!columns->steppedAside().isEmpty());
        QCOMPARE(columns->steppedAside().first(), int(ReportTableModel::GeneratedColumn));
        QVERIFY(header->isSectionHidden(ReportTableModel::GeneratedColumn));
        QVERIFY(!header->isSectionHidden(ReportTableModel::StatusColumn));
        QVERIFY(!header->isSectionHidden(ReportTableModel::TitleColumn));
        // The chooser does not count them as the user's choice.
        QMenu *menu = openChooser(*h.window);
        QVERIFY(menu);
        QVERIFY(columnAction(menu, ReportTableModel::GeneratedColumn)->isChecked());
        menu->close();
        QVERIFY(settle(h.window.get(), QSize(1920, 1000)));
        QVERIFY(columns->steppedAside().isEmpty());
        QVERIFY(!header->isSectionHidden(ReportTableModel::GeneratedColumn));
    }

    void chosenColumnsSurviveARestart()
    {
        test::GuiHarness h;
        h.window->resize(1280, 800);
        QVERIFY(h.showLoaded());
        QMenu *menu = openChooser(*h.window);
        QVERIFY(menu);
        // One action per column but Title, which always shows.
        QCOMPARE(menu->actions().size(), int(ReportTableModel::ColumnCount) - 1);
        QVERIFY(!columnAction(menu, ReportTableModel::TitleColumn));
        QAction *size = columnAction(menu, ReportTableModel::SizeColumn);
        QVERIFY(size && size->isCheckable() && size->isChecked());
        size->trigger();
        menu->close();
        QHeaderView *header = h.window->reportTable()->horizontalHeader();
        QVERIFY(header->isSectionHidden(ReportTableModel::SizeColumn));
        // As narrow as the window goes when it closes: Generated steps aside, and must not be saved as hidden.
        settle(h.window.get(), QSize(300, 600));
        QVERIFY(h.window->reportsView()->columns()->steppedAside().contains(ReportTableModel::GeneratedColumn));
        h.window->close();

        // The next start of the application, on the same settings.
        h.window = std::make_unique<MainWindow>(&h.fixture.api(), &h.controller, &h.settings, &h.chooser, &h.launcher);
        h.window->resize(1920, 1000);
        QVERIFY(h.showLoaded());
        QVERIFY(settle(h.window.get(), QSize(1920, 1000)));
        header = h.window->reportTable()->horizontalHeader();
        QVERIFY(header->isSectionHidden(ReportTableModel::SizeColumn));
        QVERIFY(!header->isSectionHidden(ReportTableModel::TypeColumn));
        QVERIFY(!header->isSectionHidden(ReportTableModel::GeneratedColumn));
        QVERIFY(!header->isSectionHidden(ReportTableModel::PeriodColumn));
        menu = openChooser(*h.window);
        QVERIFY(menu);
        QVERIFY(!columnAction(menu, ReportTableModel::SizeColumn)->isChecked());
        QVERIFY(columnAction(menu, ReportTableModel::GeneratedColumn)->isChecked());
        // Shown again from the chooser.
        columnAction(menu, ReportTableModel::SizeColumn)->trigger();
        menu->close();
        QVERIFY(!header->isSectionHidden(ReportTableModel::SizeColumn));
        QVERIFY(header->sectionSize(ReportTableModel::SizeColumn) >=
                h.window->reportTable()->fontMetrics().horizontalAdvance(u"999.9 MB"_s));
    }

private:
    QFont m_font;
};

QTEST_MAIN(TestReportsLayout)
#include "tst_reportslayout.moc"
