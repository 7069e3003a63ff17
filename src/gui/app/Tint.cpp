#include "Tint.h"

#include <QApplication>
#include <QPalette>
#include <QWidget>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace getbill::gui::Tint {

namespace {

QColor accent(const QPalette &palette, Tone tone)
{
    switch (tone) {
    case Tone::Information:
        return palette.color(QPalette::Highlight);
    case Tone::Warning:
    case Tone::Demo:
        return QColor(0xe0, 0xa8, 0x00); // amber: the tone itself, on any palette
    case Tone::Error:
        return QColor(0xd0, 0x30, 0x28);
    case Tone::Success:
        return QColor(0x2e, 0xa0, 0x43); // green
    }
    return palette.color(QPalette::Highlight);
}

QColor mix(const QColor &base, const QColor &tint, double amount)
{
    const auto channel = [amount](int a, int b) {
        return int(std::lround(a + (b - a) * amount));
    };
    return QColor(channel(base.red(), tint.red()), channel(base.green(), tint.green()),
                  channel(base.blue(), tint.blue()));
}

double luminance(const QColor &c)
{
    const auto linear = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

} // namespace

QColor background(const QPalette &palette, Tone tone)
{
    const QColor window = palette.color(QPalette::Window);
    const QColor text = palette.color(QPalette::WindowText);
    // As much of the accent as the text still reads on (4.5:1), at most a fifth.
    for (double amount = 0.2; amount > 0.0; amount -= 0.04) {
        const QColor tinted = mix(window, accent(palette, tone), amount);
        if (contrast(tinted, text) >= 4.5)
            return tinted;
    }
    return window;
}

QColor border(const QPalette &palette, Tone tone)
{
    return mix(palette.color(QPalette::Window), accent(palette, tone), 0.6);
}

QColor text(const QPalette &palette, Tone tone)
{
    const QColor plain = palette.color(QPalette::Text);
    const QColor rows[] = {palette.color(QPalette::Base), palette.color(QPalette::AlternateBase)};
    // The pure tone reads on few palettes (red on near-black is 3:1); mixed with the text colour it reads on all.
    for (double amount = 1.0; amount > 0.0; amount -= 0.05) {
        const QColor tinted = mix(plain, accent(palette, tone), amount);
        if (std::all_of(std::begin(rows), std::end(rows),
                        [&](const QColor &row) { return contrast(tinted, row) >= 4.5; }))
            return tinted;
    }
    return plain;
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

void apply(QWidget *widget, Tone tone, const QString &extra)
{
    // The application's palette for the widget, not the widget's own: a style sheet colours that one.
    const QPalette palette = QApplication::palette(widget);
    const QString selector = QLatin1Char('#') + widget->objectName();
    widget->setStyleSheet(QStringLiteral("%1{background:%2;border:1px solid %3;border-radius:4px;color:%4;%5}"
                                         "%1 QLabel{color:%4;background:transparent;border:none;}")
                              .arg(selector, background(palette, tone).name(), border(palette, tone).name(),
                                   palette.color(QPalette::WindowText).name(), extra));
}

} // namespace getbill::gui::Tint
