#include "SaveLocationChooser.h"

#include <QFileDialog>

namespace getbill::gui {

QString NativeSaveLocationChooser::chooseSaveFile(QWidget *parent, const QString &caption, const QString &suggestedPath,
                                                  const QString &filter)
{
    // Default options on purpose: the native dialog, which also asks before replacing an existing file.
    return QFileDialog::getSaveFileName(parent, caption, suggestedPath, filter);
}

QString NativeSaveLocationChooser::chooseFolder(QWidget *parent, const QString &caption, const QString &startFolder)
{
    return QFileDialog::getExistingDirectory(parent, caption, startFolder);
}

QString NativeSaveLocationChooser::chooseOpenFile(QWidget *parent, const QString &caption, const QString &startFolder,
                                                  const QString &filter)
{
    return QFileDialog::getOpenFileName(parent, caption, startFolder, filter);
}

} // namespace getbill::gui
