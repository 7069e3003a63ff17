#pragma once

#include "Clock.h"

#include <QTimer>

namespace getbill::cli {

/// The clock of the end-to-end tests' knob GETBILL_TEST_CLOCK_FILE: the time is the number (milliseconds since the
/// epoch) in a file that the test writes as it moves its sandbox's clock, re-read every few milliseconds; timers
/// fire when the file's time reaches them. So a child process waits for an hour-long rate-limit window exactly until
/// the test says the hour has passed, and never in real time. Not for production use.
class FileClock : public ManualClock
{
    Q_OBJECT
public:
    /// Reads the file at once (the time is 0 until it holds a number).
    explicit FileClock(QString path, QObject *parent = nullptr);

private:
    void readFile();

    QString m_path;
    QTimer m_poll;
};

} // namespace getbill::cli
