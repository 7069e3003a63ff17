#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QStringList>

namespace getbill::test {

/// One finished run of getbill-reports-cli.
struct CliRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Runs the CLI without blocking the event loop, so that a sandbox served by this process can answer it.
inline CliRun runCli(const QStringList &args, const QProcessEnvironment &environment, const QByteArray &input = {})
{
    QProcess p;
    p.setProcessEnvironment(environment);
    p.start(QStringLiteral(GETBILL_CLI), args);
    CliRun run;
    if (!p.waitForStarted(10'000))
        return run;
    p.write(input);
    p.closeWriteChannel();
    QSignalSpy finished(&p, &QProcess::finished);
    if (!finished.wait(60'000)) {
        p.kill();
        p.waitForFinished();
    }
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.out = p.readAllStandardOutput();
    run.err = p.readAllStandardError();
    return run;
}

} // namespace getbill::test
