#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

// Reads standard input line by line without ever blocking the event loop: the descriptor is put
// in non-blocking mode and read only when the loop says it is readable.
class StdinLineReader : public QObject
{
    Q_OBJECT
public:
    explicit StdinLineReader(QObject *parent = nullptr);
    ~StdinLineReader() override; // gives the terminal back its original flags

    void start();

Q_SIGNALS:
    void lineRead(const QString &line);
    void endOfInput();

private:
    void onReadable();
    void emitLines();

    int m_savedFlags = -1;
    QByteArray m_buffer;
    QSocketNotifier *m_notifier = nullptr;
    bool m_ended = false;
};
