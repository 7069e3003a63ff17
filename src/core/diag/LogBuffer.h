#pragma once

#include <QMutex>
#include <QString>
#include <QStringList>
#include <functional>

namespace getbill {

/// The last lines the process logged (qDebug, qCInfo, qWarning ...), for the diagnostics report: a ring of at most
/// `capacity` lines, each redacted (Redactor) when it is taken, so no secret is ever kept. Thread-safe: Qt calls the
/// message handler on whatever thread logs.
///
/// install() makes it the process's Qt message handler and chains every message on to the handler that was there
/// before (standard error, journald), unless an echo takes it. Qt's handler is a plain function, so one static
/// pointer (the trampoline) names the installed buffer: it is set only by install() and cleared by uninstall() (the
/// destructor calls it), and at most one buffer is installed at a time. There is no instance() and no other global:
/// the application object owns the buffer.
class LogBuffer
{
public:
    static constexpr int defaultCapacity = 200;

    /// Gets each redacted line with its category; returns true when it has shown the message itself (the CLI's
    /// --verbose prints request lines through its console), so that the previous handler does not print it again.
    using Echo = std::function<bool(const QString &category, const QString &line)>;

    explicit LogBuffer(int capacity = defaultCapacity);
    ~LogBuffer();
    LogBuffer(const LogBuffer &) = delete;
    LogBuffer &operator=(const LogBuffer &) = delete;

    /// Becomes the Qt message handler; false when another LogBuffer is installed already.
    bool install();
    void uninstall();
    bool isInstalled() const;

    /// Secrets to remove from every line from now on (the current token), on top of the Redactor's patterns.
    void setKnownSecrets(const QStringList &secrets);
    /// Set before install(); called on the logging thread.
    void setEcho(Echo echo);

    /// Takes one line (also what the handler does); `category` may be empty.
    void append(const QString &category, const QString &message);
    /// Oldest first.
    QStringList lines() const;
    int capacity() const { return m_capacity; }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);

    const int m_capacity;
    mutable QMutex m_mutex;
    QStringList m_lines; ///< a ring: m_next is the oldest once full
    int m_next = 0;
    QStringList m_secrets;
    Echo m_echo;
    QtMessageHandler m_previous = nullptr;
};

} // namespace getbill
