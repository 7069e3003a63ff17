// Message colours from the palette: the message bar at every level and the error labels read at 4.5:1 or better on
// a light, a dark and a high-contrast palette, measured on the rendered widget (its background pixels against the
// palette's text colour), and a theme switch while a message shows restyles it.

#include "MessageBar.h"
#include "Tint.h"

#include <QApplication>
#include <QImage>
#include <QLabel>
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
