#pragma once

#include <QList>
#include <QObject>
#include <QUrl>

namespace getbill::test {

/// Records the URLs something asks the desktop to open: install it with QDesktopServices::setUrlHandler (Qt's own
/// hook for a scheme's handler).
class UrlRecorder : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public slots:
    void open(const QUrl &url) { urls << url; }
};

} // namespace getbill::test
