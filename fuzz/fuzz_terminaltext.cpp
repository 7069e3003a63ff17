// Fuzzes Console::printable, what the CLI does to every message before it reaches a terminal: the result has no C0
// control but new line and tab, no DEL, no C1 control and no ESC; it only drops characters (it is a subsequence of
// the input, so never longer); text without controls is kept as it is; and it is idempotent.
#include "Console.h"
#include "FuzzChecks.h"

#include <QByteArray>
#include <QString>

using getbill::cli::Console;

namespace {
bool isControl(char16_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // First byte: how to read the rest. UTF-8 is what servers send; raw UTF-16 reaches every code unit, lone
    // surrogates included.
    const char *rest = reinterpret_cast<const char *>(data) + 1;
    const qsizetype restSize = qsizetype(size) - 1;
    const QString text = data[0] & 1 ? QString::fromUtf16(reinterpret_cast<const char16_t *>(rest), restSize / 2)
                                     : QString::fromUtf8(rest, restSize);
    const QString out = Console::printable(text);

    for (const QChar c : out) {
        const char16_t v = c.unicode();
        FUZZ_CHECK(v != 0x1B, "no ESC");
        FUZZ_CHECK(!isControl(v) || v == u'\n' || v == u'\t', "no C0 but new line and tab, no DEL, no C1");
    }
    // A subsequence of the input: characters are dropped, never added or changed.
    qsizetype i = 0;
    for (const QChar c : out) {
        while (i < text.size() && text.at(i) != c)
            ++i;
        FUZZ_CHECK(i < text.size(), "only drops characters");
        ++i;
    }
    bool hasControl = false;
    for (const QChar c : text)
        hasControl = hasControl || (isControl(c.unicode()) && c != QLatin1Char('\n') && c != QLatin1Char('\t'));
    FUZZ_CHECK(hasControl || out == text, "text without controls is kept");
    FUZZ_CHECK(Console::printable(out) == out, "idempotent");
    return 0;
}
