#include "sandbox/GeneratedBody.h"

#include <QCryptographicHash>
#include <QtEndian>
#include <cstring>

namespace getbill::sandbox {

namespace {

// A fixed 64-byte header line keeps every line the same length, so offsets map to lines by division.
constexpr char HeaderLine[] = "row_number,account,amount_cents,currency,status";

void writeDigits(char *out, int width, quint64 value)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// splitmix64: cheap, well mixed, and the same on every platform, which keeps bodies identical across runs.
quint64 mix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

} // namespace

void GeneratedBody::writeLine(char *out, quint32 seed, qint64 lineNumber)
{
    std::memset(out, ' ', LineLength);
    out[LineLength - 1] = '\n';
    if (lineNumber == 0) {
        std::memcpy(out, HeaderLine, sizeof(HeaderLine) - 1);
        return;
    }
    static const char *const statuses[] = {"paid   ", "open   ", "overdue", "partial"};
    const quint64 r = mix(static_cast<quint64>(seed) << 32 ^ static_cast<quint64>(lineNumber));
    // "0000000001,ACC-123456,0000123456,EUR,paid   " then spaces up to the newline.
    char *p = out;
    writeDigits(p, 10, static_cast<quint64>(lineNumber));
    p += 10;
    *p++ = ',';
    std::memcpy(p, "ACC-", 4);
    p += 4;
    writeDigits(p, 6, r % 1000000);
    p += 6;
    *p++ = ',';
    writeDigits(p, 10, (r >> 20) % 10000000000ULL / 97);
    p += 10;
    std::memcpy(p, ",EUR,", 5);
    p += 5;
    std::memcpy(p, statuses[(r >> 60) & 3], 7);
}

QByteArray GeneratedBody::chunk(const QString &reportId, qint64 offset, qint64 length)
{
    if (offset < 0 || length <= 0)
        return {};
    const QByteArray digest = QCryptographicHash::hash(reportId.toUtf8(), QCryptographicHash::Sha256);
    const quint32 seed = qFromBigEndian<quint32>(digest.constData());

    QByteArray out(length, Qt::Uninitialized);
    char *dst = out.data();
    char line[LineLength];
    qint64 lineNumber = offset / LineLength;
    qint64 column = offset % LineLength;
    qint64 remaining = length;
    while (remaining > 0) {
        writeLine(line, seed, lineNumber);
        const qint64 n = qMin<qint64>(LineLength - column, remaining);
        std::memcpy(dst, line + column, static_cast<size_t>(n));
        dst += n;
        remaining -= n;
        column = 0;
        ++lineNumber;
    }
    return out;
}

} // namespace getbill::sandbox
