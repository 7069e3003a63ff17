#pragma once

#include <QAbstractButton>
#include <QAbstractScrollArea>
#include <QLabel>
#include <QStringList>
#include <QWidget>

namespace getbill::test {

/// What is cut in `page` as it is laid out now: every visible label and button must have at least its minimum
/// width (buttons and labels that do not wrap: their whole text, sizeHint), a wrapping label the height its text
/// needs at its width, and each must lie inside `viewport` from left to right (a page that scrolls up and down only
/// may run below it). Empty when nothing is cut; otherwise one line per widget, for the failure message.
inline QStringList clippedWidgets(QWidget *page, QWidget *viewport)
{
    QStringList problems;
    const auto describe = [](QWidget *w, const QString &what) {
        QString text;
        if (auto *label = qobject_cast<QLabel *>(w))
            text = label->text();
        else if (auto *button = qobject_cast<QAbstractButton *>(w))
            text = button->text();
        return QStringLiteral("%1 \"%2\" %3x%4: %5")
            .arg(w->objectName(), text.left(40))
            .arg(w->width())
            .arg(w->height())
            .arg(what);
    };
    const QList<QWidget *> children = page->findChildren<QWidget *>();
    for (QWidget *w : children) {
        if (!w->isVisibleTo(page) || (!qobject_cast<QLabel *>(w) && !qobject_cast<QAbstractButton *>(w)))
            continue;
        auto *label = qobject_cast<QLabel *>(w);
        const bool wraps = label && label->wordWrap();
        const int needed = wraps ? w->minimumSizeHint().width() : w->sizeHint().width();
        if (w->width() < needed)
            problems << describe(w, QStringLiteral("narrower than the %1 it needs").arg(needed));
        if (wraps && !label->text().isEmpty() && w->height() < label->heightForWidth(w->width()))
            problems << describe(
                w, QStringLiteral("shorter than the %1 its wrapped text needs").arg(label->heightForWidth(w->width())));
        if (!wraps && w->height() < w->minimumSizeHint().height())
            problems << describe(w, QStringLiteral("shorter than its text"));
        const QRect inViewport(
            w->mapTo(viewport->window(), QPoint(0, 0)) - viewport->mapTo(viewport->window(), QPoint(0, 0)), w->size());
        if (inViewport.left() < 0 || inViewport.right() >= viewport->width())
            problems << describe(w, QStringLiteral("outside the visible width %1 (x %2..%3)")
                                        .arg(viewport->width())
                                        .arg(inViewport.left())
                                        .arg(inViewport.right()));
    }
    return problems;
}

} // namespace getbill::test
