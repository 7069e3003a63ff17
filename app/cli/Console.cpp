#include "Console.h"

#include <QCoreApplication>
#include <QFileDevice>

#ifdef Q_OS_WIN
#include <io.h>
#else
#include <unistd.h>
#endif

namespace getbill::cli {

namespace {
constexpr char16_t Esc = 0x1B;
constexpr char16_t Bel = 0x07;
constexpr char16_t Can = 0x18;
constexpr char16_t Sub = 0x1A;
// The 8-bit forms of ESC [, ESC ], ESC P, ESC X, ESC ^, ESC _ and ESC \.
constexpr char16_t Csi8 = 0x9B;
constexpr char16_t Osc8 = 0x9D;
constexpr char16_t Dcs8 = 0x90;
constexpr char16_t Sos8 = 0x98;
constexpr char16_t Pm8 = 0x9E;
constexpr char16_t Apc8 = 0x9F;
constexpr char16_t St8 = 0x9C;

bool isTerminal(QIODevice *device)
{
    const auto *file = qobject_cast<QFileDevice *>(device);
    if (!file || file->handle() < 0)
        return false;
#ifdef Q_OS_WIN
    return ::_isatty(file->handle()) != 0;
#else
    return ::isatty(file->handle()) == 1;
#endif
}

bool isControl(char16_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/// Skips a CSI's parameter and intermediate bytes and its final byte; returns the index after the sequence. A
/// character that cannot be part of one ends it there (and is then looked at as text).
qsizetype skipCsi(const QString &text, qsizetype i)
{
    while (i < text.size() && text.at(i).unicode() >= 0x20 && text.at(i).unicode() <= 0x3F)
        ++i;
    if (i < text.size() && text.at(i).unicode() >= 0x40 && text.at(i).unicode() <= 0x7E)
        ++i;
    return i;
}

/// Skips a control string (OSC, DCS, SOS, PM, APC) up to and with its terminator: BEL, ST (ESC \ or U+009C). CAN and
/// SUB abandon it (and are dropped with it); another ESC abandons it and starts a new sequence.
qsizetype skipString(const QString &text, qsizetype i)
{
    while (i < text.size()) {
        const char16_t c = text.at(i).unicode();
        if (c == Bel || c == St8 || c == Can || c == Sub)
            return i + 1;
        if (c == Esc)
            return i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\\') ? i + 2 : i;
        ++i;
    }
    return i;
}

/// Skips what follows an ESC at `i - 1`; returns the index after the sequence.
qsizetype skipEscape(const QString &text, qsizetype i)
{
    if (i >= text.size())
        return i; // a lone ESC at the end
    const char16_t c = text.at(i).unicode();
    switch (c) {
    case '[':
        return skipCsi(text, i + 1);
    case ']':
    case 'P':
    case 'X':
    case '^':
    case '_':
        return skipString(text, i + 1);
    default:
        break;
    }
    // nF sequences (ESC, intermediates 0x20-0x2F, a final 0x30-0x7E: "ESC ( B") and the single-character ones
    // ("ESC c" resets the terminal, "ESC 7", "ESC M").
    qsizetype j = i;
    while (j < text.size() && text.at(j).unicode() >= 0x20 && text.at(j).unicode() <= 0x2F)
        ++j;
    if (j < text.size() && text.at(j).unicode() >= 0x30 && text.at(j).unicode() <= 0x7E)
        return j + 1;
    // Not a sequence (ESC before a control character, a non-ASCII character or the end): the ESC alone goes, with
    // the intermediates that followed it.
    return j;
}
} // namespace

Console::Console(QIODevice *out, QIODevice *err, bool errIsTerminal) : Console(out, err, errIsTerminal, isTerminal(out))
{}

Console::Console(QIODevice *out, QIODevice *err, bool errIsTerminal, bool outIsTerminal)
    : m_out(out), m_err(err), m_errIsTerminal(errIsTerminal), m_outIsTerminal(outIsTerminal)
{}

QString Console::printable(const QString &text)
{
    QString clean;
    clean.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        const char16_t c = text.at(i).unicode();
        if (!isControl(c) || c == u'\n' || c == u'\t') {
            clean += QChar(c);
            ++i;
            continue;
        }
        switch (c) {
        case Esc:
            i = skipEscape(text, i + 1);
            break;
        case Csi8:
            i = skipCsi(text, i + 1);
            break;
        case Osc8:
        case Dcs8:
        case Sos8:
        case Pm8:
        case Apc8:
            i = skipString(text, i + 1);
            break;
        default:
            ++i; // any other C0 or C1 control, DEL, a stray ST
            break;
        }
    }
    return clean;
}

void Console::write(QIODevice *device, const QString &text)
{
    device->write(text.toUtf8());
    // Results must reach a pipe as they happen (a script may act on each saved path), not at exit.
    if (auto *file = qobject_cast<QFileDevice *>(device))
        file->flush();
}

void Console::printLine(const QString &line)
{
    print(line + QLatin1Char('\n'));
}

void Console::print(const QString &text)
{
    clearProgress();
    write(m_out, m_outIsTerminal ? printable(text) : text);
}

void Console::message(const QString &line)
{
    clearProgress();
    write(m_err, printable(line) + QLatin1Char('\n'));
}

void Console::error(const QString &text)
{
    message(QCoreApplication::translate("getbill::cli::Console", "error: %1").arg(text));
}

void Console::progress(const QString &text)
{
    if (!m_errIsTerminal)
        return;
    // Carriage return and "erase to end of line": the line is redrawn in place. Only these two are ours.
    write(m_err, QLatin1String("\r\x1b[K") + printable(text));
    m_progressShown = true;
}

void Console::clearProgress()
{
    if (!m_progressShown)
        return;
    m_progressShown = false;
    write(m_err, QStringLiteral("\r\x1b[K"));
}

} // namespace getbill::cli
