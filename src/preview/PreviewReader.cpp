#include "preview/PreviewReader.h"

#include "preview/CsvReader.h"
#include "preview/XlsxReader.h"

#include <QFile>
#include <QFileInfo>

namespace getbill::preview {

std::optional<PreviewReader::Kind> PreviewReader::kindForFileName(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (suffix == u"csv" || suffix == u"tsv")
        return Kind::Csv;
    if (suffix == u"xlsx" || suffix == u"xlsm")
        return Kind::Xlsx;
    return std::nullopt;
}

TablePreview PreviewReader::read(const QString &path, Kind kind, QString *error, const std::atomic<bool> *cancel)
{
    Q_ASSERT(error);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("%1 could not be opened: %2").arg(QFileInfo(path).fileName(), file.errorString());
        return {};
    }
    if (kind == Kind::Xlsx)
        return XlsxReader(XlsxReader::Limits{}, cancel).read(&file, error);
    TablePreview preview = CsvReader(CsvReader::Limits{}, cancel).read(&file, error);
    if (!preview.sheets.isEmpty())
        preview.sheets.first().name = QFileInfo(path).completeBaseName();
    return preview;
}

} // namespace getbill::preview
