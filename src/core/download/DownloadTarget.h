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
        UniqueFolder, ///< `path`/<sanitised name>, or "name (1).ext" when taken: never overwrites
        Ask,          ///< the SaveLocation seam asks (a file for one report, a folder for several)
    };
    Mode mode = Mode::Folder;
    QString path;
    bool overwrite = false;

    static DownloadTarget file(const QString &path, bool overwrite = false) { return {Mode::File, path, overwrite}; }
    static DownloadTarget folder(const QString &path, bool overwrite = false)
    {
        return {Mode::Folder, path, overwrite};
    }
    static DownloadTarget uniqueInFolder(const QString &path) { return {Mode::UniqueFolder, path, false}; }
    static DownloadTarget ask() { return {Mode::Ask, {}, false}; }
};

} // namespace getbill
