#include "DownloadItemDelegate.h"

#include "Format.h"
#include "PlainText.h"
#include "ReportIcons.h"
#include "Tint.h"
#include "download/DownloadListModel.h"
#include "download/DownloadQueue.h"
#include "download/ReportDownloadJob.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

namespace getbill::gui {

namespace {
using State = ReportDownloadJob::State;

State stateOf(const QModelIndex &index)
{
    return index.data(DownloadQueue::StateRole).value<State>();
}
} // namespace

int DownloadItemDelegate::percent(const QModelIndex &index)
{
    const qint64 total = index.data(DownloadQueue::TotalBytesRole).toLongLong();
    const qint64 done = index.data(DownloadQueue::BytesReceivedRole).toLongLong();
    if (stateOf(index) == State::Done)
        return 100;
    if (total <= 0)
        return -1;
    return static_cast<int>(qBound(qint64(0), done * 100 / total, qint64(100)));
}

QString DownloadItemDelegate::stateText(const QModelIndex &index)
{
    switch (stateOf(index)) {
    case State::Queued:
        return tr("Queued");
    case State::GettingLink:
        return tr("Getting the download link…");
    case State::Downloading:
        return tr("Downloading");
    case State::Verifying:
        return tr("Verifying…");
    case State::Waiting:
        return tr("Waiting to retry");
    case State::Done:
        return index.data(DownloadListModel::FileMissingRole).toBool() ? tr("File moved or deleted") : tr("Saved");
    case State::Failed:
        return tr("Failed");
    case State::Cancelled:
        return tr("Cancelled");
    case State::Interrupted:
        return tr("Paused");
    }
    return {};
}

QString DownloadItemDelegate::accessibleText(const QModelIndex &index)
{
    const QString title = index.data(DownloadQueue::TitleRole).toString();
    const QString text = tr("%1, %2").arg(title, stateText(index));
    const int pct = percent(index);
    const State state = stateOf(index);
    if (pct < 0 || state == State::Done || state == State::Failed || state == State::Cancelled)
        return text;
    return tr("%1, %2 %").arg(text).arg(pct);
}

QString DownloadItemDelegate::detailText(const QModelIndex &index)
{
    const State state = stateOf(index);
    switch (state) {
    case State::Done: {
        QString path = QDir::toNativeSeparators(index.data(DownloadQueue::TargetPathRole).toString());
        // What a watch rule saved says which rule: the user did not ask for it by hand.
        if (const QString rule = index.data(DownloadListModel::OriginRole).toString(); !rule.isEmpty())
            path = tr("Watch rule “%1” · %2").arg(rule, path);
        const QDateTime at = index.data(DownloadQueue::FinishedAtRole).toDateTime();
        // When it was saved, for the rows of earlier days; today's rows show the path alone.
        if (!at.isValid() || at.toLocalTime().date() == QDate::currentDate())
            return path;
        return tr("%1 · %2").arg(QLocale().toString(at.toLocalTime(), QLocale::ShortFormat), path);
    }
    case State::Failed:
        return index.data(DownloadQueue::ErrorRole).toString();
    case State::Cancelled:
        return tr("Nothing was saved.");
    case State::Interrupted:
        return tr("Resumes the next time GetBill Reports starts.");
    case State::Waiting: {
        const QDateTime at = index.data(DownloadQueue::RetryAtRole).toDateTime();
        const QString error = index.data(DownloadQueue::ErrorRole).toString();
        const qint64 in = at.isValid() ? qMax<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(at)) : 0;
        return tr("%1 Next attempt in %2.").arg(error, Format::duration(in));
    }
    case State::Queued:
    case State::GettingLink:
    case State::Downloading:
    case State::Verifying:
        break;
    }
    const qint64 total = index.data(DownloadQueue::TotalBytesRole).toLongLong();
    const qint64 done = index.data(DownloadQueue::BytesReceivedRole).toLongLong();
    if (state != State::Downloading)
        return total > 0 ? Format::dataSize(total) : QString();
    QStringList parts;
    const int pct = percent(index);
    if (pct >= 0)
        parts << tr("%1 %").arg(pct);
    parts << (total > 0 ? tr("%1 of %2").arg(Format::dataSize(done), Format::dataSize(total)) : Format::dataSize(done));
    const QString speed = Format::speed(index.data(DownloadQueue::SpeedRole).toDouble());
    if (!speed.isEmpty())
        parts << speed;
    const QVariant left = index.data(DownloadQueue::SecondsLeftRole);
    if (left.isValid())
        parts << tr("%1 left").arg(Format::duration(left.toLongLong()));
    return parts.join(QStringLiteral(" · "));
}

QSize DownloadItemDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const int line = option.fontMetrics.height();
    return {300, line * 2 + 22};
}

void DownloadItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    // Background and selection the way the style draws them, then our own two lines on top.
    opt.text.clear();
    opt.icon = QIcon();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const State state = stateOf(index);
    const QRect box = option.rect.adjusted(8, 4, -8, -4);
    const int line = option.fontMetrics.height();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = option.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QColor text = option.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);

    painter->save();
    QFont bold = option.font;
    bold.setBold(true);
    const QString status = stateText(index);
    const QFontMetrics boldMetrics(bold);
    const int statusWidth = option.fontMetrics.horizontalAdvance(status) + 8;
    const QRect titleRect(box.left(), box.top(), box.width() - statusWidth, line);
    painter->setFont(bold);
    painter->setPen(text);
    painter->drawText(
        titleRect, Qt::AlignLeft | Qt::AlignVCenter,
        boldMetrics.elidedText(index.data(DownloadQueue::TitleRole).toString(), Qt::ElideRight, titleRect.width()));
    painter->setFont(option.font);
    // Red and green from the palette the user runs (Tint): readable on light, dark and high-contrast rows alike.
    QColor statusColour = text;
    if (!selected && state == State::Failed)
        statusColour = Tint::text(option.palette, Tint::Tone::Error);
    else if (!selected && state == State::Done && !index.data(DownloadListModel::FileMissingRole).toBool())
        statusColour = Tint::text(option.palette, Tint::Tone::Success);
    painter->setPen(statusColour);
    painter->drawText(QRect(box.right() - statusWidth, box.top(), statusWidth, line), Qt::AlignRight | Qt::AlignVCenter,
                      status);

    const QRect second(box.left(), box.top() + line + 6, box.width(), line + 4);
    const QString detail = detailText(index);
    if (state == State::Downloading || state == State::GettingLink || state == State::Queued) {
        const int barWidth = qMin(260, second.width() / 2);
        QStyleOptionProgressBar bar;
        bar.rect = QRect(second.left(), second.top(), barWidth, second.height());
        bar.minimum = 0;
        bar.maximum = percent(index) < 0 && state == State::Downloading ? 0 : 100;
        bar.progress = qMax(0, percent(index));
        bar.state = QStyle::State_Enabled | QStyle::State_Horizontal;
        bar.textVisible = false;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, opt.widget);
        const QRect rest(second.left() + barWidth + 10, second.top(), second.width() - barWidth - 10, second.height());
        painter->setPen(text);
        painter->drawText(rest, Qt::AlignLeft | Qt::AlignVCenter,
                          option.fontMetrics.elidedText(detail, Qt::ElideRight, rest.width()));
    } else {
        painter->setPen(state == State::Failed && !selected ? statusColour : text);
        painter->drawText(second, Qt::AlignLeft | Qt::AlignVCenter,
                          option.fontMetrics.elidedText(detail, state == State::Done ? Qt::ElideMiddle : Qt::ElideRight,
                                                        second.width()));
    }
    painter->restore();
}

bool DownloadItemDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                                     const QModelIndex &index)
{
    if (event->type() != QEvent::ToolTip)
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    const QString text = PlainText::toolTip(index.data(Qt::ToolTipRole).toString());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPos(), text, view);
    return true;
}

} // namespace getbill::gui
