// bare_window: the smallest Qt Widgets program that shows a window; window_startup's yardstick for how long
// getbill-reports takes to its first window.
#include <QApplication>
#include <QLabel>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QLabel window(QStringLiteral("A bare Qt Widgets window"));
    window.resize(1000, 700);
    window.show();
    return app.exec();
}
