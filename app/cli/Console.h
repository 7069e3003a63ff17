#pragma once

#include <QString>

class QIODevice;

namespace getbill::cli {

/// The CLI's two output channels. Standard output carries only results (paths, tables, JSON) so that scripts can
/// consume it; everything meant for a person goes to standard error. A progress line is drawn on standard error only
/// when it is a terminal, and is wiped before any other line is written so the two never interleave.
class Console
{
public:
    /// Neither device is owned; both must be open for writing.
    Console(QIODevice *out, QIODevice *err, bool errIsTerminal);

    /// One line of results on standard output.
    void printLine(const QString &line);
    /// Text on standard output as is (multi-line JSON, usage).
    void print(const QString &text);
    /// One line for people on standard error.
    void message(const QString &line);
    /// "error: <text>" on standard error.
    void error(const QString &text);

    bool showsProgress() const { return m_errIsTerminal; }
    /// Redraws the progress line (terminals only; ignored otherwise).
    void progress(const QString &text);
    void clearProgress();

private:
    void write(QIODevice *device, const QString &text);

    QIODevice *m_out;
    QIODevice *m_err;
    bool m_errIsTerminal;
    bool m_progressShown = false;
};

} // namespace getbill::cli
