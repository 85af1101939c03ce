// The baseline for whole-process figures: the smallest useful QWebSocket client, as someone
// would write it with Qt alone. Connects to ws://127.0.0.1:PORT/, counts text messages, and exits
// when the server closes (or after COUNT messages). bench_bareclient PORT COUNT
#include <QCoreApplication>
#include <QWebSocket>

#include <cstdio>
#include <cstdlib>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return 2;
    const int port = std::atoi(argv[1]);
    const long expected = std::atol(argv[2]);
    long count = 0;
    QWebSocket socket;
    QObject::connect(&socket, &QWebSocket::textMessageReceived, &app, [&] {
        if (++count == expected)
            app.exit(0);
    });
    QObject::connect(
        &socket, &QWebSocket::disconnected, &app, [&] { app.exit(count == expected ? 0 : 1); });
    socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    const int status = app.exec();
    std::fprintf(stderr, "%ld messages\n", count);
    return status;
}
