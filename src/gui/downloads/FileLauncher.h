#pragma once

#include <QString>

namespace getbill::gui {

/// Opens saved files and their folders with the desktop's applications. A seam so that tests can check what
/// would be opened without launching a PDF viewer.
class FileLauncher
{
public:
    virtual ~FileLauncher() = default;
    virtual bool open(const QString &path) = 0;
    virtual bool showInFolder(const QString &path) = 0;
};

/// The production launcher: QDesktopServices (the user's default application and file manager).
class DesktopFileLauncher : public FileLauncher
{
public:
    bool open(const QString &path) override;
    /// Shows the file selected in the file manager (FileManager1 on Linux, Explorer, Finder); on Linux without
    /// FileManager1, opens the containing folder.
    bool showInFolder(const QString &path) override;
};

} // namespace getbill::gui
