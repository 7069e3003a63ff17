#pragma once

#include <QMessageBox>
#include <functional>

namespace getbill::gui {

/// "2 downloads are running": what quitting does to them, asked before anything is dropped. A window-modal
/// message box (opened, not exec()'d: the downloads go on while it is shown) whose buttons have object names, so
/// that tests and screen readers find them.
class QuitQuestion : public QMessageBox
{
    Q_OBJECT
public:
    enum class Choice
    {
        ResumeLater, ///< stop now, keep what arrived, continue at the next start
        KeepRunning, ///< hide the window, quit once the last download ended
        StayOpen,    ///< changed one's mind
    };

    /// Shows the question over `parent` and calls `answer` once with the choice (StayOpen when it is closed).
    static QuitQuestion *ask(QWidget *parent, int running, std::function<void(Choice)> answer);

private:
    QuitQuestion(QWidget *parent, int running);
};

} // namespace getbill::gui
