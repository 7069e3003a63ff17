#include "preview/CsvReader.h"

#include "preview/SheetBuilder.h"

#include <QIODevice>
#include <QLocale>
#include <QStringDecoder>
#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace getbill::preview {

namespace {

enum class Encoding
{
    Utf8,
    Utf16LE,
    Utf16BE,
    Windows1252
};

// Windows-1252 differs from Latin-1 only in 0x80-0x9F. The five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D)
// stay the C1 controls they are in Latin-1, as MultiByteToWideChar and the WHATWG index map them.
constexpr std::array<char16_t, 32> Windows1252High = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/// Decodes chunk after chunk in one encoding; multi-byte sequences cut between chunks are carried over.
class ChunkDecoder
{
public:
    explicit ChunkDecoder(Encoding encoding) : m_encoding(encoding), m_decoder(qtEncoding(encoding)) {}

    QString decode(QByteArrayView bytes)
    {
        if (m_encoding == Encoding::Windows1252)
            return CsvReader::fromWindows1252(bytes);
        return m_decoder.decode(bytes);
    }
    /// True once an invalid sequence was replaced by U+FFFD.
    bool hasError() const { return m_encoding != Encoding::Windows1252 && m_decoder.hasError(); }

private:
    static QStringConverter::Encoding qtEncoding(Encoding encoding)
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

    Encoding m_encoding;
    QStringDecoder m_decoder;
};

/// True when `bytes` stops inside a UTF-8 sequence (a lead byte without all its continuation bytes). The stateful
/// decoder keeps such a tail pending instead of flagging it, so the end of the input has to be checked apart.
bool endsInsideUtf8Sequence(QByteArrayView bytes)
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

bool isValidUtf8(QByteArrayView bytes, bool complete)
{
    QStringDecoder decoder(QStringConverter::Utf8);
    const QString ignored = decoder.decode(bytes);
    Q_UNUSED(ignored);
    return !decoder.hasError() && !(complete && endsInsideUtf8Sequence(bytes));
}

/// The RFC 4180 state machine, fed decoded text chunk by chunk. Rows past what the builder keeps are still parsed
/// (quotes decide where a row ends) and counted, but their fields are not built.
class CsvParser
{
public:
    CsvParser(QChar delimiter, SheetBuilder *builder, qint64 *totalRows)
        : m_delimiter(delimiter), m_builder(builder), m_totalRows(totalRows), m_storing(builder->wantsRows())
    {}

    bool feed(QStringView text)
    {
        for (const QChar c : text) {
            if (!step(c))
                return false;
        }
        return true;
    }

    /// The end of the input: a last line without a line break (or with an unterminated quote) is a row too.
    bool finish() { return !m_recordStarted || endRecord(); }

    QString error() const { return m_error; }

private:
    enum class State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted
    };

    static bool isLineBreak(QChar c) { return c == u'\n' || c == u'\r'; }

    bool step(QChar c)
    {
        // A CR is a line break on its own (old Mac files) or the first half of CRLF: an LF right after it is
        // the same break.
        if (m_afterCr) {
            m_afterCr = false;
            if (c == u'\n')
                return true;
        }
        if (!m_recordStarted) {
            if (isLineBreak(c)) { // a blank line: not a row
                ++m_line;
                m_afterCr = c == u'\r';
                return true;
            }
            m_recordStarted = true;
            m_recordLine = m_line;
        }
        if (++m_recordChars > CsvReader::maxLineChars) {
            m_error = CsvReader::tr("Line %L1 is longer than %L2 characters, more than a preview shows.")
                          .arg(m_recordLine)
                          .arg(CsvReader::maxLineChars);
            return false;
        }
        switch (m_state) {
        case State::FieldStart:
            if (c == u'"') {
                m_state = State::Quoted;
                return true;
            }
            m_state = State::Unquoted;
            [[fallthrough]];
        case State::Unquoted:
            if (c == m_delimiter)
                return endField();
            if (isLineBreak(c))
                return lineBreak(c);
            append(c);
            return true;
        case State::Quoted:
            if (c == u'"') {
                m_state = State::QuoteInQuoted;
            } else if (isLineBreak(c)) {
                // A newline inside quotes is part of the field; CRLF and CR become LF, which is what the view
                // breaks lines on.
                ++m_line;
                m_afterCr = c == u'\r';
                append(u'\n');
            } else {
                append(c);
            }
            return true;
        case State::QuoteInQuoted:
            if (c == u'"') { // a doubled quote: one literal quote
                append(c);
                m_state = State::Quoted;
                return true;
            }
            if (c == m_delimiter)
                return endField();
            if (isLineBreak(c))
                return lineBreak(c);
            // Text after the closing quote (`"ab"c`): not RFC 4180, kept as spreadsheets do.
            append(c);
            m_state = State::Unquoted;
            return true;
        }
        return true;
    }

    void append(QChar c)
    {
        if (m_storing)
            m_field.append(c);
    }

    bool lineBreak(QChar c)
    {
        ++m_line;
        m_afterCr = c == u'\r';
        return endRecord();
    }

    bool endField()
    {
        if (++m_fieldCount > TablePreview::maxColumns) {
            m_error = CsvReader::tr("Line %L1 has more than %L2 columns, more than a preview shows.")
                          .arg(m_recordLine)
                          .arg(TablePreview::maxColumns);
            return false;
        }
        if (m_storing) {
            m_numbers.append(CsvReader::looksNumeric(m_field));
            m_fields.append(std::exchange(m_field, QString()));
        }
        m_state = State::FieldStart;
        return true;
    }

    bool endRecord()
    {
        if (!endField())
            return false;
        ++*m_totalRows;
        if (m_storing)
            m_builder->addRow(m_fields, m_numbers);
        m_fields.clear();
        m_numbers.clear();
        m_fieldCount = 0;
        m_recordChars = 0;
        m_recordStarted = false;
        m_storing = m_builder->wantsRows();
        return true;
    }

    const QChar m_delimiter;
    SheetBuilder *m_builder;
    qint64 *m_totalRows;
    bool m_storing;

    State m_state = State::FieldStart;
    bool m_afterCr = false;
    bool m_recordStarted = false;
    qsizetype m_recordChars = 0;
    int m_fieldCount = 0;
    qint64 m_line = 1;
    qint64 m_recordLine = 1;
    QString m_field;
    QStringList m_fields;
    QList<bool> m_numbers;
    QString m_error;
};

struct Outcome
{
    TablePreview preview;
    QString error;
    /// The input was taken for UTF-8, then turned out not to be: read it again as Windows-1252.
    bool restartAsWindows1252 = false;
};

} // namespace

CsvReader::CsvReader() = default;

CsvReader::CsvReader(const Limits &limits, const std::atomic<bool> *cancel) : m_limits(limits), m_cancel(cancel)
{}

QString CsvReader::fromWindows1252(QByteArrayView bytes)
{
    QString text(bytes.size(), Qt::Uninitialized);
    QChar *out = text.data();
    for (const char ch : bytes) {
        const auto byte = static_cast<quint8>(ch);
        *out++ = byte >= 0x80 && byte <= 0x9F ? QChar(Windows1252High[byte - 0x80]) : QChar(char16_t(byte));
    }
    return text;
}

QChar CsvReader::detectDelimiter(QStringView head, bool complete)
{
    static constexpr std::array<char16_t, 4> Candidates = {u',', u';', u'\t', u'|'};
    using Counts = std::array<int, Candidates.size()>;

    QList<Counts> lines;
    Counts current{};
    bool inQuotes = false;
    bool lineHasText = false;
    for (const QChar c : head) {
        if (c == u'"') {
            inQuotes = !inQuotes;
            lineHasText = true;
            continue;
        }
        if (!inQuotes && (c == u'\n' || c == u'\r')) {
            if (lineHasText)
                lines.append(current);
            if (lines.size() == detectionLines)
                break;
            current = {};
            lineHasText = false;
            continue;
        }
        lineHasText = true;
        if (inQuotes)
            continue;
        for (size_t k = 0; k < Candidates.size(); ++k) {
            if (c == QChar(Candidates[k]))
                ++current[k];
        }
    }
    // The last line may be cut by the end of the sample: it only counts when the sample is the whole input, or
    // when it is all there is.
    if (lineHasText && lines.size() < detectionLines && (complete || lines.isEmpty()))
        lines.append(current);

    // The delimiter is the one that splits most lines into the same number of fields; then the one that splits
    // them into more; then the order of Candidates.
    int bestAgreement = 0;
    int bestCount = 0;
    QChar best = QChar(Candidates[0]);
    for (size_t k = 0; k < Candidates.size(); ++k) {
        QList<int> seen;
        for (const Counts &line : lines) {
            if (line[k] > 0)
                seen.append(line[k]);
        }
        for (const int count : seen) {
            const auto agreement = int(std::count(seen.cbegin(), seen.cend(), count));
            if (agreement > bestAgreement || (agreement == bestAgreement && count > bestCount)) {
                bestAgreement = agreement;
                bestCount = count;
                best = QChar(Candidates[k]);
            }
        }
    }
    return best;
}

bool CsvReader::looksNumeric(QStringView text)
{
    QStringView s = text.trimmed();
    if (s.size() >= 2 && s.front() == u'(' && s.back() == u')') // accounting: (1,234.00) is negative
        s = s.mid(1, s.size() - 2).trimmed();
    if (s.endsWith(u'%'))
        s = s.chopped(1).trimmed();
    if (!s.isEmpty() && (s.front() == u'-' || s.front() == u'+' || s.front() == QChar(0x2212)))
        s = s.mid(1);

    // An exponent only follows a plain mantissa: "1.5e-3", not "1,234.5e3".
    QStringView exponent;
    const qsizetype e = qMax(s.indexOf(u'e'), s.indexOf(u'E'));
    if (e >= 0) {
        exponent = s.mid(e + 1);
        s = s.left(e);
        if (!exponent.isEmpty() && (exponent.front() == u'+' || exponent.front() == u'-'))
            exponent = exponent.mid(1);
        if (exponent.isEmpty())
            return false;
        for (const QChar c : exponent) {
            if (c < u'0' || c > u'9')
                return false;
        }
    }

    auto isSeparator = [](QChar c) {
        return c == u',' || c == u'.' || c == u' ' || c == QChar(0x00A0) || c == QChar(0x202F) || c == u'\'';
    };
    // Digit runs and the single separators between them.
    QList<qsizetype> groups;
    QString separators;
    qsizetype run = 0;
    for (const QChar c : s) {
        if (c >= u'0' && c <= u'9') {
            ++run;
        } else if (isSeparator(c)) {
            if (run == 0 && !groups.isEmpty())
                return false; // two separators in a row
            groups.append(run);
            separators.append(c);
            run = 0;
        } else {
            return false;
        }
    }
    if (run == 0)
        return false; // empty, or ends with a separator
    groups.append(run);

    const auto isDecimal = [](QChar c) {
        return c == u'.' || c == u',';
    };
    if (separators.isEmpty())
        return true;
    if (groups.first() == 0) // ".5": a leading decimal separator, nothing else
        return separators.size() == 1 && isDecimal(separators.front());
    if (separators.size() == 1 && isDecimal(separators.front()))
        return true; // "12.5", "1,5" or "1,234": a number whichever way it is read
    if (!exponent.isEmpty())
        return false;

    // Thousands separators, all the same, between groups of three digits; optionally a different decimal
    // separator last ("1.234.567,89", "1 234,5").
    const QChar grouping = separators.front();
    qsizetype groupedEnd = separators.size();
    if (separators.back() != grouping) {
        if (!isDecimal(separators.back()))
            return false;
        groupedEnd = separators.size() - 1;
    }
    if (groups.first() > 3)
        return false;
    for (qsizetype i = 0; i < groupedEnd; ++i) {
        if (separators[i] != grouping || groups[i + 1] != 3)
            return false;
    }
    return true;
}

namespace {

Outcome readOnce(QIODevice *device, const CsvReader::Limits &limits, const std::atomic<bool> *cancel,
                 std::optional<Encoding> forced)
{
    Outcome out;
    if (cancel && cancel->load(std::memory_order_relaxed)) {
        out.error = CsvReader::tr("The preview was cancelled.");
        return out;
    }
    qint64 readBytes = 0;
    QByteArray chunk(CsvReader::chunkBytes, Qt::Uninitialized);
    const auto fail = [&out](const QString &message) {
        out.preview = {};
        out.error = message;
        return out;
    };
    const auto tooLarge = [&] {
        return fail(CsvReader::tr("The file is larger than %1, more than a preview reads.")
                        .arg(QLocale().formattedDataSize(limits.maxInputBytes, 0)));
    };
    const auto readFailed = [&] {
        return fail(CsvReader::tr("The file could not be read: %1").arg(device->errorString()));
    };
    const auto cancelled = [&] {
        return cancel && cancel->load(std::memory_order_relaxed);
    };

    // The first chunk decides the encoding and the delimiter. A sequential device may hand it over in pieces.
    QByteArray probe;
    bool atEnd = false;
    while (probe.size() < CsvReader::chunkBytes) {
        const qint64 n = device->read(chunk.data(), CsvReader::chunkBytes - probe.size());
        if (n < 0)
            return readFailed();
        if (n == 0) {
            atEnd = true;
            break;
        }
        readBytes += n;
        if (readBytes > limits.maxInputBytes)
            return tooLarge();
        probe.append(chunk.constData(), n);
    }

    Encoding encoding = Encoding::Utf8;
    qsizetype bomSize = 0;
    bool guessedUtf8 = false;
    if (forced) {
        encoding = *forced;
    } else if (probe.startsWith("\xEF\xBB\xBF")) {
        bomSize = 3;
    } else if (probe.startsWith("\xFF\xFE")) {
        encoding = Encoding::Utf16LE;
        bomSize = 2;
    } else if (probe.startsWith("\xFE\xFF")) {
        encoding = Encoding::Utf16BE;
        bomSize = 2;
    } else if (isValidUtf8(probe, atEnd)) {
        guessedUtf8 = true;
    } else {
        encoding = Encoding::Windows1252;
    }
    // Without a BOM, UTF-8 is a guess from the first chunk; invalid bytes later mean the file is Windows-1252
    // after all, and a device that can seek is read again that way.
    const bool canRestart = guessedUtf8 && !device->isSequential();

    ChunkDecoder decoder(encoding);
    // When guessed, UTF-8 was checked on exactly these bytes: no error to find here.
    const QString head = decoder.decode(QByteArrayView(probe).sliced(bomSize));

    out.preview.sheets.resize(1);
    TablePreview::Sheet &sheet = out.preview.sheets.first();
    SheetBuilder::Budget budget;
    SheetBuilder builder(&sheet, &budget);
    CsvParser parser(CsvReader::detectDelimiter(head, atEnd), &builder, &sheet.totalRows);
    if (!parser.feed(head))
        return fail(parser.error());

    QByteArray tail = probe.right(3);
    while (!atEnd) {
        if (cancelled())
            return fail(CsvReader::tr("The preview was cancelled."));
        const qint64 n = device->read(chunk.data(), CsvReader::chunkBytes);
        if (n < 0)
            return readFailed();
        if (n == 0)
            break;
        readBytes += n;
        if (readBytes > limits.maxInputBytes)
            return tooLarge();
        const QByteArrayView bytes(chunk.constData(), n);
        const QString text = decoder.decode(bytes);
        if (canRestart && decoder.hasError()) {
            out.restartAsWindows1252 = true;
            return out;
        }
        tail = QByteArray(tail + bytes.last(qMin<qsizetype>(3, bytes.size())).toByteArray()).right(3);
        if (!parser.feed(text))
            return fail(parser.error());
    }
    if (encoding == Encoding::Utf8 && endsInsideUtf8Sequence(tail)) {
        if (canRestart) {
            out.restartAsWindows1252 = true;
            return out;
        }
        if (!parser.feed(QStringView(u"\uFFFD")))
            return fail(parser.error());
    }
    if (!parser.finish())
        return fail(parser.error());
    builder.finish();
    return out;
}

} // namespace

TablePreview CsvReader::read(QIODevice *device, QString *error) const
{
    Q_ASSERT(error);
    error->clear();
    if (!device || !device->isReadable()) {
        *error = tr("The file could not be read: %1").arg(device ? device->errorString() : QString());
        return {};
    }
    const qint64 start = device->pos();
    if (!device->isSequential() && device->size() - start > m_limits.maxInputBytes) {
        *error = tr("The file is larger than %1, more than a preview reads.")
                     .arg(QLocale().formattedDataSize(m_limits.maxInputBytes, 0));
        return {};
    }
    Outcome outcome = readOnce(device, m_limits, m_cancel, std::nullopt);
    if (outcome.restartAsWindows1252) {
        if (!device->seek(start)) {
            *error = tr("The file could not be read: %1").arg(device->errorString());
            return {};
        }
        outcome = readOnce(device, m_limits, m_cancel, Encoding::Windows1252);
    }
    *error = outcome.error;
    return outcome.preview;
}

} // namespace getbill::preview
