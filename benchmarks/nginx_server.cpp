// getbill-nginx: tests/support's NginxServer as a process of its own, for scripts/bench: nginx on loopback with a
// throw-away CA, HTTP/2 on one port and HTTP/1.1 only on another, secure_link on /files/. Prints where everything
// is as KEY=VALUE lines, then READY=1, and runs until SIGTERM or SIGINT (then stops nginx and removes its folder).
//
//   getbill-nginx [--workers N]
#include "BenchSupport.h"
#include "NginxServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdio>

using namespace getbill;
using namespace getbill::bench;
using Protocol = test::NginxServer::Protocol;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("nginx as the benchmarks' download host."));
    parser.addHelpOption();
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("nginx worker processes."),
                                     QStringLiteral("N"), QStringLiteral("1"));
    parser.addOption(workers);
    parser.process(app);

    test::NginxServer nginx;
    test::NginxServer::Options options;
    options.workers = parser.value(workers).toInt();
    if (!nginx.start(options)) {
        std::fprintf(stderr, "getbill-nginx: %s\n", qPrintable(nginx.errorString()));
        return 1;
    }
    printValue("FILES_H2", nginx.filesUrl(Protocol::Http2).toString());
    printValue("FILES_H1", nginx.filesUrl(Protocol::Http1).toString());
    printValue("PORT_H2", QString::number(nginx.port(Protocol::Http2)));
    printValue("PORT_H1", QString::number(nginx.port(Protocol::Http1)));
    printValue("SECRET", QString::fromLatin1(nginx.secret()));
    printValue("FOLDER", nginx.filesFolder());
    printValue("CA_BUNDLE", nginx.caBundlePath());
    printValue("ACCESS_LOG", nginx.accessLogPath());
    if (!quitOnTermination())
        return 1;
    printValue("READY", QStringLiteral("1"));
    const int status = app.exec();
    nginx.stop();
    return status;
}
