#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace getbill::sandbox {

/// Writes RFC 4180 CSV in UTF-8 (comma separated, CRLF line ends, fields quoted only when needed).
class CsvWriter
{
public:
    static QByteArray write(const QList<QStringList> &rows);
};

} // namespace getbill::sandbox
