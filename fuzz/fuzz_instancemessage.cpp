// Fuzzes SingleInstance::decodeMessage, what the running window reads from a later launch, and its encoder: a
// decoded message is within the caps and re-encodes to the very same bytes; arguments within the caps survive
// encoding and decoding unchanged; arguments beyond them are not encoded at all.
#include "FuzzChecks.h"
#include "SingleInstance.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

using namespace getbill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));

    // The input as a message, the way the server reads it.
    if (const std::optional<QStringList> decoded = SingleInstance::decodeMessage(input)) {
        FUZZ_CHECK(decoded->size() <= SingleInstance::maxArguments, "at most maxArguments arguments");
        for (const QString &argument : *decoded)
            FUZZ_CHECK(argument.size() <= SingleInstance::maxArgumentLength, "each argument within its cap");
        FUZZ_CHECK(SingleInstance::encodeMessage(*decoded) == input, "a decoded message re-encodes to its bytes");
    }

    // The input as arguments (split at NUL), the way a launch sends them.
    QStringList arguments;
    const QList<QByteArray> parts = input.split('\0');
    for (const QByteArray &part : parts)
        arguments.append(QString::fromUtf8(part));
    bool withinCaps = arguments.size() <= SingleInstance::maxArguments;
    qsizetype bytes = 8;
    for (const QString &argument : std::as_const(arguments)) {
        withinCaps = withinCaps && argument.size() <= SingleInstance::maxArgumentLength;
        bytes += 4 + 2 * argument.size();
    }
    withinCaps = withinCaps && bytes <= SingleInstance::maxMessageBytes;
    const QByteArray message = SingleInstance::encodeMessage(arguments);
    FUZZ_CHECK(message.isEmpty() == !withinCaps, "encoded exactly when within the caps");
    if (withinCaps) {
        FUZZ_CHECK(message.size() == bytes, "the encoding's size");
        const std::optional<QStringList> back = SingleInstance::decodeMessage(message);
        FUZZ_CHECK(back && *back == arguments, "round-trips through the encoder");
    }
    return 0;
}
