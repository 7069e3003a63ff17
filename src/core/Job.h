#pragma once

#include "api/ApiError.h"

#include <QObject>

namespace getbill {

/// The one shape of long work in this project: a job reports progress, can be cancelled, and emits `finished`
/// exactly once, after which error() tells how it ended. The creator owns the job (parent it, or deleteLater on
/// finished); a job never deletes itself.
class Job : public QObject
{
    Q_OBJECT
public:
    explicit Job(QObject *parent = nullptr);
    ~Job() override;

    bool isFinished() const { return m_finished; }
    bool succeeded() const { return m_finished && !m_error.isError(); }
    const ApiError &error() const { return m_error; }

public slots:
    /// Stops the work; finished() follows with Kind::Cancelled unless the job had already finished. Idempotent.
    void cancel();

signals:
    /// `total` is -1 while unknown.
    void progress(qint64 done, qint64 total);
    void finished();

protected:
    void emitSuccess();
    void emitFailure(const ApiError &error);
    /// Releases whatever is running (replies, timers, files). Called once, before finished() on cancel.
    virtual void abortWork() = 0;

private:
    bool m_finished = false;
    ApiError m_error;
};

} // namespace getbill
