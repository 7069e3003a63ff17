#pragma once

#include "MainWindow.h"
#include "ReportTableModel.h"

#include <QStringList>

namespace getbill::test {

/// Up to `count` ids of the listed reports that can be downloaded and are small (under 1 MB), in list order: what the
/// drivers download to show a scene without waiting for a large file.
inline QStringList smallReports(const gui::MainWindow *window, int count)
{
    QStringList ids;
    const gui::ReportTableModel *model = window->reportModel();
    for (int row = 0; row < model->rowCount() && ids.size() < count; ++row) {
        const Report &r = model->reportAt(row);
        if (r.canDownload() && r.fileSize < 1'000'000)
            ids << r.id;
    }
    return ids;
}

} // namespace getbill::test
