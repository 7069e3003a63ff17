#include "PreviewTestFiles.h"

#include "sandbox/XlsxWriter.h"
#include "sandbox/ZipWriter.h"

#include <QFile>
#include <cstring>
#include <quazip.h>
#include <quazipfile.h>
#include <quazipnewinfo.h>
#include <zlib.h>

namespace getbill::preview::test {

namespace {

constexpr qint64 GenerateChunk = qint64(1) << 20;

/// Streams a part's bytes, chunk by chunk, to `sink`; false when the generator falls short.
bool forEachChunk(const ZipPart &part, const std::function<bool(const QByteArray &)> &sink)
{
    if (!part.generate)
        return sink(part.data);
    for (qint64 offset = 0; offset < part.generatedSize;) {
        const QByteArray chunk = part.generate(offset, qMin(GenerateChunk, part.generatedSize - offset));
        if (chunk.isEmpty() || !sink(chunk))
            return false;
        offset += chunk.size();
    }
    return true;
}

/// Raw deflate of the part's bytes into `file` (opened raw), for entries whose headers lie.
bool deflateInto(const ZipPart &part, QuaZipFile *file)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    QByteArray out(64 * 1024, Qt::Uninitialized);
    const auto pump = [&](const char *data, qsizetype size, int flush) {
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data));
        stream.avail_in = uInt(size);
        int result = Z_OK;
        do {
            stream.next_out = reinterpret_cast<Bytef *>(out.data());
            stream.avail_out = uInt(out.size());
            result = deflate(&stream, flush);
            const qint64 produced = out.size() - qint64(stream.avail_out);
            if (produced > 0 && file->write(out.constData(), produced) != produced)
                return false;
        } while (stream.avail_out == 0 || (flush == Z_FINISH && result != Z_STREAM_END));
        return result != Z_STREAM_ERROR;
    };
    const bool ok =
        forEachChunk(part,
                     [&](const QByteArray &chunk) { return pump(chunk.constData(), chunk.size(), Z_NO_FLUSH); }) &&
        pump(nullptr, 0, Z_FINISH);
    deflateEnd(&stream);
    return ok;
}

int offsetOf(ZipField field, bool local)
{
    switch (field) {
    case ZipField::Signature:
        return 0;
    case ZipField::Flags:
        return local ? 6 : 8;
    case ZipField::Method:
        return local ? 8 : 10;
    case ZipField::Crc:
        return local ? 14 : 16;
    case ZipField::CompressedSize:
        return local ? 18 : 20;
    case ZipField::UncompressedSize:
        return local ? 22 : 24;
    }
    return 0;
}

void put(QByteArray *bytes, qsizetype at, quint32 value, int width)
{
    for (int i = 0; i < width; ++i)
        (*bytes)[at + i] = char((value >> (8 * i)) & 0xff);
}

quint32 get16(const QByteArray &bytes, qsizetype at)
{
    return quint32(quint8(bytes[at])) | quint32(quint8(bytes[at + 1])) << 8;
}

} // namespace

ZipPart bytesPart(const QString &name, const QByteArray &data, bool deflate)
{
    ZipPart part;
    part.name = name;
    part.data = data;
    part.deflate = deflate;
    return part;
}

ZipPart generatedPart(const QString &name, qint64 size, std::function<QByteArray(qint64, qint64)> generate,
                      qint64 declaredSize)
{
    ZipPart part;
    part.name = name;
    part.generatedSize = size;
    part.generate = std::move(generate);
    part.declaredSize = declaredSize;
    return part;
}

bool writeZip(const QString &path, const QList<ZipPart> &parts)
{
    QuaZip zip(path);
    if (!zip.open(QuaZip::mdCreate))
        return false;
    for (const ZipPart &part : parts) {
        QuaZipFile file(&zip);
        QuaZipNewInfo info(part.name);
        const int method = part.deflate ? Z_DEFLATED : 0;
        const int level = part.deflate ? Z_DEFAULT_COMPRESSION : 0;
        bool ok = false;
        if (part.declaredSize < 0) {
            ok = file.open(QIODevice::WriteOnly, info, nullptr, 0, method, level) &&
                 forEachChunk(part, [&file](const QByteArray &chunk) { return file.write(chunk) == chunk.size(); });
        } else {
            info.uncompressedSize = ulong(part.declaredSize);
            ok = file.open(QIODevice::WriteOnly, info, nullptr, 0, method, level, true);
            if (ok && part.deflate)
                ok = deflateInto(part, &file);
            else if (ok)
                ok = forEachChunk(part, [&file](const QByteArray &chunk) { return file.write(chunk) == chunk.size(); });
        }
        if (!ok)
            return false;
        file.close();
        if (file.getZipError() != ZIP_OK)
            return false;
    }
    zip.close();
    return zip.getZipError() == ZIP_OK;
}

QByteArray storedZip(const QList<std::pair<QString, QByteArray>> &parts)
{
    sandbox::ZipWriter writer;
    for (const auto &[name, data] : parts)
        writer.addFile(name, data);
    return writer.finish();
}

bool patchZip(QByteArray *zip, const QString &name, ZipField field, quint32 value, bool local, bool central)
{
    const QByteArray wanted = name.toUtf8();
    const int width = field == ZipField::Flags || field == ZipField::Method ? 2 : 4;
    bool found = false;
    for (const bool isLocal : {true, false}) {
        if ((isLocal && !local) || (!isLocal && !central))
            continue;
        const QByteArray signature = isLocal ? QByteArray("PK\x03\x04") : QByteArray("PK\x01\x02");
        const int nameLengthAt = isLocal ? 26 : 28;
        const int nameAt = isLocal ? 30 : 46;
        for (qsizetype at = zip->indexOf(signature); at >= 0; at = zip->indexOf(signature, at + 1)) {
            if (at + nameAt > zip->size())
                break;
            const auto length = qsizetype(get16(*zip, at + nameLengthAt));
            if (zip->mid(at + nameAt, length) != wanted)
                continue;
            put(zip, at + offsetOf(field, isLocal), value, width);
            found = true;
            break;
        }
    }
    return found;
}

QByteArray row(int number, const QStringList &cells)
{
    QByteArray xml = "<row r=\"" + QByteArray::number(number) + "\">";
    for (int c = 0; c < cells.size(); ++c) {
        if (cells[c].isEmpty())
            continue;
        const QByteArray ref = (sandbox::XlsxWriter::columnName(c) + QString::number(number)).toUtf8();
        bool isNumber = false;
        cells[c].toDouble(&isNumber);
        if (isNumber)
            xml += "<c r=\"" + ref + "\"><v>" + cells[c].toUtf8() + "</v></c>";
        else
            xml += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + cells[c].toHtmlEscaped().toUtf8() + "</t></is></c>";
    }
    return xml + "</row>";
}

QList<std::pair<QString, QByteArray>> TestWorkbook::parts() const
{
    const QByteArray main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const QByteArray rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    QList<std::pair<QString, QByteArray>> out;
    out.append({QStringLiteral("[Content_Types].xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"});
    out.append({QStringLiteral("_rels/.rels"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                "<Relationship Id=\"rId1\" Type=\"" +
                    rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"});

    QByteArray workbook =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<workbook xmlns=\"" + main + "\" xmlns:r=\"" + rel + "\">";
    if (!workbookPr.isEmpty())
        workbook += "<workbookPr " + workbookPr + "/>";
    workbook += "<sheets>";
    QByteArray rels = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (int i = 0; i < sheets.size(); ++i) {
        const QByteArray n = QByteArray::number(i + 1);
        workbook += "<sheet name=\"" + sheets[i].name.toHtmlEscaped().toUtf8() + "\" sheetId=\"" + n + "\" r:id=\"rId" +
                    n + "\"" + (sheets[i].state.isEmpty() ? QByteArray() : " state=\"" + sheets[i].state + "\"") + "/>";
        rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + rel + "/worksheet\" Target=\"worksheets/sheet" + n +
                ".xml\"/>";
        out.append({QStringLiteral("xl/worksheets/sheet%1.xml").arg(i + 1),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<worksheet xmlns=\"" + main + "\"><sheetData>" +
                        sheets[i].sheetData + "</sheetData></worksheet>"});
    }
    workbook += "</sheets></workbook>";
    if (!sharedStrings.isEmpty() || !sharedStringsXml.isEmpty()) {
        rels += "<Relationship Id=\"rIdShared\" Type=\"" + rel + "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
        QByteArray shared = sharedStringsXml;
        if (shared.isEmpty()) {
            shared = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sst xmlns=\"" + main + "\">";
            for (const QString &text : sharedStrings)
                shared += "<si><t xml:space=\"preserve\">" + text.toHtmlEscaped().toUtf8() + "</t></si>";
            shared += "</sst>";
        }
        out.append({QStringLiteral("xl/sharedStrings.xml"), shared});
    }
    if (!stylesXml.isEmpty()) {
        rels += "<Relationship Id=\"rIdStyles\" Type=\"" + rel + "/styles\" Target=\"styles.xml\"/>";
        out.append({QStringLiteral("xl/styles.xml"), stylesXml});
    }
    rels += "</Relationships>";
    out.append({QStringLiteral("xl/workbook.xml"), workbook});
    out.append({QStringLiteral("xl/_rels/workbook.xml.rels"), rels});
    return out;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.flush();
}

TrickleDevice::TrickleDevice(QByteArray data, qint64 step) : m_data(std::move(data)), m_step(qMax<qint64>(1, step))
{
    open(QIODevice::ReadOnly | QIODevice::Unbuffered);
}

qint64 TrickleDevice::readData(char *data, qint64 maxSize)
{
    if (m_failAt >= 0 && m_pos >= m_failAt) {
        setErrorString(QStringLiteral("simulated read error"));
        return -1;
    }
    if (m_flag && m_cancelAt >= 0 && m_pos >= m_cancelAt)
        m_flag->store(true);
    qint64 n = qMin(qMin(maxSize, m_step), qint64(m_data.size()) - m_pos);
    if (m_failAt >= 0)
        n = qMin(n, m_failAt - m_pos);
    std::memcpy(data, m_data.constData() + m_pos, size_t(n));
    m_pos += n;
    return n;
}

qint64 EndlessDevice::readData(char *data, qint64 maxSize)
{
    for (qint64 i = 0; i < maxSize; ++i)
        data[i] = m_line[qsizetype((m_delivered + i) % m_line.size())];
    m_delivered += maxSize;
    return maxSize;
}

} // namespace getbill::preview::test
