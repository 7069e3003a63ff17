#pragma once

#include <QFrame>
#include <functional>

class QLabel;
class QPushButton;
class QToolButton;

namespace getbill::gui {

/// The inline message strip above the report list: routine failures (the API's message) and notices, with an
/// optional action such as Retry. Used instead of modal dialogs, which would interrupt for things that can wait.
class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Level
    {
        Information,
        Warning,
        Error
    };

    explicit MessageBar(QWidget *parent = nullptr);

    /// Shows `text`; with `action`, a button labelled `actionText` runs it and closes the bar.
    void showMessage(Level level, const QString &text, const QString &actionText = {},
                     std::function<void()> action = {});
    void showError(const QString &text, std::function<void()> retry = {});
    void showInformation(const QString &text);
    void dismiss();

    QString text() const;
    Level level() const { return m_level; }
    QPushButton *actionButton() const { return m_action; }

signals:
    void dismissed();
    /// A message was shown (the diagnostics keep the errors and warnings).
    void shown(getbill::gui::MessageBar::Level level, const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QToolButton *m_close;
    std::function<void()> m_callback;
    Level m_level = Level::Information;
    bool m_restyling = false;
};

} // namespace getbill::gui
