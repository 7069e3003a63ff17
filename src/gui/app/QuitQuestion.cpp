#include "QuitQuestion.h"

#include <QPushButton>

namespace getbill::gui {

QuitQuestion::QuitQuestion(QWidget *parent, int running) : QMessageBox(parent)
{
    setObjectName(QStringLiteral("quitQuestion"));
    setIcon(QMessageBox::Question);
    setWindowTitle(tr("Quit GetBill Reports"));
    setTextFormat(Qt::PlainText);
    setText(running == 1 ? tr("A download is running.") : tr("%n downloads are running.", nullptr, running));
    setInformativeText(running == 1 ? tr("Quit now and it continues where it stopped the next time GetBill Reports "
                                         "starts, or let it finish with the window closed.")
                                    : tr("Quit now and they continue where they stopped the next time GetBill Reports "
                                         "starts, or let them finish with the window closed."));
    QPushButton *later = addButton(tr("&Quit and resume later"), QMessageBox::AcceptRole);
    later->setObjectName(QStringLiteral("quitResumeLater"));
    QPushButton *keep = addButton(tr("&Keep downloading in the background"), QMessageBox::ActionRole);
    keep->setObjectName(QStringLiteral("quitKeepRunning"));
    QPushButton *cancel = addButton(QMessageBox::Cancel);
    cancel->setObjectName(QStringLiteral("quitCancel"));
    setDefaultButton(later);
    setEscapeButton(cancel);
    setWindowModality(Qt::WindowModal);
    setAttribute(Qt::WA_DeleteOnClose);
}

QuitQuestion *QuitQuestion::ask(QWidget *parent, int running, std::function<void(Choice)> answer)
{
    auto *question = new QuitQuestion(parent, running);
    connect(question, &QMessageBox::finished, question, [question, answer = std::move(answer)] {
        const QString clicked = question->clickedButton() ? question->clickedButton()->objectName() : QString();
        answer(clicked == QLatin1String("quitResumeLater")   ? Choice::ResumeLater
               : clicked == QLatin1String("quitKeepRunning") ? Choice::KeepRunning
                                                             : Choice::StayOpen);
    });
    question->open();
    return question;
}

} // namespace getbill::gui
