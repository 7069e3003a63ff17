#include "diag/LogBuffer.h"

#include "diag/Redactor.h"

#include <QDateTime>
#include <QMutexLocker>
#include <QScopeGuard>
#include <cstdio>

namespace getbill {

namespace {
// The trampoline from Qt's plain-function handler to the one installed buffer (see the class comment). Guarded by
// its own mutex so that install/uninstall and a message on another thread never see a buffer half gone.
LogBuffer *installed = nullptr;
QMutex installMutex;

QString typeName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("critical");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return {};
}
} // namespace

LogBuffer::LogBuffer(int capacity) : m_capacity(std::max(1, capacity))
{}

LogBuffer::~LogBuffer()
{
    uninstall();
}

bool LogBuffer::install()
{
    QMutexLocker lock(&installMutex);
    if (installed)
        return installed == this;
    installed = this;
    m_previous = qInstallMessageHandler(&LogBuffer::handler);
    return true;
}

void LogBuffer::uninstall()
{
    QMutexLocker lock(&installMutex);
    if (installed != this)
        return;
    qInstallMessageHandler(m_previous);
    m_previous = nullptr;
    installed = nullptr;
}

bool LogBuffer::isInstalled() const
{
    QMutexLocker lock(&installMutex);
    return installed == this;
}

void LogBuffer::setKnownSecrets(const QStringList &secrets)
{
    QMutexLocker lock(&m_mutex);
    m_secrets = secrets;
}

void LogBuffer::setEcho(Echo echo)
{
    QMutexLocker lock(&m_mutex);
    m_echo = std::move(echo);
}

void LogBuffer::append(const QString &category, const QString &message)
{
    QMutexLocker lock(&m_mutex);
    QString line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + QLatin1Char(' ');
    if (!category.isEmpty())
        line += category + QLatin1String(": ");
    line += Redactor::redact(message, m_secrets);
    if (m_lines.size() < m_capacity) {
        m_lines.append(line);
    } else {
        m_lines[m_next] = line;
        m_next = (m_next + 1) % m_capacity;
    }
}

QStringList LogBuffer::lines() const
{
    QMutexLocker lock(&m_mutex);
    QStringList ordered = m_lines.mid(m_next);
    ordered += m_lines.mid(0, m_next);
    return ordered;
}

void LogBuffer::handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    // A message logged while a message is being taken (by Qt itself, inside the redaction) must not lock again.
    static thread_local bool inside = false;
    if (inside)
        return;
    inside = true;
    const auto leave = qScopeGuard([] { inside = false; });
    QtMessageHandler previous = nullptr;
    Echo echo;
    QStringList secrets;
    {
        QMutexLocker lock(&installMutex);
        if (!installed)
            return;
        LogBuffer *self = installed;
        const QString category = context.category && qstrcmp(context.category, "default") != 0
                                     ? QString::fromUtf8(context.category)
                                     : QString();
        self->append(category, typeName(type) + QLatin1String(": ") + message);
        previous = self->m_previous;
        QMutexLocker own(&self->m_mutex);
        echo = self->m_echo;
        secrets = self->m_secrets;
    }
    const QString category = context.category ? QString::fromUtf8(context.category) : QString();
    const QString redacted = Redactor::redact(message, secrets);
    if (echo && echo(category, redacted))
        return;
    if (previous) {
        previous(type, context, redacted);
    } else {
        // Qt's own default handler: reinstalling nothing and calling qt_message_output would recurse.
        fprintf(stderr, "%s\n", qPrintable(redacted));
    }
}

} // namespace getbill
