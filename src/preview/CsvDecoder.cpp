#include "preview/CsvDecoder.h"

#include <array>

namespace getbill::preview {

namespace {
// Windows-1252 differs from Latin-1 only in 0x80-0x9F. The five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// stay the C1 controls they are in Latin-1, as MultiByteToWideChar and the WHATWG index map them.
constexpr std::array<char16_t, 32> Windows1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
} // namespace

QString CsvDecoder::decode(QByteArrayView bytes)
{
    if (m_encoding == Encoding::Windows1252)
        return fromWindows1252(bytes);
    return m_decoder.decode(bytes);
}

QStringConverter::Encoding CsvDecoder::qtEncoding(Encoding encoding)
{
    switch (encoding) {
    case Encoding::Utf16LE:
        return QStringConverter::Utf16LE;
    case Encoding::Utf16BE:
        return QStringConverter::Utf16BE;
    case Encoding::Utf8:
    case Encoding::Windows1252:
        break;
    }
    return QStringConverter::Utf8;
}

CsvDecoder::Detected CsvDecoder::detect(QByteArrayView probe, bool complete)
{
    Detected d;
    if (probe.startsWith("\xEF\xBB\xBF")) {
        d.bomSize = 3;
    } else if (probe.startsWith("\xFF\xFE")) {
        d.encoding = Encoding::Utf16LE;
        d.bomSize = 2;
    } else if (probe.startsWith("\xFE\xFF")) {
        d.encoding = Encoding::Utf16BE;
        d.bomSize = 2;
    } else if (isValidUtf8(probe, complete)) {
        d.guessedUtf8 = true;
    } else {
        d.encoding = Encoding::Windows1252;
    }
    return d;
}

bool CsvDecoder::endsInsideUtf8Sequence(QByteArrayView bytes)
{
    for (qsizetype back = 1; back <= qMin<qsizetype>(3, bytes.size()); ++back) {
        const auto byte = static_cast<quint8>(bytes[bytes.size() - back]);
        if ((byte & 0xC0) == 0x80)
            continue; // a continuation byte: its lead byte is further back
        const int length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
        return length > back;
    }
    return false;
}

bool CsvDecoder::isValidUtf8(QByteArrayView bytes, bool complete)
{
    QStringDecoder decoder(QStringConverter::Utf8);
    const QString ignored = decoder.decode(bytes);
    Q_UNUSED(ignored);
    return !decoder.hasError() && !(complete && endsInsideUtf8Sequence(bytes));
}

QString CsvDecoder::fromWindows1252(QByteArrayView bytes)
{
    QString text(bytes.size(), Qt::Uninitialized);
    QChar *out = text.data();
    for (const char ch : bytes) {
        const auto byte = static_cast<quint8>(ch);
        *out++ = byte >= 0x80 && byte <= 0x9F ? QChar(Windows1252High[byte - 0x80]) : QChar(char16_t(byte));
    }
    return text;
}

} // namespace getbill::preview
