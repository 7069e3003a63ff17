#include "DropOverlay.h"

#include "ReportLink.h"

#include <QDropEvent>
#include <QEvent>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>

namespace getbill::gui {

DropOverlay::DropOverlay(QWidget *parent, QWidget *dropTarget)
    : QWidget(parent), m_dropTarget(dropTarget), m_text(tr("Drop report ids to download"))
{
    setObjectName(QStringLiteral("dropOverlay"));
    setAccessibleName(tr("Drop area"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    hide();
    // Follow the parent's size while shown.
    parent->installEventFilter(this);
    dropTarget->setAcceptDrops(true);
    dropTarget->installEventFilter(this);
}

void DropOverlay::setText(const QString &text)
{
    m_text = text;
    update();
}

void DropOverlay::showOver()
{
    setGeometry(parentWidget()->rect());
    raise();
    show();
}

bool DropOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    if (watched == m_dropTarget && handleDrag(event))
        return true;
    return QWidget::eventFilter(watched, event);
}

bool DropOverlay::handleDrag(QEvent *event)
{
    switch (event->type()) {
    case QEvent::DragEnter: {
        auto *enter = static_cast<QDragEnterEvent *>(event);
        if (!ReportLink::canRead(enter->mimeData())) {
            enter->ignore();
            return true;
        }
        enter->acceptProposedAction();
        const int count = int(ReportLink::idsFromMimeData(enter->mimeData()).size());
        setText(count > 1 ? tr("Drop %n report ids to download", nullptr, count) : tr("Drop report ids to download"));
        showOver();
        return true;
    }
    case QEvent::DragMove: {
        auto *move = static_cast<QDragMoveEvent *>(event);
        if (ReportLink::canRead(move->mimeData()))
            move->acceptProposedAction();
        return true;
    }
    case QEvent::DragLeave:
        hide();
        return true;
    case QEvent::Drop: {
        auto *drop = static_cast<QDropEvent *>(event);
        hide();
        const QStringList ids = ReportLink::idsFromMimeData(drop->mimeData());
        drop->acceptProposedAction();
        if (ids.isEmpty())
            emit nothingToDrop();
        else
            emit idsDropped(ids);
        return true;
    }
    default:
        return false;
    }
}

void DropOverlay::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette().color(QPalette::Highlight);
    QColor wash = accent;
    wash.setAlpha(40);
    p.fillRect(rect(), wash);
    const QRectF frame = QRectF(rect()).adjusted(12, 12, -12, -12);
    QPen pen(accent, 3, Qt::DashLine);
    p.setPen(pen);
    p.drawRoundedRect(frame, 12, 12);

    QFont font = p.font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    p.setFont(font);
    const QRectF textBox = p.boundingRect(frame, Qt::AlignCenter | Qt::TextWordWrap, m_text).adjusted(-24, -14, 24, 14);
    QPainterPath pill;
    pill.addRoundedRect(textBox, 10, 10);
    p.fillPath(pill, palette().color(QPalette::Base));
    p.setPen(accent.darker(130));
    p.drawText(frame, Qt::AlignCenter | Qt::TextWordWrap, m_text);
}

} // namespace getbill::gui
