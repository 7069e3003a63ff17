#include "preview/XlsxReader.h"

#include "preview/SheetBuilder.h"
#include "preview/XlsxSheetReader.h"
#include "preview/XlsxWorkbook.h"

#include <QIODevice>
#include <utility>

namespace getbill::preview {

namespace {

/// The workbook-level parts first (XlsxWorkbook), then every visible worksheet in workbook order
/// (XlsxSheetReader), all sheets within one budget of kept cells.
bool readWorkbook(ZipArchive &zip, const XlsxReader::Limits &limits, TablePreview *preview, QString *error)
{
    XlsxWorkbook workbook(zip, limits);
    if (!workbook.read()) {
        *error = workbook.error();
        return false;
    }
    XlsxSheetReader reader(zip, workbook);
    SheetBuilder::Budget budget;
    for (const XlsxWorkbook::SheetEntry &entry : workbook.sheets()) {
        if (entry.hidden)
            continue;
        const XlsxWorkbook::Relationship *found = workbook.relationship(entry.relationshipId);
        // Chart sheets and dialog sheets have no cells to show.
        if (found && !found->type.endsWith(u"/worksheet"))
            continue;
        if (!found || !zip.contains(found->target)) {
            *error = XlsxReader::tr("The workbook lists the sheet \"%1\", but the file does not contain it.")
                         .arg(ZipArchive::displayName(entry.name));
            return false;
        }
        TablePreview::Sheet sheet;
        sheet.name = entry.name;
        if (!reader.read(found->target, &sheet, &budget)) {
            *error = reader.error();
            return false;
        }
        preview->sheets.append(std::move(sheet));
    }
    if (preview->sheets.isEmpty()) {
        *error = XlsxReader::tr("The workbook has no worksheet to show.");
        return false;
    }
    return true;
}

} // namespace

XlsxReader::XlsxReader() = default;

XlsxReader::XlsxReader(const Limits &limits, const std::atomic<bool> *cancel) : m_limits(limits), m_cancel(cancel)
{}

TablePreview XlsxReader::read(QIODevice *device, QString *error) const
{
    Q_ASSERT(error);
    error->clear();
    if (!device || !device->isReadable()) {
        *error = tr("The workbook could not be read: %1").arg(device ? device->errorString() : QString());
        return {};
    }
    if (device->isSequential()) {
        *error = tr("The workbook could not be read: a ZIP archive needs a device that can seek.");
        return {};
    }
    ZipArchive zip(device, m_limits.zip, m_cancel);
    if (!zip.open(error))
        return {};
    TablePreview preview;
    if (!readWorkbook(zip, m_limits, &preview, error))
        return {};
    return preview;
}

} // namespace getbill::preview
