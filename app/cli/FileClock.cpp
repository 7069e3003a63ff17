#include "FileClock.h"

#include <QFile>

namespace getbill::cli {

FileClock::FileClock(QString path, QObject *parent) : ManualClock(0, parent), m_path(std::move(path))
{
    readFile();
    m_poll.setInterval(5);
    connect(&m_poll, &QTimer::timeout, this, &FileClock::readFile);
    m_poll.start();
}

void FileClock::readFile()
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    bool ok = false;
    const qint64 ms = file.read(64).trimmed().toLongLong(&ok);
    if (ok)
        set(ms);
}

} // namespace getbill::cli
