#pragma once

#include <QString>

class QIODevice;

namespace getbill::cli {

/// The CLI's two output channels. Standard output carries only results (paths, tables, JSON) so that scripts can
/// consume it; everything meant for a person goes to standard error. A progress line is drawn on standard error only
/// when it is a terminal, and is wiped before any other line is written so the two never interleave.
///
/// Text from a server is plain text in a terminal: a report title or an API message could carry escape sequences that
/// retitle the window, rewrite what was printed, set the clipboard or worse. Messages on standard error always go
/// through printable(), terminal or not (a pipe often ends in one: `2>&1 | less -R`, CI logs). Standard output goes
/// through it when it is a terminal; to a pipe or file it stays exact, because scripts consume it: JSON escapes
/// control characters itself, and paths are sanitised names (SafeFileName).
class Console
{
public:
    /// Neither device is owned; both must be open for writing. Whether standard output is a terminal is asked of
    /// `out` (a QFile on a terminal's descriptor).
    Console(QIODevice *out, QIODevice *err, bool errIsTerminal);
    Console(QIODevice *out, QIODevice *err, bool errIsTerminal, bool outIsTerminal);

    /// `text` without control characters and escape sequences: every C0 control but "\n" and "\t", DEL, every C1
    /// control (U+0080-U+009F), and whole sequences: CSI (ESC [ or U+009B, parameters, intermediates, final byte),
    /// OSC, DCS, SOS, PM and APC strings (ESC ] P X ^ _ or U+009D U+0090 U+0098 U+009E U+009F, up to BEL or ST:
    /// ESC \ or U+009C), and the other escape sequences (ESC, intermediates, final byte). A sequence is dropped
    /// however long it is; one that is cut (by CAN, SUB, another ESC or the end of the text) is dropped up to the cut,
    /// as a terminal would abandon it. The text around sequences is kept. Never longer than `text`; idempotent.
    static QString printable(const QString &text);

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
    bool m_outIsTerminal;
    bool m_progressShown = false;
};

} // namespace getbill::cli
