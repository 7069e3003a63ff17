#include "MessageBar.h"

#include "PlainText.h"
#include "Tint.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

namespace getbill::gui {

MessageBar::MessageBar(QWidget *parent)
    : QFrame(parent), m_icon(new QLabel(this)), m_text(new QLabel(this)), m_action(new QPushButton(this)),
      m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBar"));
    setFrameShape(QFrame::StyledPanel);
    setAccessibleName(tr("Message"));
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    PlainText::apply(m_text); // the API's own messages: text, never markup
    // The text and the button are heard as they read ("Retry", "Sign in…"): Qt names a label and a button by their
    // text, so the names follow every message.
    m_action->setObjectName(QStringLiteral("messageAction"));
    m_close->setObjectName(QStringLiteral("messageClose"));
    m_close->setText(QStringLiteral("✕"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Close this message"));
    m_close->setAccessibleName(tr("Close message"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);

    connect(m_action, &QPushButton::clicked, this, [this] {
        // Copy first: the action may show another message, which replaces m_callback.
        const std::function<void()> callback = m_callback;
        dismiss();
        if (callback)
            callback();
    });
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    hide();
}

void MessageBar::showMessage(Level level, const QString &text, const QString &actionText, std::function<void()> action)
{
    m_level = level;
    m_text->setText(text);
    m_callback = std::move(action);
    m_action->setText(actionText);
    m_action->setVisible(static_cast<bool>(m_callback));
    QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxInformation;
    Tint::Tone tone = Tint::Tone::Information;
    if (level == Level::Warning) {
        pixmap = QStyle::SP_MessageBoxWarning;
        tone = Tint::Tone::Warning;
    } else if (level == Level::Error) {
        pixmap = QStyle::SP_MessageBoxCritical;
        tone = Tint::Tone::Error;
    }
    Tint::apply(this, tone);
    m_icon->setPixmap(style()->standardIcon(pixmap).pixmap(20, 20));
    setAccessibleName(level == Level::Error     ? tr("Error")
                      : level == Level::Warning ? tr("Warning")
                                                : tr("Information"));
    setAccessibleDescription(text);
    m_action->setAccessibleDescription(actionText.isEmpty() ? QString() : text);
    show();
    emit shown(level, text);
}

void MessageBar::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    // A theme switch while a message shows: its colours follow.
    if (event->type() == QEvent::PaletteChange && !isHidden() && !m_restyling) {
        m_restyling = true;
        Tint::apply(this, m_level == Level::Error     ? Tint::Tone::Error
                          : m_level == Level::Warning ? Tint::Tone::Warning
                                                      : Tint::Tone::Information);
        m_restyling = false;
    }
}

void MessageBar::showError(const QString &text, std::function<void()> retry)
{
    // The label first: the callback is moved into the call below.
    const QString label = retry ? tr("Retry") : QString();
    showMessage(Level::Error, text, label, std::move(retry));
}

void MessageBar::showInformation(const QString &text)
{
    showMessage(Level::Information, text);
}

void MessageBar::dismiss()
{
    m_callback = {};
    hide();
    emit dismissed();
}

QString MessageBar::text() const
{
    return isVisibleTo(parentWidget()) ? m_text->text() : QString();
}

} // namespace getbill::gui
