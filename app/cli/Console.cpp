#include "Console.h"

#include <QFileDevice>

namespace getbill::cli {

Console::Console(QIODevice *out, QIODevice *err, bool errIsTerminal)
    : m_out(out), m_err(err), m_errIsTerminal(errIsTerminal)
{}

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
    write(m_out, text);
}

void Console::message(const QString &line)
{
    clearProgress();
    write(m_err, line + QLatin1Char('\n'));
}

void Console::error(const QString &text)
{
    message(QLatin1String("error: ") + text);
}

void Console::progress(const QString &text)
{
    if (!m_errIsTerminal)
        return;
    // Carriage return and "erase to end of line": the line is redrawn in place.
    write(m_err, QLatin1String("\r\x1b[K") + text);
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
