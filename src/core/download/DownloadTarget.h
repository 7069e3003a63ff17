#pragma once

#include <QString>

namespace getbill {

/// Where a report's file goes.
struct DownloadTarget
{
    enum class Mode
    {
        File,         ///< exactly `path` (the save dialog's answer, or --output)
        Folder,       ///< `path`/<sanitised server filename>; fails if it exists unless overwrite
        UniqueFolder, ///< `path`/<sanitised name, or `name`>, or "name (1).ext" when taken: never overwrites
        Ask,          ///< the SaveLocation seam asks (a file for one report, a folder for several)
    };
    Mode mode = Mode::Folder;
    QString path;
    bool overwrite = false;
    /// UniqueFolder: the file name to use instead of the server's (already safe: a sync template's last part).
    QString name;
    /// Who asked, when it was not the user: a watch rule's name, recorded with the file (DownloadRecord::origin).
    QString origin = {};

    static DownloadTarget file(const QString &path, bool overwrite = false)
    {
        return {Mode::File, path, overwrite, {}};
    }
    static DownloadTarget folder(const QString &path, bool overwrite = false)
    {
        return {Mode::Folder, path, overwrite, {}};
    }
    static DownloadTarget uniqueInFolder(const QString &path, const QString &name = {})
    {
        return {Mode::UniqueFolder, path, false, name};
    }
    static DownloadTarget ask() { return {Mode::Ask, {}, false, {}}; }
};

} // namespace getbill
