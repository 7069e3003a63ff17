#include "sandbox/ZipWriter.h"

#include <array>

namespace getbill::sandbox {

namespace {

void put16(QByteArray &out, quint32 v)
{
    out.append(static_cast<char>(v & 0xff));
    out.append(static_cast<char>((v >> 8) & 0xff));
}

void put32(QByteArray &out, quint32 v)
{
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

// A fixed timestamp (2024-01-01 00:00) keeps the archives byte-identical from run to run.
constexpr quint32 DosTime = 0;
constexpr quint32 DosDate = ((2024 - 1980) << 9) | (1 << 5) | 1;

} // namespace

quint32 ZipWriter::crc32(const QByteArray &data)
{
    static const std::array<quint32, 256> table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    quint32 crc = 0xFFFFFFFFU;
    for (const char ch : data)
        crc = table[(crc ^ static_cast<quint8>(ch)) & 0xff] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFU;
}

void ZipWriter::addFile(const QString &name, const QByteArray &data)
{
    m_entries.append({name.toUtf8(), data, crc32(data)});
}

QByteArray ZipWriter::finish() const
{
    QByteArray out;
    QByteArray central;
    for (const Entry &e : m_entries) {
        const quint32 offset = static_cast<quint32>(out.size());
        const auto size = static_cast<quint32>(e.data.size());
        const auto nameLength = static_cast<quint32>(e.name.size());

        put32(out, 0x04034b50); // local file header
        put16(out, 10);         // version needed: 1.0 (stored)
        put16(out, 0x0800);     // flags: names are UTF-8
        put16(out, 0);          // method: stored
        put16(out, DosTime);
        put16(out, DosDate);
        put32(out, e.crc);
        put32(out, size);
        put32(out, size);
        put16(out, nameLength);
        put16(out, 0);
        out.append(e.name);
        out.append(e.data);

        put32(central, 0x02014b50); // central directory header
        put16(central, 20);         // made by
        put16(central, 10);
        put16(central, 0x0800);
        put16(central, 0);
        put16(central, DosTime);
        put16(central, DosDate);
        put32(central, e.crc);
        put32(central, size);
        put32(central, size);
        put16(central, nameLength);
        put16(central, 0); // extra
        put16(central, 0); // comment
        put16(central, 0); // disk
        put16(central, 0); // internal attributes
        put32(central, 0); // external attributes
        put32(central, offset);
        central.append(e.name);
    }
    const auto centralOffset = static_cast<quint32>(out.size());
    out.append(central);
    put32(out, 0x06054b50); // end of central directory
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<quint32>(m_entries.size()));
    put16(out, static_cast<quint32>(m_entries.size()));
    put32(out, static_cast<quint32>(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

} // namespace getbill::sandbox
