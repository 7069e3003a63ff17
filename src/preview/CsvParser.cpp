#include "preview/CsvParser.h"

#include "preview/CsvReader.h"
#include "preview/SheetBuilder.h"

#include <utility>

namespace getbill::preview {

CsvParser::CsvParser(QChar delimiter, SheetBuilder *builder, qint64 *totalRows)
    : m_delimiter(delimiter), m_builder(builder), m_totalRows(totalRows), m_storing(builder->wantsRows())
{}

bool CsvParser::feed(QStringView text)
{
    for (const QChar c : text) {
        if (!step(c))
            return false;
    }
    return true;
}

bool CsvParser::step(QChar c)
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

bool CsvParser::lineBreak(QChar c)
{
    ++m_line;
    m_afterCr = c == u'\r';
    return endRecord();
}

bool CsvParser::endField()
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

bool CsvParser::endRecord()
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

} // namespace getbill::preview
