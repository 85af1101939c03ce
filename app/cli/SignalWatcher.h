#pragma once

#include <QObject>

#include <initializer_list>

class QSocketNotifier;

// Turns Unix signals (SIGINT, SIGTERM) into a Qt signal delivered by the event loop: the handler
// only writes the signal number into a socket pair (the self-pipe trick), which the loop watches.
// Nothing polls, and the loop reacts at once whatever the program is doing.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    SignalWatcher(std::initializer_list<int> signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override; // restores the default handlers

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    static void handle(int signalNumber);
    void onReadable();

    QList<int> m_signals;
    QSocketNotifier *m_notifier = nullptr;
};
