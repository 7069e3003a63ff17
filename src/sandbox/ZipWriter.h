#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace getbill::sandbox {

/// A minimal ZIP archive writer (STORED entries, no compression) for the sample XLSX files: enough for every
/// spreadsheet reader, with no dependency on zlib or a third-party library.
class ZipWriter
{
public:
    void addFile(const QString &name, const QByteArray &data);
    QByteArray finish() const;

    static quint32 crc32(const QByteArray &data);

private:
    struct Entry
    {
        QByteArray name;
        QByteArray data;
        quint32 crc = 0;
    };
    QList<Entry> m_entries;
};

} // namespace getbill::sandbox
