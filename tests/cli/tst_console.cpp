// Console: server text reaches a terminal as plain text. printable() directly, then what each channel does with it on
// a terminal (a real pseudo-terminal), a pipe and a buffer.
#include "Console.h"

#include <QBuffer>
#include <QFile>
#include <QTest>
#include <fcntl.h>
#include <unistd.h>

using getbill::cli::Console;

namespace {
QString u(const char16_t *text)
{
    return QString::fromUtf16(text);
}

/// The properties of every printable() result.
QString whatIsWrong(const QString &input, const QString &output)
{
    for (const QChar c : output) {
        const char16_t v = c.unicode();
        if (v == 0x1B)
            return QStringLiteral("an ESC");
        if ((v < 0x20 && v != u'\n' && v != u'\t') || v == 0x7F)
            return QStringLiteral("the C0 control %1").arg(int(v));
        if (v >= 0x80 && v <= 0x9F)
            return QStringLiteral("the C1 control %1").arg(int(v));
    }
    if (output.size() > input.size())
        return QStringLiteral("longer than the input");
    if (Console::printable(output) != output)
        return QStringLiteral("not idempotent");
    return {};
}

/// Everything the master side of a pseudo-terminal has to read now.
QByteArray drain(int fd)
{
    QByteArray all;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        all.append(buffer, qsizetype(n));
    }
    return all;
}
} // namespace

class TestConsole : public QObject
{
    Q_OBJECT

private slots:
    void printable_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << u(u"Report ready") << u(u"Report ready");
        QTest::newRow("tab and new line kept") << u(u"a\tb\nc\n") << u(u"a\tb\nc\n");
        QTest::newRow("unicode kept") << u(u"Relevé été \U0001F4C8 ½") << u(u"Relevé été \U0001F4C8 ½");
        // CSI
        QTest::newRow("CSI colour") << u(u"\x1b[31mred\x1b[0m") << u(u"red");
        QTest::newRow("CSI parameters and intermediate") << u(u"\x1b[1;2 qx") << u(u"x");
        QTest::newRow("CSI private: hide the cursor") << u(u"\x1b[?25lhidden") << u(u"hidden");
        QTest::newRow("CSI clear screen, home") << u(u"\x1b[2J\x1b[Hafter") << u(u"after");
        QTest::newRow("CSI cut by a new line") << u(u"\x1b[31\nx") << u(u"\nx");
        QTest::newRow("CSI cut by a non-ASCII character") << u(u"\x1b[3é") << u(u"é");
        QTest::newRow("CSI at the end, no final") << u(u"a\x1b[12;") << u(u"a");
        // OSC
        QTest::newRow("OSC title, BEL") << u(u"\x1b]0;pwned\x07text") << u(u"text");
        QTest::newRow("OSC title, ST") << u(u"\x1b]2;pwned\x1b\\text") << u(u"text");
        QTest::newRow("OSC 8 hyperlink") << u(u"\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\") << u(u"click");
        QTest::newRow("OSC 52 clipboard") << u(u"\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07ok") << u(u"ok");
        QTest::newRow("OSC cut by CAN") << u(u"\x1b]0;t\x18rest") << u(u"rest");
        QTest::newRow("OSC cut by SUB") << u(u"\x1b]0;t\x1arest") << u(u"rest");
        QTest::newRow("OSC cut by a CSI") << u(u"\x1b]0;t\x1b[31mred") << u(u"red");
        QTest::newRow("OSC unterminated at the end") << u(u"a\x1b]0;title") << u(u"a");
        QTest::newRow("OSC with a new line inside") << u(u"\x1b]0;a\nb\x07"
                                                         u"c")
                                                    << u(u"c");
        // DCS, SOS, PM, APC
        QTest::newRow("DCS") << u(u"\x1bP1$r0m\x1b\\x") << u(u"x");
        QTest::newRow("SOS") << u(u"\x1bXsos\x1b\\x") << u(u"x");
        QTest::newRow("PM") << u(u"\x1b^pm\x1b\\x") << u(u"x");
        QTest::newRow("APC") << u(u"\x1b_apc\x1b\\x") << u(u"x");
        // Other escape sequences
        QTest::newRow("reset the terminal") << u(u"\x1b"
                                                 u"creset")
                                            << u(u"reset");
        QTest::newRow("save and restore the cursor") << u(u"\x1b"
                                                          u"7saved\x1b"
                                                          u"8")
                                                     << u(u"saved");
        QTest::newRow("reverse index") << u(u"\x1bMup") << u(u"up");
        QTest::newRow("keypad mode") << u(u"\x1b=x\x1b>") << u(u"x");
        QTest::newRow("character set") << u(u"\x1b(0qqq\x1b(B") << u(u"qqq");
        QTest::newRow("screen alignment") << u(u"\x1b#8x") << u(u"x");
        // 8-bit C1 forms
        QTest::newRow("8-bit CSI") << u(u"\u009b31mred\u009b0m") << u(u"red");
        QTest::newRow("8-bit CSI clear screen") << u(u"\u009b2Jx") << u(u"x");
        QTest::newRow("8-bit OSC, 8-bit ST") << u(u"\u009d0;title\u009ctext") << u(u"text");
        QTest::newRow("8-bit OSC, BEL") << u(u"\u009d0;title\x07text") << u(u"text");
        QTest::newRow("8-bit OSC, 7-bit ST") << u(u"\u009d0;title\x1b\\text") << u(u"text");
        QTest::newRow("8-bit DCS") << u(u"\u0090q#0\u009cx") << u(u"x");
        QTest::newRow("8-bit SOS PM APC") << u(u"\u0098a\u009cx\u009eb\u009cy\u009fc\u009cz") << u(u"xyz");
        QTest::newRow("stray ST") << u(u"\u009cx") << u(u"x");
        QTest::newRow("NEL and other C1") << u(u"a\u0085b\u0080\u0099\u0084c") << u(u"abc");
        // C0 controls that rewrite what a line shows
        QTest::newRow("carriage return overwrite")
            << u(u"Invoice 2024\rAll your base") << u(u"Invoice 2024All your base");
        QTest::newRow("CR LF") << u(u"line\r\n") << u(u"line\n");
        QTest::newRow("backspaces") << u(u"safe\b\b\b\bevil") << u(u"safeevil");
        QTest::newRow("BEL DEL NUL VT FF") << QString::fromUtf16(u"a\x07"
                                                                 u"b\x7f"
                                                                 u"c\0d\x0b"
                                                                 u"e\x0c"
                                                                 u"f",
                                                                 11)
                                           << u(u"abcdef");
        // ESC that starts nothing
        QTest::newRow("lone ESC at the end") << u(u"text\x1b") << u(u"text");
        QTest::newRow("ESC ESC") << u(u"\x1b\x1b[31mx") << u(u"x");
        QTest::newRow("ESC before a new line") << u(u"a\x1b\nb") << u(u"a\nb");
        QTest::newRow("ESC before a non-ASCII character") << u(u"\x1bé") << u(u"é");
        QTest::newRow("ESC and intermediates at the end") << u(u"a\x1b(") << u(u"a");
        QTest::newRow("ESC before a C1 CSI") << u(u"\x1b\u009b31mx") << u(u"x");
    }

    void printable()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QString output = Console::printable(input);
        QCOMPARE(output, expected);
        QCOMPARE(whatIsWrong(input, output), QString());
    }

    void veryLongSequencesAreDroppedWhole()
    {
        const QString csi = u(u"before\x1b[") + u(u"1;").repeated(500'000) + u(u"mafter");
        QCOMPARE(Console::printable(csi), u(u"beforeafter"));
        const QString osc = u(u"before\x1b]52;c;") + QString(1 << 20, QLatin1Char('A')) +
                            u(u"\x07"
                              u"after");
        QCOMPARE(Console::printable(osc), u(u"beforeafter"));
        const QString dcs8 = u(u"before\u0090") + QString(1 << 20, QLatin1Char('q')) +
                             u(u"\u009c"
                               u"after");
        QCOMPARE(Console::printable(dcs8), u(u"beforeafter"));
        // Unterminated: dropped to the end, as the terminal would have swallowed it.
        const QString open = u(u"before\x1b]0;") + QString(1 << 20, QLatin1Char('t'));
        QCOMPARE(Console::printable(open), u(u"before"));
        // Many introducers in a row: each one ends the previous, no rescanning.
        const QString many = u(u"\x1b]").repeated(300'000) +
                             u(u"\x07"
                               u"x") +
                             u(u"\x1b").repeated(300'000) + u(u"é");
        QCOMPARE(Console::printable(many), u(u"xé")); // ("ESC y" would be a sequence)
    }

    void messagesAreStrippedEvenOnAPipe()
    {
        QBuffer out;
        QBuffer err;
        QVERIFY(out.open(QIODevice::WriteOnly) && err.open(QIODevice::WriteOnly));
        Console console(&out, &err, false, false);
        console.message(u(u"\x1b]0;owned\x07Report \x1b[31mfailed\x1b[0m\r"));
        console.error(u(u"GetBill said: \u009b2Jbad token"));
        QCOMPARE(err.data(), QByteArray("Report failed\nerror: GetBill said: bad token\n"));
        QCOMPARE(out.data(), QByteArray());
    }

    void resultsToAPipeStayExact()
    {
        QBuffer out;
        QBuffer err;
        QVERIFY(out.open(QIODevice::WriteOnly) && err.open(QIODevice::WriteOnly));
        Console console(&out, &err, false); // a QBuffer is no terminal
        console.printLine(u(u"{\"title\":\"a\u009bb\"}"));
        console.print(u(u"x\x1b[0m"));
        QCOMPARE(out.data(), (u(u"{\"title\":\"a\u009bb\"}\nx\x1b[0m")).toUtf8());
    }

    void resultsToATerminalAreStripped()
    {
        QBuffer out;
        QBuffer err;
        QVERIFY(out.open(QIODevice::WriteOnly) && err.open(QIODevice::WriteOnly));
        Console console(&out, &err, false, true);
        console.printLine(u(u"report_a  \x1b]0;x\x07Title\rX"));
        console.print(u(u"a\u009b31mb\n"));
        QCOMPARE(out.data(), QByteArray("report_a  TitleX\nab\n"));
    }

    void progressKeepsOnlyItsOwnControls()
    {
        QBuffer out;
        QBuffer err;
        QVERIFY(out.open(QIODevice::WriteOnly) && err.open(QIODevice::WriteOnly));
        Console console(&out, &err, true, false);
        console.progress(u(u"\x1b]0;t\x07report_a 50%\r"));
        console.message(u(u"done"));
        QCOMPARE(err.data(), QByteArray("\r\x1b[Kreport_a 50%\r\x1b[Kdone\n"));
    }

    void terminalIsDetectedOnTheDescriptor()
    {
        // A real pseudo-terminal as standard output: stripped. A pipe: exact.
        const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
        QVERIFY(master >= 0);
        QCOMPARE(::grantpt(master), 0);
        QCOMPARE(::unlockpt(master), 0);
        const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY);
        QVERIFY(slave >= 0);
        QCOMPARE(::fcntl(master, F_SETFL, O_NONBLOCK), 0);
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        QCOMPARE(::fcntl(pipeFds[0], F_SETFL, O_NONBLOCK), 0);
        {
            QFile terminal;
            QFile pipe;
            QBuffer err;
            QVERIFY(terminal.open(slave, QIODevice::WriteOnly | QIODevice::Unbuffered));
            QVERIFY(pipe.open(pipeFds[1], QIODevice::WriteOnly | QIODevice::Unbuffered));
            QVERIFY(err.open(QIODevice::WriteOnly));
            Console onTerminal(&terminal, &err, false);
            onTerminal.print(u(u"a\x1b]0;t\x07"
                               u"b"));
            Console onPipe(&pipe, &err, false);
            onPipe.print(u(u"a\x1b]0;t\x07"
                           u"b"));
        }
        QByteArray shown; // accumulated: QTRY_* evaluates once more at the end, and drain() consumes
        QTRY_VERIFY((shown += drain(master)).size() >= 2);
        QCOMPARE(shown, QByteArray("ab"));
        QCOMPARE(drain(pipeFds[0]), QByteArray("a\x1b]0;t\x07"
                                               "b"));
        for (const int fd : {master, slave, pipeFds[0], pipeFds[1]})
            ::close(fd);
    }
};

QTEST_APPLESS_MAIN(TestConsole)
#include "tst_console.moc"
