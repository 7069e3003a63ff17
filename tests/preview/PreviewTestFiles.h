#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <utility>

namespace getbill::preview::test {

/// One entry of a ZIP archive written by writeZip(): fixed bytes, or `generatedSize` bytes streamed from
/// `generate(offset, maxBytes)` so that a test never holds a large entry in memory.
struct ZipPart
{
    QString name;
    QByteArray data;
    qint64 generatedSize = 0;
    std::function<QByteArray(qint64 offset, qint64 maxBytes)> generate;
    bool deflate = true;
    /// When >= 0, the headers declare this uncompressed size (and a CRC of 0) instead of the truth.
    qint64 declaredSize = -1;
};

ZipPart bytesPart(const QString &name, const QByteArray &data, bool deflate = true);
ZipPart generatedPart(const QString &name, qint64 size, std::function<QByteArray(qint64, qint64)> generate,
                      qint64 declaredSize = -1);

/// Writes a ZIP archive with QuaZip (stored or deflated entries, optionally with lying headers). False on failure.
bool writeZip(const QString &path, const QList<ZipPart> &parts);

/// A stored ZIP archive in memory, from the sandbox's ZipWriter (a known, simple layout that tests patch).
QByteArray storedZip(const QList<std::pair<QString, QByteArray>> &parts);

/// Header fields of a ZIP entry that patchZip() overwrites, in its local header, its central header or both.
enum class ZipField
{
    Signature,
    Flags,
    Method,
    Crc,
    CompressedSize,
    UncompressedSize
};
/// Overwrites one 16- or 32-bit field of the entry `name` in a storedZip() archive; false when not found.
bool patchZip(QByteArray *zip, const QString &name, ZipField field, quint32 value, bool local = true,
              bool central = true);

/// A minimal XLSX workbook: content types, package and workbook relationships, the workbook with its sheets,
/// and optional shared strings and styles. parts() lists every part, so a test can drop or replace one.
struct TestWorkbook
{
    struct Sheet
    {
        QString name;
        QByteArray sheetData; // the rows: what goes inside <sheetData>
        QByteArray state;     // "hidden", "veryHidden" or empty
    };
    QList<Sheet> sheets;
    QStringList sharedStrings;   // each written as <si><t>...</t></si>
    QByteArray sharedStringsXml; // the whole part instead, when set
    QByteArray stylesXml;        // the whole styles part; none when empty
    QByteArray workbookPr;       // attributes of <workbookPr>, e.g. date1904="1"

    QList<std::pair<QString, QByteArray>> parts() const;
    QByteArray zip() const { return storedZip(parts()); }
};

/// `<row r="N">` with inline-string or number cells: text that parses as a number becomes a number cell.
QByteArray row(int number, const QStringList &cells);

bool writeFile(const QString &path, const QByteArray &bytes);

/// A sequential device over fixed bytes that hands out at most `step` bytes per read (to cut the input at every
/// possible place), and can fail or raise a cancel flag once `triggerAt` bytes were read.
class TrickleDevice : public QIODevice
{
public:
    explicit TrickleDevice(QByteArray data, qint64 step = 1);
    bool isSequential() const override { return true; }
    void failAt(qint64 offset) { m_failAt = offset; }
    void cancelAt(qint64 offset, std::atomic<bool> *flag)
    {
        m_cancelAt = offset;
        m_flag = flag;
    }
    qint64 delivered() const { return m_pos; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_step;
    qint64 m_pos = 0;
    qint64 m_failAt = -1;
    qint64 m_cancelAt = -1;
    std::atomic<bool> *m_flag = nullptr;
};

/// A sequential device that produces `line` again and again, without end.
class EndlessDevice : public QIODevice
{
public:
    explicit EndlessDevice(QByteArray line) : m_line(std::move(line)) {}
    bool isSequential() const override { return true; }
    qint64 delivered() const { return m_delivered; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_line;
    qint64 m_delivered = 0;
};

} // namespace getbill::preview::test
