// Message colours from the palette: the message bar at every level and the error labels read at 4.5:1 or better on
// a light, a dark and a high-contrast palette, measured on the rendered widget (its background pixels against the
// palette's text colour), and a theme switch while a message shows restyles it. The downloads list's red "Failed" and
// green "Saved" are measured the same way on its rendered rows.

#include "DownloadItemDelegate.h"
#include "MessageBar.h"
#include "Tint.h"
#include "download/DownloadListModel.h"
#include "download/DownloadQueue.h"
#include "download/ReportDownloadJob.h"

#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QListView>
#include <QStandardItemModel>
#include <QStyle>
#include <QStyleFactory>
#include <QtTest>
#include <memory>

using namespace getbill::gui;
using namespace Qt::StringLiterals;

namespace {

QPalette makePalette(const QString &name)
{
    const std::unique_ptr<QStyle> fusion(QStyleFactory::create(u"Fusion"_s));
    QPalette p = fusion->standardPalette();
    QColor window, text, highlight;
    if (name == u"dark") {
        window = QColor(0x2b, 0x2d, 0x31);
        text = QColor(0xe6, 0xe6, 0xe6);
        highlight = QColor(0x3d, 0x6e, 0xb4);
    } else if (name == u"high contrast") {
        window = Qt::black;
        text = Qt::white;
        highlight = QColor(0x00, 0xff, 0xff);
    } else {
        window = QColor(0xef, 0xef, 0xef);
        text = Qt::black;
        highlight = QColor(0x30, 0x8c, 0xc6);
    }
    for (const auto role : {QPalette::Window, QPalette::Base, QPalette::Button})
        p.setColor(role, window);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(role, text);
    p.setColor(QPalette::Highlight, highlight);
    // A list's every other row, a shade off the window.
    p.setColor(QPalette::AlternateBase, Tint::background(p, Tint::Tone::Information));
    return p;
}

/// The most common colour of the widget's rendered pixels: its background.
QColor renderedBackground(QWidget *widget)
{
    const QImage image = widget->grab().toImage();
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            ++counts[image.pixel(x, y)];
    QRgb best = 0;
    int most = -1;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            best = it.key();
        }
    return QColor::fromRgb(best);
}

} // namespace

class TestTint : public QObject
{
    Q_OBJECT

private slots:
    void contrastRatioIsWcags()
    {
        QCOMPARE(Tint::contrast(Qt::black, Qt::white), 21.0);
        QCOMPARE(Tint::contrast(Qt::gray, Qt::gray), 1.0);
        QVERIFY(qAbs(Tint::contrast(QColor(0x76, 0x76, 0x76), Qt::white) - 4.54) < 0.01);
    }

    void messagesReadOnEveryPalette_data()
    {
        QTest::addColumn<QString>("palette");
        QTest::newRow("light") << u"light"_s;
        QTest::newRow("dark") << u"dark"_s;
        QTest::newRow("high contrast") << u"high contrast"_s;
    }

    void messagesReadOnEveryPalette()
    {
        QFETCH(QString, palette);
        const QPalette old = QApplication::palette();
        QApplication::setPalette(makePalette(palette));
        const QColor text = QApplication::palette().color(QPalette::WindowText);
        MessageBar bar;
        bar.resize(600, 60);
        for (const auto level :
             {MessageBar::Level::Information, MessageBar::Level::Warning, MessageBar::Level::Error}) {
            bar.showMessage(level, u"The report list could not be loaded."_s, u"Retry"_s, [] {});
            const QColor background = renderedBackground(&bar);
            QVERIFY2(background != QApplication::palette().color(QPalette::Window) || palette == u"high contrast",
                     "a message stands out from the window");
            const double ratio = Tint::contrast(background, text);
            QVERIFY2(ratio >= 4.5, qPrintable(u"%1 on %2: %3:1"_s.arg(text.name(), background.name()).arg(ratio)));
            QCOMPARE(bar.findChild<QLabel *>(u"messageText"_s)->palette().color(QPalette::WindowText), text);
        }
        QLabel error(u"The folder could not be created."_s);
        error.setObjectName(u"errorLabel"_s);
        Tint::apply(&error, Tint::Tone::Error, u"padding:6px;"_s);
        error.resize(400, 40);
        QVERIFY(Tint::contrast(renderedBackground(&error), text) >= 4.5);
        QApplication::setPalette(old);
    }

    void downloadStatesReadOnEveryPalette_data() { messagesReadOnEveryPalette_data(); }

    void downloadStatesReadOnEveryPalette()
    {
        // "Failed" in red and "Saved" in green on plain and alternate rows: the ink of the rendered word (its pixel
        // farthest from the row) against the row, and still red or green.
        using State = getbill::ReportDownloadJob::State;
        QFETCH(QString, palette);
        const QPalette old = QApplication::palette();
        QApplication::setPalette(makePalette(palette));
        QStandardItemModel model;
        const State states[] = {State::Failed, State::Done, State::Failed, State::Done};
        for (const State state : states) {
            auto *item = new QStandardItem;
            item->setData(QVariant::fromValue(state), getbill::DownloadQueue::StateRole);
            item->setData(u"Quarterly ledger"_s, getbill::DownloadQueue::TitleRole);
            item->setData(u"Refused by the download host."_s, getbill::DownloadQueue::ErrorRole);
            item->setData(u"/home/user/Reports/ledger.pdf"_s, getbill::DownloadQueue::TargetPathRole);
            item->setData(false, getbill::DownloadListModel::FileMissingRole);
            model.appendRow(item);
        }
        QListView view;
        QFont font = view.font();
        font.setPixelSize(20); // stems wide enough to carry the full ink
        view.setFont(font);
        view.setModel(&model);
        view.setItemDelegate(new DownloadItemDelegate(&view));
        view.setAlternatingRowColors(true);
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.viewport()->grab().toImage();
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row, 0);
            const QRect rect = view.visualRect(index);
            const QFontMetrics metrics(font);
            const QString word = DownloadItemDelegate::stateText(index);
            const int width = metrics.horizontalAdvance(word) + 8;
            const QRect status(rect.right() - 8 - width, rect.top() + 4, width, metrics.height());
            const QColor background = QColor::fromRgb(image.pixel(rect.left() + 2, rect.bottom() - 2));
            QColor ink = background;
            for (int y = status.top(); y <= status.bottom(); ++y)
                for (int x = status.left(); x <= status.right(); ++x) {
                    const QColor c = QColor::fromRgb(image.pixel(x, y));
                    if (Tint::contrast(c, background) > Tint::contrast(ink, background))
                        ink = c;
                }
            const double ratio = Tint::contrast(ink, background);
            QVERIFY2(ratio >= 4.5,
                     qPrintable(u"%1 in %2 on %3: %4:1"_s.arg(word, ink.name(), background.name()).arg(ratio)));
            if (states[row] == State::Failed)
                QVERIFY2(ink.red() > ink.green() && ink.red() > ink.blue(), qPrintable(word + u' ' + ink.name()));
            else
                QVERIFY2(ink.green() > ink.red() && ink.green() > ink.blue(), qPrintable(word + u' ' + ink.name()));
        }
        QApplication::setPalette(old);
    }

    void aThemeSwitchRestylesTheShownMessage()
    {
        const QPalette old = QApplication::palette();
        QApplication::setPalette(makePalette(u"light"_s));
        MessageBar bar;
        bar.resize(600, 60);
        bar.show();
        bar.showError(u"Failed"_s, [] {});
        const QColor light = renderedBackground(&bar);
        QApplication::setPalette(makePalette(u"dark"_s));
        QCoreApplication::processEvents();
        const QColor dark = renderedBackground(&bar);
        QVERIFY(dark.lightness() < light.lightness());
        QVERIFY(Tint::contrast(dark, QColor(0xe6, 0xe6, 0xe6)) >= 4.5);
        QApplication::setPalette(old);
    }
};

QTEST_MAIN(TestTint)
#include "tst_tint.moc"
