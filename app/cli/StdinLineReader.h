#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

// Reads standard input line by line without ever blocking the event loop: the descriptor is put
// in non-blocking mode and read only when the loop says it is readable, a bounded amount at a
// time (a file or /dev/zero is always readable). A line longer than MaxLineBytes is skipped, not
// kept: memory stays bounded whatever is piped in.
class StdinLineReader : public QObject
{
    Q_OBJECT
public:
    // The longest line kept: as large as the largest message Sockscope receives by default.
    static constexpr qsizetype MaxLineBytes = 64LL * 1024 * 1024;
    // Read per turn of the event loop.
    static constexpr qsizetype ReadBytesPerTurn = 1024LL * 1024;

    explicit StdinLineReader(QObject *parent = nullptr);
    // Reads another descriptor the same way (a pipe in the tests).
    StdinLineReader(int descriptor, QObject *parent);
    ~StdinLineReader() override; // gives the terminal back its original flags

    void start();

Q_SIGNALS:
    void lineRead(const QString &line);
    // A line grew past MaxLineBytes: it is dropped up to its end.
    void lineSkipped();
    void endOfInput();

private:
    void onReadable();
    void take(const char *data, qsizetype size);
    void emitLine();

    const int m_descriptor;
    int m_savedFlags = -1;
    QByteArray m_line;
    bool m_skippingLine = false;
    QSocketNotifier *m_notifier = nullptr;
    bool m_ended = false;
};
