// Sockscope, a desktop WebSocket inspector.
// SPDX-License-Identifier: GPL-3.0-or-later

#include "CommandLine.h"
#include "ConnectionPage.h"
#include "ConnectionSettings.h"
#include "MainWindow.h"
#include "SignalWatcher.h"
#include "Version.h"

#include <QApplication>
#include <QCoreApplication>
#include <QFileInfo>
#include <QStringList>

#include <csignal>
#include <cstdio>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {

// Each connection thread hands a batch (about 0.75 MiB at full rate) to another thread, which frees
// it later. glibc's default gives the free top of a heap back to the system past about twice the
// largest block freed so far, so at a flood's pace most batches land on fresh pages: ~10,000 page
// faults per million messages, twice that while recording (the writer holds batches longer). Kept
// for reuse instead, up to TrimBytes per heap; blocks above MmapBytes (a 16 MiB message) still go
// back to the system when freed.
void keepFreedMemoryForReuse()
{
#ifdef __GLIBC__
    constexpr int MmapBytes = 4 * 1024 * 1024;
    constexpr int TrimBytes = 32 * 1024 * 1024;
    mallopt(M_MMAP_THRESHOLD, MmapBytes);
    mallopt(M_TRIM_THRESHOLD, TrimBytes);
#endif
}

void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("sockscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Sockscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOCKSCOPE_VERSION));
}

// `sockscope [--demo] [URL...]`: the window, connecting at once to each URL.
int runWindow(int argc, char *argv[])
{
    QApplication app(argc, argv);
    describeApplication();
    QApplication::setApplicationDisplayName(QStringLiteral("Sockscope"));
    QApplication::setDesktopFileName(QStringLiteral("io.github.sockscope.Sockscope"));
    MainWindow window;
    // SIGINT/SIGTERM close the window like the user would: every connection is shut down first.
    SignalWatcher signalWatcher({SIGINT, SIGTERM});
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived, &window, &QWidget::close);
    bool demo = false;
    QStringList urls;
    QStringList files;
    for (const QString &argument : app.arguments().mid(1)) {
        if (argument == QLatin1String("--demo"))
            demo = true;
        else if (QFileInfo(argument).isFile())
            files << argument; // a recording (or a HAR file) to open
        else
            urls << argument;
    }
    for (const QString &file : std::as_const(files)) {
        QString error;
        if (file.endsWith(QLatin1String(".har"), Qt::CaseInsensitive)
            && !window.importHar(file, &error))
            std::fprintf(stderr, "sockscope: %s\n", qPrintable(error));
        else if (!file.endsWith(QLatin1String(".har"), Qt::CaseInsensitive))
            window.openRecording(file);
    }
    for (const QString &url : std::as_const(urls))
        window.openUrl(url); // with the saved defaults; an invalid URL shows its error on the page
    if (demo)
        window.startDemo();
    if (window.pages().isEmpty() && window.recordingPages().isEmpty())
        window.newConnection();
    window.show();
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    keepFreedMemoryForReuse();
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    if (CommandLine::isCommandLine(arguments)) {
        QCoreApplication app(argc, argv);
        describeApplication();
        return CommandLine::run(app.arguments());
    }
    return runWindow(argc, argv);
}
