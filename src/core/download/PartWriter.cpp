#include "download/PartWriter.h"

#include "download/FileCommit.h"

#include <cerrno>
#include <cstring>

namespace getbill {

PartWriter::PartWriter(QString partPath, QObject *parent) : QObject(parent), m_file(std::move(partPath))
{}

QString PartWriter::systemError() const
{
    // QFile says "Unknown error" for a short write; the system's reason (disk full, file too large) helps more.
    const int savedErrno = errno;
    bool known = savedErrno == ENOSPC || savedErrno == EFBIG || savedErrno == EIO;
#ifdef EDQUOT
    known = known || savedErrno == EDQUOT;
#endif
    if (known)
        return QString::fromLocal8Bit(std::strerror(savedErrno)) + QLatin1Char('.');
    return m_file.errorString();
}

void PartWriter::open(qint64 resumeSize)
{
    m_hash.reset();
    m_total = 0;
    m_failed = false;
    if (resumeSize > 0) {
        if (m_file.open(QIODevice::ReadWrite) && m_hash.addData(&m_file) && m_file.pos() == resumeSize) {
            m_total = resumeSize;
            emit opened(resumeSize, {});
            return;
        }
        m_file.close();
        m_hash.reset();
        QFile::remove(m_file.fileName());
    }
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        m_failed = true;
        emit opened(0, m_file.errorString());
        return;
    }
    emit opened(0, {});
}

void PartWriter::write(const QByteArray &chunk)
{
    if (m_failed || !m_file.isOpen())
        return;
    if (m_file.write(chunk) != chunk.size()) {
        m_failed = true;
        emit writeFailed(systemError());
        return;
    }
    m_hash.addData(chunk);
    m_total += chunk.size();
    emit written(m_generation, m_total);
}

void PartWriter::truncate()
{
    if (!m_file.isOpen())
        return;
    m_file.resize(0);
    m_file.seek(0);
    m_hash.reset();
    m_total = 0;
    m_failed = false;
    ++m_generation;
}

void PartWriter::finish()
{
    if (m_failed || !m_file.isOpen()) {
        emit finished({}, m_file.errorString());
        return;
    }
    if (!m_file.flush() || !FileCommit::syncToDisk(m_file.handle())) {
        const QString error = systemError();
        m_file.close();
        emit finished({}, error);
        return;
    }
    m_file.close();
    emit finished(m_hash.result(), {});
}

void PartWriter::close()
{
    if (m_file.isOpen()) {
        m_file.flush();
        m_file.close();
    }
}

} // namespace getbill
