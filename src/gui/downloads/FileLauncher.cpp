#include "FileLauncher.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QUrl>

namespace getbill::gui {

bool DesktopFileLauncher::open(const QString &path)
{
    return QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

bool DesktopFileLauncher::showInFolder(const QString &path)
{
    return QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
}

} // namespace getbill::gui
