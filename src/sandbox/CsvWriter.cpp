#include "sandbox/CsvWriter.h"

namespace getbill::sandbox {

using namespace Qt::Literals::StringLiterals;

QByteArray CsvWriter::write(const QList<QStringList> &rows)
{
    QByteArray out;
    for (const QStringList &row : rows) {
        for (int i = 0; i < row.size(); ++i) {
            if (i > 0)
                out += ',';
            QString field = row[i];
            if (field.contains(u',') || field.contains(u'"') || field.contains(u'\n') || field.contains(u'\r'))
                field = u'"' + field.replace(u"\""_s, u"\"\""_s) + u'"';
            out += field.toUtf8();
        }
        out += "\r\n";
    }
    return out;
}

} // namespace getbill::sandbox
