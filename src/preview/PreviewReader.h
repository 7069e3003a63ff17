#pragma once

#include "preview/TablePreview.h"

#include <QCoreApplication>
#include <atomic>
#include <optional>

namespace getbill::preview {

/// The preview's entry point for the GUI: reads a downloaded CSV or XLSX file into a TablePreview with the default
/// limits. Meant to run off the GUI thread (QtConcurrent::run or a worker QThread): it touches no shared state,
/// and a flag the GUI sets stops it at the next chunk or token.
class PreviewReader
{
    Q_DECLARE_TR_FUNCTIONS(getbill::preview::PreviewReader)

public:
    enum class Kind
    {
        Csv,
        Xlsx
    };

    /// What a file name says it is: .csv and .tsv are Csv, .xlsx and .xlsm Xlsx (any case); nothing else.
    static std::optional<Kind> kindForFileName(const QString &fileName);

    /// Reads the file at `path` as `kind`; a CSV file's sheet takes the file's base name. On failure (also when
    /// `*cancel` was set) the preview is empty and `*error` says why, in words for the user.
    static TablePreview read(const QString &path, Kind kind, QString *error, const std::atomic<bool> *cancel = nullptr);
};

} // namespace getbill::preview
