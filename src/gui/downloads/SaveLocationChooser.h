#pragma once

#include <QString>

class QWidget;

namespace getbill::gui {

/// Where the user wants files: the seam between the download flow and the operating system's file dialogs.
/// Production uses NativeSaveLocationChooser (the platform's own dialogs); tests inject an implementation that
/// answers without a dialog. An empty answer means the user cancelled.
class SaveLocationChooser
{
public:
    virtual ~SaveLocationChooser() = default;
    /// Asks where to save one file; `suggestedPath` is the folder plus the sanitised file name.
    virtual QString chooseSaveFile(QWidget *parent, const QString &caption, const QString &suggestedPath,
                                   const QString &filter) = 0;
    /// Asks for a folder (the "always save to" setting, or several reports at once).
    virtual QString chooseFolder(QWidget *parent, const QString &caption, const QString &startFolder) = 0;
    /// Asks for an existing file (the CA bundle setting).
    virtual QString chooseOpenFile(QWidget *parent, const QString &caption, const QString &startFolder,
                                   const QString &filter) = 0;
};

/// The production chooser: QFileDialog's static functions, which use the platform's native dialogs (never
/// the Qt-drawn replacement: users must get the dialog they know, with its overwrite confirmation and bookmarks).
class NativeSaveLocationChooser : public SaveLocationChooser
{
public:
    QString chooseSaveFile(QWidget *parent, const QString &caption, const QString &suggestedPath,
                           const QString &filter) override;
    QString chooseFolder(QWidget *parent, const QString &caption, const QString &startFolder) override;
    QString chooseOpenFile(QWidget *parent, const QString &caption, const QString &startFolder,
                           const QString &filter) override;
};

} // namespace getbill::gui
