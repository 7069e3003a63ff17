#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace getbill::preview {

class SheetBuilder;

/// The RFC 4180 state machine of CsvReader, fed decoded text chunk by chunk. Rows past what the builder keeps are
/// still parsed (quotes decide where a row ends) and counted, but their fields are not built. A record longer than
/// CsvReader::maxLineChars or wider than TablePreview::maxColumns stops it with an error for the user.
class CsvParser
{
public:
    CsvParser(QChar delimiter, SheetBuilder *builder, qint64 *totalRows);

    /// False on an error (error() says which); the parser is then done.
    bool feed(QStringView text);
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

    bool step(QChar c);
    void append(QChar c)
    {
        if (m_storing)
            m_field.append(c);
    }
    bool lineBreak(QChar c);
    bool endField();
    bool endRecord();

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

} // namespace getbill::preview
