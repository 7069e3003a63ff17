#pragma once

#include "download/SaveLocation.h"

#include <QObject>
#include <QPointer>
#include <deque>

class QWidget;

namespace getbill {
class Settings;
}

namespace getbill::gui {

class SaveLocationChooser;

/// The window's answer to "where should this go?": the platform's save dialog for one report (the sanitised name
/// in the last folder used), a folder dialog for several, one dialog at a time however many questions arrive
/// (a second drop while a dialog is open waits its turn). The folder chosen becomes the next dialog's start.
class DialogSaveLocation : public QObject, public SaveLocation
{
    Q_OBJECT
public:
    DialogSaveLocation(SaveLocationChooser *chooser, Settings *settings, QWidget *parent);

    void chooseFile(const Report &report, const QString &suggestedName, QObject *context, Answer answer) override;
    void chooseFolder(int count, QObject *context, Answer answer) override;

private:
    QString startFolder() const;
    struct Question
    {
        std::function<QString()> ask;
        QPointer<QObject> context;
        Answer answer;
    };
    void enqueue(Question question);
    void next();

    SaveLocationChooser *m_chooser;
    Settings *m_settings;
    QPointer<QWidget> m_parent;
    std::deque<Question> m_questions;
    bool m_asking = false;
};

} // namespace getbill::gui
