// Where the window opens: a first start fits a 1280x800 screen, a geometry saved on a larger screen (or at another
// scale) is moved and shrunk into the available area, and a real window restored from such a geometry ends inside
// its screen.

#include "WindowPlacement.h"

#include <QGuiApplication>
#include <QMainWindow>
#include <QScreen>
#include <QtTest>

using namespace getbill::gui;

class TestWindowPlacement : public QObject
{
    Q_OBJECT

private slots:
    void firstStartFitsA1280x800Screen()
    {
        const QRect laptop(0, 0, 1280, 800 - 32); // a panel takes the bottom
        const QSize size = WindowPlacement::defaultSize(laptop);
        QVERIFY(size.width() <= laptop.width() && size.height() <= laptop.height());
        QCOMPARE(WindowPlacement::defaultSize(QRect(0, 0, 3840, 2160)), QSize(1200, 740));
        const QSize small = WindowPlacement::defaultSize(QRect(0, 0, 800, 500));
        QVERIFY(small.width() <= 800 && small.height() <= 500);
        QVERIFY(!small.isEmpty());
    }

    void savedGeometryIsFittedIntoTheScreen_data()
    {
        QTest::addColumn<QRect>("wanted");
        QTest::addColumn<QRect>("available");
        QTest::addColumn<QRect>("expected");
        // The case: 1980x1200 saved, a 1920x1080 screen at 1.5x (1280x720 logical).
        QTest::newRow("larger than the screen")
            << QRect(0, 0, 1980, 1200) << QRect(0, 0, 1280, 720) << QRect(0, 0, 1280, 720);
        QTest::newRow("off to the right")
            << QRect(1500, 100, 800, 600) << QRect(0, 0, 1920, 1080) << QRect(1120, 100, 800, 600);
        QTest::newRow("above the top") << QRect(100, -300, 800, 600) << QRect(0, 30, 1920, 1050)
                                       << QRect(100, 30, 800, 600);
        QTest::newRow("second screen, left of it")
            << QRect(1800, 0, 800, 600) << QRect(1920, 0, 1920, 1080) << QRect(1920, 0, 800, 600);
        QTest::newRow("fits already") << QRect(200, 100, 800, 600) << QRect(0, 0, 1920, 1080)
                                      << QRect(200, 100, 800, 600);
    }

    void savedGeometryIsFittedIntoTheScreen()
    {
        QFETCH(QRect, wanted);
        QFETCH(QRect, available);
        QFETCH(QRect, expected);
        const QRect fitted = WindowPlacement::fitted(wanted, available);
        QCOMPARE(fitted, expected);
        QVERIFY(available.contains(fitted));
    }

    void aRealWindowRestoredFromALargerScreenEndsInsideThisOne()
    {
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        // A geometry saved on a screen twice as large, off to the right.
        QMainWindow big;
        big.setGeometry(available.right() - 100, available.top() + 50, available.width() * 2, available.height() * 2);
        const QByteArray saved = big.saveGeometry();

        QMainWindow window;
        WindowPlacement::restore(&window, saved);
        QVERIFY2(available.contains(window.geometry()), qPrintable(QStringLiteral("%1,%2 %3x%4 in %5x%6")
                                                                       .arg(window.x())
                                                                       .arg(window.y())
                                                                       .arg(window.width())
                                                                       .arg(window.height())
                                                                       .arg(available.width())
                                                                       .arg(available.height())));
        // A first start (nothing saved, or damaged bytes): the default size, inside the screen.
        QMainWindow fresh;
        WindowPlacement::restore(&fresh, QByteArray("not a geometry"));
        QCOMPARE(fresh.size(), WindowPlacement::defaultSize(available));
        QVERIFY(available.contains(fresh.geometry()));
    }
};

QTEST_MAIN(TestWindowPlacement)
#include "tst_windowplacement.moc"
