// Fuzzes CsvReader with property checks: every cap holds (rows, columns, cells, budget), a failure is a bounded
// message with no sheet, a success is one sheet that shows min(totalRows, maxRows) rows and no more rows than the
// input has lines, and the result does not depend on where the device's reads end (a pipe hands out the input
// in pieces: every CRLF, quote, BOM or UTF-8 sequence may be cut).
#include "FuzzChecks.h"
#include "PreviewChecks.h"
#include "preview/CsvReader.h"

#include <QBuffer>
#include <QByteArray>
#include <cstring>

using namespace getbill::preview;

namespace {

/// A sequential device that hands out at most `step` bytes per read.
class Trickle : public QIODevice
{
public:
    Trickle(const QByteArray &data, qint64 step) : m_data(data), m_step(step)
    {
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(qMin(maxSize, m_step), qint64(m_data.size()) - m_pos);
        std::memcpy(data, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    const QByteArray &m_data;
    qint64 m_step;
    qint64 m_pos = 0;
};

void quiet(QtMsgType, const QMessageLogContext &, const QString &)
{}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    qInstallMessageHandler(quiet);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer buffer;
    buffer.setData(input);
    buffer.open(QIODevice::ReadOnly);
    QString error;
    const TablePreview preview = CsvReader().read(&buffer, &error);
    fuzz::checkPreview(preview, error);
    if (error.isEmpty()) {
        FUZZ_CHECK(preview.sheets.size() == 1, "a CSV file is one sheet");
        const TablePreview::Sheet &sheet = preview.sheets.first();
        // Inputs this small cannot spend the budget: every row up to the cap is kept.
        if (size < size_t(CsvReader::chunkBytes))
            FUZZ_CHECK(sheet.shownRows() == qMin<qint64>(sheet.totalRows, TablePreview::maxRows),
                       "shownRows == min(totalRows, maxRows)");
        FUZZ_CHECK(sheet.totalRows <= input.count('\n') + input.count('\r') + 1, "no more rows than lines");
    }
    // Within one chunk the encoding is decided on the whole input either way, so reads of any size must agree.
    if (size < size_t(CsvReader::chunkBytes)) {
        Trickle trickle(input, 1 + qint64(size % 7));
        QString trickleError;
        const TablePreview again = CsvReader().read(&trickle, &trickleError);
        FUZZ_CHECK(trickleError == error, "the same error whatever the reads");
        FUZZ_CHECK(fuzz::sameSheets(preview, again), "the same rows whatever the reads");
    }
    return 0;
}
