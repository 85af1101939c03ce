#pragma once

#include <QAbstractButton>
#include <QApplication>
#include <QDeadlineTimer>
#include <QPointer>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

// Window tests answer modal dialogs the way a person would: whenDialogOpens() waits for the next
// one and answers it; an answer not used within 10 s is dropped, so it cannot answer another
// test's dialog. A test's cleanup() calls dropDialogAnswers().
namespace DialogAnswers {

inline QList<QPointer<QTimer>> &pending()
{
    static QList<QPointer<QTimer>> timers;
    return timers;
}

inline void dropDialogAnswers()
{
    for (const QPointer<QTimer> &timer : std::as_const(pending()))
        delete timer.data();
    pending().clear();
}

} // namespace DialogAnswers

inline void whenDialogOpens(const std::function<void(QWidget *)> &answer)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    auto deadline = std::make_shared<QDeadlineTimer>(10000);
    QObject::connect(timer, &QTimer::timeout, [timer, answer, deadline] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog && !deadline->hasExpired())
            return;
        timer->stop();
        timer->deleteLater();
        if (dialog)
            answer(dialog);
    });
    DialogAnswers::pending() << timer;
    timer->start();
}

inline void clickButton(QWidget *dialog, const QString &text)
{
    for (QAbstractButton *b : dialog->findChildren<QAbstractButton *>()) {
        if (b->text().remove(QLatin1Char('&')) == text) {
            QTest::mouseClick(b, Qt::LeftButton);
            return;
        }
    }
    qFatal("no button %s", qPrintable(text));
}
