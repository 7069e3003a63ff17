#include "preview/CsvReader.h"

#include "preview/CsvDecoder.h"
#include "preview/CsvParser.h"
#include "preview/SheetBuilder.h"

#include <QIODevice>
#include <QLocale>
#include <algorithm>
#include <array>
#include <optional>

namespace getbill::preview {

namespace {

using Encoding = CsvDecoder::Encoding;

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
    return CsvDecoder::fromWindows1252(bytes);
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

    CsvDecoder::Detected detected;
    if (forced)
        detected.encoding = *forced;
    else
        detected = CsvDecoder::detect(probe, atEnd);
    const Encoding encoding = detected.encoding;
    const qsizetype bomSize = detected.bomSize;
    const bool guessedUtf8 = detected.guessedUtf8;
    // Without a BOM, UTF-8 is a guess from the first chunk; invalid bytes later mean the file is Windows-1252
    // after all, and a device that can seek is read again that way.
    const bool canRestart = guessedUtf8 && !device->isSequential();

    CsvDecoder decoder(encoding);
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
    if (encoding == Encoding::Utf8 && CsvDecoder::endsInsideUtf8Sequence(tail)) {
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
