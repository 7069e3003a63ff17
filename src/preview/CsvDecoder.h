#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringDecoder>

namespace getbill::preview {

/// The text side of CsvReader: which encoding a CSV file is in (a BOM, else UTF-8 when the first chunk is valid
/// UTF-8, else Windows-1252) and its decoding chunk after chunk, multi-byte sequences cut between chunks carried
/// over.
class CsvDecoder
{
public:
    enum class Encoding
    {
        Utf8,
        Utf16LE,
        Utf16BE,
        Windows1252
    };

    /// What the first chunk of a file says about its encoding.
    struct Detected
    {
        Encoding encoding = Encoding::Utf8;
        qsizetype bomSize = 0;
        /// No BOM, but valid UTF-8 so far: a guess that later bytes can disprove.
        bool guessedUtf8 = false;
    };

    explicit CsvDecoder(Encoding encoding) : m_encoding(encoding), m_decoder(qtEncoding(encoding)) {}

    QString decode(QByteArrayView bytes);
    /// True once an invalid sequence was replaced by U+FFFD.
    bool hasError() const { return m_encoding != Encoding::Windows1252 && m_decoder.hasError(); }

    /// The encoding of a file that begins with `probe`; `complete`: `probe` is the whole file.
    static Detected detect(QByteArrayView probe, bool complete);
    /// True when `bytes` stops inside a UTF-8 sequence (a lead byte without all its continuation bytes). The
    /// stateful decoder keeps such a tail pending instead of flagging it, so the end of the input has to be checked
    /// apart.
    static bool endsInsideUtf8Sequence(QByteArrayView bytes);
    /// Windows-1252, exactly (CsvReader::fromWindows1252).
    static QString fromWindows1252(QByteArrayView bytes);

private:
    static QStringConverter::Encoding qtEncoding(Encoding encoding);
    static bool isValidUtf8(QByteArrayView bytes, bool complete);

    Encoding m_encoding;
    QStringDecoder m_decoder;
};

} // namespace getbill::preview
