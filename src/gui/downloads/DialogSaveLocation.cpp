#include "DialogSaveLocation.h"

#include "Format.h"
#include "SaveLocationChooser.h"
#include "Settings.h"

#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <QWidget>

namespace getbill::gui {

DialogSaveLocation::DialogSaveLocation(SaveLocationChooser *chooser, Settings *settings, QWidget *parent)
    : QObject(parent), m_chooser(chooser), m_settings(settings), m_parent(parent)
{}

QString DialogSaveLocation::startFolder() const
{
    // The last folder used, else the download folder, else home: a folder that is gone (an unplugged disk, a
    // deleted project) would leave the native dialog in the working directory.
    for (const QString &folder : {m_settings->lastSaveFolder(), m_settings->downloadFolder(), QDir::homePath()}) {
        if (!folder.isEmpty() && QFileInfo(folder).isDir())
            return folder;
    }
    return QDir::homePath();
}

void DialogSaveLocation::chooseFile(const Report &report, const QString &suggestedName, QObject *context, Answer answer)
{
    enqueue({[this, report, suggestedName] {
                 const QString title = report.title.isEmpty() ? report.id : report.title;
                 const QString filter = Format::fileKind(report.mimeType) + QStringLiteral(" (*.") +
                                        QFileInfo(suggestedName).suffix() + QStringLiteral(");;") + tr("All files (*)");
                 const QString path = m_chooser->chooseSaveFile(m_parent, tr("Save “%1”").arg(title),
                                                                QDir(startFolder()).filePath(suggestedName), filter);
                 if (!path.isEmpty())
                     m_settings->setLastSaveFolder(QFileInfo(path).absolutePath());
                 return path;
             },
             context, std::move(answer)});
}

void DialogSaveLocation::chooseFolder(int count, QObject *context, Answer answer)
{
    enqueue({[this, count] {
                 const QString folder =
                     m_chooser->chooseFolder(m_parent, tr("Save %n reports to", nullptr, count), startFolder());
                 if (!folder.isEmpty())
                     m_settings->setLastSaveFolder(folder);
                 return folder;
             },
             context, std::move(answer)});
}

void DialogSaveLocation::enqueue(Question question)
{
    m_questions.push_back(std::move(question));
    // From the event loop: the caller finishes what it was doing before a modal dialog spins its own loop.
    if (!m_asking)
        QTimer::singleShot(0, this, &DialogSaveLocation::next);
}

void DialogSaveLocation::next()
{
    if (m_asking)
        return;
    while (!m_questions.empty()) {
        Question question = std::move(m_questions.front());
        m_questions.pop_front();
        m_asking = true;
        const QString answer = question.ask();
        m_asking = false;
        if (question.context)
            question.answer(answer);
    }
}

} // namespace getbill::gui
